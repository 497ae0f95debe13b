/*
 * /proc and /sys as a zone sees them: what is masked, what is read-only, and why.
 *
 * A zone mounts its own proc (of its pid namespace) and sysfs (of its network namespace), but
 * much of both is the host kernel's, not the zone's: /proc/sys holds host-global knobs
 * (kernel.core_pattern makes the kernel run a helper as host root, and writing a sysctl
 * needs no capability), /proc/kcore and /proc/kallsyms are the host kernel's memory and
 * layout, /sys/firmware its firmware.  The table below is the whole policy, one row per path:
 *
 *   mask       an empty read-only file (a file) or an empty read-only tmpfs (a directory)
 *              over it: reads give nothing, an open for writing gives EROFS, as a runtime's
 *              masked path does (runc binds /dev/null, whose writes vanish: stricter here);
 *   read-only  the path bound read-only over itself: an open for writing gives EROFS (or
 *              EACCES first, for a file whose mode has no write bit, as on Linux);
 *   rw-own-ns  a path under a read-only one made writable again, only when the zone owns
 *              the namespace whose knobs it holds (the kernel's own set: /proc/sys/net of
 *              its network namespace, the IPC knobs of its IPC namespace, ...): the knob is
 *              then the zone's, and the kernel's permission check decides the write, as
 *              for any process of that namespace (a user-namespaced zone's root is root of
 *              its own namespaces only).  Nothing else under /proc/sys is: every knob not
 *              in the kernel's per-namespace sets acts on the whole host.
 *
 * The launcher turns the rows into plan operations (launch_plan.c: LOP_MASK, LOP_READ_ONLY,
 * LOP_READ_WRITE right after the proc or sysfs mount, so `--dry-run` prints them), made
 * before pivot_root; the mount service (zone/mountd.c) applies the /proc rows to a proc the
 * zone mounts itself before attaching it; docs/security-paths.md is printed from the table.
 * Where the zone runs in a user namespace, the kernel locks every one of these mounts: the
 * zone can neither unmount them nor bind the proc under them without them (EINVAL).
 *
 * The list is Docker's default (maskedPaths, readonlyPaths) plus what a root in a zone could
 * still read of the host's kernel: symbol and page-frame addresses, the kernel log, the
 * vmalloc layout.  A path the running kernel does not have is skipped.
 */
#include "zone/launch/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define DOCKER_MASK "masked by runc/Docker"
#define DOCKER_RO   "read-only in runc/Docker"
#define STRICTER    "readable in runc/Docker: lxzone is stricter"
#define SETTABLE                                                                                   \
	"read-only in runc/Docker, set at create through OCI `linux.sysctl` (`--sysctl`), which "  \
	"accepts this namespaced key"

/* An IPC knob of /proc/sys/kernel (ipc/ipc_sysctl.c): the writer's IPC namespace's; owned by
 * the root of the user namespace that owns it. */
#define IPC_ROW(name)                                                                              \
	{                                                                                          \
		"/proc/sys/kernel/" name, LAUNCH_PATH_RW_OWN_NS, CLONE_NEWIPC,                     \
		    "System V IPC limit of the zone's own IPC namespace", SETTABLE                 \
	}

