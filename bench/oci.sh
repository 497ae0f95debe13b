#!/bin/sh
# bench/oci.sh: lxzone-oci against runc (and crun) as podman's and containerd's runtime
# (issue 16), in the same run.
#
#   sh bench/oci.sh [-n N] BUILD_DIR
#
# Prints the median wall time of N runs (11 by default) of
#   podman run --rm IMAGE true                          (podman, conmon, the runtime)
#   ctr run --rm --runc-binary RUNTIME IMAGE ID true    (containerd's runc v2 shim)
#   ctr run ... IMAGE ID sh -c WORKLOAD                 (the container's own work: WORKLOAD)
# with each runtime, interleaved so all see the same machine, and lxzone-oci's ratio to runc
# (target <= 1.2), with the load average.  crun is measured beside them where it runs (1.8
# refuses this machine's hybrid cgroups: the bench says so and goes on).  The image is
# `podman import` of the busybox tarball into a private vfs store, and for containerd that
# image saved as an OCI archive and imported (`native` snapshotter).  containerd: the system's
# daemon when one answers on /run/containerd/containerd.sock, else a private one (own root,
# state and socket under the bench's temporary directory, stopped at the end); the bench's
# containers live in a namespace of their own.  Needs root, podman, runc, containerd and ctr
# (a missing containerd skips that part).
set -eu

n=11
if [ "${1:-}" = -n ]; then n=$2; shift 2; fi
[ $# -eq 1 ] || { sed -n '5p' "$0" >&2; exit 2; }
build=$(cd "$1" && pwd)
[ "$(id -u)" = 0 ] || { echo "oci.sh: needs root" >&2; exit 77; }
for c in podman runc; do
	command -v $c >/dev/null || { echo "oci.sh: $c not installed" >&2; exit 77; }
done
[ -x "$build/bin/lxzone-oci" ] || { echo "oci.sh: $build/bin/lxzone-oci not built" >&2; exit 1; }
LXZ=$build/bin/lxzone-oci
RUNC=$(command -v runc)
CRUN=$(command -v crun || true)
# the workload: 200 fork+exec, then 4 MB through gzip and back, hashed
WORKLOAD='i=0; while [ $i -lt 200 ]; do /bin/true; i=$((i + 1)); done;
gzip -c /bin/busybox /bin/busybox | gunzip | busybox sha256sum >/dev/null'

T=$(mktemp -d "${TMPDIR:-/tmp}/lxzone-bench-oci.XXXXXX")
export LXZONE_CGROUP_PARENT=${LXZONE_CGROUP_PARENT:-lxzone-bench-oci}
CPID=
NS=lxzone-bench-$$
SOCK=/run/containerd/containerd.sock
C() { timeout 120 ctr -a "$SOCK" -n "$NS" "$@"; }
finish() {
	if [ -n "${have_ctr:-}" ]; then
		C image rm localhost/bench-busybox:latest >/dev/null 2>&1 || true
		C namespace rm "$NS" >/dev/null 2>&1 || true
	fi
	if [ -n "$CPID" ]; then
		kill "$CPID" 2>/dev/null || true
		wait "$CPID" 2>/dev/null || true
	fi
	rm -rf "$T"
}
trap finish EXIT
P() {
	podman --root "$T/storage" --runroot "$T/run" --tmpdir "$T/tmp" --storage-driver vfs \
		--cgroup-manager cgroupfs --events-backend file "$@"
}
P import -q "$build/images/busybox.tar.gz" localhost/bench-busybox >/dev/null
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
ms() { echo $((($(date +%s%N) - $1) / 1000000)); }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

podman_one() { # RUNTIME -> milliseconds
	s=$(date +%s%N)
	P --runtime "$1" run --rm --network none --ulimit nofile=1024:1024 \
		--ulimit nproc=4096:4096 localhost/bench-busybox true >/dev/null
	ms "$s"
}
ctr_one() { # RUNTIME CMD... -> milliseconds; fails when the run does
	rt=$1
	shift
	s=$(date +%s%N)
	C run --rm --snapshotter native --runc-binary "$rt" localhost/bench-busybox:latest \
		"bench$$" "$@" >/dev/null || return 1
	ms "$s"
}

# Which runtimes run here: crun's refusal is printed once, and crun left out.
runtimes="runc lxzone-oci"
if [ -n "$CRUN" ]; then
	if P --runtime "$CRUN" run --rm --network none --ulimit nofile=1024:1024 \
		--ulimit nproc=4096:4096 localhost/bench-busybox true >/dev/null 2>"$T/crun.err"; then
		runtimes="$runtimes crun"
	else
		echo "$(grep -o 'crun: .*' "$T/crun.err" | head -1 || echo crun failed) (crun left out)"
	fi
fi
path_of() { case $1 in runc) echo "$RUNC" ;; crun) echo "$CRUN" ;; *) echo "$LXZ" ;; esac; }
var() { echo "$1" | tr -c "a-z\n" _; } # a runtime's name as a shell variable's

# containerd: the system's, else a private daemon
have_ctr=
if command -v containerd >/dev/null && command -v ctr >/dev/null; then
	if ! C version >/dev/null 2>&1; then
		SOCK=$T/containerd.sock
		cat >"$T/containerd.toml" <<'EOF'
version = 2
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.aufs"]
EOF
		containerd --config "$T/containerd.toml" --root "$T/ctd-root" --state "$T/ctd-state" \
			--address "$SOCK" >"$T/containerd.log" 2>&1 &
		CPID=$!
		i=0
		while ! C version >/dev/null 2>&1 && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	fi
	if C version >/dev/null 2>&1; then
		P save -q --format oci-archive -o "$T/image.tar" localhost/bench-busybox
		C image import --snapshotter native "$T/image.tar" >/dev/null
		have_ctr=1
	else
		echo "containerd: did not start ($(tail -1 "$T/containerd.log")); ctr left out"
	fi
else
	echo "containerd or ctr not installed: ctr left out"
fi

# one warm-up of each, then N interleaved rounds
for r in $runtimes; do
	podman_one "$(path_of "$r")" >/dev/null
	[ -z "$have_ctr" ] || ctr_one "$(path_of "$r")" true >/dev/null
	: >"$T/podman.$r"
	: >"$T/ctr.$r"
	: >"$T/work.$r"
done
i=0
while [ $i -lt "$n" ]; do
	for r in $runtimes; do
		p=$(path_of "$r")
		podman_one "$p" >>"$T/podman.$r"
		if [ -n "$have_ctr" ]; then
			ctr_one "$p" true >>"$T/ctr.$r"
			ctr_one "$p" sh -c "$WORKLOAD" >>"$T/work.$r"
		fi
	done
	i=$((i + 1))
done

report() { # KIND TITLE [MINUS-KIND]: each runtime's median (less MINUS-KIND's), the ratio
	line="$2, median of $n:"
	for r in $runtimes; do
		m=$(median <"$T/$1.$r")
		[ -z "${3:-}" ] || m=$((m - $(median <"$T/$3.$r")))
		eval "m_$(var "$r")=$m"
		line="$line $r $m ms,"
	done
	# shellcheck disable=SC2154
	echo "$line lxzone-oci/runc $(ratio "$m_lxzone_oci" "$m_runc")"
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
report podman "podman run --rm true"
if [ -n "$have_ctr" ]; then
	report ctr "ctr run --rm true"
	report work "ctr run --rm sh -c WORKLOAD (200 fork+exec, 4 MB gzip/gunzip/sha256)"
	report work "the workload alone (less ctr run --rm true)" ctr
fi
