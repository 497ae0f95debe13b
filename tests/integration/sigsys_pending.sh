#!/bin/sh
# A SIGSYS the guest raised while blocking it is pending for the guest: sigpending reports
# it (with SIG_DFL, with its own handler, after a thread), and a signalfd for SIGSYS reads
# it. sigefault.c's part "sigsys-pending", natively and under lxrun.
. "$(dirname "$0")/lib.sh"
need_root
bin=$LXZONE_BUILD/tests/bin
[ -x "$bin/it_sigefault_dynamic" ] || skip "$bin/it_sigefault_dynamic not built"
run_case sigsys-pending 0 \
	"cd '$WORK' && '$bin/it_sigefault_dynamic' sigsys-pending" \
	"cd '$WORK' && '$LXRUN' -- '$bin/it_sigefault_dynamic' sigsys-pending"
finish