const struct launch_path launch_paths[] = {
    /* /proc: read-only */
    {"/proc/sys", LAUNCH_PATH_RO, 0,
     "host-global kernel knobs: kernel.core_pattern (a helper run as host root), vm.drop_caches, "
     "kernel.panic, fs.file-max; writing a sysctl needs no capability",
     DOCKER_RO "; LXC `proc:mixed`: read-only"},
    /* The kernel's per-namespace knobs (the set OCI's linux.sysctl accepts, and the pid and
     * user namespaces'), each writable again where the zone owns that namespace: the
     * kernel looks the knob up in the writer's namespace (ipc/ipc_sysctl.c,
     * ipc/mq_sysctl.c, kernel/utsname_sysctl.c, kernel/pid_namespace.c, kernel/ucount.c,
     * net/sysctl_net.c), so a write changes the zone's namespace and never the host's. */
    {"/proc/sys/net", LAUNCH_PATH_RW_OWN_NS, CLONE_NEWNET,
     "per network namespace: with its own namespace the knobs are the zone's (ip_forward, its "
     "interfaces'); with the host's (`lxrun --net host`, `net=shared`) it stays read-only",
     DOCKER_RO " (set through `--sysctl`)"},
    IPC_ROW("shmmax"),
    IPC_ROW("shmall"),
    IPC_ROW("shmmni"),
    IPC_ROW("shm_rmid_forced"),
    IPC_ROW("msgmax"),
    IPC_ROW("msgmnb"),
    IPC_ROW("msgmni"),
    IPC_ROW("auto_msgmni"),
    IPC_ROW("sem"),
    IPC_ROW("msg_next_id"),
    IPC_ROW("sem_next_id"),
    IPC_ROW("shm_next_id"),
    {"/proc/sys/fs/mqueue", LAUNCH_PATH_RW_OWN_NS, CLONE_NEWIPC,
     "POSIX message queue limits of the zone's own IPC namespace (ipc/mq_sysctl.c)", SETTABLE},
    {"/proc/sys/kernel/hostname", LAUNCH_PATH_RW_OWN_NS, CLONE_NEWUTS,
     "the zone's own UTS namespace's name, as sethostname(2) sets it (the kernel lets only "
     "the host's root write the file: a user-namespaced zone gets EACCES)",
     SETTABLE},
    {"/proc/sys/kernel/domainname", LAUNCH_PATH_RW_OWN_NS, CLONE_NEWUTS,
     "the zone's own UTS namespace's NIS domain name, as setdomainname(2) sets it (EACCES in "
     "a user-namespaced zone, as hostname)",
     SETTABLE},
    {"/proc/sys/kernel/ns_last_pid", LAUNCH_PATH_RW_OWN_NS, CLONE_NEWPID,
     "the last pid handed out in the writer's pid namespace (CRIU's restore); the kernel "
     "asks CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE over that namespace",
     "read-only in runc/Docker (not a `linux.sysctl` key)"},
    {"/proc/sys/user", LAUNCH_PATH_RW_OWN_NS, CLONE_NEWUSER,
     "user.max_*: how many namespaces and inotify/fanotify objects the zone's own user "
     "namespace may hold; every ancestor's limit still counts, so the host's bound holds. "
     "A privileged zone (the host's user namespace) keeps it read-only",
     "read-only in runc/Docker (not a `linux.sysctl` key)"},
    {"/proc/sysrq-trigger", LAUNCH_PATH_RO, 0, "one character reboots, crashes or freezes the host",
     DOCKER_RO "; LXC `proc:mixed`: read-only"},
    {"/proc/irq", LAUNCH_PATH_RO, 0, "the host's interrupt affinities", DOCKER_RO},
    {"/proc/bus", LAUNCH_PATH_RO, 0, "the host's PCI configuration space and input devices",
     DOCKER_RO},
    {"/proc/fs", LAUNCH_PATH_RO, 0, "host file system tunables (nfsd, xfs, ext4 per device)",
     DOCKER_RO},
    /* /proc: masked */
    {"/proc/kcore", LAUNCH_PATH_MASK, 0, "the host's memory as an ELF core file", DOCKER_MASK},
    {"/proc/kallsyms", LAUNCH_PATH_MASK, 0,
     "kernel symbol addresses (defeat KASLR) for a reader with CAP_SYSLOG", STRICTER},
    {"/proc/kmsg", LAUNCH_PATH_MASK, 0,
     "the host's kernel log; reading it takes the messages away from the host's syslog", STRICTER},
    {"/proc/keys", LAUNCH_PATH_MASK, 0, "the host kernel's keys and keyrings visible to root",
     DOCKER_MASK},
    {"/proc/key-users", LAUNCH_PATH_MASK, 0, "per-user key counts and quotas of the host",
     STRICTER},
    {"/proc/timer_list", LAUNCH_PATH_MASK, 0,
     "every pending timer of the host, with task names and kernel addresses", DOCKER_MASK},
    {"/proc/timer_stats", LAUNCH_PATH_MASK, 0, "timer usage of host tasks (kernels before 4.11)",
     DOCKER_MASK},
    {"/proc/latency_stats", LAUNCH_PATH_MASK, 0, "latencytop: host tasks' kernel stack traces",
     DOCKER_MASK},
    {"/proc/sched_debug", LAUNCH_PATH_MASK, 0, "every host task's name, pid and scheduler state",
     DOCKER_MASK},
    {"/proc/kpagecount", LAUNCH_PATH_MASK, 0,
     "physical page frame data: an aid to Rowhammer and page-cache side channels", STRICTER},
    {"/proc/kpageflags", LAUNCH_PATH_MASK, 0, "physical page frame flags (as kpagecount)",
     STRICTER},
    {"/proc/kpagecgroup", LAUNCH_PATH_MASK, 0, "physical page frame cgroups (as kpagecount)",
     STRICTER},
    {"/proc/vmallocinfo", LAUNCH_PATH_MASK, 0, "the kernel's virtual memory layout (KASLR)",
     STRICTER},
    {"/proc/acpi", LAUNCH_PATH_MASK, 0, "the host's ACPI state and controls (wakeup, video)",
     DOCKER_MASK},
    {"/proc/asound", LAUNCH_PATH_MASK, 0, "the host's sound cards", DOCKER_MASK},
    {"/proc/scsi", LAUNCH_PATH_MASK, 0,
     "legacy SCSI control: a write to scsi/scsi adds or removes host devices", DOCKER_MASK},
    /* /sys */
    {"/sys", LAUNCH_PATH_RO, 0,
     "the host's devices, drivers and kernel settings; the sysfs mount itself is read-only",
     DOCKER_RO},
    {"/sys/firmware", LAUNCH_PATH_MASK, 0,
     "ACPI tables, DMI, EFI variables (a writable efivarfs can brick the machine)", DOCKER_MASK},
    {"/sys/devices/virtual/powercap", LAUNCH_PATH_MASK, 0,
     "RAPL energy counters: a power side channel on other tenants' secrets (CVE-2020-8694)",
     "masked by containerd and Podman"},
    {"/sys/kernel/vmcoreinfo", LAUNCH_PATH_MASK, 0,
     "the physical address of the kernel's crash-dump notes (KASLR)", STRICTER},
};

