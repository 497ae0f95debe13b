#!/bin/sh
# lxzone-oci, driven as a shim drives runc: a busybox bundle made here, then create / state /
# start / exec / ps / pause / resume / kill / delete and run, each checked; then the bad
# input runc refuses (duplicate id, malformed config.json, missing console socket, kill of a
# stopped container, a mount through a symlink out of the rootfs), each with runc's words on
# stderr and in the --log JSON, and nothing left behind: no state, no cgroup, no mount.
. "$(dirname "$0")/lib.sh"
need_root
need_image
OCI=$LXZONE_BUILD/bin/lxzone-oci
[ -x "$OCI" ] || skip "lxzone-oci not built at $OCI"
[ -x "$LXZONE_BUILD/bin/lxzone-brand" ] || skip "lxzone-brand not built"
export LXZONE_CGROUP_PARENT=${LXZONE_CGROUP_PARENT:-lxzone-oci-test}
STATE=$WORK/state
LOG=$WORK/oci.log
R() { "$OCI" --root "$STATE" --log "$LOG" --log-format json "$@"; }
ID=h7oci$$
cg_of() { echo "/sys/fs/cgroup/pids/$LXZONE_CGROUP_PARENT/$1"; }
[ -d /sys/fs/cgroup/pids ] || cg_of() { echo "/sys/fs/cgroup/$LXZONE_CGROUP_PARENT/$1"; }
cleanup_oci() {
	"$OCI" --root "$STATE" delete --force "$ID" >/dev/null 2>&1
	"$OCI" --root "$STATE" delete --force "${ID}r" >/dev/null 2>&1
	"$OCI" --root "$STATE" delete --force "${ID}b" >/dev/null 2>&1
	"$OCI" --root "$STATE" delete --force "${ID}e" >/dev/null 2>&1
	[ ! -d "$WORK/runc-state" ] || "${RUNC:-runc}" --root "$WORK/runc-state" delete --force "${ID}c" >/dev/null 2>&1
	cleanup_work
}
trap cleanup_oci EXIT

# bundle: the busybox image as rootfs, runc's default config with a program of ours, a bind
# mount of a host directory at /out, and the brand's kernel-version annotation
B=$WORK/bundle
mkdir -p "$B" "$WORK/out"
cp -a "$IMAGE" "$B/rootfs"
(cd "$B" && "$OCI" spec) || fail "spec exited $?"
[ -s "$B/config.json" ] && grep -q '"ociVersion"' "$B/config.json" || fail "spec wrote no config.json"
(cd "$B" && "$OCI" spec 2>"$WORK/spec.err") && fail "spec over an existing config.json succeeded"
grep -q "exists" "$WORK/spec.err" || fail "spec over an existing config.json: $(cat "$WORK/spec.err")"
config() { # ARGS-JSON [EXTRA-PYTHON]
	python3 - "$B/config.json" "$WORK/out" "$1" "${2:-}" <<'EOF'
import json, sys
path, out, args, extra = sys.argv[1:5]
c = json.load(open(path))
p = c["process"]
p["terminal"] = False
p["args"] = json.loads(args)
p["rlimits"] = [{"type": "RLIMIT_NOFILE", "hard": 1000, "soft": 900}]
c["mounts"].append({"destination": "/out", "type": "bind", "source": out,
                    "options": ["rbind", "rw"]})
c["annotations"] = {"io.lxzone.kernel-version": "4.19.0"}
c["domainname"] = "zones.test"
c["linux"]["resources"]["memory"] = {"limit": 64 * 1024 * 1024}
c["linux"]["resources"]["pids"] = {"limit": 50}
exec(extra)
json.dump(c, open(path, "w"), indent=1)
EOF
}
config '["sh", "-c", "echo started > /out/started; uname -r > /out/uname; ulimit -n > /out/nofile; touch /rootfs-rw 2>/out/rofs; head -1 /proc/meminfo > /out/meminfo; grep -E \" /proc/(meminfo|loadavg) \" /proc/self/mountinfo > /out/mountinfo; cat /proc/loadavg > /out/loadavg; exec sleep 300"]' \
	'c["linux"]["maskedPaths"].append("/proc/loadavg")'
