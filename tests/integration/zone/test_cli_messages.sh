#!/bin/sh
# What a user reads (issue 17): every verb that changes a zone prints one line on success,
# "NAME: WHAT in N ms (DETAIL)"; -q silences it and --json never mixes it into the JSON;
# errors are one line "lxzone: VERB NAME: what, and what to do" with the documented exit status
# (1 failure, 2 usage, exec: the command's),
# and the messages the issue lists say what happened and what to do — each asserted here
# word for word.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand

# run CMD... -> $out (stdout), $err (stderr), $rc
run() {
	rc=0
	"$@" >"$T/out" 2>"$T/err" || rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}
# expect_line REGEX: stdout is exactly one line matching it, stderr empty, exit 0
expect_line() {
	[ "$rc" = 0 ] || fail "exit $rc (stderr: $err), want 0"
	[ -z "$err" ] || fail "stderr [$err], want none"
	[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || fail "stdout [$out], want one line"
	printf '%s\n' "$out" | grep -Eqx "$1" || fail "stdout [$out], want /$1/"
	echo "ok: $out"
}
# expect_error STATUS TEXT: stderr is exactly TEXT, stdout empty, exit STATUS
expect_error() {
	[ "$rc" = "$1" ] || fail "exit $rc, want $1 (stderr: $err)"
	[ "$err" = "$2" ] || fail "stderr [$err], want [$2]"
	[ -z "$out" ] || fail "stdout [$out], want none"
	echo "ok: exit $1: $2"
}
ms='[0-9]+ ms'

run lxzone create msgz --image builtin:busybox --memory 256M --cpus 1
expect_line "msgz: created and installed in $ms \(from builtin:busybox\)"
run lxzone boot msgz
expect_line "msgz: booted in $ms \(256M, 1 CPU, net none\)"
run lxzone snapshot msgz s1
expect_line "msgz: snapshot taken in $ms \(s1\)"
run lxzone halt msgz
expect_line "msgz: halted in $ms"
run lxzone rollback msgz s1
expect_line "msgz: rolled back in $ms \(to snapshot s1\)"
run lxzone clone msgz msgc
expect_line "msgc: cloned in $ms \(from msgz, (whole|sparse)\)"
run lxzone configure msgc memory=128M
expect_line "msgc: configured in $ms"
run lxzone destroy msgc
expect_line "msgc: destroyed in $ms"
run lxzone create msge
expect_line "msge: created in $ms \(configured; install it with lxzone install msge SRC\)"

# -q: nothing on success; --json: the JSON alone
run lxzone configure msge -q memory=64M
[ "$rc" = 0 ] && [ -z "$out" ] && [ -z "$err" ] || fail "-q: exit $rc, out [$out], err [$err]"
echo "ok: -q prints nothing"
run lxzone boot msgz --json
[ "$rc" = 0 ] || fail "boot --json: exit $rc ($err)"
printf '%s' "$out" | python3 -c 'import json,sys; json.load(sys.stdin)' ||
	fail "boot --json: not JSON alone: [$out]"
echo "ok: --json prints the JSON alone"

# a launcher error in lxzone exec names lxzone exec, not lxrun
run lxzone exec msgz -- /no/such/program
expect_error 127 "lxzone: exec msgz: /no/such/program: No such file or directory"
run lxzone exec msgz -- /etc/passwd
expect_error 126 "lxzone: exec msgz: /etc/passwd: Permission denied"
run lxzone exec msgz -- sh -c 'kill -9 $$'
[ "$rc" = 137 ] || fail "a command killed by SIGKILL: exit $rc, want 137"
run lxzone exec msgz -- sh -c 'exit 3'
[ "$rc" = 3 ] && [ -z "$err" ] || fail "exit 3: got $rc [$err]"
echo "ok: exec exits with the command's status (126, 127, 128+N, N)"
run lxzone shutdown msgz
expect_line "msgz: shut down in $ms"
run lxzone halt msgz
expect_error 1 "lxzone: halt msgz: zone msgz is not running: nothing to halt"
run lxzone exec msgz -- true
expect_error 1 "lxzone: exec msgz: zone msgz is installed, not running (lxzone boot msgz starts it)"
run lxzone console msgz
expect_error 1 "lxzone: console msgz: zone msgz is installed, not running (lxzone boot msgz starts it)"

# usage errors: exit 2
run lxzone snapshot msgz
expect_error 2 "lxzone: snapshot msgz: usage: lxzone snapshot NAME SNAP"
run lxzone nosuchverb
expect_error 2 "lxzone: unknown verb 'nosuchverb' (try lxzone --help)"
run lxzone create msgu --bogus 1
expect_error 2 "lxzone: create msgu: unknown option --bogus (see lxzone help config)"
run lxzone create msgu --memory
expect_error 2 "lxzone: create msgu: --memory needs a value (SIZE|unlimited)"
[ ! -d "$LXZONE_ROOT/msgu" ] || fail "a refused create left zone msgu"

# an empty file and a file that is not an archive: what they are, not libarchive's errno
: >"$T/empty.tar"
run lxzone create msg0 --image "$T/empty.tar"
expect_error 1 "lxzone: create msg0: $T/empty.tar: an empty file, not an image"
[ ! -d "$LXZONE_ROOT/msg0" ] || fail "a refused create left zone msg0"
echo "ok: a refused create leaves no zone"
echo "just text" >"$T/text.tar"
run lxzone create msg1 --image "$T/text.tar"
expect_error 1 "lxzone: create msg1: $T/text.tar: not an image (a tar or cpio archive, compressed or not, a directory, or builtin:NAME)"

# a stock image's device nodes (debootstrap's /dev) are skipped, said as such, not "refused"
python3 - "$T/dev.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    for name, kind in (("dev", tarfile.DIRTYPE), ("dev/null", tarfile.CHRTYPE), ("dev/zero", tarfile.CHRTYPE)):
        i = tarfile.TarInfo(name)
        i.type = kind
        i.mode = 0o755 if kind == tarfile.DIRTYPE else 0o666
        i.devmajor, i.devminor = (1, 3) if name == "dev/null" else (1, 5)
        t.addfile(i)
    i = tarfile.TarInfo("etc/hostname")
    i.size = 4
    t.addfile(i, io.BytesIO(b"img\n"))
PY
run lxzone create msgd --image "$T/dev.tar"
[ "$rc" = 0 ] || fail "create from an image with device nodes: exit $rc ($err)"
[ "$err" = "lxzone: msgd: skipped 2 device nodes (a zone's /dev is made at boot)" ] ||
	fail "stderr [$err]"
printf '%s\n' "$out" | grep -Eqx "msgd: created and installed in $ms \(from $T/dev.tar\)" ||
	fail "stdout [$out]"
echo "ok: device nodes skipped: $err"
run lxzone destroy msgd -q

# a golden zone with overlay clones says why it stays golden and what to do
run lxzone create msgg --golden --image builtin:busybox -q
run lxzone clone msgg msgo --method overlay -q
[ "$rc" = 0 ] || fail "overlay clone: $err"
run lxzone configure msgg golden=false
expect_error 1 "lxzone: configure msgg: zone msgg stays golden: 1 overlay clone uses it as a lower layer (first: msgo); destroy them first"

run lxzone move msgg "$T/elsewhere"
expect_error 1 "lxzone: move msgg: zone msgg has 1 overlay clone over it (first: msgo), which reads its root where it is; destroy them first"
run lxzone uninstall msgg
expect_error 1 "lxzone: uninstall msgg: zone msgg has 1 dependent clone (first: msgo); destroy them first"
run lxzone uninstall msge
expect_error 1 "lxzone: uninstall msge: zone msge is not installed: nothing to uninstall"
run lxzone attach msgn "$T/nonexistent"
expect_error 1 "lxzone: attach msgn: attach from $T/nonexistent: No such file or directory"
! lxzone info msgn 2>/dev/null || fail "a refused attach left zone msgn"
run lxzone halt nosuch
expect_error 1 "lxzone: halt nosuch: no such zone nosuch (lxzone list shows the zones)"
run lxzone boot msgg
expect_error 1 "lxzone: boot msgg: zone msgg is golden (a template): clone it, or use lxzone run --from msgg"

# --json on a verb that changes a zone: the zone's info after it, alone on stdout
run lxzone snapshot msgz s2 --json
[ "$rc" = 0 ] && [ -z "$err" ] || fail "snapshot --json: exit $rc, err [$err]"
printf '%s' "$out" | python3 -c 'import json,sys; d = json.load(sys.stdin); assert d["name"] == "msgz" and d["state"] == "installed", d' ||
	fail "snapshot --json: [$out]"
run lxzone create msgj --json -q
run lxzone destroy msgj --json
[ "$rc" = 0 ] && [ "$out" = '{"name":"msgj","state":"destroyed"}' ] || fail "destroy --json: exit $rc, [$out]"
echo "ok: --json after a change: the zone's info (destroyed: its name and state)"

# states that say what a zone is: detached (not "configured"), and info's origin heading
run lxzone detach msgz
expect_line "msgz: detached in $ms \(attach it elsewhere with lxzone attach msgz PATH\)"
lxzone list | grep -Eq '^msgz +detached ' || fail "list: $(lxzone list | grep msgz)"
run lxzone state msgz
expect_line detached
run lxzone state msgz --json
expect_line '\{"name":"msgz","state":"configured","state-detail":"detached"\}' 
lxzone info msgz | grep -Eq '^state +detached$' || fail "info: $(lxzone info msgz | grep state)"
[ "$(lxzone info msgz --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["state"], d["state-detail"])')" = "configured detached" ] ||
	fail "info --json: state and state-detail"
echo "ok: a detached zone is listed as detached"
run lxzone attach msgz "$LXZONE_ROOT/msgz"
expect_line "msgz: attached in $ms \(from $LXZONE_ROOT/msgz\)"
lxzone info msgz | grep -q '^origin:$' || fail "info has no origin heading"
echo "ok: info shows the origin under its heading"

# an incomplete zone (here: an install cut short) says how to get out of it
run lxzone create msgi -q
python3 - "$LXZONE_ROOT/msgi/state.json" <<'PY'
import json, sys
p = sys.argv[1]
s = json.load(open(p))
s["state"] = "incomplete"
json.dump(s, open(p, "w"))
PY
lxzone list | grep -Eq '^msgi +incomplete .*  \(interrupted install: run lxzone uninstall msgi, then install again\)$' ||
	fail "list: $(lxzone list | grep msgi)"
run lxzone state msgi
expect_line "incomplete \(interrupted install: run lxzone uninstall msgi, then install again\)"
run lxzone install msgi builtin:busybox
expect_error 1 "lxzone: install msgi: zone msgi is incomplete; install needs a configured zone (run lxzone uninstall msgi first)"
echo "ok: an incomplete zone is listed with its way out"

# a zone moved out of the store and booted there: a move away and a destroy leave nothing of
# it behind (console.log, exit-status, mounts.boot were left before)
run lxzone create msgm --image builtin:busybox -q
run lxzone move msgm "$T/away1"
expect_line "msgm: moved in $ms \(to $T/away1\)"
lxzone boot msgm -q && lxzone halt msgm -q
[ -s "$T/away1/console.log" ] && [ -e "$T/away1/exit-status" ] || fail "no boot files in $T/away1"
run lxzone move msgm "$T/away2"
[ "$rc" = 0 ] || fail "move: $err"
[ ! -e "$T/away1" ] || fail "move left $T/away1: $(ls -A "$T/away1")"
lxzone boot msgm -q && lxzone halt msgm -q
run lxzone destroy msgm
expect_line "msgm: destroyed in $ms"
[ ! -e "$T/away2" ] || fail "destroy left $T/away2: $(ls -A "$T/away2")"
echo "ok: a moved zone's directory goes with its move and its destroy"

# init=auto with no /sbin/init in the zone boots the minimal init, and the boot line says so
run lxzone create msga --image builtin:busybox --init auto -q
rm "$LXZONE_ROOT/msga/root/sbin/init"
run lxzone boot msga
expect_line "msga: booted in $ms \(unlimited memory, unlimited CPUs, net none, minimal init: init=auto found no /sbin/init\)"
run lxzone halt msga -q
# a file put in the zone's root/tmp from the host: the zone's /tmp (a tmpfs) hides it; said
touch "$LXZONE_ROOT/msga/root/tmp/left-here"
run lxzone boot msga -q
[ "$rc" = 0 ] && [ -z "$out" ] || fail "boot: exit $rc, out [$out]"
[ "$err" = "lxzone: boot msga: warning: $LXZONE_ROOT/msga/root/tmp holds 1 entry the zone will not see (its /tmp is a new tmpfs at every boot): put them elsewhere in the root" ] ||
	fail "stderr [$err]"
[ -z "$(lxzone exec msga -- ls -A /tmp)" ] || fail "the zone sees root/tmp's file"
echo "ok: boot warns of root/tmp's hidden entry"
run lxzone halt msga -q
rm "$LXZONE_ROOT/msga/root/tmp/left-here"
run lxzone boot msga -q
[ "$rc" = 0 ] && [ -z "$out" ] && [ -z "$err" ] || fail "boot: exit $rc, out [$out], err [$err]"
run lxzone halt msga -q
run lxzone destroy msga -q

# an overlay zone's root in its mountinfo names no host path of the store (its layers are
# given to overlayfs as /proc/self/fd/N), with a user namespace and without.  (The binds of
# single host files, the brand and the zone page, still show their host paths as the mount's
# root: docs/architecture.md, "What a zone sees of the host".)
for priv in false true; do
	run lxzone configure msgo privileged=$priv -q
	run lxzone boot msgo -q
	[ "$rc" = 0 ] || fail "boot msgo: $err"
	mi=$(lxzone exec msgo -- cat /proc/self/mountinfo)
	rootline=$(printf '%s\n' "$mi" | grep ' / / .* - overlay ') || fail "no overlay root: $mi"
	case $rootline in *"$T"*) fail "privileged=$priv: the root shows the store: $rootline" ;; esac
	run lxzone halt msgo -q
	echo "ok: privileged=$priv: the overlay root's mountinfo names no host path"
done

# a shutdown whose init does not stop in time says so, and halts the zone
run lxzone create msgs --image builtin:busybox -q
printf '#!/bin/sh\ntrap "" TERM INT HUP USR1 USR2 PWR\nwhile :; do sleep 1; done\n' >"$LXZONE_ROOT/msgs/root/sbin/stubborn"
chmod 755 "$LXZONE_ROOT/msgs/root/sbin/stubborn"
run lxzone configure msgs init=/sbin/stubborn -q
run lxzone boot msgs -q
[ "$rc" = 0 ] || fail "boot msgs: $err"
run lxzone shutdown msgs --timeout 1
[ "$rc" = 0 ] || fail "shutdown: exit $rc ($err)"
[ "$err" = "lxzone: shutdown msgs: init did not stop in 1s; halting the zone" ] || fail "stderr [$err]"
printf '%s\n' "$out" | grep -Eqx "msgs: shut down in [0-9]+ ms" || fail "stdout [$out]"
[ "$(lxzone state msgs)" = installed ] || fail "msgs: $(lxzone state msgs) after the shutdown"
echo "ok: $err"
run lxzone destroy msgs -q
