/*
 * The syscall table (emul/systable.def): names agree with the host's <asm/unistd_64.h>, the
 * x86_64 holes are empty, and every class carries what its consumers need (REFUSE an errno,
 * UNSUP a reason, non-PASS a note).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "emul/systable.h"

#define UNISTD_64 "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"

static const struct lx_sysent *by_name(const char *name)
{
	for (int nr = 0; nr < LX_NSYSCALLS; nr++)
		if (lx_systable[nr].name && strcmp(lx_systable[nr].name, name) == 0)
			return &lx_systable[nr];
	return NULL;
}

static void test_names_match_host_header(void **state)
{
	(void)state;
	FILE *f = fopen(UNISTD_64, "r");
	if (!f) {
		printf("skip: %s: %s\n", UNISTD_64, strerror(errno));
		skip();
	}
	char line[256], name[128];
	int checked = 0;
	long nr;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "#define __NR_%127s %ld", name, &nr) != 2)
			continue;
		if (nr < 0 || nr >= LX_NSYSCALLS)
			continue; /* the header knows a newer number than the table: not ours */
		if (!lx_systable[nr].name || strcmp(lx_systable[nr].name, name) != 0)
			fail_msg("nr %ld: header says %s, table says %s", nr, name,
				 lx_systable[nr].name ? lx_systable[nr].name : "(none)");
		checked++;
	}
	fclose(f);
	/* Debian 12's header defines 0..334 and 424..450. */
	assert_true(checked >= 361);
}

static void test_numbers_beyond_debian12(void **state)
{
	(void)state;
	static const char *const names[] = {
	    "cachestat",	 "fchmodat2",	      "map_shadow_stack", "futex_wake",
	    "futex_wait",	 "futex_requeue",     "statmount",	  "listmount",
	    "lsm_get_self_attr", "lsm_set_self_attr", "lsm_list_modules", "mseal",
	    "setxattrat",	 "getxattrat",	      "listxattrat",	  "removexattrat",
	    "open_tree_attr",	 "file_getattr",      "file_setattr",
	};
	for (int i = 0; i < 19; i++) {
		assert_non_null(lx_systable[451 + i].name);
		assert_string_equal(lx_systable[451 + i].name, names[i]);
	}
	assert_int_equal(LX_NSYSCALLS, 470);
}

static void test_holes_are_none(void **state)
{
	(void)state;
	for (int nr = 335; nr <= 423; nr++) {
		assert_int_equal(lx_systable[nr].cls, LX_SYS_NONE);
		assert_int_equal(lx_systable[nr].cls_hardened, LX_SYS_NONE);
		assert_null(lx_systable[nr].name);
	}
	/* ... and nothing else is a hole. */
	for (int nr = 0; nr < LX_NSYSCALLS; nr++) {
		if (nr >= 335 && nr <= 423)
			continue;
		assert_non_null(lx_systable[nr].name);
		assert_int_not_equal(lx_systable[nr].cls, LX_SYS_NONE);
		assert_int_not_equal(lx_systable[nr].cls_hardened, LX_SYS_NONE);
	}
}

static void test_names_unique(void **state)
{
	(void)state;
	for (int a = 0; a < LX_NSYSCALLS; a++)
		for (int b = a + 1; b < LX_NSYSCALLS; b++)
			if (lx_systable[a].name && lx_systable[b].name)
				assert_string_not_equal(lx_systable[a].name, lx_systable[b].name);
}

static void check_entry_invariants(int nr, unsigned cls, const struct lx_sysent *e)
{
	assert_true(cls <= LX_SYS_UNSUP);
	switch (cls) {
	case LX_SYS_NONE:
	case LX_SYS_PASS:
		break;
	case LX_SYS_EMUL:
		assert_non_null(e->note);
		break;
	case LX_SYS_REFUSE:
		if (e->err == 0 || e->reason == LX_WHY_NONE || !e->note)
			fail_msg("REFUSE %s (%d) needs errno, reason and note", e->name, nr);
		break;
	case LX_SYS_UNSUP:
		if (e->reason == LX_WHY_NONE || !e->note)
			fail_msg("UNSUP %s (%d) needs a reason and a note", e->name, nr);
		break;
	}
	assert_true(e->reason <= LX_WHY_SECURITY);
}

