#!/bin/sh
# What lxzone-oci took on after its first cut (issue 16): --preserve-fds for create, run and
# exec (socket activation's LISTEN_FDS: the descriptors are the program's 3.., PID 1 is the
# program); each checked from inside the container.
. "$(dirname "$0")/lib.sh"
need_root
need_image
ID=h7x$$
OCI_IDS="a b c d e f g h i j k"
. "$(dirname "$0")/oci_lib.sh"

# --preserve-fds: the caller's 3 and 4 are the program's, as podman's socket activation
# passes them (LISTEN_FDS=2, LISTEN_PID=1: the program is PID 1); nothing else leaks
echo "from three" >"$WORK/in"
config '["sh", "-c", "echo $$ $LISTEN_FDS $LISTEN_PID; cat <&3; echo to-four >&4; ls /proc/self/fd | tr \"\\n\" \" \""]' '
c["process"]["env"] += ["LISTEN_FDS=2", "LISTEN_PID=1"]'
R run --preserve-fds 2 --bundle "$B" "${ID}a" 3<"$WORK/in" 4>"$WORK/four" >"$WORK/pf.out" 2>"$WORK/pf.err" ||
	fail "run --preserve-fds 2 exited $?: $(cat "$WORK/pf.err")"
[ "$(sed -n 1p "$WORK/pf.out")" = "1 2 1" ] || fail "preserve-fds: pid/LISTEN_FDS/LISTEN_PID: $(sed -n 1p "$WORK/pf.out")"
[ "$(sed -n 2p "$WORK/pf.out")" = "from three" ] || fail "preserve-fds: fd 3 read: $(cat "$WORK/pf.out")"
[ "$(cat "$WORK/four")" = to-four ] || fail "preserve-fds: fd 4 got: $(cat "$WORK/four")"
# ls's own directory descriptor is the one more
[ "$(sed -n 3p "$WORK/pf.out")" = "0 1 2 3 4 5 " ] || fail "preserve-fds: the program holds $(sed -n 3p "$WORK/pf.out")"
config '["sh", "-c", "ls /proc/self/fd | tr \"\\n\" \" \""]' ''
R run --bundle "$B" "${ID}a" 3<"$WORK/in" 4<&- >"$WORK/pf.out" || fail "run without --preserve-fds exited $?"
[ "$(cat "$WORK/pf.out")" = "0 1 2 3 " ] || fail "without --preserve-fds the program holds $(cat "$WORK/pf.out")"
# a named descriptor the caller has not open is /dev/null, never one of the runtime's
config '["sh", "-c", "readlink /proc/self/fd/3"]' ''
R run --preserve-fds 1 --bundle "$B" "${ID}a" >"$WORK/pf.out" 3<&- || fail "run --preserve-fds 1 (3 closed) exited $?"
[ "$(cat "$WORK/pf.out")" = /dev/null ] || fail "a closed preserved descriptor is $(cat "$WORK/pf.out")"
# create + start, then exec --preserve-fds
config '["sh", "-c", "cat <&3 > /out/created; exec sleep 300"]' ''
R create --preserve-fds 1 --bundle "$B" "${ID}b" 3<"$WORK/in" || fail "create --preserve-fds exited $?"
R start "${ID}b" || fail "start exited $?"
wait_file "$WORK/out/created"
[ "$(cat "$WORK/out/created")" = "from three" ] || fail "create --preserve-fds: fd 3 read: $(cat "$WORK/out/created")"
[ "$(R exec --preserve-fds 1 "${ID}b" sh -c 'cat <&3' 3<"$WORK/in")" = "from three" ] ||
	fail "exec --preserve-fds 1: fd 3 not the program's"
R exec "${ID}b" sh -c 'cat <&3' 3<"$WORK/in" 2>/dev/null && fail "exec without --preserve-fds passed fd 3"
R exec --preserve-fds -1 "${ID}b" true 2>"$WORK/err" && fail "--preserve-fds -1 accepted"
grep -q 'invalid value .*-1.* for flag -preserve-fds: parse error' "$WORK/err" || fail "--preserve-fds -1: $(cat "$WORK/err")"
R delete --force "${ID}b"
echo "ok   --preserve-fds: run, create, exec (LISTEN_FDS, PID 1, nothing else passed)"

