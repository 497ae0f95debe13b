/*
 * The launcher's pure parts (cli/launch*.c): lxrun's options, the plan built from them and its
 * printed form, PATH resolution, probing (shell exit statuses, "#!" argv rewriting), the
 * LXZONE_BRAND value and the unsupported-call summary.  Only temporary files are touched.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "zone/launch/launch.h"
#include "kernel-shim/brand_abi.h"

static int parse(struct launch_opts *o, struct zone_error *e, ...)
{
	static char *args[32];
	va_list ap;
	int n = 0;
	char *a;

	args[n++] = "lxrun";
	va_start(ap, e);
	while ((a = va_arg(ap, char *)) != NULL)
		args[n++] = a;
	va_end(ap);
	args[n] = NULL;
	memset(e, 0, sizeof(*e));
	return launch_opts_parse(n, args, o, stdout, e);
}

static void test_opts_basic(void **state)
{
	struct launch_opts o;
	struct zone_error e;

	(void)state;
	assert_int_equal(parse(&o, &e, "--root", "/srv/z", "--kernel-version", "5.15.0", "--strict",
			       "--hardened", "--", "sh", "-c", "echo", NULL),
			 0);
	assert_string_equal(o.root, "/srv/z");
	assert_string_equal(o.kernel_version, "5.15.0");
	assert_true(o.strict);
	assert_true(o.hardened);
	assert_false(o.report);
	assert_false(o.dry_run);
	assert_string_equal(o.argv[0], "sh");
	assert_string_equal(o.argv[1], "-c");
	assert_string_equal(o.argv[2], "echo");
	assert_null(o.argv[3]);
	assert_int_equal(o.net_fd, -1);
}

/* --profile names the brand profile as lxzone's key does; --hardened is its short form */
static void test_opts_profile(void **state)
{
	struct launch_opts o;
	struct zone_error e;

	(void)state;
	assert_int_equal(parse(&o, &e, "--profile", "hardened", "--", "true", NULL), 0);
	assert_true(o.hardened);
	assert_int_equal(parse(&o, &e, "--hardened", "--profile", "default", "--", "true", NULL),
			 0);
	assert_false(o.hardened);
	assert_int_equal(parse(&o, &e, "--profile", "paranoid", "--", "true", NULL), -1);
	assert_int_equal(e.status, LAUNCH_EXIT_USAGE);
	assert_non_null(strstr(e.msg, "--profile paranoid"));
}

static void test_opts_program_options_are_not_ours(void **state)
{
	struct launch_opts o;
	struct zone_error e;

	(void)state;
	/* no "--": parsing stops at the program, its --strict is its own */
	assert_int_equal(parse(&o, &e, "ls", "--strict", "-l", NULL), 0);
	assert_false(o.strict);
	assert_string_equal(o.argv[0], "ls");
	assert_string_equal(o.argv[1], "--strict");
}

static void test_opts_report(void **state)
{
	struct launch_opts o;
	struct zone_error e;

	(void)state;
	assert_int_equal(parse(&o, &e, "--report-unsupported", "--", "true", NULL), 0);
	assert_true(o.report);
	assert_null(o.report_file);
	assert_int_equal(parse(&o, &e, "--report-unsupported=/tmp/r", "true", NULL), 0);
	assert_true(o.report);
	assert_string_equal(o.report_file, "/tmp/r");
	/* the optional argument only attaches with '=' */
	assert_int_equal(parse(&o, &e, "--report-unsupported", "true", NULL), 0);
	assert_null(o.report_file);
	assert_string_equal(o.argv[0], "true");
}

static void test_opts_errors(void **state)
{
	struct launch_opts o;
	struct zone_error e;

	(void)state;
	assert_int_equal(parse(&o, &e, "--bogus", "true", NULL), -1);
	assert_int_equal(e.status, 125);
	assert_non_null(strstr(e.msg, "--bogus"));
	assert_int_equal(parse(&o, &e, "--strict", NULL), -1);
	assert_int_equal(e.status, 125);
	assert_non_null(strstr(e.msg, "no program"));
	assert_int_equal(parse(&o, &e, "--root", NULL), -1);
	assert_int_equal(e.status, 125);
	assert_non_null(strstr(e.msg, "missing argument"));
	assert_int_equal(parse(&o, &e, "--kernel-version", "five", "true", NULL), -1);
	assert_int_equal(e.status, 125);
	assert_int_equal(parse(&o, &e, "--kernel-version", "5", "true", NULL), -1);
	assert_int_equal(parse(&o, &e, "--kernel-version", "4.19", "true", NULL), 0);
	assert_int_equal(parse(&o, &e, "--kernel-version", "6.1.0-13-amd64", "true", NULL), 0);
	assert_int_equal(parse(&o, &e, "--report-unsupported=", "true", NULL), -1);
	assert_int_equal(e.status, 125);
}

