/*
 * The launcher's pure parts (zone/launch/launch_opts.c, launch_plan.c): lxrun's options, the
 * plan built from them and its printed form, the time namespace's offsets.  The exec side is
 * in test_launch_exec.c.
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
	static const struct launch_bind binds[] = {{.host = "/data", .zone = "/mnt/data", .ro = 1}};
	struct launch_userns u = {
	    .base = 1048576, .gid_base = 1048576, .count = 65536, .user_fd = -1};
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

/* A mount namespace given by fd (an OCI bundle's by path): not cloned, joined after the cgroup
 * joins and before the first mount, so the root, /proc, /dev, the binds and the pivot are all
 * made in it; refused with a user namespace (init's copy would not be it) or no fd. */
static struct launch_userns join_userns = {
    .base = 1048576, .gid_base = 1048576, .count = 65536, .user_fd = -1};

/* A zone with an image init and the cgroup.procs files given, joining the namespaces of
 * joined (the caller sets their fds). */
static struct launch_opts join_opts(const char *const *cg, size_t ncg, int joined)
{
	struct launch_opts o = {.argv = argv_true,
				.brand_image = "/b/lxzone-brand",
				.root = "/srv/z",
				.net_fd = -1,
				.cgroup_procs = cg,
				.ncgroup_procs = ncg,
				.init = LAUNCH_INIT_IMAGE,
				.joined_ns = joined};
	return o;
}

static void test_plan_join_mntns(void **state)
{
	static const char *const cg[] = {"/sys/fs/cgroup/z/cgroup.procs"};
	struct launch_opts o = join_opts(cg, 1, CLONE_NEWNS);
	static struct launch_plan p;
	struct zone_error e = {0};
	const struct launch_op *join;
	char out[16384];
	FILE *f;

	(void)state;
	o.mnt_fd = 9;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	assert_int_equal(p.clone_flags, CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC);
	join = find_op(&p, LOP_JOIN_MNTNS, NULL);
	assert_non_null(join);
	assert_int_equal(op_index(&p, join), 1); /* after the one cgroup join */
	for (size_t i = op_index(&p, join) + 1; i < p.nops; i++)
		assert_int_not_equal(p.ops[i].kind, LOP_JOIN_MNTNS);
	assert_true(op_index(&p, join) < op_index(&p, find_op(&p, LOP_MAKE_PRIVATE, NULL)));
	assert_true(op_index(&p, join) < op_index(&p, find_op(&p, LOP_BRAND_BIND, NULL)));
	assert_true(op_index(&p, join) < op_index(&p, find_op(&p, LOP_BIND_ROOT, NULL)));
	assert_non_null(find_op(&p, LOP_PIVOT_ROOT, NULL));
	f = fmemopen(out, sizeof(out), "w");
	launch_plan_print(&p, f);
	fclose(f);
	assert_non_null(strstr(out, "namespaces pid,uts,ipc\n"));
	assert_non_null(strstr(out, "\njoin-mntns fd 9\n"));
	/* without the flag the fd means nothing: a new namespace, no join */
	o.joined_ns = 0;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	assert_true(p.clone_flags & CLONE_NEWNS);
	assert_null(find_op(&p, LOP_JOIN_MNTNS, NULL));
	o.joined_ns = CLONE_NEWNS;
	o.mnt_fd = -1;
	assert_int_equal(launch_plan_build(&o, &p, &e), -1);
	assert_int_equal(e.status, 125);
	o.mnt_fd = 9;
	o.userns = &join_userns;
	assert_int_equal(launch_plan_build(&o, &p, &e), -1);
	assert_int_equal(e.status, 125);
	assert_non_null(strstr(e.msg, "user namespace"));
}

/* A joined user namespace's maps against the config's: the same ranges in any order (the
 * kernel shows a map of more than five lines sorted), nothing more or less. */
static void test_userns_maps_equal(void **state)
{
	(void)state;
	assert_true(launch_userns_maps_equal("0 100000 65536\n", "0 100000 65536\n"));
	assert_true(launch_userns_maps_equal("10 300000 10\n0 200000 10\n",
					     "0 200000 10\n10 300000 10\n"));
	assert_false(launch_userns_maps_equal("0 100000 65536\n", "0 100001 65536\n"));
	assert_false(launch_userns_maps_equal("0 100000 65536\n", "0 100000 65535\n"));
	assert_false(launch_userns_maps_equal("0 200000 10\n", "0 200000 10\n10 300000 10\n"));
	assert_false(launch_userns_maps_equal("0 200000 10\n", "garbage\n"));
	assert_false(launch_userns_maps_equal("", "0 200000 10\n"));
}

/* A cgroup namespace given (OCI's by path): joined in the new one's place, after the cgroup
 * joins (so the process's cgroup is the runtime's choice) and before the first mount (the
 * cgroup file systems are mounted from its root); refused with a user namespace or no fd. */