# hooks in the runtime-spec's order: createRuntime and prestart (runtime's namespaces) before
# createContainer (the container's mount namespace, before pivot_root, a host path), then
# startContainer (in the container, under the brand: uname is the annotation's, the path the
# container's), the program, poststart (after the program's exec), poststop
cat >"$WORK/hook.sh" <<EOF
#!/bin/sh
st=\$(cat)
echo "\$1 \$(echo "\$st" | grep -o '"status": *"[a-z]*"' | tr -d ' ')" >> "$WORK/out/order"
EOF
chmod +x "$WORK/hook.sh"
# (the program's SIGPIPE as the runtime's: not ignored; stop 33's build ignored it after a
# startContainer hook)
config '["sh", "-c", "set -- $(grep SigIgn /proc/self/status); echo program $(( 0x$2 & 4096 )) >> /out/order"]' "
h = lambda k: [{'path': '$WORK/hook.sh', 'args': ['hook.sh', k]}]
c['hooks'] = {k: h(k) for k in ['prestart', 'createRuntime', 'createContainer', 'poststart', 'poststop']}
c['hooks']['startContainer'] = [{'path': '/bin/sh', 'args': ['sh', '-c', 'echo startContainer \$(uname -r) \$(grep -o status....created) >> /out/order']}]
c.setdefault('annotations', {})['io.lxzone.kernel-version'] = '4.19.0'"
R run --bundle "$B" "${ID}c" 2>"$WORK/err" || fail "run with six hooks exited $?: $(cat "$WORK/err")"
cat >"$WORK/order.want" <<'EOF'
createRuntime "status":"created"
prestart "status":"created"
createContainer "status":"creating"
startContainer 4.19.0 status": "created
program 0
poststart "status":"running"
poststop "status":"stopped"
EOF
diff "$WORK/order.want" "$WORK/out/order" >"$WORK/order.diff" || fail "hook order: $(cat "$WORK/order.diff")"
# a failing createContainer hook fails create, and nothing is left
config '["true"]' "c['hooks'] = {'createContainer': [{'path': '/bin/false'}]}"
R create --bundle "$B" "${ID}c" 2>"$WORK/err" && fail "a failing createContainer hook did not fail create"
grep -q "createContainer hook /bin/false: exit status 1" "$WORK/err" || fail "createContainer failure: $(cat "$WORK/err")"
[ ! -e "$STATE/${ID}c" ] || fail "a failed create left its state"
echo "ok   hooks: createRuntime, prestart, createContainer, startContainer (under the brand), program, poststart, poststop"

# a created container's PID 1 (noNewPrivileges false) holds only the config's set, under the
# brand's filter: it put the filter on before it said ready and dropped CAP_SYS_ADMIN (bit
# 21; until stop 34 it held it until start, in reach of an exec with CAP_SYS_PTRACE)
config '["true"]' "c['process']['noNewPrivileges'] = False"
R create --bundle "$B" "${ID}c" >/dev/null 2>&1 </dev/null || fail "create (noNewPrivileges false) exited $?"
pc=$(state_pid "${ID}c")
set -- $(grep -E '^(CapPrm|CapEff|Seccomp):' /proc/$pc/status)
[ $(( (0x$2 | 0x$4) & 0x200000 )) = 0 ] && [ "$6" = 2 ] || fail "a created container's PID 1: $*"
R delete --force "${ID}c"
echo "ok   a created container's PID 1: the config's capabilities, under the filter ($*)"