static void test_opts_help(void **state)
{
	struct launch_opts o;
	struct zone_error e;

	(void)state;
	assert_int_equal(parse(&o, &e, "--help", NULL), 1);
}

static const struct launch_op *find_op(const struct launch_plan *p, int kind, const char *dest)
{
	for (size_t i = 0; i < p->nops; i++)
		if (p->ops[i].kind == kind &&
		    (!dest || (p->ops[i].dest && !strcmp(p->ops[i].dest, dest))))
			return &p->ops[i];
	return NULL;
}

static size_t op_index(const struct launch_plan *p, const struct launch_op *op)
{
	return (size_t)(op - p->ops);
}

static char *argv_true[] = {"true", NULL};

static void test_plan_host(void **state)
{
	struct launch_opts o = {.argv = argv_true, .brand_image = "/b/lxzone-brand", .net_fd = -1};
	static struct launch_plan p;
	struct zone_error e = {0};

	(void)state;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	assert_int_equal(p.clone_flags, 0);
	assert_int_equal(p.nops, 0);
	assert_false(p.fork_for_wait);
	assert_string_equal(p.brand, "/b/lxzone-brand");
	o.report = 1;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	assert_true(p.fork_for_wait);
	/* zone-only options without a root are a usage error */
	o.hostname = "web";
	assert_int_equal(launch_plan_build(&o, &p, &e), -1);
	assert_int_equal(e.status, 125);
}

static void test_plan_zone(void **state)
{
	struct launch_opts o = {.argv = argv_true,
				.brand_image = "/b/lxzone-brand",
				.root = "/srv/z",
				.net_fd = -1,
				.report = 1};
	static struct launch_plan p;
	struct zone_error e = {0};
	const struct launch_op *op, *priv, *root, *proc, *dev, *pts, *pivot, *rep;
	size_t devs = 0;

	(void)state;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	assert_int_equal(p.clone_flags, CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC);
	assert_string_equal(p.report_zone, LAUNCH_ZONE_REPORT);

	priv = find_op(&p, LOP_MAKE_PRIVATE, NULL);
	root = find_op(&p, LOP_BIND_ROOT, NULL);
	proc = find_op(&p, LOP_MOUNT, "/proc");
	dev = find_op(&p, LOP_MOUNT, "/dev");
	pts = find_op(&p, LOP_MOUNT, "/dev/pts");
	pivot = find_op(&p, LOP_PIVOT_ROOT, NULL);
	rep = find_op(&p, LOP_REPORT_BIND, LAUNCH_ZONE_REPORT);
	assert_non_null(priv);
	assert_non_null(root);
	assert_non_null(proc);
	assert_non_null(dev);
	assert_non_null(pts);
	assert_non_null(pivot);
	assert_non_null(rep);
	/* order: private before any mount, root before its submounts, /dev before its
	 * contents, the report inside /dev, pivot last */
	assert_true(op_index(&p, priv) < op_index(&p, root));
	assert_true(op_index(&p, root) < op_index(&p, proc));
	assert_true(op_index(&p, dev) < op_index(&p, pts));
	assert_true(op_index(&p, dev) < op_index(&p, rep));
	assert_int_equal(op_index(&p, pivot), p.nops - 1);
	assert_string_equal(root->src, "/srv/z");
	assert_string_equal(pivot->src, "/srv/z");

	assert_string_equal(proc->fstype, "proc");
	assert_int_equal(proc->flags, MS_NOSUID | MS_NODEV | MS_NOEXEC);
	op = find_op(&p, LOP_MOUNT, "/sys");
	assert_non_null(op);
	assert_string_equal(op->fstype, "sysfs");
	assert_true(op->flags & MS_RDONLY);
	assert_string_equal(dev->fstype, "tmpfs");
	assert_true(dev->flags & MS_NOSUID);
	assert_false(dev->flags & MS_NODEV);
	assert_string_equal(dev->data, "mode=755");
	assert_string_equal(pts->fstype, "devpts");
	assert_non_null(strstr(pts->data, "newinstance"));
	assert_non_null(strstr(pts->data, "ptmxmode=0666"));
	op = find_op(&p, LOP_SYMLINK, "/dev/ptmx");
	assert_non_null(op);
	assert_string_equal(op->src, "pts/ptmx");
	assert_true(op_index(&p, pts) < op_index(&p, op));
	op = find_op(&p, LOP_SYMLINK, "/dev/fd");
	assert_non_null(op);
	assert_string_equal(op->src, "/proc/self/fd");
	assert_non_null(find_op(&p, LOP_SYMLINK, "/dev/stdin"));
	assert_non_null(find_op(&p, LOP_SYMLINK, "/dev/stdout"));
	assert_non_null(find_op(&p, LOP_SYMLINK, "/dev/stderr"));
	op = find_op(&p, LOP_MOUNT, "/dev/shm");
	assert_non_null(op);
	assert_string_equal(op->fstype, "tmpfs");
	op = find_op(&p, LOP_MOUNT, "/tmp");
	assert_non_null(op);
	assert_string_equal(op->data, "mode=1777");
	for (size_t i = 0; i < p.nops; i++)
		if (p.ops[i].kind == LOP_DEV_BIND) {
			assert_string_equal(p.ops[i].src, p.ops[i].dest);
			assert_true(op_index(&p, dev) < i);
			devs++;
		}
	assert_int_equal(devs, 6); /* null zero full random urandom tty */
	assert_non_null(find_op(&p, LOP_DEV_BIND, "/dev/urandom"));
	assert_non_null(find_op(&p, LOP_DEV_BIND, "/dev/tty"));
	op = find_op(&p, LOP_BRAND_BIND, NULL);
	assert_non_null(op);
	assert_string_equal(op->src, "/b/lxzone-brand");
	/* the minimal init: lxzone-init's read-only copy, made before the root is left */
	op = find_op(&p, LOP_INIT_IMAGE, NULL);
	assert_non_null(op);
	assert_string_equal(op->src, p.init_image);
	assert_string_equal(p.init_image + strlen(p.init_image) - strlen("/lxzone-init"),
			    "/lxzone-init");
	assert_true(op_index(&p, op) < op_index(&p, pivot));
	/* nothing for a network by default: the zone shares the host's */
	assert_null(find_op(&p, LOP_LOOPBACK_UP, NULL));
	assert_null(find_op(&p, LOP_HOSTNAME, NULL));
}

