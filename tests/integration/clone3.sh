#!/bin/sh
# clone3 (clone3.c) natively and under lxrun: both must print expected/clone3.out.
. "$(dirname "$0")/lib.sh"
need_root
bin=$LXZONE_BUILD/tests/bin
[ -x "$bin/it_clone3" ] || skip "$bin/it_clone3 not built"
run_case clone3 0 \
	"cd '$WORK' && '$bin/it_clone3'" \
	"cd '$WORK' && '$LXRUN' -- '$bin/it_clone3'"
finish