# a pid namespace by path (podman --pid container:X, shareProcessNamespace): the second
# container's program is born in the first's namespace, sees its PID 1, and is seen by it
config '["sleep", "300"]' ''
R run -d --bundle "$B" "${ID}d" || fail "run -d of the pid namespace's owner exited $?"
pid=$(state_pid "${ID}d")
config '["sh", "-c", "echo $$; cat /proc/1/cmdline | tr \"\\0\" \" \"; echo; exec sleep 300"]' "
c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'pid']
c['linux']['namespaces'].append({'type': 'pid', 'path': '/proc/$pid/ns/pid'})"
R run -d --bundle "$B" "${ID}e" >"$WORK/pidns.out" || fail "run -d joining a pid namespace exited $?"
i=0; while [ "$(wc -l <"$WORK/pidns.out")" -lt 2 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
pe=$(state_pid "${ID}e")
[ "$(readlink /proc/$pe/ns/pid)" = "$(readlink /proc/$pid/ns/pid)" ] || fail "pid namespace not joined"
[ "$(sed -n 1p "$WORK/pidns.out")" != 1 ] || fail "the joining program is PID 1 of its namespace"
[ "$(sed -n 2p "$WORK/pidns.out")" = "sleep 300 " ] || fail "the joined namespace's PID 1 is: $(sed -n 2p "$WORK/pidns.out")"
# the owner's ps: the header, its sleep, the joiner's sleep, ps itself
[ "$(R exec "${ID}d" ps -o args | grep -c "^sleep 300")" = 2 ] || fail "the owner sees: $(R exec "${ID}d" ps -o pid,args)"
# and an exec into the joiner lands in the same namespace (its PID 1 the owner's sleep)
[ "$(R exec "${ID}e" sh -c 'cat /proc/1/cmdline' | tr '\0' ' ')" = "sleep 300 " ] || fail "exec into the joiner sees PID 1: $(R exec "${ID}e" cat /proc/1/cmdline 2>&1)"
[ "$(readlink /proc/self/ns/pid)" != "$(readlink /proc/$pe/ns/pid)" ] || fail "the runtime's own namespace moved"
# ... with a profile that refuses close_range (runtime-tools' and Docker's before 2020): the
# setup, outside the pid namespace its /proc shows, closes its descriptors through the
# /proc/self/fd it opened before (launch_harden.c); nothing of the runtime's reaches the program
config '["sh", "-c", "ls /proc/self/fd | tr \"\\n\" \" \""]' "
c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'pid']
c['linux']['namespaces'].append({'type': 'pid', 'path': '/proc/$pid/ns/pid'})
c['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['close_range'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 1}]}"
out=$(R run --bundle "$B" "${ID}g" 2>&1) || fail "a pid namespace joined, close_range refused: run exited $?: $out"
[ "$out" = "0 1 2 3 " ] || fail "a pid namespace joined, close_range refused: the program's descriptors: $out"
# ... with a startContainer hook and without no_new_privs: init is forked before the brand's
# filter goes on, since it spawns the hook under the brand after start (launch_init.c); the
# hook and the program are in the joined namespace
config '["sh", "-c", "readlink /proc/self/ns/pid; cat /out/sc-hook"]' "
c['process']['noNewPrivileges'] = False
c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'pid']
c['linux']['namespaces'].append({'type': 'pid', 'path': '/proc/$pid/ns/pid'})
c.setdefault('hooks', {})['startContainer'] = [{'path': '/bin/sh', 'args': ['sh', '-c', 'readlink /proc/self/ns/pid > /out/sc-hook']}]"
rm -f "$WORK/out/sc-hook"
R create --bundle "$B" "${ID}g" >"$WORK/sc.out" 2>&1 || fail "a pid namespace joined, a startContainer hook: create exited $?: $(cat "$WORK/sc.out")"
# waiting for start, PID 1 holds no CAP_SYS_ADMIN (bit 21), which the filter needed
pg=$(state_pid "${ID}g")
set -- $(grep -E '^Cap(Prm|Eff):' /proc/$pg/status)
[ $(( (0x$2 | 0x$4) & 0x200000 )) = 0 ] || fail "a pid namespace joined, a startContainer hook: PID 1 holds $*"
R start "${ID}g" || fail "a pid namespace joined, a startContainer hook: start exited $?"
i=0; while [ "$(wc -l <"$WORK/sc.out")" -lt 2 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
want=$(readlink /proc/$pid/ns/pid)
[ "$(cat "$WORK/sc.out")" = "$want
$want" ] || fail "a pid namespace joined, a startContainer hook: program and hook in $(cat "$WORK/sc.out"), not $want"
R delete --force "${ID}g"
# a hook that cannot run there ends PID 1 after start, with its process's message, as runc's
config '["true"]' "
c['process']['noNewPrivileges'] = False
c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'pid']
c['linux']['namespaces'].append({'type': 'pid', 'path': '/proc/$pid/ns/pid'})
c.setdefault('hooks', {})['startContainer'] = [{'path': '/no/such/hook'}]"
R create --bundle "$B" "${ID}g" >"$WORK/sc.out" 2>&1 || fail "a pid namespace joined, a missing startContainer hook: create exited $?: $(cat "$WORK/sc.out")"
R start "${ID}g" || fail "a pid namespace joined, a missing startContainer hook: start exited $?"
i=0; while ! grep -q "startContainer hook /no/such/hook: exit status 127" "$WORK/sc.out" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
grep -q "/no/such/hook" "$WORK/sc.out" && grep -q "startContainer hook /no/such/hook: exit status 127" "$WORK/sc.out" ||
	fail "a pid namespace joined, a missing startContainer hook: $(cat "$WORK/sc.out")"
R delete --force "${ID}g"
R delete --force "${ID}e"
R delete --force "${ID}d"
# the runtime's own (the host's), named through a host process: the container would see and
# signal the host's processes, the runtime's own among them; and a namespace of another type
config '["true"]' "
c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'pid']
c['linux']['namespaces'].append({'type': 'pid', 'path': '/proc/$$/ns/pid'})"
R create --bundle "$B" "${ID}e" 2>"$WORK/err" && fail "the runtime's own pid namespace was joined"
grep -q "pid namespace /proc/$$/ns/pid: the runtime's own (or the host's)" "$WORK/err" &&
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "the runtime's own pid namespace: $(cat "$WORK/err")"
config '["true"]' "
c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'pid']
c['linux']['namespaces'].append({'type': 'pid', 'path': '/proc/self/ns/net'})"
R create --bundle "$B" "${ID}e" 2>"$WORK/err" && fail "a network namespace was joined as a pid namespace"
grep -q "pid namespace /proc/self/ns/net: net:\[[0-9]*\], not a pid namespace" "$WORK/err" || fail "a network namespace as pid: $(cat "$WORK/err")"
[ ! -e "$STATE/${ID}e" ] || fail "a refused pid namespace left state"
echo "ok   a pid namespace joined by path (shareProcessNamespace; the runtime's own and a wrong type refused)"

# ... and what a process of that namespace may see of the joiner before its program runs.
# The owner (f) here holds CAP_SYS_PTRACE in the host's user namespace (no user namespace of
# its own), so it may attach to any process of its pid namespace, dumpable or not (runc's
# init is in the namespace with every capability and the host's root until its pivot_root;
# lxzone-oci's was too until its setup moved out, h14's finding): the joiner's PID 1 comes
# into the namespace only once its root is the container's and it holds its own
# capabilities, with no directory among its descriptors.  Without no_new_privs too (joins 5
# to 8): the brand's filter, which then needs CAP_SYS_ADMIN, goes on in the setup, which
# drops it before the fork (until stop 34 PID 1 held it while it waited for start).  The
# watcher (oci_podwatch.c, caps mode) checks each, again and again while the joiner waits.
podwatch_install
config '["true"]' ''
allowed=$(python3 - "$B/config.json" <<'EOF2'
import json, sys
names = ["CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID",
         "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST",
         "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO",
         "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
         "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE",
         "AUDIT_CONTROL", "SETFCAP"]
c = json.load(open(sys.argv[1]))["process"]["capabilities"]
m = 0
for k in ("effective", "permitted"):
    for n in c.get(k, []):
        m |= 1 << names.index(n.removeprefix("CAP_"))
print("%x" % m)
EOF2
) || fail "podwatch: the joiner's capabilities"
config '["sh", "-c", "/bin/podwatch '"$WORK/$marker $marker"' /out/pw-stop 90 caps='"$allowed"' > /out/pw 2>&1; exec sleep 300"]' '
for k in ("bounding", "effective", "permitted"):
    c["process"]["capabilities"][k].append("CAP_SYS_PTRACE")'
