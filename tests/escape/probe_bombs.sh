#!/bin/sh
# probe_bombs: a memory bomb and a fork bomb in a capped zone.
# escape-timeout: 150
# Safe outcome: in a zone with memory=64M, pids=64 and cpus=0.5 each bomb is held by the
# zone's cgroup (memory use at most the cap, at most 64 tasks), the host stays responsive
# (starting /bin/true on the host never takes 2 s or more while a bomb runs) and a halt
# clears the zone.
set -u
: "${LXZONE:?} ${ESCAPE_TMP:?}"
t=$ESCAPE_TMP
z=esc$$m
bound_ms=2000
phase=12
cleanup() {
	"$LXZONE" halt $z >/dev/null 2>&1
	"$LXZONE" destroy $z >/dev/null 2>&1
}
trap cleanup EXIT
escaped() {
	echo "ESCAPED: $*"
	exit 1
}
"$LXZONE" create $z --image builtin:busybox --memory 64M --pids 64 --cpus 0.5 >"$t/create.log" 2>&1 &&
	"$LXZONE" boot $z >>"$t/create.log" 2>&1 || {
	echo "skip: cannot boot a capped zone: $(tail -n 1 "$t/create.log")"
	exit 77
}
# the zone's cgroup files (hybrid or v1: the controllers' trees; v2: one)
parent=${LXZONE_CGROUP_PARENT:-lxzone}
cg() { # v1-controller v1-file v2-file
	for f in "/sys/fs/cgroup/$1/$parent/$z/$2" "/sys/fs/cgroup/$parent/$z/$3"; do
		[ -f "$f" ] && echo "$f" && return
	done
}
pids_cur=$(cg pids pids.current pids.current)
mem_peak=$(cg memory memory.max_usage_in_bytes memory.peak)

# sample SECONDS [DONE]: the host's worst /bin/true start (ms) and the most tasks in the zone,
# for SECONDS or until 1 s after the file DONE appears (the bomb is over: its aftermath is
# sampled too, an idle host after it is not)
sample() {
	python3 - "$1" "${pids_cur:-}" "${2:-}" <<'PY'
import os, subprocess, sys, time
end = time.monotonic() + float(sys.argv[1])
done = sys.argv[3]
worst = tasks = 0
while time.monotonic() < end:
    if done and os.path.exists(done):
        end = min(end, time.monotonic() + 1)
        done = ""
    t0 = time.monotonic()
    subprocess.run(["/bin/true"])
    worst = max(worst, (time.monotonic() - t0) * 1000)
    if sys.argv[2]:
        try:
            tasks = max(tasks, int(open(sys.argv[2]).read()))
        except OSError:
            pass
    time.sleep(0.1)
print("%d %d" % (worst, tasks))
PY
}

base=$(sample 2 | cut -d' ' -f1)

# memory: a string doubling until the zone's OOM killer stops it
sample $phase "$t/mem.done" >"$t/mem.sample" &
s=$!
timeout $phase "$LXZONE" exec $z -- /bin/sh -c 'a=0123456789abcdef; while :; do a=$a$a; done' \
	>/dev/null 2>&1
mem_rc=$?
touch "$t/mem.done"
wait $s
read -r mem_worst _ <"$t/mem.sample"
[ "$mem_worst" -lt $bound_ms ] || escaped "host /bin/true took ${mem_worst} ms during the memory bomb"
[ $mem_rc = 124 ] && escaped "the memory bomb was still running after ${phase} s (not held by the cap)"
peak=""
if [ -n "$mem_peak" ]; then
	peak=$(($(cat "$mem_peak") / 1048576))
	[ $peak -le 66 ] || escaped "the zone used ${peak} MiB with a 64 MiB cap"
fi

# pids: the classic fork bomb, left to run, then a halt
sample $phase >"$t/fork.sample" &
s=$!
timeout -k 2 $phase "$LXZONE" exec $z -- /bin/sh -c 'f() { f | f & }; f; sleep 60' >/dev/null 2>&1
wait $s
read -r fork_worst tasks <"$t/fork.sample"
[ "$fork_worst" -lt $bound_ms ] || escaped "host /bin/true took ${fork_worst} ms during the fork bomb"
[ "$tasks" -le 64 ] || escaped "the zone ran $tasks tasks with a cap of 64"
start=$(date +%s)
timeout 60 "$LXZONE" halt $z >/dev/null 2>&1 || escaped "halt did not stop the fork bomb within 60 s"
left=$([ -n "$pids_cur" ] && [ -f "$pids_cur" ] && cat "$pids_cur" || echo 0)
[ "$left" = 0 ] || escaped "$left tasks left in the zone after halt"
echo "safe: memory bomb killed (status $mem_rc, peak ${peak:-?} MiB of 64), fork bomb held at ${tasks:-?} of 64 tasks and halted in $(($(date +%s) - start)) s; host /bin/true worst ${mem_worst} ms and ${fork_worst} ms (${base} ms idle; bound ${bound_ms})"
