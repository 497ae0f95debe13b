/*
 * The brand's dispatch: system call number -> handler, generated from the table's rows
 * (emul/systable.def): every row with a family (TRAPS, EMUL, HARDENED) dispatches to
 * lx_sys_<name> in syscalls/lx_<family>.c.  A trapped call with no handler (UNSUP rows,
 * holes, unknown numbers) is answered as unsupported (ENOSYS and a record), so a table row can
 * never crash the brand.
 */
#include "emul/lx_abi.h"
#include "emul/systable.h"
#include "syscalls/handlers.h"

#define HANDLER(nr, n) [nr] = lx_sys_##n,
#define PASS(nr, n, since)
#define TRAPS(nr, n, since, trap, fam, note) HANDLER(nr, n)
#define EMUL(nr, n, since, trap, fam, note)  HANDLER(nr, n)
#define HARDENED(nr, n, since, fam, note)    HANDLER(nr, n)
#define REFUSE(nr, n, since, e, why, note)
#define REFUSE_IF(nr, n, since, e, why, trap, note)
#define HARDENED_UNSUP(nr, n, since, why, note)
#define UNSUP(nr, n, since, why, note)

const lx_handler_fn lx_handlers[LX_NSYSCALLS] = {
#include "emul/systable.def"
};