cp "$B/config.json" "$WORK/config.good"

# create: state says created, the pid file names the init, the program has not run
R create --bundle "$B" --pid-file "$WORK/pid" "$ID" || fail "create exited $?"
st=$(R state "$ID")
echo "$st" | grep -q '"status": "created"' || fail "state after create: $st"
pid=$(cat "$WORK/pid" 2>/dev/null)
echo "$st" | grep -q "\"pid\": $pid," || fail "pid file ($pid) differs from state: $st"
[ ! -e "$WORK/out/started" ] || fail "the program ran before start"
echo "$st" | grep -q '"io.lxzone.kernel-version": "4.19.0"' || fail "state has no annotations: $st"

# start: the program runs under the brand (its uname is the annotation's), config applied
R start "$ID" || fail "start exited $?"
i=0; while [ ! -s "$WORK/out/nofile" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(cat "$WORK/out/started" 2>/dev/null)" = started ] || fail "the program did not run after start"
[ "$(cat "$WORK/out/uname")" = 4.19.0 ] || fail "uname -r in the container: $(cat "$WORK/out/uname") (want the annotation's 4.19.0)"
[ "$(cat "$WORK/out/nofile")" = 900 ] || fail "RLIMIT_NOFILE soft: $(cat "$WORK/out/nofile") (want 900)"
grep -q "Read-only file system" "$WORK/out/rofs" || fail "root.readonly: touch / said: $(cat "$WORK/out/rofs")"
# lxproc shows the container's limits, as a zone's (the zone page)
grep -q "^MemTotal: *65536 kB" "$WORK/out/meminfo" || fail "meminfo in a 64 MiB container: $(cat "$WORK/out/meminfo")"
# ... from the kernel where the runtime may mount FUSE (the filter then traps no open): the
# container's own mountinfo shows lxproc's file system on /proc/meminfo, and a masked lxproc
# file (maskedPaths, applied after the binds) stays masked
if [ -c /dev/fuse ]; then
	grep -q " /proc/meminfo .* - fuse lxproc " "$WORK/out/mountinfo" || fail "no lxproc FUSE mount on /proc/meminfo: $(cat "$WORK/out/mountinfo")"
	kfiles="lxproc files from the kernel"
else
	kfiles="no /dev/fuse: lxproc files from the brand"
fi
[ -e "$WORK/out/loadavg" ] && [ ! -s "$WORK/out/loadavg" ] || fail "masked /proc/loadavg read: $(cat "$WORK/out/loadavg")"
# the page daemon (it holds the state directory) and its child, the lxproc files' server
daemon=
for p in $(pgrep -x lxzone-oci-page); do
	ls -l "/proc/$p/fd" 2>/dev/null | grep -q " $STATE/$ID\$" && daemon=$p
done
[ -n "$daemon" ] || fail "no lxzone-oci-page holds $STATE/$ID"
server=$(pgrep -x -P "$daemon" lxprocfs)
[ ! -c /dev/fuse ] || [ -n "$server" ] || fail "no lxprocfs server below the page daemon $daemon"
R state "$ID" | grep -q '"status": "running"' || fail "state after start: $(R state "$ID")"
R start "$ID" 2>"$WORK/err" && fail "a second start succeeded"
grep -q "cannot start an already running container" "$WORK/err" || fail "second start: $(cat "$WORK/err")"
echo "ok   create, state, start (brand uname, rlimit, read-only root, bind mount, meminfo; $kfiles)"

# list as runc prints it: the table, --quiet, --format json; a bad format refused
R list | head -1 | grep -q '^ID  *PID  *STATUS  *BUNDLE  *CREATED  *OWNER$' || fail "list header: $(R list | head -1)"
R list | grep -q "^$ID  *[0-9][0-9]*  *running  *$B " || fail "list row: $(R list)"
[ "$(R list -q)" = "$ID" ] || fail "list -q: $(R list -q)"
R list --format json | python3 -c 'import json, sys; l = json.load(sys.stdin); assert l[0]["id"] == sys.argv[1] and l[0]["status"] == "running" and l[0]["owner"] == "root", l' "$ID" ||
	fail "list --format json: $(R list --format json)"
R list --format yaml 2>"$WORK/err" && fail "list --format yaml succeeded"
grep -q "invalid format option" "$WORK/err" || fail "list --format yaml: $(cat "$WORK/err")"
echo "ok   list (table, -q, --format json; a bad format refused)"

# limits on the container's cgroup
cgp=$(cg_of "$ID")
[ "$(cat "$cgp/pids.max" 2>/dev/null)" = 50 ] || fail "pids.max at $cgp: $(cat "$cgp/pids.max" 2>&1)"

# exec: a second process in the container, its status returned
out=$(R exec "$ID" cat /out/started) || fail "exec exited $?"
[ "$out" = started ] || fail "exec output: $out"
R exec "$ID" sh -c 'exit 3'; [ $? = 3 ] || fail "exec's exit status is not the program's"
[ "$(R exec "$ID" hostname)" = lxzone ] || fail "exec hostname: $(R exec "$ID" hostname)"
[ "$(R exec "$ID" cat /proc/sys/kernel/domainname)" = zones.test ] ||
	fail "exec domainname: $(R exec "$ID" cat /proc/sys/kernel/domainname)"
R exec "$ID" sh -c 'echo $$ > /out/exec-pid; exec sleep 200' &
i=0; while [ ! -s "$WORK/out/exec-pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
ps=$(R ps --format json "$ID")
echo "$ps" | grep -q "\[$pid[],]" || fail "ps --format json has not the init $pid: $ps"
[ "$(echo "$ps" | tr ',' '\n' | wc -l)" -ge 2 ] || fail "ps --format json has not the exec'd process: $ps"
echo "ok   exec (output, status, hostname, domainname), ps --format json"

# pause / resume through the freezer
R pause "$ID" || fail "pause exited $?"
R state "$ID" | grep -q '"status": "paused"' || fail "state after pause: $(R state "$ID")"
R resume "$ID" || fail "resume exited $?"
R state "$ID" | grep -q '"status": "running"' || fail "state after resume: $(R state "$ID")"
R events --stats "$ID" | grep -q '"type":"stats"' || fail "events --stats: $(R events --stats "$ID" 2>&1)"
# blkio as runc's entries, from the container's own v1 directory: an exec's synced writes to
# the bind mount (on a disk, where the work directory is) are there; empty arrays where the
# host has no v1 blkio
if [ -f /sys/fs/cgroup/blkio/blkio.throttle.io_service_bytes_recursive ] &&
	[ "$(stat -f -c %T "$WORK")" != tmpfs ]; then
	R exec "$ID" dd if=/dev/zero of=/out/io bs=64k count=4 conv=fsync 2>/dev/null || fail "exec dd exited $?"
	rm -f "$WORK/out/io"
	R events --stats "$ID" | python3 -c '
import json, sys
b = json.load(sys.stdin)["data"]["blkio"]
e = b["ioServiceBytesRecursive"]
# omitempty as in runc: a 0 minor or value is left out
assert e and all("op" in x and "major" in x and set(x) <= {"major", "minor", "op", "value"} for x in e), b
assert sum(x.get("value", 0) for x in e if x["op"] == "Total") > 0, b
assert b["ioServicedRecursive"], b' || fail "events --stats blkio: $(R events --stats "$ID" 2>&1)"
	# and the container's /proc/diskstats: a line of its own counts for that disk (≤ 1 s old)
	sysd=/sys/dev/block/$(stat -c %Hd:%Ld "$WORK")
	[ -e "$sysd/partition" ] && sysd=$sysd/..
	disk=$(basename "$(readlink -f "$sysd")")
	i=0 # the page is sampled once a second
	while R exec "$ID" cat /proc/diskstats >"$WORK/ds" &&
		! awk -v d="$disk" '$3 == d && $10 >= 512 {ok = 1} END {exit !ok}' "$WORK/ds" &&
		[ $i -lt 15 ]; do
		sleep 0.3
		i=$((i + 1))
	done
	awk -v d="$disk" '$3 == d && $10 >= 512 {ok = 1} END {exit !ok}' "$WORK/ds" ||
		fail "the container's /proc/diskstats lacks its writes to $disk: $(cat "$WORK/ds")"
else
	echo "skip events --stats blkio: no v1 blkio here, or the work directory is on tmpfs (no block I/O)"
fi
# events without --stats, as runc's: a stats event every --interval, an "oom" event each time
# the kernel's OOM killer acts in the container (a 100 MiB buffer in its 64 MiB), and the end
# of the stream, status 0, when delete removes the container; runc's refusals of an interval
cp "$B/config.json" "$WORK/config.saved"
# memory+swap at the memory limit: on a host with swap the buffer must not swap out instead
config '["sleep", "300"]' 'c["linux"]["resources"]["memory"]["swap"] = 64 * 1024 * 1024'
R run -d --bundle "$B" "${ID}e" || fail "run -d for events exited $?"
cp "$WORK/config.saved" "$B/config.json"
R events --interval 200ms "${ID}e" >"$WORK/events" 2>"$WORK/events.err" &
evpid=$!
sleep 1
R exec "${ID}e" dd if=/dev/zero of=/dev/null bs=100M count=1 2>/dev/null &&
	fail "a 100 MiB buffer in a 64 MiB container was not killed"
sleep 0.5
R delete --force "${ID}e" || fail "delete of the events container exited $?"
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30; do
	kill -0 $evpid 2>/dev/null || break
	sleep 0.1
done
if kill -0 $evpid 2>/dev/null; then
	kill $evpid
	fail "events did not end 3 s after delete"
fi
wait $evpid || fail "events exited $? at the end of the container: $(cat "$WORK/events.err")"
n=$(grep -c '^{"type":"stats","id":"'"${ID}e"'","data":{"cpu":' "$WORK/events")
[ "$n" -ge 4 ] || fail "events --interval 200ms printed $n stats events in 1.5 s: $(cut -c1-80 "$WORK/events")"
grep -qx '{"type":"oom","id":"'"${ID}e"'"}' "$WORK/events" ||
	fail "no oom event after the OOM kill: $(cut -c1-80 "$WORK/events")"
R events --interval 0s "$ID" 2>"$WORK/err" && fail "events --interval 0s succeeded"
grep -q "duration interval must be greater than 0" "$WORK/err" || fail "events --interval 0s: $(cat "$WORK/err")"
R events --interval abc "$ID" 2>"$WORK/err" && fail "events --interval abc succeeded"
grep -q 'invalid value "abc" for flag -interval: parse error' "$WORK/err" ||
	fail "events --interval abc: $(cat "$WORK/err")"
# the same shape as runc's on this bundle, where runc is installed
RUNC=${RUNC:-$(command -v runc || true)}
if [ -n "$RUNC" ]; then
	rr() { "$RUNC" --root "$WORK/runc-state" "$@"; }
	config '["sleep", "300"]'
	rr run -d --bundle "$B" "${ID}c" >/dev/null 2>&1 || fail "runc run -d exited $?"
	cp "$WORK/config.saved" "$B/config.json"
	rr events --stats "${ID}c" >"$WORK/runc.stats" || fail "runc events --stats exited $?"
	rr delete --force "${ID}c" >/dev/null 2>&1
	R events --stats "$ID" | python3 -c '
import json, sys
ours, theirs = json.load(sys.stdin)["data"], json.load(open(sys.argv[1]))["data"]
# the keys whose presence does not depend on a value (omitempty)
for key, values in (("", ()), ("cpu", ()), ("cpuset", ("cpus", "mems")),
                    ("memory", ("cache",)), ("memory/usage", ("usage", "max"))):
	o, t = ours, theirs
	for k in filter(None, key.split("/")):
		o, t = o.get(k, {}), t.get(k, {})
	assert set(o) - set(values) == set(t) - set(values), (key or "data", sorted(set(o) ^ set(t)))' "$WORK/runc.stats" ||
		fail "events --stats: not runc's keys"
fi
R update --pids-limit 40 "$ID" && [ "$(cat "$cgp/pids.max")" = 40 ] || fail "update --pids-limit"
# update --resources - (containerd's shim: a LinuxResources object on stdin); memory and
# memory+swap both raised past the old memory+swap, which v1 takes only memsw first
mcg=/sys/fs/cgroup/memory/$LXZONE_CGROUP_PARENT/$ID
if [ -f "$mcg/memory.memsw.limit_in_bytes" ]; then
	echo '{"memory": {"limit": 268435456, "swap": 536870912}, "cpu": {"shares": 512, "cpus": "0"}, "pids": {"limit": 30}}' |
		R update --resources - "$ID" || fail "update --resources - exited $?"
	got="$(cat "$mcg/memory.limit_in_bytes") $(cat "$mcg/memory.memsw.limit_in_bytes") $(cat "$cgp/pids.max")"
	[ "$got" = "268435456 536870912 30" ] || fail "update --resources -: memory, memsw, pids $got"
	[ "$(cat "/sys/fs/cgroup/cpu/$LXZONE_CGROUP_PARENT/$ID/cpu.shares")" = 512 ] || fail "update --resources -: cpu.shares"
	echo '{"memory": {"limit": 100663296, "swap": 134217728}}' >"$WORK/res.json"
	R update -r "$WORK/res.json" "$ID" || fail "update -r FILE exited $?"
	[ "$(cat "$mcg/memory.limit_in_bytes") $(cat "$mcg/memory.memsw.limit_in_bytes")" = "100663296 134217728" ] ||
		fail "update -r FILE lowering both: $(cat "$mcg/memory.limit_in_bytes") $(cat "$mcg/memory.memsw.limit_in_bytes")"
	R update --memory 268435456 --memory-swap 536870912 "$ID" || fail "update raising both past memsw exited $?"
	[ "$(cat "$mcg/memory.limit_in_bytes") $(cat "$mcg/memory.memsw.limit_in_bytes")" = "268435456 536870912" ] ||
		fail "update raising both: $(cat "$mcg/memory.limit_in_bytes") $(cat "$mcg/memory.memsw.limit_in_bytes")"
	# go-runc's spelling: --resources=-; urfave's --flag=VALUE and boolean --flag=false
	echo '{"pids": {"limit": 33}}' | R update --resources=- "$ID" || fail "update --resources=- exited $?"
	[ "$(cat "$cgp/pids.max")" = 33 ] || fail "update --resources=-: pids.max $(cat "$cgp/pids.max")"
	R update --pids-limit=34 "$ID" && [ "$(cat "$cgp/pids.max")" = 34 ] || fail "update --pids-limit=34"
	[ "$(R exec --detach=false --cwd=/tmp "$ID" pwd)" = /tmp ] || fail "exec --detach=false --cwd=/tmp"
	echo '{"memory": ' | R update -r - "$ID" 2>"$WORK/err" && fail "update with bad JSON succeeded"
	grep -q "unable to parse the resources" "$WORK/err" || fail "update bad JSON: $(cat "$WORK/err")"
	# a limit as text is not a LinuxResources (runc: cannot unmarshal string ... of type
	# int64), and not written: the kernel would take "100M"
	echo '{"memory": {"limit": "100M"}}' | R update -r - "$ID" 2>"$WORK/err" && fail "update with a string limit succeeded"
	grep -q "resources: memory.limit must be a 64-bit integer, not a string" "$WORK/err" ||
		fail "update string limit: $(cat "$WORK/err")"
	[ "$(cat "$mcg/memory.limit_in_bytes")" = 268435456 ] || fail "a refused update wrote $(cat "$mcg/memory.limit_in_bytes")"
fi
echo "ok   pause, resume, events (--stats, the stream, oom), update (flags, --resources - and FILE)"

# delete refuses a running container; kill, then delete leaves nothing
R delete "$ID" 2>"$WORK/err" && fail "delete of a running container succeeded"
grep -q "cannot delete container $ID that is not stopped: running" "$WORK/err" || fail "delete running: $(cat "$WORK/err")"
R kill "$ID" KILL || fail "kill exited $?"
i=0; while R state "$ID" | grep -q running && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
R state "$ID" | grep -q '"status": "stopped"' || fail "state after kill: $(R state "$ID")"
: >"$LOG"
R kill "$ID" KILL 2>"$WORK/err" && fail "kill of a stopped container succeeded"
grep -qx "container not running" "$WORK/err" || fail "kill stopped, stderr: $(cat "$WORK/err")"
grep -q '"level":"error","msg":"container not running"' "$LOG" || fail "kill stopped, log: $(cat "$LOG")"
R kill --all "$ID" KILL || fail "kill --all of a stopped container is not 0, as runc's"
R delete "$ID" || fail "delete exited $?"
[ ! -e "$STATE/$ID" ] || fail "state directory left: $(ls "$STATE/$ID")"
[ ! -e "$cgp" ] || fail "cgroup left: $cgp"
# nothing of the container's lxproc files either: delete waits for the page daemon (which
# ends the server first); an exited daemon may wait a moment for its reaper, init
for p in $daemon $server; do
	c=$(cat "/proc/$p/comm" 2>/dev/null) st=$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null)
	case $c/$st in lxzone-oci-page/[!Z] | lxprocfs/[!Z]) fail "left after delete: $c $p ($st)" ;; esac