static void test_plan_join_cgroupns(void **state)
{
	static const char *const cg[] = {"/sys/fs/cgroup/memory/z/cgroup.procs",
					 "/sys/fs/cgroup/pids/z/cgroup.procs"};
	struct launch_opts o = join_opts(cg, 2, CLONE_NEWCGROUP);
	static struct launch_plan p;
	struct zone_error e = {0};
	const struct launch_op *join;
	char out[16384];
	FILE *f;

	(void)state;
	o.cgroupns_fd = 7;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	assert_null(find_op(&p, LOP_NEW_CGROUPNS, NULL));
	join = find_op(&p, LOP_JOIN_CGROUPNS, NULL);
	assert_non_null(join);
	assert_int_equal(op_index(&p, join), 2); /* after both cgroup joins */
	assert_true(op_index(&p, join) < op_index(&p, find_op(&p, LOP_MAKE_PRIVATE, NULL)));
	assert_true(op_index(&p, join) < op_index(&p, find_op(&p, LOP_MOUNT, NULL)));
	assert_true(p.clone_flags & CLONE_NEWNS); /* the mount namespace is still its own */
	f = fmemopen(out, sizeof(out), "w");
	launch_plan_print(&p, f);
	fclose(f);
	assert_non_null(strstr(out, "\njoin-cgroupns fd 7\n"));
	assert_null(strstr(out, "new-cgroupns"));
	/* without the flag the fd means nothing: a namespace of its own */
	o.joined_ns = 0;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	assert_non_null(find_op(&p, LOP_NEW_CGROUPNS, NULL));
	assert_null(find_op(&p, LOP_JOIN_CGROUPNS, NULL));
	o.joined_ns = CLONE_NEWCGROUP;
	o.cgroupns_fd = -1;
	assert_int_equal(launch_plan_build(&o, &p, &e), -1);
	assert_int_equal(e.status, 125);
	o.cgroupns_fd = 7;
	/* with a user namespace of the zone's own (until stop 44 refused): the setup joins it
	 * for the cgroup mounts it makes, init's parent before it enters U (LOP_SPAWN_INIT) */
	o.userns = &join_userns;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	assert_null(find_op(&p, LOP_NEW_CGROUPNS, NULL));
	join = find_op(&p, LOP_JOIN_CGROUPNS, NULL);
	assert_non_null(join);
	assert_true(op_index(&p, join) < op_index(&p, find_op(&p, LOP_SPAWN_INIT, NULL)));
}