/* A user-namespaced zone: init comes from spawn-init before proc is mounted, the root is
 * idmapped (unless already mapped), the zone's tmpfs belong to its root, binds are idmapped,
 * enter-userns is the last operation (after the pivot: every mount is made before the copy
 * that locks them), and the printed plan says the mapping. */
static void test_plan_userns(void **state)
{
	static const struct launch_bind binds[] = {{"/data", "/mnt/data", 1}};
	struct launch_userns u = {.base = 1048576, .count = 65536, .user_fd = -1};
	struct launch_opts o = {.argv = argv_true,
				.brand_image = "/b/lxzone-brand",
				.root = "/srv/z",
				.net_fd = -1,
				.net = LAUNCH_NET_NONE,
				.binds = binds,
				.nbinds = 1,
				.userns = &u};
	static struct launch_plan p;
	struct zone_error e = {0};
	const struct launch_op *spawn, *root, *proc, *dev, *tmp, *bind, *pivot, *enter;
	char out[16384];
	FILE *f;

	(void)state;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	assert_int_equal(p.clone_flags, CLONE_NEWNS);
	spawn = find_op(&p, LOP_SPAWN_INIT, NULL);
	root = find_op(&p, LOP_BIND_ROOT, NULL);
	proc = find_op(&p, LOP_MOUNT, "/proc");
	dev = find_op(&p, LOP_MOUNT, "/dev");
	tmp = find_op(&p, LOP_MOUNT, "/tmp");
	bind = find_op(&p, LOP_BIND, "/mnt/data");
	pivot = find_op(&p, LOP_PIVOT_ROOT, NULL);
	enter = find_op(&p, LOP_ENTER_USERNS, NULL);
	assert_non_null(spawn);
	assert_non_null(root);
	assert_non_null(proc);
	assert_non_null(dev);
	assert_non_null(tmp);
	assert_non_null(bind);
	assert_non_null(pivot);
	assert_non_null(enter);
	assert_true(op_index(&p, spawn) < op_index(&p, proc));
	assert_true(op_index(&p, pivot) < op_index(&p, enter));
	assert_int_equal(op_index(&p, enter), p.nops - 1);
	assert_true(root->idmap);
	assert_true(bind->idmap);
	assert_string_equal(dev->data, "mode=755,uid=1048576,gid=1048576");
	assert_string_equal(tmp->data, "mode=1777,uid=1048576,gid=1048576");
	f = fmemopen(out, sizeof(out), "w");
	launch_plan_print(&p, f);
	fclose(f);
	assert_non_null(strstr(out, "namespaces user,pid,mount,uts,ipc,net,cgroup"));
	assert_non_null(strstr(out, "bind-root /srv/z (idmap)"));
	assert_non_null(strstr(out, "enter-userns uid/gid 0-65535 -> host 1048576-1114111"));

	/* an overlay over idmapped layers is bound as it is */
	o.root_mapped = 1;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	assert_false(find_op(&p, LOP_BIND_ROOT, NULL)->idmap);
	/* privileged: none of it */
	o.userns = NULL;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	assert_null(find_op(&p, LOP_SPAWN_INIT, NULL));
	assert_null(find_op(&p, LOP_ENTER_USERNS, NULL));
	assert_false(find_op(&p, LOP_BIND_ROOT, NULL)->idmap);
	assert_string_equal(find_op(&p, LOP_MOUNT, "/dev")->data, "mode=755");
}

