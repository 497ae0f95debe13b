/*
 * /proc and /sys in a zone (zone/launch/launch_mask.c) as data: the table holds what the issue and
 * the runtimes we compare with require, the plan turns each row into its operation at the
 * right place, a namespace's knobs (/proc/sys/net, the IPC ones, ns_last_pid, user.max_*) are
 * writable only where the zone owns that namespace and no host-global knob ever is, and
 * lxrun's --net chooses the network namespace.  Pure: nothing is mounted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>

#include <cmocka.h>

#include "zone/launch/launch.h"

static char *argv_true[] = {"true", NULL};

static const struct launch_path *row(const char *path)
{
	for (size_t i = 0; i < launch_npaths; i++)
		if (!strcmp(launch_paths[i].path, path))
			return &launch_paths[i];
	return NULL;
}

static ssize_t find(const struct launch_plan *p, int kind, const char *dest)
{
	for (size_t i = 0; i < p->nops; i++)
		if (p->ops[i].kind == kind &&
		    (!dest || (p->ops[i].dest && !strcmp(p->ops[i].dest, dest))))
			return (ssize_t)i;
	return -1;
}

static size_t count(const struct launch_plan *p, int kind)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nops; i++)
		n += p->ops[i].kind == kind;
	return n;
}

/* the list, and Docker's maskedPaths / readonlyPaths, are all there with their rule */
static void test_table_required(void **state)
{
	static const char *const masked[] = {
	    "/proc/kcore",	   "/proc/keys",	"/proc/timer_list", "/proc/sched_debug",
	    "/proc/kallsyms",	   "/proc/acpi",	"/proc/scsi",	    "/sys/firmware",
	    "/proc/latency_stats", "/proc/timer_stats", "/proc/asound",	    "/proc/kpagecount",
	    "/proc/kpageflags",	   "/proc/kpagecgroup", "/proc/kmsg"};
	static const char *const ro[] = {
	    "/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus", "/proc/fs", "/sys"};
	const struct launch_path *r;

	(void)state;
	for (size_t i = 0; i < sizeof(masked) / sizeof(masked[0]); i++) {
		r = row(masked[i]);
		assert_non_null(r);
		assert_int_equal(r->rule, LAUNCH_PATH_MASK);
	}
	for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
		r = row(ro[i]);
		assert_non_null(r);
		assert_int_equal(r->rule, LAUNCH_PATH_RO);
	}
	r = row("/proc/sys/net");
	assert_non_null(r);
	assert_int_equal(r->rule, LAUNCH_PATH_RW_OWN_NS);
	assert_int_equal(r->ns, CLONE_NEWNET);
}

/* the kernel's per-namespace knobs, each with the namespace it lives in (ipc/ipc_sysctl.c,
 * ipc/mq_sysctl.c, kernel/utsname_sysctl.c, kernel/pid_namespace.c, kernel/ucount.c) */
static void test_table_namespaced(void **state)
{
	static const struct {
		const char *path;
		int ns;
	} want[] = {
	    {"/proc/sys/kernel/shmmax", CLONE_NEWIPC},
	    {"/proc/sys/kernel/shmall", CLONE_NEWIPC},
	    {"/proc/sys/kernel/shmmni", CLONE_NEWIPC},
	    {"/proc/sys/kernel/shm_rmid_forced", CLONE_NEWIPC},
	    {"/proc/sys/kernel/msgmax", CLONE_NEWIPC},
	    {"/proc/sys/kernel/msgmnb", CLONE_NEWIPC},
	    {"/proc/sys/kernel/msgmni", CLONE_NEWIPC},
	    {"/proc/sys/kernel/auto_msgmni", CLONE_NEWIPC},
	    {"/proc/sys/kernel/sem", CLONE_NEWIPC},
	    {"/proc/sys/kernel/msg_next_id", CLONE_NEWIPC},
	    {"/proc/sys/kernel/sem_next_id", CLONE_NEWIPC},
	    {"/proc/sys/kernel/shm_next_id", CLONE_NEWIPC},
	    {"/proc/sys/fs/mqueue", CLONE_NEWIPC},
	    {"/proc/sys/kernel/hostname", CLONE_NEWUTS},
	    {"/proc/sys/kernel/domainname", CLONE_NEWUTS},
	    {"/proc/sys/kernel/ns_last_pid", CLONE_NEWPID},
	    {"/proc/sys/user", CLONE_NEWUSER},
	    {"/proc/sys/net", CLONE_NEWNET},
	};
	/* host-global knobs, and directories holding some: never writable, nor under a
	 * writable row (fs.inotify's limits are the initial user namespace's; kernel.pid_max is
	 * per pid namespace only since Linux 6.14) */
	static const char *const global[] = {"/proc/sys/kernel/core_pattern",
					     "/proc/sys/kernel/modprobe",
					     "/proc/sys/kernel/pid_max",
					     "/proc/sys/kernel/panic",
					     "/proc/sys/kernel/printk",
					     "/proc/sys/vm/drop_caches",
					     "/proc/sys/fs/file-max",
					     "/proc/sys/fs/nr_open",
					     "/proc/sys/fs/inotify/max_user_watches",
					     "/proc/sys/kernel/keys/maxkeys",
					     "/proc/sys/kernel/io_uring_disabled",
					     "/proc/sys/fs/protected_symlinks",
					     "/proc/sys/kernel",
					     "/proc/sys/fs",
					     "/proc/sys/vm"};
	size_t nrw = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct launch_path *r = row(want[i].path);

		assert_non_null(r);
		assert_int_equal(r->rule, LAUNCH_PATH_RW_OWN_NS);
		assert_int_equal(r->ns, want[i].ns);
	}
	for (size_t i = 0; i < launch_npaths; i++) {
		const struct launch_path *p = &launch_paths[i];

		if (p->rule != LAUNCH_PATH_RW_OWN_NS)
			continue;
		nrw++;
		for (size_t j = 0; j < sizeof(global) / sizeof(global[0]); j++) {
			size_t n = strlen(p->path);

			assert_string_not_equal(p->path, global[j]);
			assert_false(!strncmp(global[j], p->path, n) && global[j][n] == '/');
		}
	}
	assert_int_equal(nrw, sizeof(want) / sizeof(want[0])); /* nothing more */
}