const size_t launch_npaths = sizeof(launch_paths) / sizeof(launch_paths[0]);

static const unsigned ro_attrs =
    MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;

/* Put the detached mount m over the path open at fd; closes m.  0 or an errno. */
static int cover(int m, int fd)
{
	int e = move_mount(m, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0
		    ? errno
		    : 0;

	close(m);
	return e;
}

/* A new detached tmpfs, mode 0555, nothing in it; attrs: MOUNT_ATTR_*.  fd or -errno. */
static int new_tmpfs(unsigned attrs)
{
	int fs = fsopen("tmpfs", FSOPEN_CLOEXEC), m, e;

	if (fs < 0)
		return -errno;
	if (fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0555", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "size", "4k", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ||
	    (m = fsmount(fs, FSMOUNT_CLOEXEC, attrs)) < 0) {
		e = errno;
		close(fs);
		return -e;
	}
	close(fs);
	return m;
}

/* A detached read-only tmpfs holding one empty file, "empty" (0444), made once per plan
 * (launch_paths_done closes it): the source of every masked file.  fd or -errno. */
static int tree = -1;

void launch_paths_done(void)
{
	if (tree >= 0)
		close(tree);
	tree = -1;
}

static int empty_file_tree(void)
{
	struct mount_attr ro = {.attr_set = ro_attrs};
	int m, f, e;

	if (tree >= 0)
		return tree;
	m = new_tmpfs(MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (m < 0)
		return m;
	f = openat(m, "empty", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0444);
	if (f < 0 || close(f) < 0 || mount_setattr(m, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0) {
		e = errno;
		close(m);
		return -e;
	}
	tree = m;
	return tree;
}

static int mask(int fd)
{
	struct mount_attr ro = {.attr_set =
				    MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC};
	struct stat st;
	int m, tree;

	if (fstat(fd, &st) < 0)
		return errno;
	if (S_ISLNK(st.st_mode))
		return ELOOP; /* not a kernel file: never mount over what a link may name */
	if (S_ISDIR(st.st_mode)) {
		m = new_tmpfs(ro_attrs);
		return m < 0 ? -m : cover(m, fd);
	}
	tree = empty_file_tree();
	if (tree < 0)
		return -tree;
	m = open_tree(tree, "empty", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (m < 0 && errno == EINVAL) {
		/* a kernel that cannot clone from a detached mount: runc's mask,
		 * /dev/null, read-only (its writes still vanish: it is a device) */
		m = open_tree(AT_FDCWD, "/dev/null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (m >= 0 && mount_setattr(m, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0) {
			int e = errno;

			close(m);
			return e;
		}
	}
	return m < 0 ? errno : cover(m, fd);
}

/* The path at fd, bound over itself read-only (or writable: under a read-only bind the
 * clone starts read-only).  With the mounts under it, as runc's bind: a read-only /proc/sys
 * made after the zone's binfmt_misc (OCI's readonlyPaths come last) keeps it in sight, and
 * read-only, as every mount under a read-only path becomes. */
static int rebind(int fd, int writable)
{
	struct mount_attr attr = {.attr_set = writable ? ro_attrs & ~MOUNT_ATTR_RDONLY : ro_attrs,
				  .attr_clr = writable ? MOUNT_ATTR_RDONLY : 0};
	int m = open_tree(fd, "",
			  OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE),
	    e;

	if (m < 0)
		return errno;
	if (mount_setattr(m, "", AT_EMPTY_PATH | (writable ? 0 : AT_RECURSIVE), &attr,
			  sizeof(attr)) < 0) {
		e = errno;
		close(m);
		return e;
	}
	return cover(m, fd);
}

int launch_path_apply(int fd, int rule)
{
	switch (rule) {
	case LAUNCH_PATH_MASK:
		return mask(fd);
	case LAUNCH_PATH_RO:
		return rebind(fd, 0);
	case LAUNCH_PATH_RW_OWN_NS:
		return rebind(fd, 1);
	}
	return EINVAL;
}

int launch_owned_ns(const struct launch_opts *opts)
{
	int ns;

	if (!opts->root)
		return 0;
	ns = (CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWPID) & ~opts->joined_ns;
	if (opts->net != LAUNCH_NET_HOST)
		ns |= CLONE_NEWNET;
	if (opts->userns)
		ns |= CLONE_NEWUSER;
	return ns;
}

int launch_paths_apply_tree(int tree_fd, const char *fs_root, int owned_ns)
{
	size_t n = strlen(fs_root);

	for (size_t i = 0; i < launch_npaths; i++) {
		const struct launch_path *p = &launch_paths[i];
		int fd, e;

		if (strncmp(p->path, fs_root, n) != 0 || p->path[n] != '/')
			continue; /* another file system's, or its root (the mount's own flags) */
		if (p->rule == LAUNCH_PATH_RW_OWN_NS && !(p->ns & owned_ns))
			continue;
		fd = openat(tree_fd, p->path + n + 1, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			if (errno == ENOENT)
				continue;
			return errno;
		}
		e = launch_path_apply(fd, p->rule);
		close(fd);
		if (e) {
			launch_paths_done();
			return e;
		}
	}
	launch_paths_done();
	return 0;
}

static const char *const rule_names[] = {
    [LAUNCH_PATH_MASK] = "masked",
    [LAUNCH_PATH_RO] = "read-only",
    [LAUNCH_PATH_RW_OWN_NS] = "writable with the zone's own namespace",
};

void launch_paths_doc(FILE *out)
{
	fputs("# /proc and /sys in a zone\n"
	      "\n"
	      "<!-- Generated by docs/gen_security_paths.c from the table in "
	      "zone/launch/launch_mask.c.\n"
	      "     Do not edit: change the table, then run `make -C build docs`. A unit test\n"
	      "     fails when this file is stale. -->\n"
	      "\n"
	      "A zone mounts its own proc (of its pid namespace) and sysfs (of its network\n"
	      "namespace), but much of both belongs to the host kernel. Every zone, and every\n"
	      "`lxrun --root`, gets the rules below, made by the launcher before `pivot_root`\n"
	      "(`lxrun --dry-run` prints them as `mask`, `read-only` and `read-write`\n"
	      "operations); a proc the zone mounts itself through the mount service gets the\n"
	      "/proc rows before it is attached. A path the running kernel does not have is\n"
	      "skipped.\n"
	      "\n"
	      "What a zone sees:\n"
	      "\n"
	      "* **masked**: a file reads empty (0 bytes) and an open for writing fails with\n"
	      "  `EROFS`; a directory is an empty read-only tmpfs (creating in it: `EROFS`).\n"
	      "  runc masks files with `/dev/null`, whose writes succeed and vanish; lxzone binds\n"
	      "  an empty read-only file instead (on a kernel that cannot clone a detached\n"
	      "  mount, it falls back to a read-only `/dev/null`, as runc does).\n"
	      "* **read-only**: an open for writing fails with `EROFS`, or with `EACCES` first\n"
	      "  where the file's mode has no write bit (as on Linux: permission is checked\n"
	      "  before the mount); reads are unchanged.\n"
	      "* **writable with the zone's own namespace**: the knobs the kernel keeps per\n"
	      "  namespace, looked up in the writer's own (the set OCI's `linux.sysctl` accepts,\n"
	      "  and the pid and user namespaces' knobs), are bound writable again under the\n"
	      "  read-only `/proc/sys` where the zone owns that namespace, so a write changes the\n"
	      "  zone's namespace, never the host's. The kernel's own permission check then\n"
	      "  decides, as for any process of that namespace: a user-namespaced zone's root\n"
	      "  owns its IPC, network, pid and user namespaces' knobs, but not the UTS names'\n"
	      "  files (`EACCES`; sethostname(2) works). Every zone has its own IPC, UTS and pid\n"
	      "  namespaces; the network's is its own unless `net=shared` (`lxrun --root`:\n"
	      "  unless `--net host`); the user namespace's unless `privileged=true`. An OCI\n"
	      "  container that joins a pod's IPC, UTS or pid namespace keeps those read-only.\n"
	      "  Left read-only though namespaced on recent kernels: `kernel.pid_max` (per pid\n"
	      "  namespace only since Linux 6.14; host-global before). A proc the zone mounts\n"
	      "  itself keeps `/proc/sys/user` read-only (the mount service does not tell a\n"
	      "  privileged zone from another there).\n"
	      "\n"
	      "These mounts cannot be removed from inside: the mount service refuses to unmount,\n"
	      "move or remount lxzone's boot mounts, and refuses a non-recursive bind of a mount\n"
	      "that has them below it (`EINVAL`, the kernel's answer in a user namespace, where\n"
	      "the kernel locks them itself).\n"
	      "\n"
	      "| path | rule | why | other runtimes |\n"
	      "|---|---|---|---|\n",
	      out);
	for (size_t i = 0; i < launch_npaths; i++) {
		const struct launch_path *p = &launch_paths[i];

		fprintf(out, "| `%s` | %s | %s | %s |\n", p->path, rule_names[p->rule], p->why,
			p->peers);
	}
}