static void test_plan_zone_extras(void **state)
{
	static const struct launch_bind binds[] = {{"/srv/data", "/data", 1},
						   {"/var/cache/x", "/var/cache", 0}};
	static const char *const cg[] = {"/sys/fs/cgroup/memory/z/cgroup.procs",
					 "/sys/fs/cgroup/pids/z/cgroup.procs"};
	struct launch_opts o = {.argv = argv_true,
				.brand_image = "/b/lxzone-brand",
				.root = "/srv/z",
				.net_fd = -1,
				.hostname = "web1",
				.binds = binds,
				.nbinds = 2,
				.cgroup_procs = cg,
				.ncgroup_procs = 2,
				.net = LAUNCH_NET_NONE,
				.init = LAUNCH_INIT_IMAGE};
	static struct launch_plan p;
	struct zone_error e = {0};
	const struct launch_op *op, *tmp, *cg0;

	(void)state;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	assert_true(p.clone_flags & CLONE_NEWNET);
	assert_int_equal(p.init, LAUNCH_INIT_IMAGE);
	/* the image's own init is PID 1: no lxzone-init */
	assert_null(find_op(&p, LOP_INIT_IMAGE, NULL));
	assert_non_null(find_op(&p, LOP_LOOPBACK_UP, NULL));
	op = find_op(&p, LOP_HOSTNAME, NULL);
	assert_non_null(op);
	assert_string_equal(op->data, "web1");
	cg0 = find_op(&p, LOP_JOIN_CGROUP, NULL);
	assert_non_null(cg0);
	assert_string_equal(cg0->src, cg[0]);
	/* cgroups joined before anything else happens in the zone */
	assert_int_equal(op_index(&p, cg0), 0);
	assert_string_equal(p.ops[1].src, cg[1]);
	op = find_op(&p, LOP_BIND, "/data");
	assert_non_null(op);
	assert_string_equal(op->src, "/srv/data");
	assert_true(op->flags & MS_RDONLY);
	op = find_op(&p, LOP_BIND, "/var/cache");
	assert_non_null(op);
	assert_false(op->flags & MS_RDONLY);
	/* user binds come after the standard mounts, so they can cover /tmp but not be
	 * covered by it */
	tmp = find_op(&p, LOP_MOUNT, "/tmp");
	assert_true(op_index(&p, tmp) < op_index(&p, op));
	assert_null(find_op(&p, LOP_REPORT_BIND, NULL));

	/* network: join an existing namespace */
	o.net = LAUNCH_NET_FD;
	o.net_fd = 7;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	assert_false(p.clone_flags & CLONE_NEWNET);
	assert_non_null(find_op(&p, LOP_JOIN_NETNS, NULL));
	assert_null(find_op(&p, LOP_LOOPBACK_UP, NULL));
	o.net_fd = -1;
	assert_int_equal(launch_plan_build(&o, &p, &e), -1);
	assert_int_equal(e.status, 125);
}

static void test_plan_zone_rejects(void **state)
{
	struct launch_bind b = {"/srv/data", "/a/../../etc", 0};
	struct launch_opts o = {.argv = argv_true,
				.brand_image = "/b/lxzone-brand",
				.root = "/srv/z",
				.net_fd = -1,
				.binds = &b,
				.nbinds = 1};
	static struct launch_plan p;
	struct zone_error e = {0};

	(void)state;
	assert_int_equal(launch_plan_build(&o, &p, &e), -1);
	assert_int_equal(e.status, 125);
	b.zone = "data";
	assert_int_equal(launch_plan_build(&o, &p, &e), -1);
	b.zone = "/";
	assert_int_equal(launch_plan_build(&o, &p, &e), -1);
	b.zone = "/data..old"; /* ".." inside a name is fine */
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	b.host = "relative/dir";
	assert_int_equal(launch_plan_build(&o, &p, &e), -1);
	b.host = "/srv/data";
	o.hostname = "this-hostname-is-far-too-long-for-utsname-which-holds-sixty-four-chars";
	assert_int_equal(launch_plan_build(&o, &p, &e), -1);
	assert_non_null(strstr(e.msg, "hostname"));
}

