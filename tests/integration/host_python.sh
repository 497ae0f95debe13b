#!/bin/sh
# Host python3 (dynamic, glibc) without --root: threads, subprocess, multiprocessing
# (fork and spawn), signal.alarm interrupting a blocking read.
. "$(dirname "$0")/lib.sh"
need_root
py=/usr/bin/python3
[ -x $py ] || skip "$py not installed"
cp "$LXZONE_SRC/host/workload.py" "$WORK/"
run_case host-python 0 \
	"cd '$WORK' && $py workload.py" \
	"cd '$WORK' && '$LXRUN' -- $py workload.py"
finish
