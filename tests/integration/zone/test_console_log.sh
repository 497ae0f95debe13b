#!/bin/sh
# The zone's console log is bounded (issue 10): init's stdout and stderr are the console, a
# terminal whose master the supervisor reads (issue 11), never a host file; console.log is rotated at console-log-size into at
# most console-log-files files.  A zone process writing 20 MiB through /proc/1/fd/1 leaves
# console.log <= the cap and the rotated files <= (files - 1) x the cap; the end of what the
# zone wrote is in the log when the zone stops (drained before the exit is reported), even
# while it floods; halt is not held up by a flooding zone; a smaller file count removes the
# extra files at the next boot; destroy removes them all.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand
z=conlogz
cap=65536
files=3

# size of FILE in bytes, 0 when absent
fsize() { [ -f "$1" ] && wc -c <"$1" | tr -d ' ' || echo 0; }

# every console file of the zone within the cap, no more than $files of them
check_bounded() {
	what=$1
	n=0
	total=0
	for f in "$zp"/console.log*; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		s=$(fsize "$f")
		total=$((total + s))
		[ "$s" -le $cap ] || fail "$what: $(basename "$f") is $s bytes, over the cap $cap"
	done
	[ "$n" -le $files ] || fail "$what: $n console files, at most $files: $(ls "$zp")"
	[ -f "$zp/console.log.$files" ] && fail "$what: console.log.$files kept"
	echo "ok: $what: $n console files, $total bytes <= $files x $cap"
}

lxzone create "$z" --image builtin:busybox
zp="$LXZONE_ROOT/$z"
# the defaults, and refused values
grep -q '"console-log-size": "1M"' "$zp/config.json" || fail "console-log-size default: $(cat "$zp/config.json")"
grep -q '"console-log-files": "3"' "$zp/config.json" || fail "console-log-files default"
for bad in console-log-size=1K console-log-size=lots console-log-files=0 console-log-files=101; do
	lxzone configure "$z" "$bad" 2>"$T/err" && fail "configure $bad accepted"
	[ "$(grep -c . "$T/err")" = 1 ] || fail "configure $bad: not one line: $(cat "$T/err")"
done
echo "ok: defaults 1M x 3, bad values refused with one line"
lxzone configure "$z" console-log-size=64K console-log-files=$files

lxzone boot "$z"
# PID 1 holds the console, a terminal the supervisor reads (issue 11), no host file
out=$(lxzone exec "$z" -- /bin/sh -c 'for f in 1 2; do [ -c /proc/1/fd/$f ] && echo tty; done')
[ "$out" = "tty
tty" ] || fail "init's stdout and stderr are not the console terminal: $out"
echo "ok: init's stdout and stderr are the console terminal"

# 20 MiB through init's stdout, then a last line
lxzone exec "$z" -- /bin/sh -c 'head -c 20971520 /dev/zero | tr "\0" x >/proc/1/fd/1; echo END-OF-FLOOD >/proc/1/fd/1'
# what the supervisor still has to copy is at most a pipe's worth; give it a moment
for i in 1 2 3 4 5 6 7 8 9 10; do
	tail -c 13 "$zp/console.log" | grep -q END-OF-FLOOD && break
	sleep 0.2
done
tail -c 13 "$zp/console.log" | grep -q END-OF-FLOOD || fail "the last line is not at the end of console.log"
check_bounded "after 20 MiB"

# a zone flooding its console does not hold up halt, and its last words are in the log
lxzone exec "$z" -- /bin/sh -c 'while :; do echo flood-flood-flood-flood; done >/proc/1/fd/1' &
flooder=$!
sleep 1
start=$(date +%s)
timeout 60 "$LXZONE" halt "$z" || fail "halt of a flooding zone failed or hung"
took=$(($(date +%s) - start))
wait $flooder 2>/dev/null || true # killed with the zone
expect_state "$z" installed
echo "ok: halt of a flooding zone took ${took}s"
tail -n 1 "$zp/console.log" | grep -q "zone $z halted" ||
	fail "console.log does not end with the halt: $(tail -c 200 "$zp/console.log")"
check_bounded "after a flood and halt"

# init's own output up to its exit: drained before the zone is reported stopped
cat >"$zp/root/sbin/chatty-init" <<'EOF'
#!/bin/sh
head -c 3000000 /dev/zero | tr '\0' y
echo LAST-WORDS-OF-INIT
exit 7
EOF
chmod 755 "$zp/root/sbin/chatty-init"
lxzone configure "$z" init=/sbin/chatty-init
lxzone boot "$z"
for i in $(seq 1 100); do
	[ "$(state "$z")" = installed ] && break
	sleep 0.1
done
expect_state "$z" installed
tail -n 2 "$zp/console.log" | head -n 1 | grep -q "yLAST-WORDS-OF-INIT$" ||
	fail "init's last line is not in the log before the stop: $(tail -c 200 "$zp/console.log")"
tail -n 1 "$zp/console.log" | grep -q "zone $z stopped, init status 7" ||
	fail "the stop is not the last line: $(tail -c 200 "$zp/console.log")"
check_bounded "after init's exit"
echo "ok: init's last words, then its status, in the log"
# a zone whose init ended by itself is recorded installed by its supervisor (issue 11)
expect_state "$z" installed
grep -q '"state": "installed"' "$LXZONE_ROOT/$z/state.json" ||
	fail "state.json does not say installed"

# fewer files: the extra rotated ones go at the next boot
lxzone configure "$z" init=minimal console-log-files=1
lxzone boot "$z"
lxzone halt "$z"
[ -e "$zp/console.log.1" ] && fail "console.log.1 kept with console-log-files=1"
[ "$(fsize "$zp/console.log")" -le $cap ] || fail "console.log over the cap with one file"
echo "ok: console-log-files=1 keeps console.log only"

lxzone configure "$z" console-log-files=$files
lxzone boot "$z"
lxzone exec "$z" -- /bin/sh -c 'head -c 300000 /dev/zero | tr "\0" z >/proc/1/fd/1'
lxzone halt "$z"
[ -f "$zp/console.log.1" ] || fail "no rotated file to remove"
lxzone destroy "$z"
[ -e "$zp" ] && fail "destroy left $zp"
# the files go in the background once the zone is unreachable (zone/fsutil.h): soon
for i in $(seq 1 60); do
	left=$(ls -d "$LXZONE_ROOT"/.gone-* 2>/dev/null || true)
	[ -z "$left" ] && break
	sleep 0.5
done
[ -z "$left" ] || fail "destroy's background removal left $left after 30 s"
echo "ok: destroy removes console.log and its rotations"
echo "all checks passed"