done
R state "$ID" 2>"$WORK/err" && fail "state of a deleted container succeeded"
grep -qx "container does not exist" "$WORK/err" || fail "state deleted: $(cat "$WORK/err")"
echo "ok   kill, delete (runc's errors; no state, no cgroup left)"

# run: create + start + wait + delete, with the program's status
config '["sh", "-c", "echo run-ok > /out/run; exit 7"]'
R run --bundle "$B" "${ID}r"; rc=$?
[ $rc = 7 ] || fail "run's status: $rc (want 7)"
[ "$(cat "$WORK/out/run" 2>/dev/null)" = run-ok ] || fail "run: the program did not run"
[ ! -e "$STATE/${ID}r" ] && [ ! -e "$(cg_of "${ID}r")" ] || fail "run left its state or cgroup"
echo "ok   run (status 7, nothing left)"

# bad input: every refusal in runc's words, nothing left behind
noleft() { # WHAT ID
	[ ! -e "$STATE/$2" ] || fail "$1: state directory left"
	[ ! -e "$(cg_of "$2")" ] || fail "$1: cgroup left"
	grep -q "$B/rootfs" /proc/self/mounts && fail "$1: a mount on the rootfs is left"
}
cp "$WORK/config.good" "$B/config.json"
R create --bundle "$B" "${ID}b" || fail "create for the duplicate test exited $?"
: >"$LOG"
R create --bundle "$B" "${ID}b" 2>"$WORK/err" && fail "a duplicate id was created"
grep -qx "lxzone-oci create failed: container with given ID already exists" "$WORK/err" || fail "duplicate id: $(cat "$WORK/err")"
grep -q '"msg":"lxzone-oci create failed: container with given ID already exists"' "$LOG" || fail "duplicate id, log: $(cat "$LOG")"
R delete "${ID}b" || fail "delete of a created container exited $?"
noleft "delete created" "${ID}b"

