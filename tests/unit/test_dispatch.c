/*
 * The brand's dispatch (syscalls/dispatch.c) and the table (emul/systable.c) agree: both come
 * from emul/systable.def, and here every row the filter may hand to the brand (emulated in
 * either profile, or trapped on a condition: CAPS, FDFILTER, NETVIEW, HARDENED) has a handler, and
 * no other row does.  The handlers are stubs generated from the same rows, each returning its own
 * number, so a handler wired to the wrong number fails too; the integration tests run the real
 * ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "emul/systable.h"
#include "syscalls/handlers.h"

extern const lx_handler_fn lx_handlers[LX_NSYSCALLS];

#define STUB(nr, n)                                                                                \
	long lx_sys_##n(struct lx_sysctx *c)                                                       \
	{                                                                                          \
		(void)c;                                                                           \
		return nr;                                                                         \
	}
#define PASS(nr, n, since)
#define TRAPS(nr, n, since, trap, fam, note) STUB(nr, n)
#define EMUL(nr, n, since, trap, fam, note)  STUB(nr, n)
#define HARDENED(nr, n, since, fam, note)    STUB(nr, n)
#define REFUSE(nr, n, since, e, why, note)
#define REFUSE_IF(nr, n, since, e, why, trap, note)
#define HARDENED_UNSUP(nr, n, since, why, note)
#define UNSUP(nr, n, since, why, note)
#include "emul/systable.def"

static void test_every_trapped_row_has_its_handler(void **state)
{
	(void)state;
	int n = 0;

	for (int nr = 0; nr < LX_NSYSCALLS; nr++) {
		const struct lx_sysent *e = &lx_systable[nr];
		int emul = e->cls == LX_SYS_EMUL || e->cls_hardened == LX_SYS_EMUL ||
			   e->trap == LX_TRAP_CAPS || e->trap == LX_TRAP_FDFILTER ||
			   e->trap == LX_TRAP_NETVIEW || e->trap == LX_TRAP_EXE;
		if (emul != (lx_handlers[nr] != NULL))
			fail_msg("syscall %d (%s): emulated %d, handler %s", nr,
				 e->name ? e->name : "?", emul,
				 lx_handlers[nr] ? "present" : "missing");
		if (lx_handlers[nr]) {
			assert_int_equal(lx_handlers[nr](NULL), nr);
			n++;
		}
	}
	assert_true(n >= 27); /* 14 emulated calls and lxproc's 13 when this test was written */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_trapped_row_has_its_handler),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