rm -f "$WORK/out/pw" "$WORK/out/pw-stop"
R run -d --bundle "$B" "${ID}f" || fail "podwatch: the owner's run -d exited $?"
sb=$(state_pid "${ID}f")
joiner() { # NO_NEW_PRIVS
	config '["true"]' "
c['process']['noNewPrivileges'] = $1
c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'pid']
c['linux']['namespaces'].append({'type': 'pid', 'path': '/proc/$sb/ns/pid'})"
}
(cd "$WORK" && for i in 1 2 3 4 5 6 7 8; do
	[ $i = 1 ] && joiner True
	[ $i = 5 ] && joiner False
	R create --bundle "$B" "${ID}g" >/dev/null 2>&1 || echo "join $i: create exited $?"
	sleep 0.3
	R start "${ID}g" >/dev/null 2>&1 || echo "join $i: start exited $?"
	R delete --force "${ID}g" >/dev/null 2>&1
done) >"$WORK/joins"
: >"$WORK/out/pw-stop"
wait_file "$WORK/out/pw"
[ ! -s "$WORK/joins" ] || fail "podwatch: $(head -3 "$WORK/joins")"
grep -q '^safe: ' "$WORK/out/pw" || fail "podwatch (CAP_SYS_PTRACE of the host's): $(cat "$WORK/out/pw")"
R delete --force "${ID}f"
echo "ok   a pid namespace's owner with the host's CAP_SYS_PTRACE reaches no joiner's root, descriptors or capabilities before its exec ($(cat "$WORK/out/pw"))"

# a mount namespace by path (runc's: PID 1 joins it before the first mount, the root is built
# in it): a host process's namespace of its own (unshare), the program in it, seeing its
# bundle's root and the bundle's binds.  The root lies on a shared mount of the host's that
# the namespace is a peer of: none of the container's mounts propagates back to the host.
mntns() { # start a process in a new mount namespace, a peer of the host's shared mounts
	unshare --mount --propagation unchanged --fork sleep 300 &
	up=$!
	i=0; while ! sp=$(pgrep -P $up sleep) && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	[ "$(readlink /proc/$sp/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ] || fail "unshare made no mount namespace"
}
mkdir -p "$WORK/sh"
mount -t tmpfs tmpfs "$WORK/sh" && mount --make-shared "$WORK/sh" || fail "shared tmpfs at $WORK/sh"
cp -a "$IMAGE" "$WORK/sh/rootfs"
echo "the bundle's root" >"$WORK/sh/rootfs/marker"
host_mounts() { grep -c " $WORK/sh" /proc/self/mountinfo; }
mntns
config '["sh", "-c", "cat /marker > /out/mnt; exec sleep 300"]' "
c['root']['path'] = '$WORK/sh/rootfs'
c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'mount']
c['linux']['namespaces'].append({'type': 'mount', 'path': '/proc/$sp/ns/mnt'})"
R run -d --bundle "$B" "${ID}g" 2>"$WORK/err" || fail "run -d joining a mount namespace exited $?: $(cat "$WORK/err")"
wait_file "$WORK/out/mnt"
pg=$(state_pid "${ID}g")
[ "$(readlink /proc/$pg/ns/mnt)" = "$(readlink /proc/$sp/ns/mnt)" ] ||
	fail "mount namespace not joined: $(readlink /proc/$pg/ns/mnt), not $(readlink /proc/$sp/ns/mnt)"
[ "$(cat "$WORK/out/mnt")" = "the bundle's root" ] || fail "the program's /marker: $(cat "$WORK/out/mnt")"
[ "$(R exec "${ID}g" cat /marker)" = "the bundle's root" ] || fail "exec does not see the bundle's root"
[ "$(host_mounts)" = 1 ] || fail "the container's mounts reached the host: $(grep " $WORK/sh" /proc/self/mountinfo)"
R delete --force "${ID}g"
kill $sp 2>/dev/null; wait $up 2>/dev/null # unshare --fork ignores SIGTERM itself
# a create that fails in a joined namespace before its pivot (PID 1's createContainer hook;
# create's prestart, while PID 1 waits) takes back what it mounted there; nothing of it left
# in the runtime's state or cgroups
mntns
before=$(wc -l <"/proc/$sp/mountinfo")
for hook in createContainer prestart; do
	config '["true"]' "
c['root']['path'] = '$WORK/sh/rootfs'
c['hooks'] = {'$hook': [{'path': '/bin/false'}]}
c['linux']['namespaces'].append({'type': 'mount', 'path': '/proc/$sp/ns/mnt'})"
	R create --bundle "$B" "${ID}g" 2>"$WORK/err" && fail "a failing $hook hook did not fail create"
	[ "$(wc -l <"/proc/$sp/mountinfo")" = "$before" ] ||
		fail "a failed create ($hook) left mounts in the joined namespace: $(grep -e "$WORK" -e lxzone-brand "/proc/$sp/mountinfo")"
	[ ! -e "$STATE/${ID}g" ] && [ -z "$(find /sys/fs/cgroup -maxdepth 3 -name "${ID}g")" ] ||
		fail "a failed create ($hook) left state or a cgroup"