/* /proc/self/timens_offsets wants whole seconds (rounded down) and 0 <= ns < 1e9 */
static void test_timens_offsets(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(launch_timens_offsets(19546397835869ULL, buf, sizeof(buf)),
			 (int)strlen("boottime -19547 602164131\n"));
	assert_string_equal(buf, "boottime -19547 602164131\n");
	assert_int_equal(launch_timens_offsets(5000000000ULL, buf, sizeof(buf)), 14);
	assert_string_equal(buf, "boottime -5 0\n");
	launch_timens_offsets(1, buf, sizeof(buf));
	assert_string_equal(buf, "boottime -1 999999999\n");
	launch_timens_offsets(0, buf, sizeof(buf));
	assert_string_equal(buf, "boottime 0 0\n");
	launch_timens_offsets(UINT64_MAX, buf, sizeof(buf));
	assert_string_equal(buf, "boottime -18446744074 290448385\n");
	assert_int_equal(launch_timens_offsets(5000000000ULL, buf, 14), -1); /* no room for NUL */
}

/* a zone's time namespace is in the plan, and only when asked */
static void test_plan_timens(void **state)
{
	char *argv[] = {"sh", NULL};
	struct launch_opts o = {
	    .argv = argv, .brand_image = "/b/lxzone-brand", .root = "/srv/z", .net_fd = -1};
	static struct launch_plan p;
	struct zone_error e = {0};
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	assert_false(p.new_timens);
	o.timens = 1;
	o.net = LAUNCH_NET_NONE;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	assert_true(p.new_timens);
	assert_false(p.clone_flags & 0x80); /* never a clone flag: clone() reads it as a signal */
	f = open_memstream(&text, &len);
	assert_non_null(f);
	launch_plan_print(&p, f);
	fclose(f);
	assert_non_null(strstr(text, "namespaces pid,mount,uts,ipc,net,time\n"));
	free(text);
}

static void test_plan_print(void **state)
{
	char *argv[] = {"sh", "-c", "echo hi", NULL};
	struct launch_opts o = {.argv = argv,
				.brand_image = "/b/lxzone-brand",
				.init_image = "/i/lxzone-init",
				.root = "/srv/z",
				.net_fd = -1,
				.kernel_version = "5.15.0"};
	static struct launch_plan p;
	struct zone_error e = {0};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	launch_plan_print(&p, f);
	fclose(f);
	assert_non_null(strstr(text, "namespaces pid,mount,uts,ipc\n"));
	assert_non_null(strstr(text, "\nbind-root /srv/z\n"));
	assert_non_null(strstr(text, "\nmount proc on /proc (nosuid,nodev,noexec)\n"));
	assert_non_null(strstr(text, "\nmount sysfs on /sys (ro,nosuid,nodev,noexec)\n"));
	assert_non_null(strstr(text, "\ndev-bind /dev/null on /dev/null\n"));
	assert_non_null(strstr(text, "\nsymlink /dev/ptmx -> pts/ptmx\n"));
	assert_non_null(strstr(text, "\npivot-root /srv/z\n"));
	assert_non_null(strstr(text, "\ninit-image /i/lxzone-init (ro)\n"));
	assert_non_null(strstr(text, "\ninit minimal lxzone-init (by fd)\n"));
	assert_non_null(strstr(text, "kernel-version=5.15.0"));
	assert_non_null(strstr(text, "argv 'sh' '-c' 'echo hi'\n"));
	/* one line per op, plus namespaces, init, filter and exec-brand */
	{
		size_t lines = 0;

		for (char *c = text; *c; c++)
			lines += *c == '\n';
		assert_int_equal(lines, p.nops + 4);
	}
	free(text);
}

static void test_brand_path(void **state)
{
	struct launch_opts o = {0};
	struct zone_error e = {0};
	char buf[4096];

	(void)state;
	unsetenv("LXZONE_BRAND_IMAGE");
	assert_int_equal(launch_brand_path(&o, buf, sizeof(buf), &e), 0);
	/* beside our own executable */
	assert_true(strlen(buf) > strlen("/lxzone-brand"));
	assert_string_equal(buf + strlen(buf) - strlen("/lxzone-brand"), "/lxzone-brand");
	setenv("LXZONE_BRAND_IMAGE", "/opt/brand", 1);
	assert_int_equal(launch_brand_path(&o, buf, sizeof(buf), &e), 0);
	assert_string_equal(buf, "/opt/brand");
	o.brand_image = "/explicit";
	assert_int_equal(launch_brand_path(&o, buf, sizeof(buf), &e), 0);
	assert_string_equal(buf, "/explicit");
	unsetenv("LXZONE_BRAND_IMAGE");
}

