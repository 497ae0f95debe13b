#!/bin/sh
# opencontainers/runtime-tools' validation suite against lxzone-oci (docs/oci.md).
#
# runtime-tools is built outside the repo (never committed; docs/oci.md says how). Each
# validation/*/*.t is a Go program that makes bundles, drives the runtime by its command line
# (create / start / state / kill / delete) and prints TAP; most run `runtimetest` inside the
# container, which checks the config from within. This runs each test with its own timeout
# and RUNTIME set to a wrapper giving lxzone-oci a private --root, counts the TAP lines
# (passed = `ok`, skipped = `ok # SKIP`, failed = `not ok`; a test that dies without a plan
# counts one failure, one that prints nothing and exits 0 -- a *_fail test whose bad config
# was refused -- one pass), prints one line per test and the totals, and fails when a test
# fails that runtime-tools.expected does not list (each listed failure has its reason there).
#
#   RTOOLS=/path/to/runtime-tools tests/oci/runtime-tools.sh [TEST...]
#
# Environment: RTOOLS (required; unset or not built: skip, exit 77), LXZONE_OCI (default
# $LXZONE_BUILD/bin/lxzone-oci, else build/bin/lxzone-oci), OCI_RUNTIME (another runtime to
# measure instead, e.g. /usr/sbin/runc), RTOOLS_JOBS (parallel tests, default 1),
# RTOOLS_TIMEOUT (seconds per test, default 300), RTOOLS_OUT (keep the TAP files there),
# RTOOLS_REUSE (count the TAP files a run kept there instead of running),
# LXZONE_CGROUP_PARENT (default lxzone-rtools).
SKIP=77
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
skip() {
	echo "SKIP: $*"
	exit $SKIP
}
[ "$(id -u)" = 0 ] || skip "needs root (the runtime makes namespaces, mounts, cgroups)"
[ -n "${RTOOLS:-}" ] || skip "RTOOLS not set: build opencontainers/runtime-tools outside the repo (docs/oci.md) and set RTOOLS to it"
[ -x "$RTOOLS/runtimetest" ] || skip "runtime-tools not built at $RTOOLS (no runtimetest: make runtimetest validation-executables)"
[ -f "$RTOOLS/rootfs-amd64.tar.gz" ] || skip "no rootfs-amd64.tar.gz in $RTOOLS"
RTOOLS=$(cd "$RTOOLS" && pwd)
if [ $# -gt 0 ]; then
	TESTS=$(for t in "$@"; do echo "validation/$t/$t.t"; done)
else
	TESTS=$(cd "$RTOOLS" && ls validation/*/*.t 2>/dev/null)
fi
[ -n "$TESTS" ] || skip "no validation executables in $RTOOLS/validation (make validation-executables)"
for t in $TESTS; do
	[ -x "$RTOOLS/$t" ] || skip "$RTOOLS/$t not built (make validation-executables)"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lxzone-rtools.XXXXXX")
OUT=${RTOOLS_OUT:-$WORK/tap}
mkdir -p "$OUT"
STATE=$WORK/state
if [ -n "${OCI_RUNTIME:-}" ]; then
	RT=$OCI_RUNTIME
	NAME=$(basename "$RT")
else
	RT=${LXZONE_OCI:-${LXZONE_BUILD:-$SRC/build}/bin/lxzone-oci}
	NAME=lxzone-oci
	[ -x "$RT" ] || skip "lxzone-oci not built at $RT"
fi
export LXZONE_CGROUP_PARENT=${LXZONE_CGROUP_PARENT:-lxzone-rtools}
# the suite calls RUNTIME with no global options: a wrapper adds a private state root
cat >"$WORK/runtime" <<WRAP
#!/bin/sh
exec "$RT" --root "$STATE" "\$@"
WRAP
chmod +x "$WORK/runtime"
cleanup() {
	# whatever a killed test left: its containers (forced), then the state and the work dir
	# (RTOOLS_OUT, where the TAP files are kept then, is never inside it)
	for d in "$STATE"/*/; do
		[ -d "$d" ] && "$RT" --root "$STATE" delete --force "$(basename "$d")" >/dev/null 2>&1
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# one test: its TAP to OUT/NAME.tap, its stderr to OUT/NAME.err, its exit status appended
run_one() {
	t=$1
	n=$(basename "$t" .t)
	(cd "$RTOOLS" && RUNTIME="$WORK/runtime" timeout -k 10 "${RTOOLS_TIMEOUT:-300}" \
		"./$t" >"$OUT/$n.tap" 2>"$OUT/$n.err"; echo "exit $?" >>"$OUT/$n.err")
}
# in batches of RTOOLS_JOBS (the tests' containers have unique ids; one state root serves
# all), but the cgroup tests one at a time: they all use the cgroupsPath "cgrouptest" (and
# delete_resources, delete_only_create_resources too)
[ -z "${RTOOLS_REUSE:-}" ] || TESTS_RUN="" # RTOOLS_REUSE=DIR: count the TAP files of a kept run
[ -z "${RTOOLS_REUSE:-}" ] || OUT=$RTOOLS_REUSE
i=0
for t in ${TESTS_RUN-$TESTS}; do
	case $t in */linux_cgroups_* | */delete_*resources*) continue ;; esac
	run_one "$t" &
	i=$((i + 1))
	[ $((i % ${RTOOLS_JOBS:-1})) -ne 0 ] || wait
done
wait
for t in ${TESTS_RUN-$TESTS}; do
	case $t in */linux_cgroups_* | */delete_*resources*) run_one "$t" ;; esac