static void test_class_invariants(void **state)
{
	(void)state;
	for (int nr = 0; nr < LX_NSYSCALLS; nr++) {
		check_entry_invariants(nr, lx_systable[nr].cls, &lx_systable[nr]);
		check_entry_invariants(nr, lx_systable[nr].cls_hardened, &lx_systable[nr]);
	}
}

static void test_emulated_set(void **state)
{
	(void)state;
	static const char *const emul[] = {
	    "execve",	   "execveat", "clone",	     "clone3",	      "exit",
	    "uname",	   "readlink", "readlinkat", "rt_sigaction",  "rt_sigprocmask",
	    "sigaltstack", "signalfd", "signalfd4",  "rt_sigpending",
	};
	size_t n = sizeof(emul) / sizeof(emul[0]);
	for (size_t i = 0; i < n; i++) {
		const struct lx_sysent *e = by_name(emul[i]);
		assert_non_null(e);
		assert_int_equal(e->cls, LX_SYS_EMUL);
	}
	size_t count = 0;
	for (int nr = 0; nr < LX_NSYSCALLS; nr++)
		count += lx_systable[nr].cls == LX_SYS_EMUL;
	assert_int_equal(count, n);
	assert_int_equal(by_name("uname") - lx_systable, 63);
	assert_int_equal(by_name("clone") - lx_systable, 56);
	assert_int_equal(by_name("clone3") - lx_systable, 435);
}

static void test_policy_rows(void **state)
{
	(void)state;
	/* vfork children run natively on the parent's stack; sigreturn must never trap. */
	assert_int_equal(by_name("vfork")->cls, LX_SYS_PASS);
	assert_int_equal(by_name("rt_sigreturn")->cls, LX_SYS_PASS);
	assert_int_equal(by_name("exit_group")->cls, LX_SYS_PASS);

	static const char *const enosys[] = {"io_uring_setup", "io_uring_enter",
					     "io_uring_register"};
	for (int i = 0; i < 3; i++) {
		const struct lx_sysent *e = by_name(enosys[i]);
		assert_int_equal(e->cls, LX_SYS_REFUSE);
		assert_int_equal(e->err, ENOSYS);
		assert_int_equal(e->reason, LX_WHY_BYPASS);
	}
	static const char *const eperm[] = {
	    "kexec_load",      "kexec_file_load",
	    "init_module",     "finit_module",
	    "delete_module",   "bpf",
	    "perf_event_open", "keyctl",
	    "add_key",	       "request_key",
	    "reboot",	       "swapon",
	    "swapoff",	       "acct",
	    "syslog",	       "settimeofday",
	    "clock_settime",   "clock_adjtime",
	    "adjtimex",	       "iopl",
	    "ioperm",	       "open_by_handle_at",
	    "mount",	       "umount2",
	    "pivot_root",      "setns",
	    "quotactl",	       "quotactl_fd",
	    "userfaultfd",     "lookup_dcookie",
	};
	for (size_t i = 0; i < sizeof(eperm) / sizeof(eperm[0]); i++) {
		const struct lx_sysent *e = by_name(eperm[i]);
		assert_non_null(e);
		if (e->cls != LX_SYS_REFUSE || e->err != EPERM)
			fail_msg("%s should be refused with EPERM", eperm[i]);
		assert_true(e->reason == LX_WHY_SECURITY || e->reason == LX_WHY_HOST_STATE);
	}
	/* libmount falls back to /proc/self/mountinfo only on ENOSYS. */
	assert_int_equal(by_name("statmount")->err, ENOSYS);
	assert_int_equal(by_name("listmount")->err, ENOSYS);
	/* ... and (2.39+) from the new mount API to mount(2) only on ENOSYS too: refused so
	 * without a zone; in a zone the mount service decides on them as on mount(2). */
	static const char *const newapi[] = {"fsopen",	       "fsconfig",     "fsmount",
					     "fspick",	       "move_mount",   "open_tree",
					     "open_tree_attr", "mount_setattr"};
	for (size_t i = 0; i < sizeof(newapi) / sizeof(newapi[0]); i++) {
		const struct lx_sysent *e = by_name(newapi[i]);
		assert_non_null(e);
		if (e->cls != LX_SYS_REFUSE || e->err != ENOSYS || e->trap != LX_TRAP_MOUNTD)
			fail_msg(
			    "%s should be refused with ENOSYS, sent to the mount service in a zone",
			    newapi[i]);
	}
	/* the mount service's calls are refused by the table (no zone, no service) */
	int mountd = 0;
	for (int nr = 0; nr < LX_NSYSCALLS; nr++)
		if (lx_systable[nr].trap == LX_TRAP_MOUNTD) {
			assert_int_equal(lx_systable[nr].cls, LX_SYS_REFUSE);
			mountd++;
		}
	assert_int_equal(mountd, 10); /* mount, umount2 and the new API's eight */
	assert_int_equal(lx_systable[SYS_mount].trap, LX_TRAP_MOUNTD);
	assert_int_equal(lx_systable[SYS_umount2].trap, LX_TRAP_MOUNTD);

	static const char *const obsolete[] = {
	    "create_module", "get_kernel_syms", "query_module", "nfsservctl", "getpmsg",
	    "putpmsg",	     "afs_syscall",	"tuxcall",	"security",   "vserver",
	    "epoll_ctl_old", "epoll_wait_old",	"_sysctl",	"uselib",
	};
	for (size_t i = 0; i < sizeof(obsolete) / sizeof(obsolete[0]); i++) {
		const struct lx_sysent *e = by_name(obsolete[i]);
		assert_non_null(e);
		assert_int_equal(e->cls, LX_SYS_UNSUP);
		assert_int_equal(e->reason, LX_WHY_OBSOLETE);
	}
}

