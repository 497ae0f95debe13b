/*
 * The brand's dispatch (syscalls/dispatch.c) and the table (emul/systable.c) agree: every
 * row the filter traps as emulated, in either profile, has a handler, and no handler hides
 * behind a row that is never trapped.  The handlers themselves are stubs here: this test is
 * about the wiring, the integration tests run them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "emul/fdfilter.h"
#include "emul/systable.h"
#include "syscalls/handlers.h"

extern const lx_handler_fn lx_handlers[LX_NSYSCALLS];

#define STUB(f)                                                                                    \
	long f(struct lx_sysctx *c)                                                                \
	{                                                                                          \
		(void)c;                                                                           \
		return 0;                                                                          \
	}
STUB(lx_sys_rt_sigaction)
STUB(lx_sys_rt_sigprocmask)
STUB(lx_sys_sigaltstack)
STUB(lx_sys_rt_sigpending)
STUB(lx_sys_signalfd)
STUB(lx_sys_signalfd4)
STUB(lx_sys_execve)
STUB(lx_sys_execveat)
STUB(lx_sys_clone)
STUB(lx_sys_clone3)
STUB(lx_sys_exit)
STUB(lx_sys_uname)
STUB(lx_sys_readlink)
STUB(lx_sys_readlinkat)
STUB(lx_sys_open)
STUB(lx_sys_openat)
STUB(lx_sys_openat2)
STUB(lx_sys_lseek)
STUB(lx_sys_pread64)
STUB(lx_sys_preadv)
STUB(lx_sys_preadv2)
STUB(lx_sys_fstat)
STUB(lx_sys_newfstatat)
STUB(lx_sys_statx)
STUB(lx_sys_mmap)
STUB(lx_sys_sysinfo)
STUB(lx_sys_sched_getaffinity)
STUB(lx_sys_epoll_create)
STUB(lx_sys_epoll_create1)
STUB(lx_sys_epoll_ctl)
STUB(lx_sys_epoll_wait)
STUB(lx_sys_epoll_pwait)
STUB(lx_sys_epoll_pwait2)
STUB(lx_sys_futex)
STUB(lx_sys_inotify_init)
STUB(lx_sys_inotify_init1)
STUB(lx_sys_inotify_add_watch)
STUB(lx_sys_inotify_rm_watch)

static void test_every_emulated_row_has_a_handler(void **state)
{
	(void)state;
	for (int nr = 0; nr < LX_NSYSCALLS; nr++) {
		int emul = lx_systable[nr].cls == LX_SYS_EMUL ||
			   lx_systable[nr].cls_hardened == LX_SYS_EMUL || lx_sys_is_lxproc(nr) ||
			   lx_fdfilter_nr(nr);
		if (emul != (lx_handlers[nr] != NULL))
			fail_msg("syscall %d (%s): emulated %d, handler %s", nr,
				 lx_systable[nr].name ? lx_systable[nr].name : "?", emul,
				 lx_handlers[nr] ? "present" : "missing");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_emulated_row_has_a_handler),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
