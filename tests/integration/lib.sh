# Shared helpers for the integration tests (sourced, POSIX sh).
#
# Every integration test runs the same program twice — natively and under the brand
# (`lxrun`) — and compares stdout and exit status. The native run is also checked against
# what the test expects, so a test that passes natively really exercised the behaviour;
# if lxrun is not built yet the test then exits 77 (skip) saying so, never a silent pass.
#
# Environment (set by ctest, see CMakeLists.txt):
#   LXZONE_BUILD   build directory (holds bin/lxrun and images/busybox)
#   LXZONE_SRC     this directory (tests/integration)
#   LXRUN          optional override of the lxrun binary
#   LXZONE_IT_KEEP set to keep the work directory (outputs, roots) for inspection
#   LXZONE_IT_TIMEOUT seconds one run may take before it is killed (default 60)

SKIP=77
: "${LXZONE_BUILD:?LXZONE_BUILD must name the build directory}"
: "${LXZONE_SRC:=$(cd "$(dirname "$0")" && pwd)}"
LXRUN=${LXRUN:-$LXZONE_BUILD/bin/lxrun}
IMAGE=$LXZONE_BUILD/images/busybox

# python3 as the interpreter itself, not a version manager's shim (tests/CMakeLists.txt)
if [ -x "${LXZONE_BUILD:-}/tests/python/python3" ]; then
	PATH="$LXZONE_BUILD/tests/python:$PATH"
fi

failures=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lxzone-it.XXXXXX")
cleanup_work() {
	if [ -n "${LXZONE_IT_KEEP:-}" ]; then
		echo "kept $WORK"
		return
	fi
	# Roots copied for a test may still have a mount on them if a run was interrupted.
	for m in $(awk -v w="$WORK" 'index($2, w) == 1 { print $2 }' /proc/self/mounts | sort -r); do
		umount -l "$m" 2>/dev/null
	done
	rm -rf "$WORK"
}
trap cleanup_work EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

skip() {
	echo "SKIP: $*"
	exit $SKIP
}

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# cgroupns_holder: a process in a cgroup namespace of its own made by the host's root
# (`unshare --cgroup`, so the host's user namespace owns it), living 60 s at most: its pid in
# CGNS_PID, its namespace in CGNS, unshare's pid in CGNS_OWNER (kill both when done).
cgroupns_holder() {
	unshare --cgroup --fork sleep 60 &
	CGNS_OWNER=$!
	sleep 0.3
	CGNS_PID=$(pgrep -P "$CGNS_OWNER" sleep || echo "$CGNS_OWNER")
	CGNS=$(readlink "/proc/$CGNS_PID/ns/cgroup")
	[ -n "$CGNS" ] && [ "$CGNS" != "$(readlink /proc/self/ns/cgroup)" ] ||
		fail "unshare --cgroup made no namespace"
}

need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root (namespaces, chroot, mounts)"
}

need_cmd() {
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "$c not installed"
	done
}

need_image() {
	[ -x "$IMAGE/bin/busybox" ] || skip "busybox image not built at $IMAGE (target image-busybox)"
}

have_lxrun() {
	[ -x "$LXRUN" ]
}

# make_root NAME: a private copy of the busybox image (tests write into /tmp and must not
# change the shared image, nor see what the other run of the same test left behind).
make_root() {
	need_image
	cp -a "$IMAGE" "$WORK/$1"
	mkdir -p "$WORK/$1/t"
	cp "$LXZONE_SRC"/busybox/*.sh "$WORK/$1/t/"
	echo "$WORK/$1"
}

# The native counterpart of `lxrun --root ROOT -- CMD...` (see native-root.sh).
NATIVE_ROOT=$LXZONE_SRC/native-root.sh

# run_case NAME EXPECTED_STATUS NATIVE_CMD BRAND_CMD [EXPECTED_NAME]
#   Runs NATIVE_CMD and BRAND_CMD (each a string evaluated by this shell) with stdout and
#   stderr captured, checks the native status and stdout against EXPECTED_STATUS and
#   $LXZONE_SRC/expected/EXPECTED_NAME.out (default NAME; if present), then checks the brand run matches the
#   native run exactly. The outputs stay in $WORK for the failure message.
run_case() {
	name=$1 want=$2 ncmd=$3 bcmd=$4
	timeout -k 5 "${LXZONE_IT_TIMEOUT:-60}" sh -c "$ncmd" >"$WORK/$name.native.out" 2>"$WORK/$name.native.err" </dev/null
	nst=$?
	ok=1
	[ "$nst" = 124 ] && fail "$name: native run timed out"
	if [ "$nst" != "$want" ]; then
		fail "$name: native exit status $nst, expected $want"
		ok=0
	fi
	exp=$LXZONE_SRC/expected/${5:-$name}.out
	if [ -f "$exp" ] && ! diff -u "$exp" "$WORK/$name.native.out" >"$WORK/$name.native.diff"; then
		fail "$name: native output differs from expected/${5:-$name}.out"
		cat "$WORK/$name.native.diff"
		ok=0
	fi
	if [ $ok = 0 ]; then
		echo "--- native stderr:"
		cat "$WORK/$name.native.err"
		return
	fi
	echo "ok   $name (native)"
	if ! have_lxrun; then
		return
	fi
	timeout -k 5 "${LXZONE_IT_TIMEOUT:-60}" sh -c "$bcmd" >"$WORK/$name.brand.out" 2>"$WORK/$name.brand.err" </dev/null
	bst=$?
	[ "$bst" = 124 ] && fail "$name: run under lxrun timed out after ${LXZONE_IT_TIMEOUT:-60} s"
	if [ "$bst" != "$nst" ]; then
		fail "$name: under lxrun exit status $bst, natively $nst"
		ok=0
	fi
	if ! diff -u "$WORK/$name.native.out" "$WORK/$name.brand.out" >"$WORK/$name.diff"; then
		fail "$name: output under lxrun differs from native (--- native, +++ lxrun)"
		cat "$WORK/$name.diff"
		ok=0
	fi
	if [ $ok = 0 ]; then
		echo "--- lxrun stderr:"
		cat "$WORK/$name.brand.err"
		return
	fi
	echo "ok   $name (lxrun)"
}

# finish: the exit status of the test — failure if any case failed, skip (with the reason)
# if everything passed natively but lxrun is not there to compare against.
finish() {
	if [ $failures -gt 0 ]; then
		echo "$failures case(s) failed"
		exit 1
	fi
	if ! have_lxrun; then
		skip "native runs passed; $LXRUN not built, nothing to compare with"
	fi
	exit 0
}
