#!/bin/sh
# futex_pi (futex_pi.c) natively and under lxrun --hardened, where the brand emulates futex's
# PI and requeue commands: both must print the same lines.
. "$(dirname "$0")/lib.sh"
need_root
bin=$LXZONE_BUILD/tests/bin
[ -x "$bin/it_futex_pi" ] || skip "$bin/it_futex_pi not built"
run_case futex-pi 0 \
	"cd '$WORK' && '$bin/it_futex_pi' errors mutex" \
	"cd '$WORK' && '$LXRUN' --hardened -- '$bin/it_futex_pi' errors mutex"
finish
