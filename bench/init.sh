#!/bin/sh
# bench/init.sh: boot to ready of a distro's own init (issue 11), lxzone against
# systemd-nspawn --boot on the same image, alternating, in one run.
#
#   bench/init.sh [-n N] BUILD_DIR
#
# The image: Debian bookworm with systemd-sysv, dbus and nginx-light, made and cached by
# images/debian-image.sh (the same one tests/integration/zone/test_init_systemd.sh boots).
# Per round: `lxzone boot` (it returns on systemd's READY=1) and, for nspawn, the time until
# a unit ordered after multi-user.target writes `systemctl is-system-running --wait` (then
# it powers off); both from a fresh copy-on-boot state, on a private store.  Prints the
# medians and their ratio (target: lxzone <= 1.5x nspawn), and the minimal init's boot for
# the <= 50 ms target (bench/zone.sh measures it with more rounds).  Needs root; exit 77
# without debootstrap/zstd, a mirror or systemd-nspawn.
set -eu

n=5
while [ $# -gt 1 ]; do
	case "$1" in
	-n) n=$2; shift 2 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { sed -n '4,5p' "$0" >&2; exit 2; }
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
LXZONE=$build/bin/lxzone
[ "$(id -u)" = 0 ] || { echo "bench/init.sh: needs root" >&2; exit 77; }
command -v systemd-nspawn >/dev/null || { echo "bench/init.sh: no systemd-nspawn" >&2; exit 77; }
st=0
image=$("$src/images/debian-image.sh" --suite bookworm --include systemd-sysv,dbus,nginx-light \
	--name debian-bookworm-systemd) || st=$?
[ $st = 0 ] || exit $st

T=$(mktemp -d /tmp/lxzone-bench-init.XXXXXX)
export LXZONE_ROOT="$T/store" LXZONE_CGROUP_PARENT=${LXZONE_CGROUP_PARENT:-lxzone-bench}
cleanup() {
	"$LXZONE" halt bsd >/dev/null 2>&1 || true
	"$LXZONE" halt bmin >/dev/null 2>&1 || true
	rm -rf "$T"
}
trap cleanup EXIT

now() { date +%s.%N; }
"$LXZONE" create bsd --init auto --memory 1G >/dev/null
"$LXZONE" install bsd "$image" 2>/dev/null
"$LXZONE" configure bsd boot-timeout=300
mkdir -p "$T/ns"
zstd -dc "$image" | tar -C "$T/ns" -xf - 2>/dev/null
cat >"$T/ns/etc/systemd/system/bench-ready.service" <<'UNIT'
[Unit]
Description=bench: report readiness and power off
After=multi-user.target
[Service]
ExecStart=/bin/sh -c 'systemctl is-system-running --wait >/root/ready; systemctl poweroff'
[Install]
WantedBy=multi-user.target
UNIT
ln -sf /etc/systemd/system/bench-ready.service \
	"$T/ns/etc/systemd/system/multi-user.target.wants/bench-ready.service"

: >"$T/lx" && : >"$T/nsp"
for i in $(seq 1 "$n"); do
	t0=$(now)
	"$LXZONE" boot bsd
	t1=$(now)
	echo "$t1 - $t0" | bc >>"$T/lx"
	"$LXZONE" shutdown bsd --timeout 60 >/dev/null
	rm -f "$T/ns/root/ready"
	t0=$(now)
	script -qfc "systemd-nspawn -q --register=no --keep-unit -D $T/ns --boot" /dev/null \
		>"$T/nspawn.log" 2>&1 </dev/null &
	sp=$!
	while [ ! -s "$T/ns/root/ready" ] && kill -0 $sp 2>/dev/null; do sleep 0.02; done
	t1=$(now)
	wait $sp || true
	[ -s "$T/ns/root/ready" ] || { echo "nspawn did not boot: $(tail -3 "$T/nspawn.log")" >&2; exit 77; }
	echo "$t1 - $t0" | bc >>"$T/nsp"
done
med() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
lx=$(med "$T/lx") ns=$(med "$T/nsp")
echo "systemd bookworm, boot to ready, median of $n (alternating):"
echo "  lxzone boot (READY=1)     $lx s   ($(sort -n "$T/lx" | paste -sd' '))"
echo "  systemd-nspawn --boot     $ns s   ($(sort -n "$T/nsp" | paste -sd' '))"
echo "  ratio lxzone / nspawn     $(echo "scale=2; $lx / $ns" | bc)   target <= 1.5"

"$LXZONE" create bmin >/dev/null
LXZONE_BUILTIN_IMAGES=${LXZONE_BUILTIN_IMAGES:-$build/images} "$LXZONE" install bmin builtin:busybox
: >"$T/min"
for i in $(seq 1 "$n"); do
	t0=$(now)
	"$LXZONE" boot bmin
	t1=$(now)
	echo "($t1 - $t0) * 1000" | bc >>"$T/min"
	"$LXZONE" halt bmin
done
echo "minimal init, boot: median $(med "$T/min") ms   target <= 50 ms"