/* which namespaces are the zone's own: a root's IPC, UTS and pid always (unless joined), the
 * network's unless the host's, the user namespace's only with one */
static void test_owned_ns(void **state)
{
	struct launch_userns u = {
	    .base = 1048576, .gid_base = 1048576, .count = 65536, .user_fd = -1};
	struct launch_opts o = {.argv = argv_true, .root = "/srv/z", .net = LAUNCH_NET_NONE};

	(void)state;
	assert_int_equal(launch_owned_ns(&o),
			 CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNET);
	o.net = LAUNCH_NET_HOST;
	assert_int_equal(launch_owned_ns(&o), CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWPID);
	o.userns = &u;
	o.net = LAUNCH_NET_FD;
	assert_int_equal(launch_owned_ns(&o),
			 CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUSER);
	o.joined_ns = CLONE_NEWIPC | CLONE_NEWPID;
	assert_int_equal(launch_owned_ns(&o), CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWUSER);
	o.root = NULL;
	assert_int_equal(launch_owned_ns(&o), 0);
	/* the mount service's: a zone's network, IPC, UTS and pid namespaces, never the user's */
	assert_int_equal(LAUNCH_ZONE_NS & CLONE_NEWUSER, 0);
	assert_int_equal(LAUNCH_ZONE_NS, CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWPID);
}

/* every row: absolute, under /proc or /sys, unique, with a reason; a writable row comes
 * after the read-only row it reopens (the plan keeps table order) */
static void test_table_shape(void **state)
{
	(void)state;
	for (size_t i = 0; i < launch_npaths; i++) {
		const struct launch_path *p = &launch_paths[i];

		assert_true(!strncmp(p->path, "/proc", 5) || !strncmp(p->path, "/sys", 4));
		assert_null(strstr(p->path, ".."));
		assert_true(p->path[strlen(p->path) - 1] != '/');
		assert_true(p->rule >= LAUNCH_PATH_MASK && p->rule <= LAUNCH_PATH_RW_OWN_NS);
		/* a namespace for the writable rows, and only for them */
		assert_true(p->rule == LAUNCH_PATH_RW_OWN_NS
				? (p->ns == CLONE_NEWNET || p->ns == CLONE_NEWIPC ||
				   p->ns == CLONE_NEWUTS || p->ns == CLONE_NEWPID ||
				   p->ns == CLONE_NEWUSER)
				: p->ns == 0);
		assert_true(p->why && *p->why && !strchr(p->why, '|') && !strchr(p->why, '\n'));
		assert_true(p->peers && *p->peers && !strchr(p->peers, '|'));
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(launch_paths[j].path, p->path);
		if (p->rule == LAUNCH_PATH_RW_OWN_NS) {
			int parent = 0;

			for (size_t j = 0; j < i; j++) {
				size_t n = strlen(launch_paths[j].path);

				parent |= launch_paths[j].rule == LAUNCH_PATH_RO &&
					  !strncmp(launch_paths[j].path, p->path, n) &&
					  p->path[n] == '/';
			}
			assert_true(parent);
		}
	}
}

