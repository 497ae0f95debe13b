#!/bin/sh
# A zone whose config.json or state.json is corrupt is listed as `broken` with the one-line
# reason (never dropped, even when running), `info` says the same, and `halt` and `destroy`
# still work and leave nothing behind (processes, cgroups, mounts, store directory).
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand

parent=${LXZONE_CGROUP_PARENT:-lxzone}
cg_left() {
	ls -d /sys/fs/cgroup/*/"$parent/$1" /sys/fs/cgroup/"$parent/$1" 2>/dev/null || true
}
# listed NAME REASON_PATTERN: `list` (rc 0) and `list --json` show NAME broken, with the reason
listed() {
	lxzone list >"$T/list.out" || fail "list failed on a broken zone"
	grep -Eq "^$1 +broken .*\(.*$2" "$T/list.out" ||
		fail "list does not show $1 broken ($2): $(cat "$T/list.out")"
	lxzone list --json | python3 -c '
import json, re, sys
z = [z for z in json.load(sys.stdin) if z["name"] == sys.argv[1]]
assert z and z[0]["state"] == "broken" and re.search(sys.argv[2], z[0]["reason"]), z
' "$1" "$2" || fail "list --json does not show $1 broken"
	lxzone info "$1" | grep -Eq "^reason +.*$2" || fail "info does not give the reason"
	expect_state "$1" broken
}
# gone NAME: destroy removed everything of the zone
gone() {
	[ ! -e "$LXZONE_ROOT/$1" ] || fail "destroy left $LXZONE_ROOT/$1"
	[ -z "$(cg_left "$1")" ] || fail "cgroup left behind: $(cg_left "$1")"
	no_mount_left
	if lxzone list | grep -q "^$1 "; then fail "$1 still listed"; fi
}

lxzone create h5bc1 >/dev/null
lxzone install h5bc1 builtin:busybox >/dev/null
cfg="$LXZONE_ROOT/h5bc1/config.json"
cp "$cfg" "$T/good.json"

# An installed zone: truncated, garbage, wrong types; each listed broken with its reason.
: >"$cfg"
listed h5bc1 'config.json: line 1'
if lxzone boot h5bc1 2>"$T/err"; then fail "booted a zone with an empty config"; fi
[ "$(wc -l <"$T/err")" = 1 ] && grep -q 'config.json' "$T/err" ||
	fail "boot refusal is not one clear line: $(cat "$T/err")"
printf '{"brand": "lx",\n "hostname": \n' >"$cfg"
listed h5bc1 'config.json: line 3'
printf '{"memory": [1], "golden": "yes"}\n' >"$cfg"
listed h5bc1 'config.json: .*(memory|golden)'
printf '[1, 2]\n' >"$cfg"
listed h5bc1 'config.json: .*not a JSON object'
cp "$T/good.json" "$cfg"
expect_state h5bc1 installed
echo "ok: a corrupt config lists as broken with its reason; a repaired one is back"

# A running zone with a corrupt config: listed (running, as its recorded state), halted,
# destroyed.
lxzone boot h5bc1
expect_state h5bc1 running
sup=$(lxzone info h5bc1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["supervisor-pid"])')
echo 'garbage' >"$cfg"
listed h5bc1 'config.json: line 1'
lxzone list --json | grep -q '"recorded-state": *"running"' || fail "list --json hides that it runs"
lxzone halt h5bc1 || fail "halt refused a broken zone"
# halt returns once the supervisor has exited; its reaper (not lxzone) may not have
# collected it yet, so a zombie counts as gone
! kill -0 "$sup" 2>/dev/null || [ "$(awk '/^State/{print $2}' /proc/"$sup"/status 2>/dev/null)" = Z ] ||
	fail "supervisor $sup still alive after halt"
[ -z "$(cg_left h5bc1)" ] || fail "halt left the cgroup: $(cg_left h5bc1)"
lxzone destroy h5bc1 || fail "destroy refused a broken zone"
gone h5bc1
echo "ok: a running zone with a corrupt config halts and is destroyed, nothing left"

# A running zone with a corrupt state.json: its supervisor is found from the cgroup.
lxzone create h5bc2 >/dev/null
lxzone install h5bc2 builtin:busybox >/dev/null
lxzone boot h5bc2
sup=$(lxzone info h5bc2 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["supervisor-pid"])')
head -c 20 "$LXZONE_ROOT/h5bc2/state.json" >"$T/st" && cp "$T/st" "$LXZONE_ROOT/h5bc2/state.json"
listed h5bc2 'state.json: line'
echo '{"state": 7}' >"$LXZONE_ROOT/h5bc2/state.json"
listed h5bc2 'state.json: no valid "state"'
lxzone halt h5bc2 || fail "halt refused a zone with a corrupt state"
i=0
while kill -0 "$sup" 2>/dev/null && [ "$(awk '/^State/{print $2}' /proc/"$sup"/status)" != Z ]; do
	i=$((i + 1))
	[ $i -lt 50 ] || fail "supervisor $sup still alive after halt"
	sleep 0.1
done
[ -z "$(cg_left h5bc2)" ] || fail "halt left the cgroup: $(cg_left h5bc2)"
lxzone destroy h5bc2 || fail "destroy refused a zone with a corrupt state"
gone h5bc2
echo "ok: a running zone with a corrupt state.json halts and is destroyed, nothing left"

# An installed zone with a state.json of the wrong type is destroyed.
lxzone create h5bc3 >/dev/null
lxzone install h5bc3 builtin:busybox >/dev/null
echo '"installed"' >"$LXZONE_ROOT/h5bc3/state.json"
listed h5bc3 'state.json'
lxzone destroy h5bc3 || fail "destroy refused a zone with a corrupt state"
gone h5bc3
echo PASS