/* Each row's trap condition fits its class, and exactly the rows that can reach the brand's
 * dispatch name a family (the handler's file): systable.def's contract with dispatch.c. */
static void test_trap_and_family(void **state)
{
	(void)state;
	static const char *const caps[] = {"open",    "openat",	 "openat2",
					   "lseek",   "pread64", "preadv",
					   "preadv2", "sysinfo", "sched_getaffinity"};
	static const char *const fdfilter[] = {"fstat", "newfstatat", "statx", "mmap"};
	int ncaps = 0, nfd = 0;

	for (int nr = 0; nr < LX_NSYSCALLS; nr++) {
		const struct lx_sysent *e = &lx_systable[nr];
		int ok, handler;

		if (!e->name)
			continue;
		switch (e->cls) {
		case LX_SYS_PASS:
			ok = e->trap == LX_TRAP_NEVER || e->trap == LX_TRAP_CAPS ||
			     e->trap == LX_TRAP_FDFILTER || e->trap == LX_TRAP_HARDENED ||
			     e->trap == LX_TRAP_NETVIEW || e->trap == LX_TRAP_EXE;
			break;
		case LX_SYS_EMUL:
			ok = e->trap == LX_TRAP_ALWAYS || e->trap == LX_TRAP_ARGS ||
			     e->trap == LX_TRAP_EXE;
			break;
		case LX_SYS_REFUSE:
			ok = e->trap == LX_TRAP_NEVER || e->trap == LX_TRAP_MOUNTD ||
			     e->trap == LX_TRAP_ARGS || e->trap == LX_TRAP_USERNS;
			break;
		default:
			ok = e->trap == LX_TRAP_ALWAYS;
		}
		if (!ok)
			fail_msg("%s: class %s with trap %s", e->name, lx_sys_class_name(e->cls),
				 lx_sys_trap_name(e->trap));
		/* HARDENED rows: emulated in the hardened profile, or (HARDENED_UNSUP) kept from
		 * the host as unsupported */
		if (e->trap == LX_TRAP_HARDENED)
			assert_true(e->cls_hardened == LX_SYS_EMUL ||
				    e->cls_hardened == LX_SYS_UNSUP);
		handler = e->cls == LX_SYS_EMUL || e->cls_hardened == LX_SYS_EMUL ||
			  e->trap == LX_TRAP_CAPS || e->trap == LX_TRAP_FDFILTER ||
			  e->trap == LX_TRAP_NETVIEW || e->trap == LX_TRAP_EXE;
		if (handler != (e->family != NULL))
			fail_msg("%s: may reach a handler %d, family %s", e->name, handler,
				 e->family ? e->family : "(none)");
		if (e->family && (strncmp(e->family, "lx_", 3) != 0 ||
				  strcmp(e->family + strlen(e->family) - 2, ".c") != 0))
			fail_msg("%s: family %s is not lx_<family>.c", e->name, e->family);
		if (e->cls != LX_SYS_PASS || e->trap != LX_TRAP_NEVER)
			assert_non_null(e->note);
		ncaps += e->trap == LX_TRAP_CAPS;
		nfd += e->trap == LX_TRAP_FDFILTER;
	}
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		assert_int_equal(by_name(caps[i])->trap, LX_TRAP_CAPS);
	for (size_t i = 0; i < sizeof(fdfilter) / sizeof(fdfilter[0]); i++)
		assert_int_equal(by_name(fdfilter[i])->trap, LX_TRAP_FDFILTER);
	assert_int_equal(ncaps, sizeof(caps) / sizeof(caps[0]));
	assert_int_equal(nfd, sizeof(fdfilter) / sizeof(fdfilter[0]));
	assert_int_equal(by_name("clone")->trap, LX_TRAP_ARGS);
	assert_int_equal(by_name("setns")->trap, LX_TRAP_ARGS);
	assert_string_equal(by_name("clone3")->family, "lx_clone.c");
	assert_string_equal(by_name("sysinfo")->family, "lx_sysinfo.c");
}