/* each /proc row right after the proc mount, each /sys row right after sysfs, in table
 * order, all before pivot_root; the file systems' own rows are their mounts' flags */
static void test_plan_rules(void **state)
{
	struct launch_opts o = {.argv = argv_true,
				.brand_image = "/b/lxzone-brand",
				.root = "/srv/z",
				.net_fd = -1,
				.net = LAUNCH_NET_NONE};
	static const int kinds[] = {[LAUNCH_PATH_MASK] = LOP_MASK,
				    [LAUNCH_PATH_RO] = LOP_READ_ONLY,
				    [LAUNCH_PATH_RW_OWN_NS] = LOP_READ_WRITE};
	static struct launch_plan p;
	struct zone_error e = {0};
	ssize_t proc, sys, dev, pivot, at, last = -1;
	size_t rules = 0;

	(void)state;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	proc = find(&p, LOP_MOUNT, "/proc");
	sys = find(&p, LOP_MOUNT, "/sys");
	dev = find(&p, LOP_MOUNT, "/dev");
	pivot = find(&p, LOP_PIVOT_ROOT, NULL) >= 0 ? find(&p, LOP_PIVOT_ROOT, NULL)
						    : (ssize_t)p.nops - 1;
	assert_true(proc >= 0 && sys > proc && dev > sys);
	assert_true(p.ops[sys].flags & MS_RDONLY);
	assert_int_equal(p.ops[pivot].kind, LOP_PIVOT_ROOT);
	for (size_t i = 0; i < launch_npaths; i++) {
		const struct launch_path *r = &launch_paths[i];
		int in_proc = !strncmp(r->path, "/proc/", 6);

		if (!strcmp(r->path, "/sys") || !strcmp(r->path, "/proc")) {
			assert_int_equal(find(&p, LOP_READ_ONLY, r->path), -1);
			continue;
		}
		at = find(&p, kinds[r->rule], r->path);
		if (r->ns == CLONE_NEWUSER) { /* no user namespace here: read-only */
			assert_int_equal(at, -1);
			continue;
		}
		assert_true(at >= 0);
		if (in_proc)
			assert_true(at > proc && at < sys);
		else
			assert_true(at > sys && at < dev);
		assert_true(at > last); /* table order */
		assert_null(p.ops[at].src);
		last = at;
		rules++;
	}
	assert_int_equal(count(&p, LOP_MASK) + count(&p, LOP_READ_ONLY) + count(&p, LOP_READ_WRITE),
			 rules);
	assert_true(find(&p, LOP_READ_WRITE, "/proc/sys/net") >
		    find(&p, LOP_READ_ONLY, "/proc/sys"));

	assert_true(find(&p, LOP_READ_WRITE, "/proc/sys/kernel/shmmax") >
		    find(&p, LOP_READ_ONLY, "/proc/sys"));
	assert_true(find(&p, LOP_READ_WRITE, "/proc/sys/kernel/ns_last_pid") >= 0);

	/* a user namespace: its user.max_* too */
	struct launch_userns u = {
	    .base = 1048576, .gid_base = 1048576, .count = 65536, .user_fd = -1};

	o.userns = &u;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	assert_true(find(&p, LOP_READ_WRITE, "/proc/sys/user") >
		    find(&p, LOP_READ_ONLY, "/proc/sys"));
	o.userns = NULL;

	/* an OCI pod's IPC and pid namespaces, joined: their knobs stay read-only.  The pid one
	 * without a user namespace is init's only after the setup (launch_joins_pidns_late):
	 * a detached zone's, whose caller takes init's pid, and the setup is not cloned into a
	 * pid namespace of its own */
	int rfd = -1;

	o.joined_ns = CLONE_NEWIPC | CLONE_NEWPID;
	o.pidns_fd = 9;
	assert_int_equal(launch_plan_build(&o, &p, &e), -1);
	assert_non_null(strstr(e.msg, "only for a detached zone"));
	o.detached = 1;
	assert_int_equal(launch_plan_build(&o, &p, &e), -1);
	o.init_pid_rfd = &rfd;
	o.pidns_fd = -1;
	assert_int_equal(launch_plan_build(&o, &p, &e), -1);
	assert_non_null(strstr(e.msg, "pid: no namespace fd"));
	o.pidns_fd = 9;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	assert_int_equal(p.clone_flags & CLONE_NEWPID, 0);
	assert_true(p.clone_flags & CLONE_NEWNS);
	assert_int_equal(find(&p, LOP_READ_WRITE, "/proc/sys/kernel/shmmax"), -1);
	assert_int_equal(find(&p, LOP_READ_WRITE, "/proc/sys/fs/mqueue"), -1);
	assert_int_equal(find(&p, LOP_READ_WRITE, "/proc/sys/kernel/ns_last_pid"), -1);
	assert_true(find(&p, LOP_READ_WRITE, "/proc/sys/kernel/hostname") >= 0);
	o.joined_ns = 0;
	o.pidns_fd = -1;
	o.detached = 0;
	o.init_pid_rfd = NULL;

	/* lxzone's exclusive network (a namespace it made): writable too */
	o.net = LAUNCH_NET_FD;
	o.net_fd = 7;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	assert_true(find(&p, LOP_READ_WRITE, "/proc/sys/net") >= 0);

	/* the host's network namespace: /proc/sys/net stays under the read-only /proc/sys */
	o.net = LAUNCH_NET_HOST;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	assert_int_equal(find(&p, LOP_READ_WRITE, "/proc/sys/net"), -1);
	assert_true(find(&p, LOP_READ_WRITE, "/proc/sys/kernel/msgmni") >= 0); /* IPC: its own */
	assert_true(find(&p, LOP_READ_ONLY, "/proc/sys") >= 0);
	assert_true(find(&p, LOP_MASK, "/proc/kcore") >= 0);

	/* no root: the host's own /proc, nothing masked */
	o.root = NULL;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	assert_int_equal(count(&p, LOP_MASK) + count(&p, LOP_READ_ONLY), 0);
}