static void test_init_image_path(void **state)
{
	struct launch_opts o = {0};
	struct zone_error e = {0};
	char buf[4096];

	(void)state;
	unsetenv("LXZONE_INIT_IMAGE");
	assert_int_equal(launch_init_image_path(&o, buf, sizeof(buf), &e), 0);
	/* beside our own executable, as the brand */
	assert_true(strlen(buf) > strlen("/lxzone-init"));
	assert_string_equal(buf + strlen(buf) - strlen("/lxzone-init"), "/lxzone-init");
	setenv("LXZONE_INIT_IMAGE", "/opt/init", 1);
	assert_int_equal(launch_init_image_path(&o, buf, sizeof(buf), &e), 0);
	assert_string_equal(buf, "/opt/init");
	o.init_image = "/explicit";
	assert_int_equal(launch_init_image_path(&o, buf, sizeof(buf), &e), 0);
	assert_string_equal(buf, "/explicit");
	unsetenv("LXZONE_INIT_IMAGE");
}

static void test_brand_env_value(void **state)
{
	char buf[256];

	(void)state;
	assert_int_equal(
	    launch_brand_env_value(LX_BF_STRICT | LX_BF_HARDENED, "5.15.0",
				   "/dev/.lxzone-unsupported", "/dev/.lxzone-page", "/bin/sh", buf,
				   sizeof(buf)),
	    (int)strlen("2\x1f"
			"5\x1f"
			"5.15.0\x1f/dev/.lxzone-unsupported\x1f/dev/.lxzone-page\x1f/bin/sh"));
	assert_string_equal(buf,
			    "2\x1f"
			    "5\x1f"
			    "5.15.0\x1f/dev/.lxzone-unsupported\x1f/dev/.lxzone-page\x1f/bin/sh");
	assert_int_equal(launch_brand_env_value(0, NULL, NULL, NULL, "/x", buf, sizeof(buf)), 9);
	assert_memory_equal(buf,
			    "2\x1f"
			    "0\x1f\x1f\x1f\x1f/x",
			    10);
	assert_int_equal(launch_brand_env_value(0, NULL, NULL, NULL, "/x", buf, 5), -1);
}

/* A scratch directory with files of each kind. */
static char dir[64];

static void put(const char *name, const void *data, size_t len, mode_t mode)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	assert_int_equal(chmod(p, mode), 0);
}

/* A minimal ELF header with a PT_LOAD and, if interp, a PT_INTERP; class/machine adjustable. */
static size_t make_elf(unsigned char *b, int cls, int machine, const char *interp)
{
	size_t ilen = interp ? strlen(interp) + 1 : 0;
	uint16_t phnum = interp ? 2 : 1;
	uint32_t load = 1, type = 3;
	uint64_t v;

	memset(b, 0, 256);
	memcpy(b, "\177ELF", 4);
	b[4] = (unsigned char)cls;
	b[5] = 1; /* little endian */
	b[6] = 1;
	b[16] = 3; /* ET_DYN */
	b[18] = (unsigned char)machine;
	b[20] = 1;
	v = 64; /* e_phoff */
	memcpy(b + 32, &v, 8);
	b[52] = 64; /* e_ehsize */
	b[54] = 56; /* e_phentsize */
	memcpy(b + 56, &phnum, 2);
	memcpy(b + 64, &load, 4);
	if (interp) {
		uint64_t off = 176, sz = ilen;

		memcpy(b + 120, &type, 4);
		memcpy(b + 120 + 8, &off, 8);
		memcpy(b + 120 + 32, &sz, 8);
		memcpy(b + 176, interp, ilen);
		return 176 + ilen;
	}
	return 120;
}

static int setup_dir(void **state)
{
	unsigned char elf[256];
	size_t n;

	(void)state;
	strcpy(dir, "/tmp/test_launch.XXXXXX");
	assert_non_null(mkdtemp(dir));
	put("text", "hello\n", 6, 0755);
	put("noexec", "#!/bin/sh\n", 10, 0644);
	{
		char s[128];
		int l = snprintf(s, sizeof(s), "#!/bin/sh -e\necho\n");

		put("script", s, (size_t)l, 0755);
		l = snprintf(s, sizeof(s), "#!/no/such/interp\n");
		put("badinterp", s, (size_t)l, 0755);
		l = snprintf(s, sizeof(s), "#!%s/script x\n", dir);
		put("nested", s, (size_t)l, 0755);
	}
	n = make_elf(elf, 2, 62, "/no/such/ld-linux.so.2");
	put("nointerp", elf, n, 0755);
	n = make_elf(elf, 1, 3, NULL);
	put("i386", elf, n, 0755);
	n = make_elf(elf, 2, 183, NULL); /* aarch64 */
	put("arm64", elf, n, 0755);
	return 0;
}

