#!/bin/sh
# exec_race_driver.sh ZONE [SECONDS]: the exec descriptor race (issue 10, item 2), as an escape
# probe.  Runs tests/escape/probe_exec_race.c (static; $PROBE, default
# $LXZONE_BUILD/tests/bin/probe_exec_race) as root inside the running zone ZONE for SECONDS
# (20) while this host side runs `lxzone exec ZONE -- /bin/true` in a loop, every 8th turn a
# `lxzone login` (on a terminal, through script(1)) and a mount and unmount in the zone (the
# mount service's helper).  Prints the probe's line ("safe: ...", "ESCAPED: ...", "skip: ...")
# and exits with its status (0, 1, 77); a failing host exec or login makes it inconclusive,
# reported as a failure (1).
# Needs root on the host, $LXZONE (the lxzone executable) and the zone's store in
# $LXZONE_ROOT as lxzone itself does.  Changes nothing on the host; in the zone it puts the
# probe at /bin/probe_exec_race and mounts a tmpfs at /mnt/race, unmounted again.
set -eu
z=${1:?usage: exec_race_driver.sh ZONE [SECONDS]}
secs=${2:-20}
: "${LXZONE:?set LXZONE to the lxzone executable}"
probe=${PROBE:-${LXZONE_BUILD:-}/tests/bin/probe_exec_race}
[ -x "$probe" ] || { echo "skip: exec race: no probe $probe"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "skip: exec race: needs root"; exit 77; }
command -v script >/dev/null || { echo "skip: exec race: no script(1) (util-linux)"; exit 77; }
root=$("$LXZONE" info "$z" --json |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["zonepath"] + "/root")')
[ -d "$root/bin" ] || { echo "skip: exec race: no zone root $root"; exit 77; }
cp "$probe" "$root/bin/probe_exec_race"
out=$(mktemp)
trap 'rm -f "$out" "$out.login"' EXIT

"$LXZONE" exec "$z" -- /bin/probe_exec_race "$secs" >"$out" 2>&1 &
racer=$!
i=0
bad=""
while kill -0 "$racer" 2>/dev/null; do
	i=$((i + 1))
	"$LXZONE" exec "$z" -- /bin/true || bad="exec failed (turn $i)"
	case $((i % 8)) in
	3) echo exit | timeout 15 script -qec "$LXZONE login $z" /dev/null >"$out.login" 2>&1 ||
		bad="login failed (turn $i, exit $?): $(tr -cd '[:print:]' <"$out.login" | tail -c 200)" ;;
	6) # a zone without cap_sys_admin is refused: the helper ran all the same
		"$LXZONE" exec "$z" -- /bin/sh -c \
			'mkdir -p /mnt/race && mount -t tmpfs none /mnt/race && umount /mnt/race' \
			2>/dev/null || true ;;
	esac
done
wait "$racer" && rc=0 || rc=$?
line=$(grep -E '^(safe|ESCAPED|skip): ' "$out" | head -1)
if [ -z "$line" ]; then
	echo "ESCAPED: exec race: no verdict from the probe (exit $rc): $(head -c 300 "$out")"
	exit 1
fi
if [ -n "$bad" ] && [ "$rc" = 0 ]; then
	echo "ESCAPED: exec race: inconclusive, the host loop broke: $bad (the probe said: $line)"
	exit 1
fi
echo "$line [$i host turns]"
exit "$rc"
