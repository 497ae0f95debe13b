/*
 * lxprocfs: the server of the zone's lxproc files.  See lxprocfs.h for the theory.
 *
 * The FUSE protocol is spoken directly on /dev/fuse (linux/fuse.h): the file system is one
 * flat directory whose entries are the rows of lxproc_files by index, and only what such a
 * file system needs is answered (INIT, LOOKUP, GETATTR, OPEN, READ, RELEASE, FLUSH, the
 * directory's OPENDIR/READDIR/RELEASEDIR, STATFS); anything else is ENOSYS, which the kernel
 * takes as "not supported" (xattrs, poll, lseek fall back to its defaults).
 */

#include "zone/lxprocfs.h"
#include "zone/launch/launch.h"
#include "lib/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/fuse.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc/lxproc.h"
#include "proc/lxzonepage.h"

#define INO_FIRST   2		 /* row k is inode INO_FIRST + k; the root is FUSE_ROOT_ID */
#define TEXT_MAX    (16u << 20)	 /* a generated text never grows past this */
#define CACHED_MAX  (64u << 20)	 /* texts kept for open descriptors, all together */
#define IN_BUF	    (64u << 10)	 /* >= FUSE_MIN_READ_BUFFER, and max_write + headers */
#define OUT_BUF	    (1u << 20)	 /* a READ never asks more than max_pages (256) pages */
#define NOBODY	    65534	 /* the server gives up root once the file system is up */
#define MOUNT_WAIT  (60 * 100)	 /* 10 ms steps: how long the server waits for the mount */
#define ATTR_VALID  3600	 /* seconds: attributes never change */
#define SPLICE_SIZE (1ull << 30) /* the kernel's i_size while a file is open: see do_open */

#define FUSE_RDEV makedev(10, 229) /* /dev/fuse: misc FUSE_MINOR (linux/miscdevice.h) */

struct handle {
	char *text; /* the text made at the last read at offset 0, NULL: none */
	size_t len;
	int row;  /* -1: free */
	int rdwr; /* opened for writing (root on a /proc file): reads and writes fail */
};

struct host_text {
	const char *name; /* under proc_root */
	uint32_t input;
	char *buf;
	size_t cap, len;
};

struct lxprocfs_srv {
	char page_path[4096];
	const volatile struct lxzone_page *page;
	size_t page_len;
	struct lxzone_page snap;
	char kver[65], release[65], proc[4096];
	int zone_pids; /* requests carry the reader's pid in the zone's namespace, not the host's */
	uint64_t start_sec; /* the files' times */
	struct handle *h;
	size_t nh;
	size_t cached;
	char *scratch;
	size_t scratch_cap;
	struct host_text host[6];
	struct lxproc_disknames dn;
	/* a notification to write to /dev/fuse before the reply (lxprocfs_srv_notify) */
	char notify[sizeof(struct fuse_out_header) + sizeof(struct fuse_notify_store_out) + 1];
	size_t notify_len;
};

/* ---- Rows and binds ---- */

static int is_sysfs_or_sysctl(const char *path)
{
	return strncmp(path, "/sys/", 5) == 0 || strncmp(path, "/proc/sys/", 10) == 0;
}

size_t lxprocfs_binds(const char *kver, struct lxprocfs_bind *out)
{
	size_t n = 0;
	int has_kver = kver && *kver;

	for (uint32_t k = 0; k < lxproc_nfiles && n < LXPROCFS_MAXFILES; k++) {
		const struct lxproc_file *f = &lxproc_files[k];

		if (f->gen == lxproc_ostype)
			continue; /* always "Linux": the kernel's is right */
		/* without a kernel-version these show the host's release, as the kernel does */
		if (!has_kver && (f->gen == lxproc_version || f->gen == lxproc_osrelease))
			continue;
		snprintf(out[n].name, sizeof(out[n].name), "%u", k % 1000u);
		out[n].zone = f->path;
		n++;
	}
	return n;
}

/* ---- Text ---- */

