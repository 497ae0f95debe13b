#!/bin/sh
# Must work #7: a memory=64M zone: a memory hog inside is killed, the zone and the host
# survive. pids=64: a fork bomb is contained, and halt still cleans everything up.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand

lxzone create lim --image builtin:busybox --memory 64M --pids 64
lxzone boot lim
memdir=/sys/fs/cgroup/memory/$CGP/lim
[ -d $memdir ] || memdir=/sys/fs/cgroup/$CGP/lim

# awk doubles a string until the cap stops it.
set +e
lxzone exec lim -- /bin/sh -c 'awk "BEGIN { s = \"x\"; while (1) s = s s }"' 2>"$T/hog.err"
st=$?
set -e
echo "hog exit status $st"
[ $st = 137 ] || [ $st -ge 128 ] || fail "memory hog was not killed (status $st)"
# The kill came from the cap: an OOM-kill counter in the zone's cgroup moved (v1 counts a
# kill in the cgroup of the task killed: the zone's processes are in its delegated child;
# v2's memory.events counts the subtree).
kills=$(find $memdir -name memory.oom_control -o -name memory.events | xargs awk '$1 == "oom_kill" {n += $2} END {print n}')
echo "oom kills in the zone's cgroup: ${kills:-?}"
[ "${kills:-0}" -ge 1 ] || fail "the zone's memory cap did not kill the hog"
expect_state lim running
[ "$(lxzone exec lim -- /bin/echo alive)" = alive ] || fail "zone dead after the hog"
echo "ok: the hog was killed, the zone lives"

# A fork bomb, in the background; it can never exceed pids.max.
piddir=/sys/fs/cgroup/pids/$CGP/lim
[ -d $piddir ] || piddir=/sys/fs/cgroup/$CGP/lim
lxzone exec lim -- /bin/sh -c 'b() { b | b & }; b' >/dev/null 2>&1 &
bomb=$!
sleep 3
cur=$(cat $piddir/pids.current)
echo "pids.current during the bomb: $cur"
[ "$cur" -le 64 ] || fail "pids.current $cur > 64"
[ -f $piddir/pids.events ] && grep -q "max [1-9]" $piddir/pids.events && echo "ok: pids.max hit: $(cat $piddir/pids.events)"
/bin/true || fail "host cannot fork"
lxzone halt lim
wait $bomb 2>/dev/null || true
expect_state lim installed
no_cgroup_left lim
lxzone destroy lim
echo PASS
