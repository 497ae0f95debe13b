#!/bin/sh
# The kernel's per-namespace sysctls in a zone (zone/launch/launch_mask.c, rows "writable with
# the zone's own namespace", docs/security-paths.md): in a default (user-namespaced) zone the
# IPC knobs (kernel.shmmni, msgmni, msg_next_id), fs.mqueue, user.max_* and kernel.ns_last_pid
# are writable and take effect in the zone, while the host's values stay as they were and a
# second zone still sees the kernel's defaults; the UTS names stay the kernel's to refuse
# (EACCES: their files belong to the host's root); host-global knobs next to them stay
# refused (EROFS/EACCES). In a privileged zone (the host's user namespace) the IPC and UTS
# knobs are the zone's too, user.max_* stays read-only (they would be the host's: no mount of
# its own, EROFS, or EACCES first where the host's root lacks cap_sys_resource),
# and the host's values and host name are unchanged; a proc it mounts itself through the mount
# service has the same rows.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand
bin="${LXZONE_BUILD:-}/tests/bin"
probe="$bin/probe_kernel_knobs"
[ -x "$probe" ] || skip "no $probe (build probe_kernel_knobs)"
[ -x "$bin/it_mountprobe" ] || skip "no $bin/it_mountprobe (build it_mountprobe)"
for f in kernel/shmmni kernel/msgmni kernel/msg_next_id fs/mqueue/msg_max \
	user/max_user_namespaces kernel/ns_last_pid; do
	[ -f /proc/sys/$f ] || skip "this kernel has no /proc/sys/$f"
done

# the knobs the test writes, and the host's values of them (compared at the end)
host_vals() {
	for f in kernel/shmmni kernel/msgmni kernel/msg_next_id fs/mqueue/msg_max \
		user/max_user_namespaces kernel/hostname; do
		echo "$f $(cat /proc/sys/$f)"
	done
}
before=$(host_vals)
# global knobs beside the writable ones: never writable in a zone
globals="/proc/sys/kernel/core_pattern /proc/sys/kernel/modprobe /proc/sys/kernel/pid_max
/proc/sys/fs/inotify/max_user_watches /proc/sys/vm/drop_caches /proc/sys/fs/nr_open"

# in_zone Z SCRIPT: run a shell script in zone Z
in_zone() {
	lxzone exec "$1" -- /bin/sh -c "$2"
}
# writes Z: write the namespaced knobs in zone Z, print each as read back
writes='echo 1234 >/proc/sys/kernel/shmmni && echo 2345 >/proc/sys/kernel/msgmni &&
echo 4242 >/proc/sys/kernel/msg_next_id && echo 42 >/proc/sys/fs/mqueue/msg_max &&
echo "$(cat /proc/sys/kernel/shmmni) $(cat /proc/sys/kernel/msgmni) $(cat /proc/sys/kernel/msg_next_id) $(cat /proc/sys/fs/mqueue/msg_max)"'
rw_mount() { # Z PATH: the mount at PATH in zone Z, when it is a writable one
	lxzone exec "$1" -- /bin/cat /proc/self/mountinfo |
		awk -v m="$2" '$5 == m && $6 ~ /(^|,)rw(,|$)/'
}
refused() { # WHERE Z OK...: every global knob refuses an open for writing with one of OK
	where=$1 z=$2
	shift 2
	for k in $globals; do
		[ -e "$k" ] || continue
		got=$(lxzone exec "$z" -- /t/probe_kernel_knobs open-w "$k")
		case " $* " in *" $got "*) ;; *) fail "$where: $k: $got (want one of $*)" ;; esac
	done
}

z=h3nsctl
z2=h3nsctl2
trap 'for q in $z $z2 h3nsctlp; do lxzone halt $q >/dev/null 2>&1 || true; done; cleanup' EXIT
lxzone create $z --image builtin:busybox --mount "$bin:/t:ro" >/dev/null
lxzone create $z2 --image builtin:busybox --mount "$bin:/t:ro" >/dev/null
lxzone boot $z
lxzone boot $z2

# --- a default zone: its own IPC, pid and user namespaces' knobs ------------------------------
fresh=$(in_zone $z 'echo "$(cat /proc/sys/kernel/shmmni) $(cat /proc/sys/kernel/msgmni)"')
got=$(in_zone $z "$writes") || fail "zone $z: writing its IPC knobs: $got"
[ "$got" = "1234 2345 4242 42" ] || fail "zone $z: IPC knobs read back '$got', want '1234 2345 4242 42'"
# effective: the next message queue takes the id written to msg_next_id
got=$(in_zone $z 'ipcmk -Q 2>/dev/null | tr -dc 0-9; ipcrm -q 4242 2>/dev/null; true')
if [ -n "$got" ]; then
	[ "$got" = 4242 ] || fail "zone $z: the queue after msg_next_id=4242 got id $got"
fi
# user.max_*: the kernel asks CAP_SYS_RESOURCE over the zone's user namespace, which its root has
# unless the host's bounding set lacks it (as on some CI machines): EACCES then, never EROFS
eff=$(in_zone $z 'grep CapEff /proc/self/status' | awk '{print $2}')
if [ $((0x$eff >> 24 & 1)) = 1 ]; then
	got=$(in_zone $z 'echo 77 >/proc/sys/user/max_user_namespaces && cat /proc/sys/user/max_user_namespaces') ||
		fail "zone $z: user.max_user_namespaces: $got"
	[ "$got" = 77 ] || fail "zone $z: user.max_user_namespaces reads $got after writing 77"