static uint64_t boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Maps the page, once it exists and is long enough; 0 or -1. */
static int map_page(struct lxprocfs_srv *s)
{
	struct stat st;
	int fd;
	void *m;

	if (s->page)
		return 0;
	if (!s->page_path[0])
		return -1;
	fd = open(s->page_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_size < sizeof(struct lxzone_page)) {
		close(fd);
		return -1;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return -1;
	s->page = m;
	s->page_len = (size_t)st.st_size;
	return 0;
}

/* The whole of a host file into h's buffer (grown as needed). */
static struct lx_text read_host(const struct lxprocfs_srv *s, struct host_text *h)
{
	char path[4200];
	struct lx_text t = {"", 0};
	ssize_t r;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", s->proc, h->name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return t;
	h->len = 0;
	for (;;) {
		if (h->len == h->cap) {
			size_t cap = h->cap ? h->cap * 2 : 16384;
			char *n = cap <= TEXT_MAX ? realloc(h->buf, cap) : NULL;

			if (!n)
				break;
			h->buf = n;
			h->cap = cap;
		}
		r = read(fd, h->buf + h->len, h->cap - h->len);
		if (r <= 0)
			break;
		h->len += (size_t)r;
	}
	close(fd);
	t.p = h->buf ? h->buf : "";
	t.len = h->len;
	return t;
}

/* The reader's pid in its own (innermost) pid namespace, from the host's view of it; 0. */
static uint32_t reader_nspid(const struct lxprocfs_srv *s, uint32_t pid)
{
	char buf[4096], *line;
	uint32_t last = 0;

	if (!pid || zone_read_text(buf, sizeof(buf), "%s/%u/status", s->proc, pid) <= 0)
		return 0;
	line = strstr(buf, "\nNSpid:");
	if (!line)
		return 0;
	for (char *p = line + 7; *p && *p != '\n';) {
		char *end;
		unsigned long v = strtoul(p, &end, 10);

		if (end == p)
			break;
		last = (uint32_t)v;
		p = end;
	}
	return last;
}

/*
 * The boottime offset of the reader's time namespace against the host's, in ns (0 when it
 * cannot be told). The brand reads its own CLOCK_BOOTTIME, which the kernel offsets; this
 * server runs in the host's time namespace, so it applies the reader's offset itself, else a
 * process that unshared a time namespace would see sysinfo().uptime and /proc/uptime differ
 * (LTP sysinfo03). timens_offsets (readable by anyone, unlike the ns links, and this server
 * runs as nobody) shows the namespace of the reader's children: the reader's own unless it
 * unshared one and has not forked since, a moment nothing reads /proc/uptime in.
 */
static int64_t reader_boot_offset(const struct lxprocfs_srv *s, uint32_t pid)
{
	char buf[256], *line;
	long long sec = 0, nsec = 0;

	if (!pid || s->zone_pids ||
	    zone_read_text(buf, sizeof(buf), "%s/%u/timens_offsets", s->proc, pid) <= 0)
		return 0;
	line = strstr(buf, "boottime");
	if (!line || sscanf(line + 8, "%lld %lld", &sec, &nsec) != 2)
		return 0;
	return (int64_t)sec * 1000000000 + nsec;
}

/* Fills v for row f as the brand's build_view does (emul/zoneview.c); 0 or -errno. */
static int build_view(struct lxprocfs_srv *s, const struct lxproc_file *f, uint32_t pid,
		      struct lxproc_view *v)
{
	uint32_t inputs = f->inputs;

	if (map_page(s) < 0 || lxzone_page_read(s->page, &s->snap) < 0)
		return -EIO;
	lxproc_view_init(v);
	v->kver = s->kver;
	v->host_release = s->release;
	/* the server is outside the zone's time namespace: its clock is the page's, and a
	 * reader's is that plus its namespace's offset and the page's timens_boot_ns
	 * (lxzone_page_host_ns), 0 for a reader in the zone's own namespace */
	uint64_t now = boottime_ns();
	if (inputs & (LXPROC_IN_TIME | LXPROC_IN_CPUTIME)) {
		int64_t off = reader_boot_offset(s, pid);
		if (off)
			now += (uint64_t)off + s->snap.timens_boot_ns;
	}
	lxproc_view_from_page(v, &s->snap, now, &s->dn);
	if (inputs & LXPROC_IN_LASTPID)
		lxproc_view_live_pid(v, s->zone_pids ? pid : reader_nspid(s, pid));
	if (inputs & (LXPROC_IN_TIME | LXPROC_IN_CPUTIME | LXPROC_IN_CPUS))
		inputs |= LXPROC_IN_HOST_STAT;
	for (size_t i = 0; i < sizeof(s->host) / sizeof(s->host[0]); i++) {
		struct host_text *h = &s->host[i];
		struct lx_text t;

		if (!(inputs & h->input))
			continue;
		t = read_host(s, h);
		lxproc_view_set_host(v, h->input, t);
	}
	return 0;
}

/* The text of row k now, into s->scratch; its length, or -errno. */
static long render(struct lxprocfs_srv *s, int k, uint32_t pid)
{
	const struct lxproc_file *f = &lxproc_files[k];
	struct lxproc_view v;
	struct lx_buf b;
	int r = build_view(s, f, pid, &v);

	if (r < 0)
		return r;
	for (size_t cap = s->scratch_cap ? s->scratch_cap : 65536; cap <= TEXT_MAX; cap *= 2) {
		if (cap > s->scratch_cap) {
			char *n = realloc(s->scratch, cap);

			if (!n)
				return -ENOMEM;
			s->scratch = n;
			s->scratch_cap = cap;
		}
		lx_buf_init(&b, s->scratch, s->scratch_cap);
		r = f->gen(&v, &b);
		if (r == LXPROC_ETRUNC || b.trunc)
			continue;
		return r < 0 ? -EIO : (long)b.len;
	}
	return -EFBIG;
}

/* ---- Requests ---- */

struct reply {
	char *out;
	size_t cap;
};

static size_t reply_err(const struct fuse_in_header *in, void *out, int err)
{
	struct fuse_out_header *o = out;

	o->len = sizeof(*o);
	o->error = -err;
	o->unique = in->unique;
	return sizeof(*o);
}

static size_t reply_ok(const struct fuse_in_header *in, void *out, const void *arg, size_t len)
{
	struct fuse_out_header *o = out;

	o->len = (uint32_t)(sizeof(*o) + len);
	o->error = 0;
	o->unique = in->unique;
	if (len)
		memcpy(o + 1, arg, len);
	return sizeof(*o) + len;
}

static int row_of(uint64_t nodeid)
{
	if (nodeid < INO_FIRST || nodeid >= INO_FIRST + (uint64_t)lxproc_nfiles)
		return -1;
	return (int)(nodeid - INO_FIRST);
}

static void fill_attr(const struct lxprocfs_srv *s, uint64_t nodeid, struct fuse_attr *a)
{
	int k = row_of(nodeid);

	memset(a, 0, sizeof(*a));
	a->ino = nodeid;
	a->atime = a->mtime = a->ctime = s->start_sec;
	if (k < 0) {
		a->mode = S_IFDIR | 0555;
		a->nlink = 2;
		a->blksize = 4096;
		return;
	}
	/* as procfs and sysfs show them: size 0 (sysfs: 4096), 0444, root's */
	a->mode = S_IFREG | 0444;
	a->nlink = 1;
	a->size = strncmp(lxproc_files[k].path, "/sys/", 5) == 0 ? 4096 : 0;
	a->blksize = a->size ? 4096 : 1024;
}

static size_t do_init(const struct fuse_in_header *in, const void *arg, size_t alen, void *out)
{
	const struct fuse_init_in *ii = arg;
	struct fuse_init_out o;

	if (alen < 8 || ii->major != FUSE_KERNEL_VERSION)
		return reply_err(in, out, EPROTO);
	memset(&o, 0, sizeof(o));
	o.major = FUSE_KERNEL_VERSION;
	o.minor = ii->minor < FUSE_KERNEL_MINOR_VERSION ? ii->minor : FUSE_KERNEL_MINOR_VERSION;
	o.max_write = 4096;
	o.time_gran = 1000000000;
	o.max_background = 16;
	o.congestion_threshold = 12;
	return reply_ok(in, out, &o, o.minor < 23 ? FUSE_COMPAT_22_INIT_OUT_SIZE : sizeof(o));
}

static size_t do_lookup(struct lxprocfs_srv *s, const struct fuse_in_header *in, const char *name,
			size_t nlen, void *out)
{
	struct fuse_entry_out e;
	char *end;
	unsigned long k;

	if (in->nodeid != FUSE_ROOT_ID || nlen == 0 || name[nlen - 1] != '\0' || !name[0])
		return reply_err(in, out, ENOENT);
	k = strtoul(name, &end, 10);
	if (*end || k >= lxproc_nfiles || (name[0] == '0' && name[1]))
		return reply_err(in, out, ENOENT);
	memset(&e, 0, sizeof(e));
	e.nodeid = INO_FIRST + k;
	e.entry_valid = e.attr_valid = ATTR_VALID;
	fill_attr(s, e.nodeid, &e.attr);
	return reply_ok(in, out, &e, sizeof(e));
}

/* A free handle slot (grown as needed), or -1. */
static long handle_new(struct lxprocfs_srv *s, int row)
{
	for (size_t i = 0; i < s->nh; i++)
		if (s->h[i].row < 0) {
			s->h[i] = (struct handle){NULL, 0, row, 0};
			return (long)i;
		}
	size_t n = s->nh ? s->nh * 2 : 64;
	struct handle *h = n < (1u << 24) ? realloc(s->h, n * sizeof(*h)) : NULL;

	if (!h)
		return -1;
	for (size_t i = s->nh; i < n; i++)
		h[i].row = -1;
	s->h = h;
	s->nh = n;
	return handle_new(s, row);
}

static struct handle *handle_get(struct lxprocfs_srv *s, uint64_t fh)
{
	if (fh == 0 || fh > s->nh || s->h[fh - 1].row < 0)
		return NULL;
	return &s->h[fh - 1];
}

static void handle_drop_text(struct lxprocfs_srv *s, struct handle *h)
{
	if (h->text) {
		s->cached -= h->len;
		free(h->text);
	}
	h->text = NULL;
	h->len = 0;
}

static size_t do_open(struct lxprocfs_srv *s, const struct fuse_in_header *in,
		      const struct fuse_open_in *oi, void *out)
{
	struct fuse_open_out o;
	int k = row_of(in->nodeid);
	long slot;
	int wr;

	if (k < 0)
		return reply_err(in, out, EISDIR);
	wr = (oi->flags & O_ACCMODE) != O_RDONLY;
	/* sysctl and sysfs files refuse even root; other /proc entries open and refuse writes */
	if (wr && is_sysfs_or_sysctl(lxproc_files[k].path))
		return reply_err(in, out, EACCES);
	slot = handle_new(s, k);
	if (slot < 0)
		return reply_err(in, out, ENFILE);
	s->h[slot].rdwr = wr;
	/*
	 * splice and sendfile (busybox cat) of a FOPEN_DIRECT_IO file go through the page cache
	 * on kernels without "fuse: use copy_splice_read for FOPEN_DIRECT_IO", and read no
	 * further than i_size, which is procfs's 0 here.  So before the open completes the
	 * kernel's i_size is raised (a one-byte store far out; the open then drops the page
	 * cache, FOPEN_KEEP_CACHE being unset); the page-cache read at offset 0 makes the text,
	 * and its short reply shrinks i_size to the text's end, where splice stops.  read(2)
	 * never looks at i_size.  stat still says 0, as procfs does.
	 */
	{
		struct fuse_out_header *nh = (struct fuse_out_header *)s->notify;
		struct fuse_notify_store_out *ns = (struct fuse_notify_store_out *)(nh + 1);

		memset(s->notify, 0, sizeof(s->notify));
		nh->len = sizeof(s->notify);
		nh->error = FUSE_NOTIFY_STORE;
		ns->nodeid = in->nodeid;
		ns->offset = SPLICE_SIZE - 1;
		ns->size = 1;
		s->notify_len = sizeof(s->notify);
	}
	memset(&o, 0, sizeof(o));
	o.fh = (uint64_t)slot + 1;
	o.open_flags = FOPEN_DIRECT_IO;
	return reply_ok(in, out, &o, sizeof(o));
}

static size_t do_read(struct lxprocfs_srv *s, const struct fuse_in_header *in,
		      const struct fuse_read_in *ri, void *out, size_t cap)
{
	struct handle *h = handle_get(s, ri->fh);
	const char *text;
	size_t len, n;
	long r;

	if (!h)
		return reply_err(in, out, EBADF);
	if (h->rdwr)
		return reply_err(in, out, EIO);
	/* seq_file's rule: offset 0 makes the text, later offsets read what it made */
	if (ri->offset == 0 || !h->text) {
		handle_drop_text(s, h);
		r = render(s, h->row, in->pid);
		if (r < 0)
			return reply_err(in, out, (int)-r);
		text = s->scratch;
		len = (size_t)r;
		/* kept for the descriptor's next reads, within a bound for all of them (a guest
		 * holding many open files must not grow the server without end) */
		if (s->cached + len <= CACHED_MAX && (h->text = malloc(len ? len : 1)) != NULL) {
			memcpy(h->text, text, len);
			h->len = len;
			s->cached += len;
		}
	} else {
		text = h->text;
		len = h->len;
	}
	if (ri->offset >= len)
		return reply_ok(in, out, NULL, 0);
	n = len - ri->offset;
	if (n > ri->size)
		n = ri->size;
	if (n > cap - sizeof(struct fuse_out_header))
		n = cap - sizeof(struct fuse_out_header);
	return reply_ok(in, out, text + ri->offset, n);
}

size_t lxprocfs_srv_handle(struct lxprocfs_srv *s, const void *req, size_t len, void *out,
			   size_t cap)
{
	const struct fuse_in_header *in = req;
	const char *arg = (const char *)(in + 1);
	size_t alen;

	s->notify_len = 0;
	if (len < sizeof(*in) || in->len != len || cap < OUT_BUF / 16)
		return 0; /* not a request: nothing to answer */
	alen = len - sizeof(*in);
	switch (in->opcode) {
	case FUSE_INIT:
		return do_init(in, arg, alen, out);
	case FUSE_LOOKUP:
		return do_lookup(s, in, arg, alen, out);
	case FUSE_FORGET:
	case FUSE_BATCH_FORGET:
	case FUSE_INTERRUPT:
		return 0;
	case FUSE_GETATTR: {
		struct fuse_attr_out a;

		if (in->nodeid != FUSE_ROOT_ID && row_of(in->nodeid) < 0)
			return reply_err(in, out, ENOENT);
		memset(&a, 0, sizeof(a));
		a.attr_valid = ATTR_VALID;
		fill_attr(s, in->nodeid, &a.attr);
		return reply_ok(in, out, &a, sizeof(a));
	}
	case FUSE_OPEN:
		if (alen < sizeof(struct fuse_open_in))
			return reply_err(in, out, EINVAL);
		return do_open(s, in, (const struct fuse_open_in *)arg, out);
	case FUSE_READ:
		if (alen < sizeof(struct fuse_read_in))
			return reply_err(in, out, EINVAL);
		return do_read(s, in, (const struct fuse_read_in *)arg, out, cap);
	case FUSE_RELEASE: {
		const struct fuse_release_in *ri = (const void *)arg;
		struct handle *h = alen >= sizeof(*ri) ? handle_get(s, ri->fh) : NULL;

		if (h) {
			handle_drop_text(s, h);
			h->row = -1;
		}
		return reply_ok(in, out, NULL, 0);
	}
	case FUSE_FLUSH:
		/* nothing to flush: ENOSYS once, and the kernel stops asking (a round trip less
		 * on every close) */
		return reply_err(in, out, ENOSYS);
	case FUSE_RELEASEDIR:
		return reply_ok(in, out, NULL, 0);
	case FUSE_WRITE:
		return reply_err(in, out, EIO); /* what /proc answers root's write */
	case FUSE_SETATTR:
		return reply_err(in, out, EPERM);
	case FUSE_OPENDIR: {
		struct fuse_open_out o = {0, 0, 0};

		if (in->nodeid != FUSE_ROOT_ID)
			return reply_err(in, out, ENOTDIR);
		return reply_ok(in, out, &o, sizeof(o));
	}
	case FUSE_READDIR:
		return reply_ok(in, out, NULL, 0); /* nobody lists the detached root */
	case FUSE_STATFS: {
		struct fuse_statfs_out st;

		memset(&st, 0, sizeof(st));
		st.st.bsize = st.st.frsize = 4096;
		st.st.namelen = 255;
		return reply_ok(in, out, &st, sizeof(st));
	}
	default:
		return reply_err(in, out, ENOSYS);
	}
}

struct lxprocfs_srv *lxprocfs_srv_new(const char *page_path, const char *kver,
				      const char *proc_root)
{
	static const struct {
		const char *name;
		uint32_t input;
	} files[] = {
	    {"meminfo", LXPROC_IN_HOST_MEMINFO},     {"stat", LXPROC_IN_HOST_STAT},
	    {"cpuinfo", LXPROC_IN_HOST_CPUINFO},     {"swaps", LXPROC_IN_HOST_SWAPS},
	    {"diskstats", LXPROC_IN_HOST_DISKSTATS}, {"version", LXPROC_IN_HOST_VERSION},
	};
	struct lxprocfs_srv *s = calloc(1, sizeof(*s));
	struct utsname u;
	struct timespec now;

	if (!s)
		return NULL;
	snprintf(s->page_path, sizeof(s->page_path), "%s", page_path ? page_path : "");
	snprintf(s->kver, sizeof(s->kver), "%s", kver ? kver : "");
	snprintf(s->proc, sizeof(s->proc), "%s", proc_root ? proc_root : "/proc");
	if (uname(&u) == 0)
		snprintf(s->release, sizeof(s->release), "%s", u.release);
	clock_gettime(CLOCK_REALTIME, &now);
	s->start_sec = (uint64_t)now.tv_sec;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		s->host[i].name = files[i].name;
		s->host[i].input = files[i].input;
	}
	return s;
}

