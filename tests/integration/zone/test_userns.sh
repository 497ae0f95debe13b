#!/bin/sh
# A zone's root is not the host's root (issue 10): a default zone runs in a user namespace of
# its own.  Its uid_map is its allocated range (state.json idmap), image files owned by 0 are
# 0 in the zone and a file the zone makes is base+0 on the host, two zones get disjoint
# ranges and destroy gives the range back; the zone's root cannot write a host-owned file
# (a host sysctl, the brand); every boot mount is locked by the kernel (no unmount, no move,
# no remount read-write: not from the zone, not from a mount namespace it makes, not through
# the mount service); a new mount of its own works (tmpfs) and a block device's file system
# is refused (EPERM); privileged=true runs without one and list/info flag it.
. "$(dirname "$0")/lib.sh"
export LXZONE_CGROUP_PARENT="${LXZONE_CGROUP_PARENT:-lxzone-it-userns}"
need_brand
builtin_images
probe="${LXZONE_BUILD:-}/tests/bin/it_mountprobe"
[ -x "$probe" ] || skip "no $probe (build the it_mountprobe target)"
cleanup_zones() {
	for z in usa usb usp; do lxzone halt "$z" >/dev/null 2>&1 || true; done
	cleanup
}
trap cleanup_zones EXIT

idmap() { # NAME -> "base count" from info --json
	lxzone info "$1" --json | python3 -c 'import json,sys; m=json.load(sys.stdin).get("idmap") or {}; print(m.get("base", ""), m.get("count", ""))'
}

lxzone create usa --image builtin:busybox
lxzone create usb --image builtin:busybox
set -- $(idmap usa)
a_base=$1 a_count=$2
set -- $(idmap usb)
b_base=$1
[ -n "$a_base" ] && [ "$a_count" = 65536 ] || fail "usa has no id range: $(idmap usa)"
[ $((a_base % 65536)) = 0 ] && [ "$a_base" -ge 1000000 ] || fail "usa range $a_base"
[ $((b_base >= a_base + 65536 || a_base >= b_base + 65536)) = 1 ] ||
	fail "ranges overlap: usa $a_base, usb $b_base"
echo "ok: ranges usa $a_base, usb $b_base (65536 each, disjoint)"
lxzone list | grep -q "^usa .* $a_base " || fail "list does not show the range: $(lxzone list)"
lxzone boot usa --dry-run | grep -q "^enter-userns uid/gid 0-65535 -> host $a_base-" ||
	fail "the plan does not enter the user namespace"

root="$LXZONE_ROOT/usa/root"
cp "$probe" "$root/bin/mountprobe"
echo secret >"$T/hostfile"
chmod 644 "$T/hostfile"
lxzone configure usa "mount=$T/hostfile:/mnt/hostfile"
lxzone boot usa
x() { lxzone exec usa -- "$@"; }

# the map, ownership both ways
map=$(x cat /proc/self/uid_map | tr -s ' ')
[ "$map" = " 0 $a_base 65536" ] || fail "uid_map in the zone: '$map'"
[ "$(x cat /proc/self/gid_map | tr -s ' ')" = " 0 $a_base 65536" ] || fail "gid_map"
[ "$(x stat -c %u:%g /bin/busybox)" = 0:0 ] || fail "image file owner in the zone: $(x stat -c %u:%g /bin/busybox)"
[ "$(stat -c %u /"$root"/bin/busybox)" = 0 ] || fail "the image on disk was chowned"
x touch /made-in-zone
[ "$(stat -c %u:%g "$root/made-in-zone")" = 0:0 ] || fail "on disk: $(stat -c %u:%g "$root/made-in-zone")"
x sh -c 'echo hi >/tmp/t && mkdir /made-dir' || fail "zone root cannot write its tmpfs and root"
echo "ok: uid_map, image ids shifted (not chowned), a zone file is on-disk 0"
# host-owned files: not writable whatever the path
x sh -c 'echo 1 >/proc/sys/vm/drop_caches' 2>/dev/null && fail "wrote vm.drop_caches"
x sh -c 'echo x >>/proc/sys/kernel/core_pattern' 2>/dev/null && fail "wrote kernel.core_pattern"
x sh -c 'echo x >>/proc/self/exe' 2>/dev/null && fail "wrote the brand image"
[ "$(cat "$T/hostfile")" = secret ] || fail "host file changed"
echo "ok: host sysctls and the brand are not writable by the zone's root"

# boot mounts are locked: the zone, a mount namespace it makes, and the mount service
P="x /bin/mountprobe call"
refused() { # LABEL ARGS...: the call must fail
	got=$($P "$@" 2>&1 | awk '{print $2}' || true)
	case "$got" in ok | "") fail "$1: $got" ;; esac
	echo "ok: $1 refused ($got)"
}
x mkdir -p /mnt/x
refused umount-proc umount /proc 0
refused umount-detach-tmp umount /tmp 2                # MNT_DETACH
refused move-dev mount /dev /mnt/x - 8192              # MS_MOVE
refused remount-sys-rw mount - /sys - 32               # MS_REMOUNT, not read-only
x sh -c 'unshare -m sh -c "umount /proc || umount -l /proc"' 2>/dev/null &&
	fail "unmounted /proc from a new mount namespace"
x sh -c 'unshare -m sh -c "mount -o remount,rw /sys"' 2>/dev/null &&
	fail "remounted /sys read-write from a new mount namespace"
echo "ok: boot mounts locked (umount, move, remount rw), also from unshare -m"
# a mount of its own works, and it is the zone root's
x sh -c 'mkdir -p /mnt/own && mount -t tmpfs none /mnt/own && touch /mnt/own/f && umount /mnt/own' ||
	fail "tmpfs of its own"
echo "ok: a tmpfs of its own"
# the cgroup delegated to the zone's root
x sh -c 'mkdir /sys/fs/cgroup/pids/sub && echo $$ >/sys/fs/cgroup/pids/sub/cgroup.procs' ||
	fail "delegated cgroup"
echo "ok: delegated cgroup is the zone root's"

# exec joins the user namespace: the host sees the zone's processes as base+0
lxzone exec usa -- sleep 5 &
sleep 1
owner=$(ps -o user= -C sleep | sort -u | grep -x "$a_base" || true)
[ "$owner" = "$a_base" ] || fail "exec'd process is not host uid $a_base: $(ps -o user=,cmd= -C sleep)"
wait
echo "ok: exec runs as host uid $a_base"
lxzone halt usa

# privileged=true: no user namespace, flagged
lxzone create usp --image builtin:busybox --privileged
lxzone list | grep -q "^usp .* privileged " || fail "list does not flag usp"
lxzone info usp --json | python3 -c 'import json,sys; assert json.load(sys.stdin)["privileged"] is True'
lxzone boot usp --dry-run | grep -q "^enter-userns" && fail "privileged zone enters a user namespace"
lxzone boot usp
[ "$(lxzone exec usp -- cat /proc/self/uid_map | tr -s ' ')" = " 0 0 4294967295" ] ||
	fail "privileged zone's uid_map"
lxzone halt usp
echo "ok: privileged zone runs without a user namespace and is flagged"

# destroy releases the range: a new zone gets it back
lxzone destroy usa
lxzone create usc --image builtin:busybox
set -- $(idmap usc)
[ "$1" = "$a_base" ] || fail "usa's range $a_base not given back (usc got $1)"
echo "ok: destroy releases the range"
echo "all checks passed"
