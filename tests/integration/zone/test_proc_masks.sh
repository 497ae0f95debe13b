#!/bin/sh
# /proc and /sys in a zone and under `lxrun --root` (zone/launch/launch_mask.c, docs/security-paths.md):
# every masked path of the table reads empty (a file: 0 bytes; a directory: no entries) and
# refuses an open for writing with EROFS; every read-only path refuses an open for writing
# of a file that is writable on the host with EROFS; /proc/sys/net opens for writing where
# the zone has its own network namespace (a zone; lxrun --root) and not with lxrun --net
# host; lxrun --root sees only its loopback, --net host the host's interfaces; the escape
# probe (tests/escape/probe_kernel_knobs.c) says safe in both (and in a hardened zone
# without capabilities), and ESCAPED natively.
# Nothing is ever written to a kernel knob: the probe opens for writing and closes unused.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand
bin="${LXZONE_BUILD:-}/tests/bin"
probe="$bin/probe_kernel_knobs"
[ -x "$probe" ] || skip "no $probe (build probe_kernel_knobs)"
lxrun="$(dirname "$LXZONE")/lxrun"
[ -x "$lxrun" ] || skip "no $lxrun"
table="$(dirname "$0")/../../../docs/security-paths.md"
[ -f "$table" ] || fail "no $table"

# The table's rows: "PATH RULE" (masked, read-only, writable) for the paths this host has
rows=$(sed -n 's/^| `\([^`]*\)` | \([a-z-]*\).*/\1 \2/p' "$table")
[ -n "$rows" ] || fail "no rows in $table"
masked=$(echo "$rows" | awk '$2 == "masked" {print $1}' | while read -r p; do
	[ -e "$p" ] && echo "$p"
done)
[ -n "$masked" ] || skip "this host has none of the masked paths"
# a file writable on the host under each read-only path (none for /sys: its mount is
# read-only, checked by its first writable attribute); the knobs the issue names
ro_files=$(echo "$rows" | awk '$2 == "read-only" {print $1}' | while read -r p; do
	[ "$p" = /proc/sys ] && continue
	[ -f "$p" ] && [ -w "$p" ] && { echo "$p"; continue; }
	[ -d "$p" ] && find "$p" -maxdepth 3 -type f -perm -u+w 2>/dev/null |
		grep -v "^/proc/sys/net/" | head -n 1
done)
ro_files="$ro_files
/proc/sys/kernel/core_pattern
/proc/sys/vm/drop_caches
/proc/sys/kernel/panic
/proc/sys/fs/file-max"
netknob=/proc/sys/net/ipv4/ip_forward

# The native run: the probe finds the host's knobs open, so it can fail
native=$("$probe" || true)
case "$native" in
ESCAPED:*) ;;
*) fail "natively the probe says '$native': it could not tell an escape" ;;
esac

# check WHERE OUT: OUT is "path result" lines from the probe, run in WHERE
check_masked() {
	echo "$2" | while read -r p r; do
		if [ -d "$p" ]; then want="0 entries"; else want="0 bytes"; fi
		case "$r" in
		"$want" | EROFS) ;;
		*) echo "FAIL: $1: masked $p: $r (want '$want')" ;;
		esac
	done
}
# A user-namespaced zone's root is not the owner of the host's knobs: the kernel's permission
# check (EACCES) comes before the read-only mount's (EROFS), as in any container with a user
# namespace; ro_mounted checks the read-only mounts themselves there.
refused_ok=EROFS
check_refused() {
	echo "$2" | while read -r p r; do
		case " $refused_ok " in
		*" $r "*) ;;
		*) echo "FAIL: $1: open $p for writing: $r (want $refused_ok)" ;;
		esac
	done
}
# ro_mounted WHERE RUNNER...: /proc/sys, /proc/irq, /proc/bus, /proc/fs are read-only mounts
ro_mounted() {
	where=$1
	shift
	mi=$("$@" /bin/cat /proc/self/mountinfo) || fail "$where: mountinfo"
	for m in /proc/sys /proc/irq /proc/bus /proc/fs; do
		[ -e "$m" ] || continue
		echo "$mi" | awk -v m="$m" '$5 == m && $6 ~ /(^|,)ro(,|$)/ {f=1} END {exit !f}' ||
			fail "$where: $m is not a read-only mount: $(echo "$mi" | awk -v m="$m" '$5 == m')"
	done
	echo "ok: $where: /proc/sys, irq, bus, fs are read-only mounts"
}

# in_zone Z CMD...: run CMD in zone Z; in_lxrun [--net host] CMD...: under lxrun --root
script_masked='for p in '$(echo $masked)'; do
	if [ -d $p ]; then echo "$p $(/t/probe_kernel_knobs ls $p)"
	else echo "$p $(/t/probe_kernel_knobs read $p)"; echo "$p $(/t/probe_kernel_knobs open-w $p)"; fi
done'
script_ro='for p in '$(echo $ro_files)'; do echo "$p $(/t/probe_kernel_knobs open-w $p)"; done'