void lxprocfs_srv_free(struct lxprocfs_srv *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nh; i++)
		free(s->h[i].text);
	free(s->h);
	for (size_t i = 0; i < sizeof(s->host) / sizeof(s->host[0]); i++)
		free(s->host[i].buf);
	free(s->scratch);
	if (s->page)
		munmap((void *)s->page, s->page_len);
	free(s);
}

void lxprocfs_plan_opts(struct lxprocfs *fs, struct lxprocfs_bind *binds,
			struct launch_lxproc_file *files, struct launch_opts *opts)
{
	size_t n = lxprocfs_binds(opts->kernel_version, binds);

	for (size_t i = 0; i < n; i++) {
		files[i].name = binds[i].name;
		files[i].zone = binds[i].zone;
	}
	opts->lxproc_files = files;
	opts->nlxproc_files = n;
	opts->lxproc_fuse_fd = fs->fd;
	opts->lxproc_wake_fd = &fs->wake;
	opts->lxproc_kernel = 1;
}

/* ---- The server process ---- */

void lxprocfs_init(struct lxprocfs *fs)
{
	fs->fd = -1;
	fs->pid = 0;
	fs->pidfd = -1;
	fs->wake = fs->wake_rd = -1;
}

int lxprocfs_open(struct lxprocfs *fs, struct zone_error *err)
{
	struct stat st;
	int wake[2];

	lxprocfs_init(fs);
	fs->fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fs->fd < 0)
		return zone_error_set(err, errno, "open /dev/fuse");
	/* FUSE's own node (misc 10:229), not whatever sits at the path (a sandbox that hides FUSE
	 * binds /dev/null there): the mount would refuse any other, after PID 1 was set up to
	 * trap no open, and the zone would not start at all instead of falling back */
	if (fstat(fs->fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != FUSE_RDEV) {
		close(fs->fd);
		fs->fd = -1;
		return zone_error_set(err, ENODEV, "/dev/fuse is not the FUSE device");
	}
	if (pipe2(wake, O_CLOEXEC) == 0) { /* without it, the server looks every 10 ms */
		fs->wake_rd = wake[0];
		fs->wake = wake[1];
	}
	return 0;
}