printf '{"ociVersion": "1.0.0", "root": {"path": "rootfs"}, ' >"$B/config.json"
R create --bundle "$B" "${ID}b" 2>"$WORK/err" && fail "a malformed config.json was accepted"
grep -q "config.json: line" "$WORK/err" || fail "malformed config.json: $(cat "$WORK/err")"
noleft "malformed config" "${ID}b"

cp "$WORK/config.good" "$B/config.json"
config '["true"]' 'c["linux"]["namespaces"].append({"type": "bogus"})'
R create --bundle "$B" "${ID}b" 2>"$WORK/err" && fail "an unknown namespace was accepted"
grep -q "namespace bogus does not exist" "$WORK/err" || fail "unknown namespace: $(cat "$WORK/err")"
noleft "unknown namespace" "${ID}b"

# a member of the wrong type (runc: "json: cannot unmarshal string into Go struct field
# User.process.user.uid of type uint32"), never read as 0: the program would run as root
cp "$WORK/config.good" "$B/config.json"
config '["true"]' 'c["process"]["user"]["uid"] = "1000"'
R create --bundle "$B" "${ID}b" 2>"$WORK/err" && fail "a string uid was accepted"
grep -q "create failed: config.json: process.user.uid must be an unsigned 32-bit integer, not a string" "$WORK/err" &&
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "a string uid: $(cat "$WORK/err")"
noleft "a string uid" "${ID}b"