else
	got=$(lxzone exec $z -- /t/probe_kernel_knobs open-w /proc/sys/user/max_user_namespaces)
	[ "$got" = EACCES ] ||
		fail "zone $z: without cap_sys_resource, user.max_user_namespaces: $got, want EACCES"
	echo "note: zone $z has no cap_sys_resource (CapEff $eff): user.max_* refused by the kernel (EACCES)"
fi
# ns_last_pid: the next process of the zone's pid namespace gets the pid after it
got=$(in_zone $z 'echo 5000 >/proc/sys/kernel/ns_last_pid && /bin/sh -c "echo \$\$"; :') ||
	fail "zone $z: ns_last_pid: $got"
[ "$got" -gt 5000 ] && [ "$got" -lt 5100 ] ||
	fail "zone $z: a process after ns_last_pid=5000 got pid $got"
# the UTS names' files are the host root's: the kernel refuses the zone's root (sethostname works)
got=$(lxzone exec $z -- /t/probe_kernel_knobs open-w /proc/sys/kernel/hostname)
[ "$got" = EACCES ] || fail "zone $z: open kernel.hostname for writing: $got, want EACCES"
for m in /proc/sys/user /proc/sys/kernel/shmmni /proc/sys/fs/mqueue /proc/sys/kernel/ns_last_pid; do
	[ -n "$(rw_mount $z $m)" ] || fail "zone $z: $m is not a writable mount"
done
refused "zone $z" $z EROFS EACCES
echo "ok: zone $z: kernel.shmmni, msgmni, msg_next_id, fs.mqueue.msg_max, user.max_user_namespaces, ns_last_pid writable; global knobs refused"

# the other zone and the host keep theirs
got=$(in_zone $z2 'echo "$(cat /proc/sys/kernel/shmmni) $(cat /proc/sys/kernel/msgmni) $(cat /proc/sys/user/max_user_namespaces)"')
[ "${got% *}" = "$fresh" ] || fail "zone $z2 sees shmmni msgmni '${got% *}', want the defaults '$fresh'"
[ "${got##* }" != 77 ] || fail "zone $z2 sees zone $z's user.max_user_namespaces"
[ "$(host_vals)" = "$before" ] || fail "the host's knobs changed: $(host_vals) (were $before)"
echo "ok: zone $z2 and the host keep their values"
lxzone halt $z2
lxzone destroy $z2

lxzone halt $z
lxzone destroy $z

# --- a privileged zone: the host's user namespace, so user.max_* stays read-only --------------
z=h3nsctlp
lxzone create $z --image builtin:busybox --mount "$bin:/t:ro" >/dev/null
lxzone configure $z privileged=true
lxzone boot $z
got=$(in_zone $z "$writes") || fail "zone $z (privileged): writing its IPC knobs: $got"
[ "$got" = "1234 2345 4242 42" ] || fail "zone $z (privileged): IPC knobs read back '$got'"
# EROFS, or EACCES first where even the host's root lacks cap_sys_resource; and no mount of its own
got=$(lxzone exec $z -- /t/probe_kernel_knobs open-w /proc/sys/user/max_user_namespaces)
case "$got" in EROFS | EACCES) ;; *) fail "zone $z (privileged): user.max_user_namespaces: $got" ;; esac
[ -z "$(rw_mount $z /proc/sys/user)" ] || fail "zone $z (privileged): /proc/sys/user is a writable mount"
got=$(in_zone $z 'echo h3zonename >/proc/sys/kernel/hostname && hostname') ||
	fail "zone $z (privileged): kernel.hostname: $got"
[ "$got" = h3zonename ] || fail "zone $z (privileged): hostname $got after writing kernel.hostname"
refused "zone $z (privileged)" $z EROFS
# a proc the zone mounts itself (through the mount service; the kernel allows it only where the
# zone's root is the host's) gets the same rows
got=$(in_zone $z 'mkdir -p /tmp/p && /t/it_mountprobe call proc mount proc /tmp/p proc 0 &&
echo 3456 >/tmp/p/sys/kernel/shmmni && cat /proc/sys/kernel/shmmni &&
/t/probe_kernel_knobs open-w /tmp/p/sys/kernel/core_pattern &&
/t/probe_kernel_knobs open-w /tmp/p/sys/user/max_user_namespaces') ||
	fail "zone $z (privileged): its own proc: $got"
case "$(echo $got)" in
"proc ok 3456 EROFS EROFS" | "proc ok 3456 EROFS EACCES") ;;
*) fail "zone $z (privileged): its own proc: '$(echo $got)', want 'proc ok 3456 EROFS EROFS'" ;;
esac
echo "ok: zone $z (privileged): a proc it mounts itself: shmmni writable, core_pattern and user.max_* EROFS"
[ "$(host_vals)" = "$before" ] || fail "the host's knobs changed: $(host_vals) (were $before)"
echo "ok: zone $z (privileged): IPC knobs and its host name written, user.max_* read-only (EROFS), the host's unchanged"
lxzone halt $z
lxzone destroy $z
