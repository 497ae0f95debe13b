#!/bin/sh
# inotify_poll (inotify_poll.c) natively and under lxrun --hardened, where the brand emulates
# inotify by polling: both must print the same lines.
. "$(dirname "$0")/lib.sh"
need_root
bin=$LXZONE_BUILD/tests/bin
[ -x "$bin/it_inotify_poll" ] || skip "$bin/it_inotify_poll not built"
run_case inotify-poll 0 \
	"cd '$WORK' && '$bin/it_inotify_poll'" \
	"cd '$WORK' && '$LXRUN' --hardened -- '$bin/it_inotify_poll'"
finish