/* Gives up root: the server reads only world-readable files.  Best effort. */
static void drop_privileges(void)
{
	if (setgroups(0, NULL) == 0 && setgid(NOBODY) == 0)
		(void)!setuid(NOBODY);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

/* Until the file system is mounted: the mounter's byte on wake (then *wake = -1), or 10 ms. */
static void wait_mount(int *wake)
{
	struct pollfd p = {.fd = *wake, .events = POLLIN};

	if (*wake < 0) {
		struct timespec ts = {0, 10000000};
		nanosleep(&ts, NULL);
	} else if (poll(&p, 1, 10) != 0) {
		close(*wake); /* woken, or no writer left: the 10 ms looks from here on */
		*wake = -1;
	}
}

static __attribute__((noreturn)) void serve(int fd, int wake, const char *page_path,
					    const char *kver, int zone_pids, pid_t parent)
{
	struct lxprocfs_srv *s = lxprocfs_srv_new(page_path, kver, "/proc");
	char *in = malloc(IN_BUF), *out = malloc(OUT_BUF);
	int waited = 0;

	if (!s || !in || !out)
		_exit(1);
	s->zone_pids = zone_pids;
	/* while still root: the page may sit in a directory only root may enter */
	map_page(s);
	drop_privileges();
	/* after the credentials change, which clears it; a parent gone already: stop now */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	for (;;) {
		ssize_t n = read(fd, in, IN_BUF);
		size_t r;

		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN || errno == ENOENT)
				continue;
			/* not mounted yet: the plan mounts it once the zone's root is in place */
			if (errno == EPERM && waited++ < MOUNT_WAIT) {
				wait_mount(&wake);
				continue;
			}
			_exit(errno == ENODEV ? 0 : 1); /* ENODEV: unmounted, the zone is gone */
		}
		r = lxprocfs_srv_handle(s, in, (size_t)n, out, OUT_BUF);
		if (r && s->notify_len)
			(void)!write(fd, s->notify, s->notify_len);
		/* ENOENT: the reader was interrupted meanwhile; nothing to do */
		if (r && write(fd, out, r) < 0 && errno == ENODEV)
			_exit(0);
	}
}