static int teardown_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void test_resolve(void **state)
{
	struct zone_error e = {0};
	char buf[4096], path[256];

	(void)state;
	snprintf(path, sizeof(path), "/nonexistent:%s:/bin", dir);
	assert_int_equal(launch_resolve("text", path, buf, sizeof(buf), &e), 0);
	assert_string_equal(buf + strlen(dir), "/text");
	/* not executable everywhere it exists: 126, as bash */
	assert_int_equal(launch_resolve("noexec", path, buf, sizeof(buf), &e), -1);
	assert_int_equal(e.status, 126);
	assert_int_equal(e.code, EACCES);
	assert_int_equal(launch_resolve("no-such-program", path, buf, sizeof(buf), &e), -1);
	assert_int_equal(e.status, 127);
	assert_non_null(strstr(e.msg, "no-such-program: command not found"));
	assert_int_equal(launch_resolve("/no/such/file", NULL, buf, sizeof(buf), &e), -1);
	assert_int_equal(e.status, 127);
	assert_int_equal(launch_resolve(dir, NULL, buf, sizeof(buf), &e), -1);
	assert_int_equal(e.status, 126);
	assert_int_equal(e.code, EISDIR);
	/* default PATH when unset: /bin:/usr/bin */
	assert_int_equal(launch_resolve("sh", NULL, buf, sizeof(buf), &e), 0);
	assert_true(!strcmp(buf, "/bin/sh") || !strcmp(buf, "/usr/bin/sh"));
}

static void prepare(const char *prog, char **args, struct launch_exec *ex, int expect_ok,
		    struct zone_error *e)
{
	char *argv[8] = {(char *)prog};
	struct launch_opts o = {.argv = argv, .kernel_version = "5.15.0", .strict = 1};
	size_t i;

	for (i = 0; args && args[i]; i++)
		argv[i + 1] = args[i];
	memset(e, 0, sizeof(*e));
	assert_int_equal(launch_exec_prepare(&o, "/r", 0, ex, e), expect_ok ? 0 : -1);
}

static void test_prepare_errors(void **state)
{
	struct launch_exec ex;
	struct zone_error e;
	char p[256];

	(void)state;
	snprintf(p, sizeof(p), "%s/text", dir);
	prepare(p, NULL, &ex, 0, &e);
	assert_int_equal(e.status, 126);
	assert_non_null(strstr(e.msg, "not an ELF"));
	snprintf(p, sizeof(p), "%s/i386", dir);
	prepare(p, NULL, &ex, 0, &e);
	assert_int_equal(e.status, 126);
	assert_non_null(strstr(e.msg, "wrong architecture (32-bit i386"));
	snprintf(p, sizeof(p), "%s/arm64", dir);
	prepare(p, NULL, &ex, 0, &e);
	assert_int_equal(e.status, 126);
	assert_non_null(strstr(e.msg, "wrong architecture"));
	snprintf(p, sizeof(p), "%s/nointerp", dir);
	prepare(p, NULL, &ex, 0, &e);
	assert_int_equal(e.status, 127);
	assert_non_null(strstr(e.msg, "ELF interpreter /no/such/ld-linux.so.2"));
	snprintf(p, sizeof(p), "%s/badinterp", dir);
	prepare(p, NULL, &ex, 0, &e);
	assert_int_equal(e.status, 127);
	assert_non_null(strstr(e.msg, "bad interpreter /no/such/interp"));
	snprintf(p, sizeof(p), "%s/missing", dir);
	prepare(p, NULL, &ex, 0, &e);
	assert_int_equal(e.status, 127);
}

static const char *env_brand(const struct launch_exec *ex)
{
	size_t i;

	for (i = 0; ex->envp[i]; i++)
		;
	/* appended last */
	assert_true(i > 0);
	assert_memory_equal(ex->envp[i - 1], "LXZONE_BRAND=", 13);
	return ex->envp[i - 1] + 13;
}