static void test_plan_zone_extras(void **state)
{
	static const struct launch_bind binds[] = {
	    {.host = "/srv/data", .zone = "/data", .ro = 1},
	    {.host = "/var/cache/x", .zone = "/var/cache"}};
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
	struct launch_bind b = {.host = "/srv/data", .zone = "/a/../../etc"};
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

/* An idmapped bind: with maps of its own in any zone, with the zone's only in one with a
 * user namespace (OCI's idmap option alone without one: refused). */
static void test_plan_idmapped_bind(void **state)
{
	struct launch_bind b = {.host = "/srv/data",
				.zone = "/data",
				.idmap = LAUNCH_IDMAP_REC,
				.uid_map = "0 1234 1\n",
				.gid_map = "0 1234 1\n"};
	struct launch_opts o = {.argv = argv_true,
				.brand_image = "/b/lxzone-brand",
				.root = "/srv/z",
				.net_fd = -1,
				.binds = &b,
				.nbinds = 1};
	static struct launch_plan p;
	struct zone_error e = {0};
	const struct launch_op *op;

	(void)state;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	op = find_op(&p, LOP_BIND, "/data");
	assert_non_null(op);
	assert_true(op->idmap);
	assert_int_equal(op->idmap_how, LAUNCH_IDMAP_REC);
	assert_string_equal(op->uid_map, "0 1234 1\n");
	b.uid_map = b.gid_map = NULL;
	assert_int_equal(launch_plan_build(&o, &p, &e), -1);
	assert_non_null(strstr(e.msg, "bind /data: idmapped without maps of its own needs a user "
				       "namespace"));
	b.idmap = LAUNCH_IDMAP_AUTO; /* a plain bind where there is no user namespace */
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	assert_false(find_op(&p, LOP_BIND, "/data")->idmap);
}

/* Without a user namespace, a plan asked for the exec links has them (and no zone entry); with
 * one, the zone's own entry and no links. */
static void test_plan_exec_links(void **state)
{
	struct launch_opts o = {.argv = argv_true,
				.brand_image = "/b/lxzone-brand",
				.root = "/srv/z",
				.net_fd = -1,
				.exec_links = 1};
	static struct launch_plan p;
	struct zone_error e = {0};
	const struct launch_op *op;

	(void)state;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	op = find_op(&p, LOP_EXEC_LINKS, LX_EXEC_LINKS);
	assert_non_null(op);
	assert_string_equal(op->src, "/b/lxzone-brand");
	for (size_t i = 0; i < p.nops; i++)
		assert_int_not_equal(p.ops[i].kind, LOP_BINFMT);
	o.exec_links = 0;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	assert_null(find_op(&p, LOP_EXEC_LINKS, LX_EXEC_LINKS));
}

/* The binfmt.d file installed for systemd-binfmt holds the very line lxzone-oci registers. */
static void test_binfmt_host_conf(void **state)
{
	char buf[2048], *line = NULL, *save = NULL;
	FILE *f = fopen(LXZONE_BINFMT_CONF, "r");
	size_t n;
	int lines = 0;

	(void)state;
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (l[0] != '#') {
			line = l;
			lines++;
		}
	assert_int_equal(lines, 1);
	assert_string_equal(line, launch_binfmt_host_line());
	assert_non_null(strstr(line, ":E::" LX_EXEC_EXT "::" LX_EXEC_BRAND ":"));
}

/* A booted zone's offsets text (launch_timens_of over its timens_boot_ns), -1 on failure. */
static int zone_offsets(uint64_t boot_ns, char *buf, size_t len)
{
	struct launch_opts o = {.timens = LAUNCH_TIMENS_NEW, .timens_boot_ns = boot_ns};
	struct launch_timens_offsets off;

	if (launch_timens_of(&o, &off) < 0)
		return -1;
	return launch_timens_offsets(&off, buf, len);
}

/* /proc/self/timens_offsets wants whole seconds (rounded down) and 0 <= ns < 1e9 */
static void test_timens_offsets(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(zone_offsets(19546397835869ULL, buf, sizeof(buf)),
			 (int)strlen("boottime -19547 602164131\n"));
	assert_string_equal(buf, "boottime -19547 602164131\n");
	assert_int_equal(zone_offsets(5000000000ULL, buf, sizeof(buf)), 14);
	assert_string_equal(buf, "boottime -5 0\n");
	zone_offsets(1, buf, sizeof(buf));
	assert_string_equal(buf, "boottime -1 999999999\n");
	/* no boot time, no offsets: nothing written, the namespace keeps the host's 0 */
	assert_int_equal(zone_offsets(0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	zone_offsets(UINT64_MAX, buf, sizeof(buf));
	assert_string_equal(buf, "boottime -18446744074 290448385\n");
	assert_int_equal(zone_offsets(5000000000ULL, buf, 14), -1); /* no room for NUL */
}

/* An OCI container's timeOffsets: each clock given written as given, in the kernel's order
 * (either sign in the seconds, the nanoseconds as they are); one left out not written. */
static void test_timens_offsets_given(void **state)
{
	struct launch_opts o = {.timens = LAUNCH_TIMENS_NEW};
	struct launch_timens_offsets off;
	char buf[128];

	(void)state;
	o.timens_offsets.monotonic = (struct launch_clock_offset){1, 7881, 2718281};
	o.timens_offsets.boottime = (struct launch_clock_offset){1, -1337, 3141519};
	assert_int_equal(launch_timens_of(&o, &off), 0);
	assert_int_equal(launch_timens_offsets(&off, buf, sizeof(buf)),
			 (int)strlen("monotonic 7881 2718281\nboottime -1337 3141519\n"));
	assert_string_equal(buf, "monotonic 7881 2718281\nboottime -1337 3141519\n");
	o.timens_offsets.boottime.set = 0;
	assert_int_equal(launch_timens_of(&o, &off), 0);
	launch_timens_offsets(&off, buf, sizeof(buf));
	assert_string_equal(buf, "monotonic 7881 2718281\n");
	/* a set clock of 0 is written: the namespace gets 0, whatever its maker's was */
	o.timens_offsets.monotonic = (struct launch_clock_offset){1, 0, 0};
	assert_int_equal(launch_timens_of(&o, &off), 0);
	launch_timens_offsets(&off, buf, sizeof(buf));
	assert_string_equal(buf, "monotonic 0 0\n");
	/* a boot time on top of a given boottime (not an OCI case, but one rule) */
	o.timens_offsets.boottime = (struct launch_clock_offset){1, 10, 100};
	o.timens_boot_ns = 1000000200ULL;
	assert_int_equal(launch_timens_of(&o, &off), 0);
	launch_timens_offsets(&off, buf, sizeof(buf));
	assert_string_equal(buf, "monotonic 0 0\nboottime 8 999999900\n");
	/* past 64 bits: refused, not wrapped */
	o.timens_offsets.boottime = (struct launch_clock_offset){1, INT64_MIN + 1, 0};
	assert_int_equal(launch_timens_of(&o, &off), -1);
	/* too small a buffer for the second line */
	o.timens_offsets.boottime = (struct launch_clock_offset){1, 1, 0};
	o.timens_boot_ns = 0;
	assert_int_equal(launch_timens_of(&o, &off), 0);
	assert_int_equal(launch_timens_offsets(&off, buf, 20), -1);
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
	    cmocka_unit_test(test_plan_join_mntns),
	    cmocka_unit_test(test_plan_join_cgroupns),
	    cmocka_unit_test(test_userns_maps_equal),
	    cmocka_unit_test(test_plan_zone_extras),
	    cmocka_unit_test(test_plan_zone_rejects),
	    cmocka_unit_test(test_plan_idmapped_bind),
	    cmocka_unit_test(test_plan_exec_links),
	    cmocka_unit_test(test_binfmt_host_conf),
	    cmocka_unit_test(test_plan_print),
	    cmocka_unit_test(test_timens_offsets),
	    cmocka_unit_test(test_timens_offsets_given),
	    cmocka_unit_test(test_plan_timens),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