int lxprocfs_start(struct lxprocfs *fs, const char *page_path, const char *kver, int zone_pids,
		   struct zone_error *err)
{
	pid_t parent = getpid(), pid;

	if (fs->fd < 0)
		return zone_error_set(err, EBADF, "lxproc files: no /dev/fuse");
	pid = fork();
	if (pid < 0)
		return zone_error_set(err, errno, "lxproc files: fork the server");
	if (pid == 0) {
		sigset_t none;
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		prctl(PR_SET_NAME, "lxprocfs", 0, 0, 0);
		/* nothing of the supervisor's but /dev/fuse, as 3, the wake pipe's read end, as
		 * 4, and stderr */
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
		}
		if (dup2(fs->fd, 3) < 0 || (fs->wake_rd >= 0 && dup2(fs->wake_rd, 4) < 0))
			_exit(1);
		syscall(SYS_close_range, fs->wake_rd >= 0 ? 5 : 4, ~0U, 0);
		serve(3, fs->wake_rd >= 0 ? 4 : -1, page_path, kver, zone_pids, parent);
	}
	if (fs->wake_rd >= 0)
		close(fs->wake_rd);
	fs->wake_rd = -1;
	fs->pid = pid;
	fs->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	return 0;
}

void lxprocfs_stop(struct lxprocfs *fs)
{
	if (fs->pidfd >= 0) {
		/* by its pidfd: a supervisor's waitpid(-1) may have reaped it, its pid reused */
		siginfo_t si;

		syscall(SYS_pidfd_send_signal, fs->pidfd, SIGKILL, NULL, 0);
		waitid(P_PIDFD, (id_t)fs->pidfd, &si, WEXITED);
		close(fs->pidfd);
	}
	fs->pidfd = -1;
	fs->pid = 0;
	if (fs->fd >= 0)
		close(fs->fd);
	fs->fd = -1;
	if (fs->wake >= 0)
		close(fs->wake);
	if (fs->wake_rd >= 0)
		close(fs->wake_rd);
	fs->wake = fs->wake_rd = -1;
}