run_checks() { # WHERE RUNNER...
	where=$1
	shift
	out=$("$@" /bin/sh -c "$script_masked") || fail "$where: masked paths: $out"
	res=$(check_masked "$where" "$out")
	[ -z "$res" ] || fail "$res"
	out=$("$@" /bin/sh -c "$script_ro") || fail "$where: read-only paths: $out"
	res=$(check_refused "$where" "$out")
	[ -z "$res" ] || fail "$res"
	out=$("$@" /t/probe_kernel_knobs) || fail "$where: probe: $out"
	case "$out" in safe:*) ;; *) fail "$where: probe: $out" ;; esac
	echo "ok: $where: $(echo "$masked" | wc -l) masked, $(echo "$ro_files" | wc -l) read-only paths refused; $out"
}

# --- a booted busybox zone (net=none: its own network namespace) -------------------------
z=h2pmask
# a failed check must not leave the zone running
trap 'lxzone halt $z >/dev/null 2>&1 || true; cleanup' EXIT
lxzone create $z --image builtin:busybox --mount "$bin:/t:ro" >/dev/null
lxzone boot $z
refused_ok="EROFS EACCES"
run_checks "zone $z" lxzone exec $z --
ro_mounted "zone $z" lxzone exec $z --
got=$(lxzone exec $z -- /t/probe_kernel_knobs open-w $netknob)
[ "$got" = ok ] || fail "zone $z: $netknob (own netns) does not open for writing: $got"
# the zone cannot take a mask away: unmount is refused (EPERM through the mount service)
if lxzone exec $z -- /bin/umount /proc/sys 2>/dev/null; then
	fail "zone $z: unmounted the read-only /proc/sys"
fi
got=$(lxzone exec $z -- /t/probe_kernel_knobs open-w /proc/sys/kernel/core_pattern)
case "$got" in EROFS | EACCES) ;; *) fail "zone $z: after umount, core_pattern: $got" ;; esac
# lxproc still serves its files (the brand reads ns_last_pid, osrelease through the masks)
got=$(lxzone exec $z -- /bin/cat /proc/sys/kernel/osrelease)
[ -n "$got" ] && [ "$got" = "$(lxzone exec $z -- /bin/uname -r)" ] ||
	fail "zone $z: /proc/sys/kernel/osrelease '$got' is not the zone's release"
lxzone exec $z -- /bin/sh -c 'test -n "$(cat /proc/loadavg)" && grep -q MemTotal /proc/meminfo' ||
	fail "zone $z: lxproc files empty"
echo "ok: zone $z: /proc/sys/net writable in its netns, masks stay, lxproc works"
lxzone halt $z
lxzone destroy $z

# --- a hardened zone without capabilities (a sysctl write needs none) ------------------------
z=h2pmaskh
lxzone create $z --image builtin:busybox --mount "$bin:/t:ro" >/dev/null
lxzone configure $z profile=hardened capabilities=none
lxzone boot $z
out=$(lxzone exec $z -- /t/probe_kernel_knobs) || fail "zone $z (hardened, no capabilities): $out"
case "$out" in safe:*) ;; *) fail "zone $z (hardened, no capabilities): $out" ;; esac
echo "ok: zone $z (hardened, capabilities none): $out"
lxzone halt $z
lxzone destroy $z

# --- a privileged zone (no user namespace: host root's ids, so only the masks refuse) ---------
z=h2pmaskp
lxzone create $z --image builtin:busybox --mount "$bin:/t:ro" >/dev/null
lxzone configure $z privileged=true
lxzone boot $z
refused_ok=EROFS
run_checks "zone $z (privileged)" lxzone exec $z --
lxzone halt $z
lxzone destroy $z

# --- lxrun --root -------------------------------------------------------------------------
root="$T/root"
mkdir -p "$root"
tar -C "$root" -xzf "$LXZONE_BUILTIN_IMAGES/busybox.tar.gz"
mkdir -p "$root/t"
cp "$probe" "$root/t/"
run_checks "lxrun --root" "$lxrun" --root "$root" --
got=$("$lxrun" --root "$root" -- /t/probe_kernel_knobs open-w $netknob)
[ "$got" = ok ] || fail "lxrun --root: $netknob (own netns) does not open for writing: $got"
ifs=$("$lxrun" --root "$root" -- /bin/cat /proc/net/dev | awk -F: 'NR > 2 {gsub(/ /, "", $1); print $1}')
[ "$ifs" = lo ] || fail "lxrun --root sees interfaces '$(echo $ifs)', want only lo"
echo "ok: lxrun --root: its own network namespace (only lo), /proc/sys/net writable"

run_checks "lxrun --root --net host" "$lxrun" --root "$root" --net host --
got=$("$lxrun" --root "$root" --net host -- /t/probe_kernel_knobs open-w $netknob)
[ "$got" = EROFS ] || fail "lxrun --net host: $netknob (the host's netns): $got, want EROFS"
hifs=$(awk -F: 'NR > 2 {gsub(/ /, "", $1); print $1}' /proc/net/dev | sort)
ifs=$("$lxrun" --root "$root" --net host -- /bin/cat /proc/net/dev |
	awk -F: 'NR > 2 {gsub(/ /, "", $1); print $1}' | sort)
[ "$ifs" = "$hifs" ] || fail "lxrun --net host sees '$(echo $ifs)', the host has '$(echo $hifs)'"
echo "ok: lxrun --root --net host: the host's interfaces, /proc/sys/net read-only"