/* The first-version column: every row has one, within what x86_64 Linux has released, and
 * the calls software probes by ENOSYS carry the release that added them. */
/* Each handler is where its row says: "long lx_sys_<name>(" in syscalls/lx_<family>.c. */
static void test_family_files_hold_handlers(void **state)
{
	(void)state;
	for (int nr = 0; nr < LX_NSYSCALLS; nr++) {
		const struct lx_sysent *e = &lx_systable[nr];
		char path[512], want[96], line[512];
		int found = 0;
		FILE *f;

		if (!e->family)
			continue;
		snprintf(path, sizeof(path), "%s/syscalls/%s", LXZONE_SOURCE_DIR, e->family);
		snprintf(want, sizeof(want), "long lx_sys_%s(struct lx_sysctx *c)", e->name);
		f = fopen(path, "r");
		if (!f)
			fail_msg("%s: family file %s: %s", e->name, path, strerror(errno));
		while (!found && fgets(line, sizeof(line), f))
			found = strncmp(line, want, strlen(want)) == 0;
		fclose(f);
		if (!found)
			fail_msg("%s: %s does not define lx_sys_%s", e->name, path, e->name);
	}
}

static void test_since(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		unsigned since;
	} known[] = {
	    {"read", LX_KV(2, 6, 0)},
	    {"inotify_init", LX_KV(2, 6, 13)},
	    {"openat", LX_KV(2, 6, 16)},
	    {"epoll_pwait", LX_KV(2, 6, 19)},
	    {"eventfd2", LX_KV(2, 6, 27)},
	    {"pipe2", LX_KV(2, 6, 27)},
	    {"accept4", LX_KV(2, 6, 28)},
	    {"prlimit64", LX_KV(2, 6, 36)},
	    {"sendmmsg", LX_KV(3, 0, 0)},
	    {"setns", LX_KV(3, 0, 0)},
	    {"process_vm_readv", LX_KV(3, 2, 0)},
	    {"kcmp", LX_KV(3, 5, 0)},
	    {"finit_module", LX_KV(3, 8, 0)},
	    {"sched_setattr", LX_KV(3, 14, 0)},
	    {"renameat2", LX_KV(3, 15, 0)},
	    {"getrandom", LX_KV(3, 17, 0)},
	    {"memfd_create", LX_KV(3, 17, 0)},
	    {"seccomp", LX_KV(3, 17, 0)},
	    {"bpf", LX_KV(3, 18, 0)},
	    {"execveat", LX_KV(3, 19, 0)},
	    {"userfaultfd", LX_KV(4, 3, 0)},
	    {"membarrier", LX_KV(4, 3, 0)},
	    {"mlock2", LX_KV(4, 4, 0)},
	    {"copy_file_range", LX_KV(4, 5, 0)},
	    {"preadv2", LX_KV(4, 6, 0)},
	    {"pkey_alloc", LX_KV(4, 9, 0)},
	    {"statx", LX_KV(4, 11, 0)},
	    {"rseq", LX_KV(4, 18, 0)},
	    {"io_pgetevents", LX_KV(4, 18, 0)},
	    {"pidfd_send_signal", LX_KV(5, 1, 0)},
	    {"io_uring_setup", LX_KV(5, 1, 0)},
	    {"fsopen", LX_KV(5, 2, 0)},
	    {"pidfd_open", LX_KV(5, 3, 0)},
	    {"clone3", LX_KV(5, 3, 0)},
	    {"openat2", LX_KV(5, 6, 0)},
	    {"pidfd_getfd", LX_KV(5, 6, 0)},
	    {"faccessat2", LX_KV(5, 8, 0)},
	    {"close_range", LX_KV(5, 9, 0)},
	    {"process_madvise", LX_KV(5, 10, 0)},
	    {"epoll_pwait2", LX_KV(5, 11, 0)},
	    {"mount_setattr", LX_KV(5, 12, 0)},
	    {"landlock_create_ruleset", LX_KV(5, 13, 0)},
	    {"memfd_secret", LX_KV(5, 14, 0)},
	    {"process_mrelease", LX_KV(5, 15, 0)},
	    {"futex_waitv", LX_KV(5, 16, 0)},
	    {"cachestat", LX_KV(6, 5, 0)},
	    {"fchmodat2", LX_KV(6, 6, 0)},
	    {"futex_wait", LX_KV(6, 7, 0)},
	    {"statmount", LX_KV(6, 8, 0)},
	    {"mseal", LX_KV(6, 10, 0)},
	    {"setxattrat", LX_KV(6, 13, 0)},
	    {"file_setattr", LX_KV(6, 17, 0)},
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const struct lx_sysent *e = by_name(known[i].name);
		assert_non_null(e);
		if (e->since != known[i].since)
			fail_msg("%s: since %#x, Linux added it in %#x", e->name, e->since,
				 known[i].since);
	}
	for (int nr = 0; nr < LX_NSYSCALLS; nr++) {
		const struct lx_sysent *e = &lx_systable[nr];
		if (!e->name)
			continue;
		if (e->since < LX_KV(2, 6, 0) || e->since > LX_KV(6, 17, 0))
			fail_msg("%s: since %#x", e->name, e->since);
		/* 424 and up were numbered together for every architecture from 5.1 on */
		if (nr >= 424)
			assert_true(e->since >= LX_KV(5, 1, 0));
	}
}

