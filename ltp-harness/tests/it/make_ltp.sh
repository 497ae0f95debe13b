#!/bin/sh
# `make ltp` end to end against the real lxzone and lxrun, without LTP: an LTPROOT of LTP-like
# programs (ltplike.c, one static binary under five test names) and a runtest file, run through
# `make ltp-run` -- what `make ltp` runs after its build -- so the native pass comes first, then
# the default zone, the hardened zone with the default zone's capabilities, the hardened zone as
# shipped (busybox zones made, booted and destroyed by the harness) and lxrun, one report. mknod01 passes natively and fails in the user-namespaced zones (Linux
# refuses mknod of a device node in any user namespace): parity 75% is below the default
# thresholds and make must fail; with thresholds of 70% the same run is a result and make
# succeeds.
set -eu
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

: "${LXZONE_BUILD:?set LXZONE_BUILD to the build tree (ctest does)}"
: "${LXZONE_SRC:?set LXZONE_SRC to the source tree (ctest does)}"
: "${LTPLIKE:?set LTPLIKE to the it_ltplike binary (ctest does)}"
[ "$(id -u)" = 0 ] || skip "needs root (zones)"
for b in lxzone lxrun lxzone-brand lxzone-init lxzone-idle; do
	[ -x "$LXZONE_BUILD/bin/$b" ] || skip "no $LXZONE_BUILD/bin/$b: build it first"
done
IMG="$LXZONE_BUILD/images/busybox.tar.gz"
[ -f "$IMG" ] || skip "no busybox image ($IMG): build the images target"
command -v make >/dev/null || skip "no make"

T=$(mktemp -d /tmp/lxltp-it.XXXXXX)
STORE="$T/store"
cleanup() {
	for z in ltpit ltpith ltpiths; do
		LXZONE_ROOT="$STORE" "$LXZONE_BUILD/bin/lxzone" halt "$z" >/dev/null 2>&1 || true
		LXZONE_ROOT="$STORE" "$LXZONE_BUILD/bin/lxzone" destroy "$z" >/dev/null 2>&1 || true
	done
	rm -rf "$T"
}
trap cleanup EXIT
export LXZONE_CGROUP_PARENT="${LXZONE_CGROUP_PARENT:-lxzone-it}"

ROOT="$T/ltp"
mkdir -p "$ROOT/testcases/bin" "$ROOT/runtest"
for t in getpid01 uname01 fork01 mknod01 conf01; do
	cp "$LTPLIKE" "$ROOT/testcases/bin/$t"
	echo "$t $t" >>"$ROOT/runtest/syscalls"
done
echo ltplike >"$ROOT/Version"
printf 'getpid01\nuname01\nfork01\nmknod01\nconf01\n' >"$T/subset.txt"

run_make() { # $1: extra ltprun options; output in $T/make.out, exit status printed
	set +e
	make -C "$LXZONE_SRC" --no-print-directory ltp-run BUILD="$LXZONE_BUILD" LTPROOT="$ROOT" \
		LTP_ZONE_STORE="$STORE" LTP_OUT="$T/out" LTP_REPORT="$T/report.md" \
		LTP_ARGS="--subset $T/subset.txt --zone-image $IMG --zone-name ltpit --zone-device none \
--privileged-list /dev/null --kconfig none --known /dev/null --notes /dev/null $1" \
		>"$T/make.out" 2>&1
	st=$?
	set -e
	cat "$T/make.out"
	return $st
}

# 1. Default thresholds: 75% is below them; make fails, the report says so.
if run_make ""; then fail "make ltp-run succeeded with a parity below the threshold"; fi
grep -q "ltprun: default zone: parity 75.0% (3 of 4) is below its threshold 98%" "$T/make.out" ||
	fail "no below-threshold line for the default zone"
# the native pass first, then the zones, then lxrun
order=$(grep -o "tests on [a-z:]*" "$T/make.out" | tr '\n' ' ')
[ "$order" = "tests on native tests on zone:ltpit tests on zone:ltpith tests on zone:ltpiths tests on lxrun " ] ||
	fail "targets ran in the order: $order"
python3 - "$T/out" <<'PY' || fail "unexpected results"
import json, sys
def load(d):
    with open("%s/%s/results.json" % (sys.argv[1], d)) as f:
        return {r["tag"]: r["status"] for r in json.load(f)["results"]}
n = load("native")
assert n == {"getpid01": "PASS", "uname01": "PASS", "fork01": "PASS", "mknod01": "PASS",
             "conf01": "CONF"}, n
for z in ("ltpit", "ltpith", "ltpiths"):
    r = load(z)
    assert r["mknod01"] == "FAIL" and r["getpid01"] == r["uname01"] == r["fork01"] == "PASS", (z, r)
print("ok: native all pass; in the three zones mknod01 fails (EPERM), the rest pass")
PY
grep -q "| default zone | default | 5 | 3 | 1 | 0 | 1 |" "$T/report.md" || fail "report: default zone row"
grep -q "| 75.0% (3 of 4) | ≥ 98%: \*\*below\*\* |" "$T/report.md" || fail "report: not marked below"
grep -q "| hardened zone, default caps (target) | hardened |" "$T/report.md" ||
	fail "report: no hardened zone row"
grep -q "| hardened zone as shipped (cap policy) | hardened-shipped |" "$T/report.md" ||
	fail "report: no shipped hardened zone row"
grep -q "| lxrun (zone-less) | default | 5 |" "$T/report.md" || fail "report: no lxrun row"
[ -z "$(LXZONE_ROOT="$STORE" "$LXZONE_BUILD/bin/lxzone" list 2>/dev/null | grep ltpit)" ] ||
	fail "zones left behind"
echo "ok: below the threshold, make fails and the report says so"

# 2. The same run with thresholds the results meet: a result, make succeeds.
rm -f "$T/report.md"
run_make "--min-parity zone=70,hardened=70,lxrun=70" || fail "make ltp-run failed at 70%"
grep -q "| 75.0% (3 of 4) | ≥ 70%: met |" "$T/report.md" || fail "report: not met at 70%"
echo "ok: at or above every threshold, make succeeds"
