#!/bin/sh
# Progress (issue 17): install, clone, snapshot, rollback, move and the removals of a move and
# of a destroy report one line per quarter on standard error when it is not a terminal
# ("NAME: PHASE 50% (12 MiB)"), with a percentage also where the total is measured (tree
# copies, removals); standard output keeps the success line, or the JSON alone; -q silences
# both.  LXZONE_PROGRESS_AFTER_MS=0 shows the progress of steps this small (1 s otherwise).
. "$(dirname "$0")/lib.sh"
builtin_images

export LXZONE_PROGRESS_AFTER_MS=0
src="$T/p2v"
mkdir -p "$src/many"
tar -C "$src" -xzf "$LXZONE_BUILTIN_IMAGES/busybox.tar.gz"
# the copies report every 8 MiB, after a file: ten of 6 MiB
i=0
while [ $i -lt 10 ]; do head -c 6M /dev/urandom >"$src/big$i"; i=$((i + 1)); done
i=0
while [ $i -lt 1200 ]; do : >"$src/many/f$i"; i=$((i + 1)); done

# run CMD... -> $out (stdout), $err (stderr), $rc
run() {
	rc=0
	"$@" >"$T/out" 2>"$T/err" || rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}
# expect_progress PREFIX UNIT: exit 0, stderr only progress lines "PREFIX N% (M UNIT)" with N
# quarters, rising, at least two of them, the last 100%
expect_progress() {
	[ "$rc" = 0 ] || fail "exit $rc: $err"
	printf '%s\n' "$err" | grep -Evx "$1 (25|50|75|100)% \([0-9]+ $2\)" &&
		fail "stderr has other lines than '$1 N% (M $2)': [$err]"
	n=$(printf '%s\n' "$err" | grep -c .)
	[ "$n" -ge 2 ] || fail "want at least two progress lines for $1, got [$err]"
	printf '%s\n' "$err" | sed 's/.* \([0-9]*\)% .*/\1/' | sort -nuc ||
		fail "percentages not rising: [$err]"
	printf '%s\n' "$err" | tail -1 | grep -q " 100% " || fail "no 100% line last: [$err]"
	echo "ok: $n progress lines: $(printf '%s\n' "$err" | tail -1)"
}

run lxzone create msp --image "$src"
expect_progress "msp: install" MiB
printf '%s\n' "$out" | grep -Eqx "msp: created and installed in [0-9]+ ms \(from $src\)" ||
	fail "stdout [$out]"

run lxzone clone msp mspc --json
expect_progress "mspc: clone" MiB
printf '%s' "$out" | python3 -c 'import json,sys; assert json.load(sys.stdin)["name"] == "mspc"' ||
	fail "clone --json: stdout is not the JSON alone: [$out]"
echo "ok: --json keeps stdout for the JSON"

run lxzone snapshot mspc s1
expect_progress "mspc: snapshot" MiB
run lxzone rollback mspc s1
expect_progress "mspc: rollback" MiB

# a move to another file system copies, then removes what it moved from
mkdir "$T/shm"
mount -t tmpfs -o size=512M lxzone-it "$T/shm"
run lxzone move msp "$T/shm/msp"
grep -Ev "remove the moved-from copy" "$T/err" >"$T/err.copy" || true
grep -E "remove the moved-from copy" "$T/err" >"$T/err.rm" || true
err=$(cat "$T/err.copy")
expect_progress "msp: move" MiB
err=$(cat "$T/err.rm")
expect_progress "msp: remove the moved-from copy" files

# a zone outside the store is removed at once, with progress (in the store: in the background)
run lxzone destroy msp
expect_progress "msp: remove root" files

run lxzone destroy mspc -q
run lxzone create msq -q --image "$src"
[ "$rc" = 0 ] && [ -z "$out" ] && [ -z "$err" ] || fail "-q: exit $rc, out [$out], err [$err]"
echo "ok: -q prints no progress"
lxzone destroy msq -q
umount "$T/shm"
echo PASS
