#!/bin/sh
# bench/oci.sh: lxzone-oci against runc as podman's runtime (issue 16), in the same run.
#
#   sh bench/oci.sh [-n N] BUILD_DIR
#
# Prints the median wall time of N runs (11 by default) of `podman run --rm IMAGE true` with
# runc and with lxzone-oci, interleaved so both see the same machine, and their ratio
# (target <= 1.2).  The image is `podman import` of the busybox tarball into a private vfs
# store; podman runs with cgroupfs, no network and explicit ulimits, as this machine needs.
# Needs root, podman and runc.
set -eu

n=11
if [ "${1:-}" = -n ]; then n=$2; shift 2; fi
[ $# -eq 1 ] || { sed -n '4p' "$0" >&2; exit 2; }
build=$(cd "$1" && pwd)
[ "$(id -u)" = 0 ] || { echo "oci.sh: needs root" >&2; exit 77; }
for c in podman runc; do
	command -v $c >/dev/null || { echo "oci.sh: $c not installed" >&2; exit 77; }
done
[ -x "$build/bin/lxzone-oci" ] || { echo "oci.sh: $build/bin/lxzone-oci not built" >&2; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/lxzone-bench-oci.XXXXXX")
export LXZONE_CGROUP_PARENT=${LXZONE_CGROUP_PARENT:-lxzone-bench-oci}
trap 'rm -rf "$T"' EXIT
P() {
	podman --root "$T/storage" --runroot "$T/run" --storage-driver vfs \
		--cgroup-manager cgroupfs --events-backend file "$@"
}
P import "$build/images/busybox.tar.gz" localhost/bench-busybox >/dev/null
one() { # RUNTIME -> milliseconds
	s=$(date +%s%N)
	P --runtime "$1" run --rm --network none --ulimit nofile=1024:1024 \
		--ulimit nproc=4096:4096 localhost/bench-busybox true >/dev/null
	e=$(date +%s%N)
	echo $(((e - s) / 1000000))
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
one "$(command -v runc)" >/dev/null
one "$build/bin/lxzone-oci" >/dev/null
: >"$T/runc"
: >"$T/lxzone"
i=0
while [ $i -lt "$n" ]; do
	one "$(command -v runc)" >>"$T/runc"
	one "$build/bin/lxzone-oci" >>"$T/lxzone"
	i=$((i + 1))
done
r=$(median <"$T/runc")
l=$(median <"$T/lxzone")
echo "podman run --rm true, median of $n: runc $r ms, lxzone-oci $l ms, ratio $(awk -v a="$l" -v b="$r" 'BEGIN { printf "%.2f", a / b }')"
