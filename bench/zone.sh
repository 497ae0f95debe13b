#!/bin/sh
# bench/zone.sh: the zone figures of issue 3 ("Performance"), in one run, on a private store.
#
#   bench/zone.sh [-n N] [--size MIB] [--load K] [--quick | --exec-only | --files-only] BUILD_DIR
#
# Prints, with LXZONE_ROOT in a temporary directory (removed at exit):
#   - boot to first command of a busybox zone (`lxzone boot` + `lxzone exec -- /bin/true`),
#     median of N, with boot and first exec also shown apart;
#   - overlay clone of a small golden zone and of one with MIB MiB more data (1024 by
#     default): the two medians must be alike (O(1) in the zone's size);
#   - copy clone of the big zone vs `cp -a` of the same root, alternating, in MiB/s;
#   - `lxzone exec Z -- /bin/true` vs `nsenter -a -t <init pid> /bin/true`, alternating, the
#     median of the per-pair ratios;
#   - a 12k-file tree: copy clone and snapshot vs `cp -a`, destroy and uninstall vs `rm -rf`,
#     alternating pairs, the median of the pairs' ratios (issue 13: <= x1.2); destroy and
#     uninstall also until their detached removal is done ("until gone"), and no pair starts
#     while one is still deleting.
# Targets (issue 3): boot <= 50 ms, overlay clone <= 100 ms at any size, exec <= 1.2x nsenter.
# --quick: N=2, a 16 MiB big zone, and fail unless every figure was produced (a smoke test,
# not a measurement).  --exec-only: only the exec / nsenter pairs (2N of them), without the
# boot loop and the big zone, to iterate on exec.  --files-only: only the 12k-file tree's
# pairs.  --load K: K busy loops run beside the 12k-file pairs (the machine under load; they
# compete with the other engineers' work too, so use it briefly).  Needs root.
set -eu

n=21 size=1024 quick="" only="" load=0
while [ $# -gt 1 ]; do
	case "$1" in
	-n) n=$2; shift 2 ;;
	--size) size=$2; shift 2 ;;
	--load) load=$2; shift 2 ;;
	--quick) quick=1 n=2 size=16; shift ;;
	--exec-only) only=exec; shift ;;
	--files-only) only=files; shift ;;
	*) break ;;
	esac
done
if [ $# -ne 1 ]; then
	sed -n '4p' "$0" >&2
	exit 2
fi
build=$(cd "$1" && pwd)
[ -x "$build/bin/lxzone" ] || { echo "zone.sh: $build/bin/lxzone not built" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "zone.sh: needs root" >&2; exit 77; }

T=$(mktemp -d "${TMPDIR:-/tmp}/lxzone-bench.XXXXXX")
export LXZONE_ROOT="$T/store" LXZONE_BUILTIN_IMAGES="$build/images"
cleanup() {
	for z in $("$build/bin/lxzone" list --json 2>/dev/null |
		python3 -c 'import json,sys; [print(z["name"]) for z in json.load(sys.stdin)]' \
		2>/dev/null); do
		"$build/bin/lxzone" halt "$z" >/dev/null 2>&1 || true
	done
	grep " $T" /proc/self/mounts | awk '{print $2}' | sort -r | while read -r m; do
		umount -l "$m" 2>/dev/null || true
	done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

python3 "$(dirname "$0")/zone.py" "$build/bin/lxzone" "$T" "$n" "$size" "$quick" "$only" "$load"