static void test_plan_print_rules(void **state)
{
	struct launch_opts o = {.argv = argv_true,
				.brand_image = "/b/lxzone-brand",
				.root = "/srv/z",
				.net_fd = -1,
				.net = LAUNCH_NET_NONE};
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
	assert_non_null(strstr(text, "\nmount proc on /proc (nosuid,nodev,noexec)\n"
				     "read-only /proc/sys (if present)\n"
				     "read-write /proc/sys/net (if present)\n"
				     "read-write /proc/sys/kernel/shmmax (if present)\n"));
	assert_non_null(strstr(text, "\nmask /proc/kcore (if present)\n"));
	assert_non_null(strstr(text, "\nmask /sys/firmware (if present)\n"));
	assert_string_equal(launch_op_name(LOP_MASK), "mask");
	assert_string_equal(launch_op_name(LOP_READ_ONLY), "read-only");
	assert_string_equal(launch_op_name(LOP_READ_WRITE), "read-write");
	free(text);
}

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

/* lxrun --root has a network namespace of its own unless --net host */
static void test_opts_net(void **state)
{
	struct launch_opts o;
	struct zone_error e;

	(void)state;
	assert_int_equal(parse(&o, &e, "--root", "/srv/z", "true", NULL), 0);
	assert_int_equal(o.net, LAUNCH_NET_NONE);
	assert_int_equal(parse(&o, &e, "--net", "host", "--root", "/srv/z", "true", NULL), 0);
	assert_int_equal(o.net, LAUNCH_NET_HOST);
	assert_int_equal(parse(&o, &e, "--root", "/srv/z", "--net", "none", "true", NULL), 0);
	assert_int_equal(o.net, LAUNCH_NET_NONE);
	assert_int_equal(parse(&o, &e, "true", NULL), 0);
	assert_int_equal(o.net, LAUNCH_NET_HOST);
	assert_int_equal(parse(&o, &e, "--net", "none", "true", NULL), -1);
	assert_int_equal(e.status, 125);
	assert_non_null(strstr(e.msg, "--net needs --root"));
	assert_int_equal(parse(&o, &e, "--root", "/srv/z", "--net", "bridge", "true", NULL), -1);
	assert_int_equal(e.status, 125);
	assert_non_null(strstr(e.msg, "expected none or host"));
}

/* the generated document names every row */
static void test_doc(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	launch_paths_doc(f);
	fclose(f);
	for (size_t i = 0; i < launch_npaths; i++) {
		char cell[256];

		snprintf(cell, sizeof(cell), "\n| `%s` | ", launch_paths[i].path);
		assert_non_null(strstr(text, cell));
	}
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_required), cmocka_unit_test(test_table_namespaced),
	    cmocka_unit_test(test_owned_ns),	   cmocka_unit_test(test_table_shape),
	    cmocka_unit_test(test_plan_rules),	   cmocka_unit_test(test_plan_print_rules),
	    cmocka_unit_test(test_opts_net),	   cmocka_unit_test(test_doc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