done
kill $sp 2>/dev/null; wait $up 2>/dev/null # unshare --fork ignores SIGTERM itself
# a path that is not a mount namespace: one line saying so, nothing made
config '["true"]' "c['linux']['namespaces'].append({'type': 'mount', 'path': '/proc/self/ns/net'})"
R create --bundle "$B" "${ID}g" 2>"$WORK/err" && fail "a network namespace was joined as a mount namespace"
grep -q "create failed: mount namespace /proc/self/ns/net: net:\[[0-9]*\], not a mount namespace" "$WORK/err" &&
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "a network namespace as mount: $(cat "$WORK/err")"
[ ! -e "$STATE/${ID}g" ] && [ -z "$(find /sys/fs/cgroup -maxdepth 3 -name "${ID}g")" ] || fail "a refused namespace left state or a cgroup"
# the runtime's own namespace (the host's): its mounts and pivot_root would be the host's
config '["true"]' "c['linux']['namespaces'].append({'type': 'mount', 'path': '/proc/self/ns/mnt'})"
R create --bundle "$B" "${ID}g" 2>"$WORK/err" && fail "the runtime's own mount namespace was joined"
grep -q "mount namespace /proc/self/ns/mnt: the runtime's own" "$WORK/err" || fail "the runtime's own mount namespace: $(cat "$WORK/err")"
[ "$(host_mounts)" = 1 ] || fail "mounts left on the host: $(grep " $WORK/sh" /proc/self/mountinfo)"
umount "$WORK/sh"
echo "ok   a mount namespace joined by path (the root built in it; nothing back on the host; a failed create takes its mounts back; a wrong type refused)"

# a cgroup namespace by path (runc's: PID 1 joins it after its cgroup, where it would make its
# own): another container's.  PID 1 is in that namespace and in its own cgroup, which it sees
# from the other container's root ("/../ID"), as runc's would; exec joins it too.  A path of
# another type and the runtime's own namespace (the host's: a cgroup mount would show the
# host's whole tree) are refused with one line, nothing made.
config '["sleep", "300"]' ''
R run -d --bundle "$B" "${ID}h" 2>"$WORK/err" || fail "run -d (cgroup namespace owner) exited $?: $(cat "$WORK/err")"
ph=$(state_pid "${ID}h")
[ -n "$ph" ] && [ "$(readlink /proc/$ph/ns/cgroup)" != "$(readlink /proc/self/ns/cgroup)" ] ||
	fail "the first container has no cgroup namespace of its own"
config '["sh", "-c", "cat /proc/self/cgroup > /out/cg; exec sleep 300"]' "
c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'cgroup']
c['linux']['namespaces'].append({'type': 'cgroup', 'path': '/proc/$ph/ns/cgroup'})"
R run -d --bundle "$B" "${ID}i" 2>"$WORK/err" || fail "run -d joining a cgroup namespace exited $?: $(cat "$WORK/err")"
wait_file "$WORK/out/cg"
pi=$(state_pid "${ID}i")
[ "$(readlink /proc/$pi/ns/cgroup)" = "$(readlink /proc/$ph/ns/cgroup)" ] ||
	fail "cgroup namespace not joined: $(readlink /proc/$pi/ns/cgroup), not $(readlink /proc/$ph/ns/cgroup)"
grep -q ":/\.\./${ID}i\$" "$WORK/out/cg" && ! grep -q "$LXZONE_CGROUP_PARENT" "$WORK/out/cg" ||
	fail "PID 1's cgroups, seen from the joined namespace: $(cat "$WORK/out/cg")"
[ "$(R exec "${ID}i" readlink /proc/self/ns/cgroup)" = "$(readlink /proc/$ph/ns/cgroup)" ] ||
	fail "exec is not in the joined cgroup namespace"
R delete --force "${ID}i"
R delete --force "${ID}h"
config '["true"]' "c['linux']['namespaces'].append({'type': 'cgroup', 'path': '/proc/self/ns/net'})"
R create --bundle "$B" "${ID}i" 2>"$WORK/err" && fail "a network namespace was joined as a cgroup namespace"
grep -q "create failed: cgroup namespace /proc/self/ns/net: net:\[[0-9]*\], not a cgroup namespace" "$WORK/err" &&
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "a network namespace as cgroup: $(cat "$WORK/err")"
config '["true"]' "c['linux']['namespaces'].append({'type': 'cgroup', 'path': '/proc/self/ns/cgroup'})"
R create --bundle "$B" "${ID}i" 2>"$WORK/err" && fail "the runtime's own cgroup namespace was joined"
grep -q "cgroup namespace /proc/self/ns/cgroup: the runtime's own (or the host's)" "$WORK/err" &&
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "the runtime's own cgroup namespace: $(cat "$WORK/err")"
[ ! -e "$STATE/${ID}i" ] && [ -z "$(find /sys/fs/cgroup -maxdepth 3 -name "${ID}i")" ] || fail "a refused cgroup namespace left state or a cgroup"
echo "ok   a cgroup namespace joined by path (PID 1 and exec in it, its cgroup seen from that root; a wrong type and the host's refused)"

