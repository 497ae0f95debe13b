#!/bin/sh
# probe_kill_all: kill(-1) in a zone signals every process the caller may signal -- it must
# stop at the zone's pid namespace.
# Safe outcome: `kill -URG -1` from the zone's root (and under lxrun --root) reaches zone processes and no host
# process: a host sentinel that records SIGURG records nothing (and does record the SIGURG the
# host then sends it, so it could have seen one).
# SIGURG because its default action is to ignore it: had it reached the host, no process
# would have stopped or died.
set -u
: "${LXZONE:?} ${LXRUN:?} ${ESCAPE_ZONE:?} ${ESCAPE_TMP:?} ${LXZONE_BUILTIN_IMAGES:?}"
got="$ESCAPE_TMP/sentinel.got"
python3 -c '
import signal, sys, time
signal.signal(signal.SIGURG, lambda *a: open(sys.argv[1], "a").write("URG\n"))
open(sys.argv[1] + ".ready", "w").close()
time.sleep(30)
' "$got" &
sentinel=$!
for _ in $(seq 50); do
	[ -e "$got.ready" ] && break
	sleep 0.1
done
[ -e "$got.ready" ] || { kill $sentinel; echo "skip: the host sentinel did not start"; exit 77; }
# the zone's sh has kill as a builtin; its status says whether anything was signalled
zone=$("$LXZONE" exec "$ESCAPE_ZONE" -- /bin/sh -c 'kill -URG -1; echo "status $?"' 2>&1)
sleep 1
if [ -e "$got" ]; then
	kill $sentinel
	echo "ESCAPED: kill(-1) in the zone signalled host process $sentinel ($zone)"
	exit 1
fi
# the same under lxrun --root
cp -a "$LXZONE_BUILTIN_IMAGES/busybox" "$ESCAPE_TMP/root"
lxrun=$("$LXRUN" --root "$ESCAPE_TMP/root" -- /bin/sh -c 'kill -URG -1; echo "status $?"' 2>&1)
sleep 1
if [ -e "$got" ]; then
	kill $sentinel
	echo "ESCAPED: kill(-1) under lxrun --root signalled host process $sentinel ($lxrun)"
	exit 1
fi
kill -URG $sentinel
sleep 0.5
kill $sentinel 2>/dev/null
wait $sentinel 2>/dev/null
[ -e "$got" ] || { echo "skip: the host sentinel does not record SIGURG"; exit 77; }
# lxrun's namespace may hold nothing else to signal (ESRCH): the call still ran
case "$zone/$lxrun" in
*"status 0"*/*"status 0"* | *"status 0"*/*"No such process"*) ;;
*) echo "skip: kill -URG -1 did not run (zone: $zone; lxrun: $lxrun)"; exit 77 ;;
esac
echo "safe: kill -URG -1 in a zone and under lxrun --root signalled their own processes only (host sentinel untouched)"
exit 0