static void test_prepare_elf(void **state)
{
	char *args[] = {"a b", "", NULL};
	struct launch_exec ex;
	struct zone_error e;
	char want[4200];

	(void)state;
	setenv("PATH", "/bin:/usr/bin", 1);
	setenv("LXZONE_BRAND", "stale", 1);
	prepare("true", args, &ex, 1, &e);
	assert_true(!strcmp(ex.guest, "/bin/true") || !strcmp(ex.guest, "/usr/bin/true"));
	/* argv exactly as given: argv[0] is not replaced by the resolved path */
	assert_int_equal(ex.nargv, 3);
	assert_string_equal(ex.argv[0], "true");
	assert_string_equal(ex.argv[1], "a b");
	assert_string_equal(ex.argv[2], "");
	assert_null(ex.argv[3]);
	snprintf(want, sizeof(want),
		 "2\x1f%x\x1f"
		 "5.15.0\x1f/r\x1f\x1f%s",
		 LX_BF_STRICT, ex.guest);
	assert_string_equal(env_brand(&ex), want);
	/* the stale variable is gone; the rest of the environment is kept */
	for (size_t i = 0; ex.envp[i + 1]; i++)
		assert_false(!strncmp(ex.envp[i], "LXZONE_BRAND=", 13));
	{
		int has_path = 0;

		for (size_t i = 0; ex.envp[i]; i++)
			has_path |= !strcmp(ex.envp[i], "PATH=/bin:/usr/bin");
		assert_true(has_path);
	}
	launch_exec_free(&ex);
	unsetenv("LXZONE_BRAND");
}

static void test_prepare_script(void **state)
{
	char *args[] = {"one", "two", NULL};
	struct launch_exec ex;
	struct zone_error e;
	char p[256], sp[256];

	(void)state;
	snprintf(p, sizeof(p), "%s/script", dir);
	prepare(p, args, &ex, 1, &e);
	/* as the kernel: interp, its argument, the script path, then argv[1..] */
	assert_int_equal(ex.nargv, 5);
	assert_string_equal(ex.argv[0], "/bin/sh");
	assert_string_equal(ex.argv[1], "-e");
	assert_string_equal(ex.argv[2], p);
	assert_string_equal(ex.argv[3], "one");
	assert_string_equal(ex.argv[4], "two");
	assert_string_equal(ex.guest, "/bin/sh");
	assert_non_null(strstr(env_brand(&ex), "\x1f/bin/sh"));
	launch_exec_free(&ex);

	/* a script whose interpreter is a script: two levels of rewriting */
	snprintf(p, sizeof(p), "%s/nested", dir);
	snprintf(sp, sizeof(sp), "%s/script", dir);
	prepare(p, args, &ex, 1, &e);
	assert_int_equal(ex.nargv, 7);
	assert_string_equal(ex.argv[0], "/bin/sh");
	assert_string_equal(ex.argv[1], "-e");
	assert_string_equal(ex.argv[2], sp);
	assert_string_equal(ex.argv[3], "x");
	assert_string_equal(ex.argv[4], p);
	assert_string_equal(ex.argv[5], "one");
	assert_string_equal(ex.guest, "/bin/sh");
	launch_exec_free(&ex);
}

static void test_report_summary(void **state)
{
	const char text[] = "39\n165\n39\n1000\n39\n165\nbogus\n\n12";
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	char name[64], reason[64];
	unsigned long n;

	(void)state;
	assert_int_equal(launch_report_summarize(text, sizeof(text) - 1, f), 3);
	fclose(f);
	/* most frequent first; the unterminated last line is ignored */
	assert_int_equal(sscanf(out, "%63s %lu %63s", name, &n, reason), 3);
	assert_string_equal(name, "getpid");
	assert_int_equal(n, 3);
	assert_non_null(strstr(out, "\nmount "));
	assert_non_null(strstr(out, "syscall_1000"));
	assert_null(strstr(out, "brk"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_opts_basic),
	    cmocka_unit_test(test_opts_profile),
	    cmocka_unit_test(test_opts_program_options_are_not_ours),
	    cmocka_unit_test(test_opts_report),
	    cmocka_unit_test(test_opts_errors),
	    cmocka_unit_test(test_opts_help),
	    cmocka_unit_test(test_plan_host),
	    cmocka_unit_test(test_plan_zone),
	    cmocka_unit_test(test_plan_userns),
	    cmocka_unit_test(test_plan_zone_extras),
	    cmocka_unit_test(test_plan_zone_rejects),
	    cmocka_unit_test(test_plan_print),
	    cmocka_unit_test(test_brand_path),
	    cmocka_unit_test(test_init_image_path),
	    cmocka_unit_test(test_brand_env_value),
	    cmocka_unit_test(test_resolve),
	    cmocka_unit_test(test_prepare_errors),
	    cmocka_unit_test(test_prepare_elf),
	    cmocka_unit_test(test_prepare_script),
	    cmocka_unit_test(test_report_summary),
	    cmocka_unit_test(test_timens_offsets),
	    cmocka_unit_test(test_plan_timens),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