# linux.devices: /dev/fuse the host's node bound in, /dev/h7null (c 1:3) made by mknod with
# its mode; linux.resources.devices on the v1 devices cgroup (podman's deny-all first: the
# zone's /dev stays, the named node allowed); hugepageLimits and unified on the cgroup2
# hierarchy (hugetlb is there on this host); a unified key whose file is not there refused
cgv1=/sys/fs/cgroup/devices/$LXZONE_CGROUP_PARENT/${ID}f
cgv2=/sys/fs/cgroup/unified/$LXZONE_CGROUP_PARENT/${ID}f
[ -d /sys/fs/cgroup/unified ] || cgv2=/sys/fs/cgroup/$LXZONE_CGROUP_PARENT/${ID}f
dev_json='[{"path": "/dev/h7null", "type": "c", "major": 1, "minor": 3, "fileMode": 416}]'
[ -c /dev/fuse ] && dev_json='[{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229}, {"path": "/dev/h7null", "type": "c", "major": 1, "minor": 3, "fileMode": 416}]'
hp=
grep -qw hugetlb "$(dirname "$(dirname "$cgv2")")/cgroup.controllers" 2>/dev/null && [ -e /sys/kernel/mm/hugepages/hugepages-2048kB ] && hp=1
config '["sh", "-c", "ls -ln /dev/h7null > /out/dev; echo x > /dev/h7null && echo wrote >> /out/dev; echo y > /dev/null && echo null >> /out/dev; exec sleep 300"]' "
c['linux']['devices'] = json.loads('$dev_json')
c['linux']['resources'] = {'devices': [{'allow': False, 'access': 'rwm'}, {'allow': True, 'type': 'c', 'major': 1, 'minor': 3, 'access': 'rw'}]}
if '$hp': c['linux']['resources'].update({'hugepageLimits': [{'pageSize': '2MB', 'limit': 4194304}], 'unified': {'hugetlb.2MB.rsvd.max': '2097152'}})"
R run -d --bundle "$B" "${ID}f" 2>"$WORK/err" || fail "run -d with devices exited $?: $(cat "$WORK/err")"
wait_file "$WORK/out/dev"; sleep 0.3
grep -q "^crw-r----- .* 1, *3 .*/dev/h7null" "$WORK/out/dev" || fail "linux.devices mknod: $(cat "$WORK/out/dev")"
grep -q "^wrote" "$WORK/out/dev" && grep -q "^null" "$WORK/out/dev" || fail "device writes: $(cat "$WORK/out/dev")"
if [ -d /sys/fs/cgroup/devices ]; then
	grep -q "^c 1:3 rwm" "$cgv1/devices.list" && grep -q "^c 136:\* rwm" "$cgv1/devices.list" ||
		fail "devices.list: $(cat "$cgv1/devices.list")"
	[ -c /dev/fuse ] && { grep -q "^c 10:229 rwm" "$cgv1/devices.list" || fail "/dev/fuse not allowed: $(cat "$cgv1/devices.list")"; }
	[ -c /dev/fuse ] && { R exec "${ID}f" sh -c 'ls -ln /dev/fuse' | grep -q "10, *229" || fail "/dev/fuse not bound"; }
fi
if [ -n "$hp" ]; then
	[ "$(cat "$cgv2/hugetlb.2MB.max")" = 4194304 ] || fail "hugepageLimits: $(cat "$cgv2/hugetlb.2MB.max")"
	[ "$(cat "$cgv2/hugetlb.2MB.rsvd.max")" = 2097152 ] || fail "unified: $(cat "$cgv2/hugetlb.2MB.rsvd.max")"
else
	echo "skip hugepageLimits/unified: no hugetlb controller on the cgroup2 hierarchy here"
fi
R delete --force "${ID}f"
[ ! -d "$cgv1" ] && [ ! -d "$cgv2" ] || fail "delete left the cgroup"
config '["true"]' 'c["linux"]["resources"] = {"unified": {"nosuch.max": "1"}}'
R create --bundle "$B" "${ID}f" 2>"$WORK/err" && fail "a unified key with no controller was accepted"
grep -q "unified: nosuch.max: the controller nosuch is not on the cgroup2 hierarchy" "$WORK/err" || fail "unified refusal: $(cat "$WORK/err")"
[ ! -e "$STATE/${ID}f" ] && [ ! -d "$cgv2" ] || fail "a refused unified key left state or cgroup"
echo "ok   linux.devices (bound, made), resources.devices, hugepageLimits, unified"

# blockIO on the v1 blkio controller: the container's own directory (PID 1 and exec join it,
# delete removes it), the throttle files; a weight this host's blkio lacks is skipped
dev=$(awk '$1 ~ /^[0-9]+$/ && $2 == 0 {print $1 ":" $2; exit}' /proc/partitions)
if [ -f /sys/fs/cgroup/blkio/blkio.throttle.read_bps_device ] && [ -n "$dev" ]; then
	cgb=/sys/fs/cgroup/blkio/$LXZONE_CGROUP_PARENT/${ID}f
	config '["sleep", "300"]' "