static void test_class_and_reason_names(void **state)
{
	(void)state;
	assert_string_equal(lx_sys_class_name(LX_SYS_PASS), "pass");
	assert_string_equal(lx_sys_class_name(LX_SYS_EMUL), "emulate");
	assert_string_equal(lx_sys_class_name(LX_SYS_REFUSE), "refuse");
	assert_string_equal(lx_sys_class_name(LX_SYS_UNSUP), "unsupported");
	assert_string_equal(lx_sys_class_name(LX_SYS_NONE), "none");
	assert_string_equal(lx_sys_class_name(99), "?");
	assert_string_equal(lx_sys_reason_name(LX_WHY_OBSOLETE), "obsolete");
	assert_string_equal(lx_sys_reason_name(LX_WHY_BYPASS), "bypass");
	assert_string_equal(lx_sys_reason_name(LX_WHY_SECURITY), "security");
	assert_string_equal(lx_sys_reason_name(LX_WHY_HOST_STATE), "host-state");
	assert_string_equal(lx_sys_reason_name(LX_WHY_NOT_YET), "not-yet");
	assert_string_equal(lx_sys_reason_name(LX_WHY_NO_HOST_EQUIV), "no-host-equivalent");
	assert_string_equal(lx_sys_reason_name(1000), "?");
	assert_string_equal(lx_sys_trap_name(LX_TRAP_CAPS), "zones with caps");
	assert_string_equal(lx_sys_trap_name(1000), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names_match_host_header),
	    cmocka_unit_test(test_numbers_beyond_debian12),
	    cmocka_unit_test(test_holes_are_none),
	    cmocka_unit_test(test_names_unique),
	    cmocka_unit_test(test_class_invariants),
	    cmocka_unit_test(test_emulated_set),
	    cmocka_unit_test(test_policy_rows),
	    cmocka_unit_test(test_trap_and_family),
	    cmocka_unit_test(test_family_files_hold_handlers),
	    cmocka_unit_test(test_since),
	    cmocka_unit_test(test_class_and_reason_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