# a program PID 1 cannot find: create's one line, on stderr and in the --log JSON, says what
# PID 1 could not do (runc: "unable to start container process: exec: ...")
cp "$WORK/config.good" "$B/config.json"
config '["/no/such-program"]' ''
: >"$LOG"
R create --bundle "$B" "${ID}b" 2>"$WORK/err" && fail "a missing program was created"
grep -q "create failed: unable to start container process: /no/such-program: No such file or directory" "$WORK/err" &&
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "a missing program: $(cat "$WORK/err")"
grep -q '"msg":"lxzone-oci create failed: unable to start container process: /no/such-program: No such file or directory"' "$LOG" ||
	fail "a missing program, log: $(cat "$LOG")"
noleft "a missing program" "${ID}b"

cp "$WORK/config.good" "$B/config.json"
config '["true"]' 'c["process"]["terminal"] = True'
R create --bundle "$B" "${ID}b" 2>"$WORK/err" && fail "terminal without a console socket was accepted"
grep -q "create failed: cannot allocate tty if runc will detach without setting console socket" "$WORK/err" ||
	fail "terminal without console socket: $(cat "$WORK/err")"
noleft "no console socket" "${ID}b"
R create --bundle "$B" --console-socket "$WORK/no-such.sock" "${ID}b" 2>"$WORK/err" &&
	fail "a missing console socket was accepted"