c['linux']['resources'] = {'blockIO': {'weight': 500,
  'throttleReadBpsDevice': [{'major': ${dev%:*}, 'minor': ${dev#*:}, 'rate': 1048576}],
  'throttleWriteIOPSDevice': [{'major': ${dev%:*}, 'minor': ${dev#*:}, 'rate': 100}]}}"
	R run -d --bundle "$B" "${ID}f" 2>"$WORK/err" || fail "run -d with blockIO exited $?: $(cat "$WORK/err")"
	grep -q "^$dev 1048576" "$cgb/blkio.throttle.read_bps_device" || fail "read bps: $(cat "$cgb/blkio.throttle.read_bps_device")"
	grep -q "^$dev 100" "$cgb/blkio.throttle.write_iops_device" || fail "write iops: $(cat "$cgb/blkio.throttle.write_iops_device")"
	pid=$(state_pid "${ID}f")
	grep -qx "$pid" "$cgb/cgroup.procs" || fail "PID 1 ($pid) not in the blkio cgroup: $(cat "$cgb/cgroup.procs")"
	# the cgroup namespace's root is the container's blkio directory: "/" when exec joined it
	R exec "${ID}f" cat /proc/self/cgroup | grep -q "^[0-9]*:blkio:/$" ||
		fail "exec did not join the blkio cgroup: $(R exec "${ID}f" cat /proc/self/cgroup)"
	[ -f "$cgb/blkio.weight" ] || grep -q "blkio.weight" "$WORK/err" || fail "the skipped weight was not said: $(cat "$WORK/err")"
	R delete --force "${ID}f"
	[ ! -d "$cgb" ] || fail "delete left the blkio cgroup"
	# without blockIO too, as runc joins every v1 controller: the container's writes are
	# counted as its own (podman stats' BLOCK I/O read 0 B before stop 44, PID 1 in the
	# hierarchy's root), and an exec's process is in the same directory
	config '["sh", "-c", "dd if=/dev/zero of=/blkio-probe bs=64k count=16 conv=fsync 2>/dev/null; rm -f /blkio-probe; cat /sys/fs/cgroup/blkio/cgroup.procs > /out/blkio-procs; echo done > /out/blkio; exec sleep 300"]' ''
	R run -d --bundle "$B" "${ID}f" 2>"$WORK/err" || fail "run -d without blockIO exited $?: $(cat "$WORK/err")"
	wait_file "$WORK/out/blkio"
	# and its /sys/fs/cgroup/blkio, as runc's, is that directory (its PID 1 is 1 there)
	grep -qx 1 "$WORK/out/blkio-procs" || fail "without blockIO: the container's /sys/fs/cgroup/blkio/cgroup.procs: $(cat "$WORK/out/blkio-procs")"
	pid=$(state_pid "${ID}f")
	grep -qx "$pid" "$cgb/cgroup.procs" || fail "without blockIO: PID 1 ($pid) not in $cgb: $(grep blkio "/proc/$pid/cgroup")"
	R exec "${ID}f" sh -c 'sleep 30 & echo $! > /out/blkio-exec; wait' &
	wait_file "$WORK/out/blkio-exec"
	grep -vqx "$pid" "$cgb/cgroup.procs" || fail "without blockIO: exec's process is not in $cgb: $(cat "$cgb/cgroup.procs")"
	w=$(awk '$2 == "Write" {s += $3} END {print s + 0}' "$cgb/blkio.throttle.io_service_bytes")
	[ "$w" -gt 0 ] || fail "without blockIO: the container's writes are not counted in $cgb: $(cat "$cgb/blkio.throttle.io_service_bytes")"
	R delete --force "${ID}f"
	[ ! -d "$cgb" ] || fail "delete left the blkio cgroup (no blockIO)"
	echo "ok   blockIO (throttles, joined by PID 1 and exec, removed); without it, the container's own blkio cgroup (PID 1, exec, its writes counted, its /sys/fs/cgroup/blkio)"
else
	echo "skip blockIO: no v1 blkio throttle files or no block device here"
fi

# The time namespace (config-linux.md's "time" and linux.timeOffsets, as runc 1.2 and crun):
# a new one with a monotonic and a boottime offset, seen from inside by a static probe's
# vDSO clocks against the host's read before and after (in the program and in an exec), while
# /proc/uptime and sysinfo() stay the container's own uptime (the zone page is told the
# offset); one joined by path (the first container's); both again with a user namespace of
# the container's own (a new one is made inside it, a joined one is the host's); and runc's
# refusals, one line each, nothing left.
PROBE=$LXZONE_BUILD/tests/bin/it_zone_probe
if [ -e /proc/self/ns/time ] && [ -x "$PROBE" ]; then
	hclocks() { "$PROBE" clocks | sed -n 's/^monotonic \([0-9]*\) boottime \([0-9]*\) uptime \([0-9]*\)$/\1 \2 \3/p'; }
	# WHAT "M B U" (a probe's line, the container's) "M B U" (the host's before) "M B U"
	# (after) MONO-OFFSET BOOT-OFFSET: each clock the host's plus its offset, uptime under a minute
	clocks_ok() {
		c=$(echo "$2" | sed -n 's/^monotonic \([0-9]*\) boottime \([0-9]*\) uptime \([0-9]*\)$/\1 \2 \3/p')
		echo "$c $3 $4" | awk -v m="$5" -v b="$6" 'NF == 9 && $1 >= $4 + m && $1 <= $7 + m + 1 &&
			$2 >= $5 + b && $2 <= $8 + b + 1 && $3 < 60 { ok = 1 } END { exit !ok }' ||
			fail "$1: the container's clocks (monotonic boottime uptime) '$2', the host's $3 .. $4, offsets $5 $6"
	}
	# ID WHAT MONO-OFFSET BOOT-OFFSET: run -d of the bundle (TARGS), its program's clocks
	trun() {
		rm -f "$WORK/out/tclk" "$WORK/out/toff"
		h0=$(hclocks)
		R run -d --bundle "$B" "$1" 2>"$WORK/err" || fail "$2: run -d exited $?: $(cat "$WORK/err")"
		wait_file "$WORK/out/toff"
		clocks_ok "$2" "$(cat "$WORK/out/tclk")" "$h0" "$(hclocks)" "$3" "$4"
	}
	# ID WHAT MONO-OFFSET BOOT-OFFSET: an exec's clocks, and its time namespace PID 1's
	texec() {
		h0=$(hclocks)
		out=$(R exec "$1" /t/it_zone_probe clocks)
		clocks_ok "$2" "$out" "$h0" "$(hclocks)" "$3" "$4"
		[ "$(R exec "$1" readlink /proc/self/ns/time)" = "$(readlink /proc/$(state_pid "$1")/ns/time)" ] ||
			fail "$2: not in PID 1's time namespace"
	}
	TBIND='c["mounts"].append({"destination": "/t", "type": "bind", "source": "'$LXZONE_BUILD/tests/bin'", "options": ["rbind", "ro"]})'
	TARGS='["sh", "-c", "/t/it_zone_probe clocks > /out/tclk; cut -d\" \" -f1 /proc/uptime > /out/tup; cat /proc/self/timens_offsets > /out/toff; exec sleep 300"]'
	R features | grep -q '"time"' || fail "features does not list the time namespace"
	config "$TARGS" "$TBIND
c['linux']['namespaces'].append({'type': 'time'})
c['linux']['timeOffsets'] = {'monotonic': {'secs': 86400, 'nanosecs': 5}, 'boottime': {'secs': 3600, 'nanosecs': 0}}"
	trun "${ID}j" "run" 86400 3600
	[ "$(tr -s ' ' <"$WORK/out/toff")" = "$(printf 'monotonic 86400 5\nboottime 3600 0')" ] ||
		fail "timens_offsets in the container: $(cat "$WORK/out/toff")"
	awk '{ exit !($1 < 60) }' "$WORK/out/tup" || fail "/proc/uptime with a boottime offset: $(cat "$WORK/out/tup"), not the container's"
	pj=$(state_pid "${ID}j")
	[ -n "$pj" ] && [ "$(readlink /proc/$pj/ns/time)" != "$(readlink /proc/self/ns/time)" ] ||
		fail "PID 1 has no time namespace of its own"
	texec "${ID}j" "exec" 86400 3600
	# joined by path: the first container's namespace and its offsets
	config "$TARGS" "$TBIND
c['linux']['namespaces'].append({'type': 'time', 'path': '/proc/$pj/ns/time'})"
	trun "${ID}k" "joined" 86400 3600
	[ "$(readlink /proc/$(state_pid "${ID}k")/ns/time)" = "$(readlink /proc/$pj/ns/time)" ] ||
		fail "the time namespace was not joined"
	texec "${ID}k" "joined, exec" 86400 3600
	R delete --force "${ID}k"
	# refused as runc refuses them, and a path that is not a time namespace: one line, nothing made
	for case in "offsets with a path|c['linux']['namespaces'].append({'type': 'time', 'path': '/proc/$pj/ns/time'}); c['linux']['timeOffsets'] = {'boottime': {'secs': 1}}|create failed: time namespace enabled, but both namespace path and time offsets specified -- you may only provide one" \
		"offsets without a namespace|c['linux']['timeOffsets'] = {'monotonic': {'secs': 1}}|create failed: time namespace offsets specified, but time namespace isn't enabled in the config" \
		"a network namespace|c['linux']['namespaces'].append({'type': 'time', 'path': '/proc/self/ns/net'})|create failed: time namespace /proc/self/ns/net: net:\[[0-9]*\], not a time namespace"; do
		config '["true"]' "$(echo "$case" | cut -d'|' -f2)"
		R create --bundle "$B" "${ID}k" 2>"$WORK/err" && fail "${case%%|*}: accepted"
		grep -q "${case##*|}" "$WORK/err" && [ "$(wc -l <"$WORK/err")" = 1 ] || fail "${case%%|*}: $(cat "$WORK/err")"
		[ ! -e "$STATE/${ID}k" ] && [ -z "$(find /sys/fs/cgroup -maxdepth 3 -name "${ID}k")" ] ||
			fail "${case%%|*}: state or a cgroup left"
	done
	echo "ok   a time namespace: new with timeOffsets (run and exec; uptime the container's), joined by path, runc's refusals"

	# the same with a user namespace of the container's own: the new namespace is made in
	# it (other offsets, to tell them apart); a joined one is the first container's
	chown -R 200000:200000 "$B/rootfs"
	USERNS='
c["linux"]["namespaces"].append({"type": "user"})
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
	config "$TARGS" "$TBIND$USERNS
c['linux']['namespaces'].append({'type': 'time'})
c['linux']['timeOffsets'] = {'monotonic': {'secs': 172800, 'nanosecs': 0}, 'boottime': {'secs': 7200, 'nanosecs': 1}}"
	trun "${ID}k" "userns" 172800 7200
	[ "$(awk '/^Uid:/ {print $2}' /proc/$(state_pid "${ID}k")/status)" = 200000 ] ||
		fail "userns + time: PID 1 is not host uid 200000"
	texec "${ID}k" "userns, exec" 172800 7200
	R delete --force "${ID}k"
	config "$TARGS" "$TBIND$USERNS
c['linux']['namespaces'].append({'type': 'time', 'path': '/proc/$pj/ns/time'})"
	trun "${ID}k" "userns, joined" 86400 3600
	texec "${ID}k" "userns, joined, exec" 86400 3600
	[ "$(readlink /proc/$(state_pid "${ID}k")/ns/time)" = "$(readlink /proc/$pj/ns/time)" ] ||
		fail "userns: the time namespace was not joined"
	R delete --force "${ID}k"
	R delete --force "${ID}j"
	echo "ok   a time namespace with a user namespace of the container's own (new with timeOffsets, joined by path; run and exec)"
else
	echo "skip the time namespace: no time namespaces in this kernel, or no $PROBE"
fi

[ $failures = 0 ] || exit 1
echo PASS