done

EXPECTED=$HERE/runtime-tools.expected
total_p=0 total_f=0 total_s=0 unexpected=0 fixed=""
printf '%-42s %5s %5s %5s  %s\n' TEST PASS FAIL SKIP NOTE
for t in $TESTS; do
	n=$(basename "$t" .t)
	set -- $(awk '
		/^ok / && /# [Ss][Kk][Ii][Pp]/ { s++; next }
		/^ok / { p++; next }
		/^not ok / { f++; next }
		/^1\.\.[0-9]+/ { plan = 1 }
		END { printf "%d %d %d %d\n", p, f, s, plan }' "$OUT/$n.tap")
	p=$1 f=$2 s=$3 plan=$4
	st=$(sed -n 's/^exit //p' "$OUT/$n.err" | tail -n 1)
	note=""
	if [ "$plan" = 0 ] && [ "$st" = 0 ] && [ ! -s "$OUT/$n.tap" ]; then
		# the *_fail tests print nothing and exit 0 when create refused the bad value
		p=1 note="no TAP, exit 0: passed"
	elif [ "$plan" = 0 ] || { [ "$st" != 0 ] && [ "$f" = 0 ]; }; then
		f=$((f + 1))
		note="died (exit $st): $(grep -v '^exit ' "$OUT/$n.err" | head -n 1 | cut -c1-120)"
	fi
	if [ "$p$f$s" = 000 ] && [ -z "$note" ]; then
		# 1..0: hooks, poststart, ... only ever print a diagnostic (docs/oci.md)
		note="no test points: $(sed -n 's/^ *"error": "\([^\\]*\).*/\1/p' "$OUT/$n.tap" | head -n 1 | cut -c1-70)"
	fi
	if [ "$f" -gt 0 ]; then
		if [ -n "${OCI_RUNTIME:-}" ]; then
			:
		elif grep -q "^$n:" "$EXPECTED" 2>/dev/null; then
			note="${note:-known: $(sed -n "s/^$n: *//p" "$EXPECTED" | cut -c1-70)}"
		else
			unexpected=$((unexpected + 1))
			note="UNEXPECTED ${note}"
		fi
	elif [ -z "${OCI_RUNTIME:-}" ] && grep -q "^$n:" "$EXPECTED" 2>/dev/null; then
		fixed="$fixed $n"
	fi
	printf '%-42s %5d %5d %5d  %s\n' "$n" "$p" "$f" "$s" "$note"
	total_p=$((total_p + p)) total_f=$((total_f + f)) total_s=$((total_s + s))
done
echo "$NAME: $total_p passed, $total_f failed, $total_s skipped ($(echo "$TESTS" | wc -l) test programs)"
[ -z "$fixed" ] || echo "listed in runtime-tools.expected, passed this time (a race, or fixed: see its reason):$fixed"
[ -z "${RTOOLS_OUT:-}" ] || echo "TAP and stderr of each test in $OUT"
if [ "$unexpected" -gt 0 ]; then
	echo "FAIL: $unexpected test programs failed that runtime-tools.expected does not list"
	exit 1
fi
exit 0