grep -q "create failed: dial unix $WORK/no-such.sock: connect: no such file or directory" "$WORK/err" || fail "missing console socket: $(cat "$WORK/err")"
noleft "missing console socket" "${ID}b"

# a mount destination through a symlink that points out of the rootfs never reaches the
# host: the plan resolves it inside the rootfs, where it leads nowhere, and create refuses
mkdir -p "$WORK/hostside"
cp "$WORK/config.good" "$B/config.json"
ln -s "$WORK/hostside" "$B/rootfs/escape"
config '["sh", "-c", "exec sleep 300"]' \
	'c["mounts"].append({"destination": "/escape/x", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid"]})'
R create --bundle "$B" "${ID}b" 2>"$WORK/err" && fail "a mount through an escaping symlink was made"
grep -q "escape/x" "$WORK/err" || fail "mount through a symlink: $(cat "$WORK/err")"
[ ! -e "$WORK/hostside/x" ] || fail "ESCAPED: the mount point was made on the host side of the symlink"
grep -q "$WORK/hostside" /proc/self/mounts && fail "ESCAPED: a mount on the host at $WORK/hostside"
noleft "symlink escape" "${ID}b"
rm -f "$B/rootfs/escape"
echo "ok   bad input: duplicate id, malformed config, unknown namespace, a mistyped member, a missing program, console socket, symlink escape"

# global options
"$OCI" --systemd-cgroup state x 2>"$WORK/err" && fail "--systemd-cgroup was accepted"
grep -q "systemd-cgroup is not supported" "$WORK/err" || fail "--systemd-cgroup: $(cat "$WORK/err")"
[ "$("$OCI" --version | wc -l)" = 3 ] || fail "--version is not three lines"
"$OCI" features | python3 -c 'import json,sys; d=json.load(sys.stdin); assert "pid" in d["linux"]["namespaces"]; assert set(d["hooks"]) == {"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"}, d["hooks"]; assert "tmpcopyup" in d["mountOptions"]' ||
	fail "features is not the runtime-spec features JSON"
ln -s "$OCI" "$WORK/runc"
"$WORK/runc" --version | head -1 | grep -q "^runc version" || fail "named runc, --version says: $("$WORK/runc" --version | head -1)"
echo "ok   --systemd-cgroup refused, --version, features, named runc"

[ $failures = 0 ] || exit 1
echo PASS
