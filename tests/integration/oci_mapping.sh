#!/bin/sh
# config.json mapped onto the zone machinery, each key checked from inside the container:
# linux.seccomp stacked under the brand's filter (also for exec), a user namespace from
# uidMappings/gidMappings, hooks (createRuntime, poststart, poststop with the state on their
# stdin), the terminal over --console-socket, a deep cgroupsPath, sysctl, process.user,
# oomScoreAdj, masked and read-only paths, a tmpfs mount, the profile annotation, and the
# syscall-patching annotation (never process.env's LXZONE_SYSCALL_PATCHING).
. "$(dirname "$0")/lib.sh"
need_root
need_image
ID=h7map$$
OCI_IDS="a b c d e p w j k"
. "$(dirname "$0")/oci_lib.sh"

# seccomp: mkdir refused with EPERM by the profile, under the brand, in the program and exec
config '["sh", "-c", "mkdir /tmp/x 2>/out/mkdir; echo $? >> /out/mkdir; exec sleep 300"]' '
c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
  "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
R run -d --bundle "$B" "${ID}a" || fail "run -d with a seccomp profile exited $?"
wait_file "$WORK/out/mkdir"
grep -q "Operation not permitted" "$WORK/out/mkdir" || fail "seccomp: mkdir said: $(cat "$WORK/out/mkdir")"
R exec "${ID}a" mkdir /tmp/y 2>"$WORK/err" && fail "seccomp: exec's mkdir succeeded"
grep -q "Operation not permitted" "$WORK/err" || fail "seccomp exec: $(cat "$WORK/err")"
R exec "${ID}a" ls / >/dev/null || fail "seccomp: exec of an allowed program failed"
# no process.user.umask: runc's 022, whatever the caller's
got=$(umask 077; R exec "${ID}a" sh -c umask)
[ "$got" = 0022 ] || fail "exec with the caller's umask 077: the program's is $got (want 0022)"
R delete --force "${ID}a"
config '["true"]' 'c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_TRAP"}'
R create --bundle "$B" "${ID}a" 2>"$WORK/err" && fail "SCMP_ACT_TRAP was accepted"
grep -q "SCMP_ACT_TRAP is not supported under the brand" "$WORK/err" || fail "TRAP: $(cat "$WORK/err")"
echo "ok   linux.seccomp stacked under the brand (program and exec), TRAP refused"

# user namespace: the container's root is host uid 200000
config '["sh", "-c", "cat /proc/self/uid_map > /out/uidmap; cat /proc/sys/fs/binfmt_misc/lxzone > /out/binfmt 2>&1; cat /proc/self/oom_score_adj > /out/uoom; id -u > /out/uid; exec sleep 300"]' '
c["process"]["oomScoreAdj"] = 500
c["linux"]["namespaces"].append({"type": "user"})
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
chown -R 200000:200000 "$B/rootfs"
R run -d --bundle "$B" "${ID}b" || fail "run -d in a user namespace exited $?"
wait_file "$WORK/out/uid"
pid=$(state_pid "${ID}b")
[ "$(awk '{print $1}' "/proc/$pid/status" | grep -c .)" -gt 0 ] || true
huid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
[ "$huid" = 200000 ] || fail "userns: the init's host uid is $huid (want 200000)"
[ "$(cat "$WORK/out/uid")" = 0 ] || fail "userns: id -u in the container: $(cat "$WORK/out/uid")"
# written as the host's root: the file of a process that is not dumpable is the host root's
[ "$(cat "$WORK/out/uoom")" = 500 ] || fail "userns: oomScoreAdj 500, the container's is $(cat "$WORK/out/uoom")"
# the entry for set-user-ID execs (launch_binfmt.c), in sight under the spec's read-only
# /proc/sys (it was hidden by that bind, made after it)
grep -q '^enabled' "$WORK/out/binfmt" || fail "userns: binfmt_misc entry: $(cat "$WORK/out/binfmt")"
R delete --force "${ID}b"
# several ranges, the uid and gid maps apart (runtime-tools' linux_uid_mappings; podman's
# --uidmap/--gidmap): the kernel's maps as given, the setup's tmpfs the container root's
config '["sh", "-c", "cat /proc/self/uid_map > /out/uidmap2; cat /proc/self/gid_map > /out/gidmap2; stat -c %u:%g /tmp /dev /dev/mqueue > /out/own2; id -u > /out/uid2; exec sleep 300"]' '
c["linux"]["namespaces"].append({"type": "user"})
c["linux"]["uidMappings"] = [{"containerID": 10, "hostID": 300000, "size": 10}, {"containerID": 0, "hostID": 200000, "size": 10}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 210000, "size": 3000}]'
chown -R 200000:210000 "$B/rootfs"
R run -d --bundle "$B" "${ID}b" || fail "run -d with two uid ranges exited $?"
wait_file "$WORK/out/uid2"
pid=$(state_pid "${ID}b")
hids=$(awk '/^Uid:/ {u=$2} /^Gid:/ {g=$2} END {print u ":" g}' "/proc/$pid/status" 2>/dev/null)
[ "$hids" = 200000:210000 ] || fail "two ranges: the init's host uid:gid is $hids"
[ "$(awk '{print $1, $2, $3}' "$WORK/out/uidmap2" | tr '\n' ,)" = "10 300000 10,0 200000 10," ] ||
	fail "two ranges: uid_map in the container: $(cat "$WORK/out/uidmap2")"
[ "$(awk '{print $1, $2, $3}' "$WORK/out/gidmap2")" = "0 210000 3000" ] ||
	fail "two ranges: gid_map in the container: $(cat "$WORK/out/gidmap2")"
[ "$(tr '\n' ' ' <"$WORK/out/own2")" = "0:0 0:0 0:0 " ] ||
	fail "two ranges: /tmp, /dev and /dev/mqueue owned by $(cat "$WORK/out/own2") in the container"
[ "$(cat "$WORK/out/uid2")" = 0 ] || fail "two ranges: id -u: $(cat "$WORK/out/uid2")"
R delete --force "${ID}b"
chown -R 0:0 "$B/rootfs"
config '["true"]' '
c["linux"]["namespaces"].append({"type": "user"})
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 10}, {"containerID": 5, "hostID": 300000, "size": 10}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 10}]'
R create --bundle "$B" "${ID}b" 2>"$WORK/err" && fail "overlapping uid ranges were accepted"
grep -q "uid mappings 0 and 1 overlap" "$WORK/err" || fail "overlap: $(cat "$WORK/err")"
[ -e "$STATE/${ID}b" ] && fail "overlap: state left at $STATE/${ID}b"
config '["true"]' '
c["linux"]["namespaces"].append({"type": "user"})
c["linux"]["uidMappings"] = [{"containerID": 1, "hostID": 200000, "size": 10}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 10}]'
R create --bundle "$B" "${ID}b" 2>"$WORK/err" && fail "an unmapped uid 0 was accepted"
grep -q "uid 0 is not mapped" "$WORK/err" || fail "uid 0 unmapped: $(cat "$WORK/err")"
# the host's root is never the container's, by either map
config '["true"]' '
c["linux"]["namespaces"].append({"type": "user"})
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 10}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 10}, {"containerID": 10, "hostID": 0, "size": 1}]'
R create --bundle "$B" "${ID}b" 2>"$WORK/err" && fail "a map of the host's gid 0 was accepted"
grep -q "its gid map gives the container the host's gid 0" "$WORK/err" || fail "host gid 0: $(cat "$WORK/err")"
[ -e "$STATE/${ID}b" ] && fail "host gid 0: state left at $STATE/${ID}b"
echo "ok   user namespace (host uid 200000 is the container's root, oomScoreAdj), several ranges and apart maps, overlaps, an unmapped root and the host's root refused"

# a pod's user namespace (Kubernetes' user-namespaced pods): the sandbox (b) makes it with its
# network, uts, ipc and pid namespaces, a container (d) joins them all by path, with the maps
# given and without them; its root is the sandbox's, its binfmt_misc entry the one b
# registered (under runc's read-only /proc/sys); a map that is not the namespace's, a path
# that is no user namespace, the runtime's own, a mount path with it: refused, nothing left
config '["sh", "-c", "hostname > /out/podhost; exec sleep 300"]' '
c["hostname"] = "pod"
c["linux"]["namespaces"].append({"type": "user"})
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
chown -R 200000:200000 "$B/rootfs"
R run -d --bundle "$B" "${ID}b" || fail "the pod's sandbox: run -d exited $?"
wait_file "$WORK/out/podhost"
sb=$(state_pid "${ID}b")
pod_config() { # ARGS-JSON PYTHON: config() joining b's user, network, uts, ipc and pid namespaces
	config "$1" '
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] not in ("network", "uts", "ipc", "pid")]
for t, f in (("user", "user"), ("network", "net"), ("uts", "uts"), ("ipc", "ipc"), ("pid", "pid")):
    c["linux"]["namespaces"].append({"type": t, "path": "/proc/'"$sb"'/ns/" + f})
'"$2"
}
pod_config '["sh", "-c", "cat /proc/self/uid_map > /out/jmap; hostname > /out/jhost; ps -o pid,comm > /out/jps; cat /proc/sys/fs/binfmt_misc/lxzone > /out/jbin; exec sleep 300"]' '
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
R run -d --bundle "$B" "${ID}d" || fail "joining the pod's user namespace: run -d exited $?"
wait_file "$WORK/out/jbin"
jp=$(state_pid "${ID}d")
for n in user net uts ipc pid; do
	[ "$(readlink "/proc/$jp/ns/$n")" = "$(readlink "/proc/$sb/ns/$n")" ] ||
		fail "pod: the container's $n namespace is $(readlink "/proc/$jp/ns/$n"), the sandbox's $(readlink "/proc/$sb/ns/$n")"
done
[ "$(readlink "/proc/$jp/ns/mnt")" != "$(readlink "/proc/$sb/ns/mnt")" ] || fail "pod: the sandbox's mount namespace joined"
hids=$(awk '/^Uid:/ {u=$2} /^Gid:/ {g=$2} END {print u ":" g}' "/proc/$jp/status" 2>/dev/null)
[ "$hids" = 200000:200000 ] || fail "pod: the container's host uid:gid is $hids"
[ "$(awk '{print $1, $2, $3}' "$WORK/out/jmap")" = "0 200000 65536" ] || fail "pod: uid_map $(cat "$WORK/out/jmap")"
[ "$(cat "$WORK/out/jhost")" = pod ] || fail "pod: hostname $(cat "$WORK/out/jhost") (want the sandbox's)"
grep -q '^ *1 sleep' "$WORK/out/jps" || fail "pod: the sandbox's PID 1 not seen: $(cat "$WORK/out/jps")"
grep -q '^enabled' "$WORK/out/jbin" || fail "pod: binfmt_misc entry: $(cat "$WORK/out/jbin")"
[ "$(R exec "${ID}d" readlink /proc/self/ns/user)" = "$(readlink "/proc/$sb/ns/user")" ] ||
	fail "pod: exec's user namespace is not the pod's"
R delete --force "${ID}d"
# the user namespace alone: uts and ipc of the container's own, made in it (its mqueue root the
# namespace's root's, as under runc)
config '["sh", "-c", "stat -c %u:%g /dev/mqueue > /out/jmq; exec sleep 300"]' '
c["linux"]["namespaces"].append({"type": "user", "path": "/proc/'"$sb"'/ns/user"})'
R run -d --bundle "$B" "${ID}d" || fail "joining the pod's user namespace alone: run -d exited $?"
wait_file "$WORK/out/jmq"
[ "$(cat "$WORK/out/jmq")" = 0:0 ] || fail "pod: /dev/mqueue of an ipc namespace made in it owned by $(cat "$WORK/out/jmq")"
R delete --force "${ID}d"
pod_config '["sh", "-c", "id -u > /out/j2; exec sleep 300"]' ''
R run -d --bundle "$B" "${ID}d" || fail "joining without uidMappings: run -d exited $?"
wait_file "$WORK/out/j2"
[ "$(awk '/^Uid:/ {print $2}' "/proc/$(state_pid "${ID}d")/status")" = 200000 ] && [ "$(cat "$WORK/out/j2")" = 0 ] ||
	fail "joining without uidMappings: id -u $(cat "$WORK/out/j2")"
R delete --force "${ID}d"
# the pod's cgroup namespace beside its user namespace, by path (runc joins it; podman 4.3's
# pod create --share +cgroup names none in the container's config): PID 1 joins it from the user namespace and sees its own cgroup from the pod's root, as
# runc's would; exec is in it.  One the pod's user namespace does not own is refused.
pod_config '["sh", "-c", "cat /proc/self/cgroup > /out/jcg; exec sleep 300"]' '
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "cgroup"] + [{"type": "cgroup", "path": "/proc/'"$sb"'/ns/cgroup"}]'
R run -d --bundle "$B" "${ID}d" || fail "joining the pod's cgroup namespace: run -d exited $?"
wait_file "$WORK/out/jcg"
jp=$(state_pid "${ID}d")
[ "$(readlink "/proc/$jp/ns/cgroup")" = "$(readlink "/proc/$sb/ns/cgroup")" ] ||
	fail "pod: the container's cgroup namespace is $(readlink "/proc/$jp/ns/cgroup"), the sandbox's $(readlink "/proc/$sb/ns/cgroup")"
grep -q ":/\.\./${ID}d\$" "$WORK/out/jcg" && ! grep -q "$LXZONE_CGROUP_PARENT" "$WORK/out/jcg" ||
	fail "pod: PID 1's cgroups, seen from the pod's cgroup namespace: $(cat "$WORK/out/jcg")"
[ "$(R exec "${ID}d" readlink /proc/self/ns/cgroup)" = "$(readlink "/proc/$sb/ns/cgroup")" ] ||
	fail "pod: exec is not in the pod's cgroup namespace"
R delete --force "${ID}d"
unshare --cgroup sleep 60 &
hostcg=$!
sleep 0.2
pod_config '["true"]' '
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "cgroup"] + [{"type": "cgroup", "path": "/proc/'"$hostcg"'/ns/cgroup"}]'
R create --bundle "$B" "${ID}d" 2>"$WORK/err" && fail "a cgroup namespace the pod's user namespace does not own was joined"
grep -q "cgroup namespace /proc/$hostcg/ns/cgroup: not one the user namespace /proc/$sb/ns/user owns" "$WORK/err" ||
	fail "a host-owned cgroup namespace: $(cat "$WORK/err")"
kill "$hostcg"
pod_config '["true"]' '
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 300000, "size": 65536}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
R create --bundle "$B" "${ID}d" 2>"$WORK/err" && fail "maps unlike the namespace's were accepted"
grep -q "the config's uidMappings and gidMappings are not its maps" "$WORK/err" || fail "other maps: $(cat "$WORK/err")"
config '["true"]' 'c["linux"]["namespaces"].append({"type": "user", "path": "/proc/'"$sb"'/ns/net"})'
R create --bundle "$B" "${ID}d" 2>"$WORK/err" && fail "a network namespace was joined as a user namespace"
grep -q "user namespace /proc/$sb/ns/net: net:\[[0-9]*\], not a user namespace" "$WORK/err" || fail "not user: $(cat "$WORK/err")"
config '["true"]' 'c["linux"]["namespaces"].append({"type": "user", "path": "/proc/self/ns/user"})'
R create --bundle "$B" "${ID}d" 2>"$WORK/err" && fail "the runtime's own user namespace was joined"
grep -q "the container's root would be the host's" "$WORK/err" || fail "own userns: $(cat "$WORK/err")"
unshare --user --map-root-user sleep 60 &
rootmap=$!
sleep 0.2
config '["true"]' 'c["linux"]["namespaces"].append({"type": "user", "path": "/proc/'"$rootmap"'/ns/user"})'
R create --bundle "$B" "${ID}d" 2>"$WORK/err" && fail "a user namespace mapping the host's root was joined"
grep -q "its uid map gives the container the host's uid 0" "$WORK/err" || fail "host root mapped: $(cat "$WORK/err")"
kill "$rootmap"
pod_config '["true"]' 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "mount"] + [{"type": "mount", "path": "/proc/'"$sb"'/ns/mnt"}]'
R create --bundle "$B" "${ID}d" 2>"$WORK/err" && fail "a mount path with a user namespace was accepted"
grep -q "joining a mount namespace (/proc/$sb/ns/mnt) with a user namespace is not supported" "$WORK/err" || fail "mount path: $(cat "$WORK/err")"
[ -e "$STATE/${ID}d" ] && fail "refused joins left state at $STATE/${ID}d"
# a user namespace of its own with a network namespace by path: that one (it had the
# runtime's, the host's, before)
config '["sh", "-c", "exec sleep 300"]' '
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]
c["linux"]["namespaces"] += [{"type": "user"}, {"type": "network", "path": "/proc/'"$sb"'/ns/net"}]
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 300000, "size": 65536}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 300000, "size": 65536}]'
R run -d --bundle "$B" "${ID}d" || fail "own user namespace, network by path: run -d exited $?"
[ "$(readlink "/proc/$(state_pid "${ID}d")/ns/net")" = "$(readlink "/proc/$sb/ns/net")" ] ||
	fail "own user namespace, network by path: in $(readlink "/proc/$(state_pid "${ID}d")/ns/net")"
R delete --force "${ID}d"
# and with no network namespace: the runtime's, as under runc (it had a new one)
config '["sh", "-c", "exec sleep 300"]' '
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"] + [{"type": "user"}]
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 300000, "size": 65536}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 300000, "size": 65536}]'
R run -d --bundle "$B" "${ID}d" || fail "own user namespace, no network namespace: run -d exited $?"
[ "$(readlink "/proc/$(state_pid "${ID}d")/ns/net")" = "$(readlink /proc/self/ns/net)" ] ||
	fail "own user namespace, no network namespace: not the runtime's"
R delete --force "${ID}d"
# and with a cgroup namespace by path that the host's user namespace owns (runc's nsexec
# joins paths before it unshares the user namespace): joined before it, by PID 1 and by exec,
# whose cgroups are seen from that namespace's root; the config's cgroup mount still made
# (runc's own mount of it fails there with EPERM).  Until stop 44 it was refused.
cgroupns_holder
config '["sh", "-c", "cat /proc/self/cgroup > /out/ucg; ls /sys/fs/cgroup/pids > /out/ucgfs; exec sleep 300"]' '
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "cgroup"]
c["linux"]["namespaces"] += [{"type": "user"}, {"type": "cgroup", "path": "/proc/'"$CGNS_PID"'/ns/cgroup"}]
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 300000, "size": 65536}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 300000, "size": 65536}]'
R run -d --bundle "$B" "${ID}d" 2>"$WORK/err" || fail "own user namespace, cgroup by path: run -d exited $?: $(cat "$WORK/err")"
wait_file "$WORK/out/ucgfs"
[ "$(readlink "/proc/$(state_pid "${ID}d")/ns/cgroup")" = "$CGNS" ] ||
	fail "own user namespace, cgroup by path: PID 1 in $(readlink "/proc/$(state_pid "${ID}d")/ns/cgroup")"
[ "$(awk '/^Uid:/ {print $2}' "/proc/$(state_pid "${ID}d")/status")" = 300000 ] ||
	fail "own user namespace, cgroup by path: PID 1 is not the namespace's root"
grep -q "^0::/.*${ID}d\$" "$WORK/out/ucg" || fail "own user namespace, cgroup by path: /proc/self/cgroup: $(cat "$WORK/out/ucg")"
grep -q "cgroup.procs" "$WORK/out/ucgfs" || fail "own user namespace, cgroup by path: /sys/fs/cgroup/pids: $(cat "$WORK/out/ucgfs")"
[ "$(R exec "${ID}d" readlink /proc/self/ns/cgroup)" = "$CGNS" ] ||
	fail "own user namespace, cgroup by path: exec is not in it"
[ "$(R exec "${ID}d" id -u)" = 0 ] || fail "own user namespace, cgroup by path: exec is not the container's root"
R delete --force "${ID}d"
kill "$CGNS_PID" "$CGNS_OWNER" 2>/dev/null
R delete --force "${ID}b"
chown -R 0:0 "$B/rootfs"
echo "ok   a pod's user namespace joined with its network, uts, ipc and pid (maps given or not; binfmt entry shared) and cgroup, a cgroup namespace it does not own, other maps, not-a-userns, the runtime's own, one mapping the host's root and a mount path refused; own user namespace with a network path, a cgroup path, and none"

# idmapped binds (runc 1.2's mounts[].uidMappings, idmap, ridmap; containerd asks `features`'
# mountExtensions): files of uid 0 and 1000 in a host directory, and under a tmpfs mounted
# inside it one of uid 1000.  Own maps {1000 -> 200000} in a container whose root is host
# 200000: the 1000 file is its root's, the 0 one nobody's; {0 -> 1234} without a user
# namespace: 1234 and nobody; the submount idmapped only with ridmap (or, with no option, as
# every bind of a user-namespaced container).  The idmap option alone is the container's own
# maps on the top mount; without a user namespace it, and maps without a bind or half of
# them, are refused with one line.
IDM=$WORK/idm
mkdir -p "$IDM/sub"
: >"$IDM/a"; : >"$IDM/b"; chown 1000:1000 "$IDM/b"
mount -t tmpfs tmpfs "$IDM/sub" && : >"$IDM/sub/c" && chown 1000:1000 "$IDM/sub/c" || fail "idmap: tmpfs on $IDM/sub"
idm() { # USERNS(0/1) MOUNT-PYTHON: the container's view of a, b and sub/c as uid:gid
	config '["sh", "-c", "stat -c %u:%g /m/a /m/b /m/sub/c | tr \"\\n\" \" \" > /out/idm"]' "$([ "$1" = 1 ] && printf '%s' '
c["linux"]["namespaces"].append({"type": "user"})
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]')
c['mounts'].append(dict({'destination': '/m', 'type': 'bind', 'source': '$IDM'}, **$2))"
	rm -f "$WORK/out/idm"
	R run --bundle "$B" "${ID}a" 2>"$WORK/err" || echo "exit $?: $(cat "$WORK/err")" >"$WORK/out/idm"
	cat "$WORK/out/idm"
}
own='"uidMappings": [{"containerID": 1000, "hostID": 200000, "size": 1}], "gidMappings": [{"containerID": 1000, "hostID": 200000, "size": 1}]'
chown -R 200000:200000 "$B/rootfs"
got=$(idm 1 "{'options': ['rbind']}")
[ "$got" = "0:0 1000:1000 1000:1000 " ] || fail "idmap: a bind in a user namespace (the container's maps): $got"
got=$(idm 1 "{'options': ['rbind'], $own}")
[ "$got" = "65534:65534 0:0 65534:65534 " ] || fail "idmap: own maps, top mount: $got"
got=$(idm 1 "{'options': ['rbind', 'ridmap'], $own}")
[ "$got" = "65534:65534 0:0 0:0 " ] || fail "idmap: own maps, ridmap: $got"
got=$(idm 1 "{'options': ['rbind', 'idmap']}")
[ "$got" = "0:0 1000:1000 65534:65534 " ] || fail "idmap: the idmap option alone (the top mount): $got"
chown -R 0:0 "$B/rootfs"
host='"uidMappings": [{"containerID": 0, "hostID": 1234, "size": 1}], "gidMappings": [{"containerID": 0, "hostID": 1234, "size": 1}]'
got=$(idm 0 "{'options': ['rbind'], $host}")
[ "$got" = "1234:1234 65534:65534 1000:1000 " ] || fail "idmap: own maps without a user namespace: $got"
got=$(idm 0 "{'options': ['rbind', 'idmap']}")
case $got in *"idmapped without maps of its own needs a user namespace"*) ;; *) fail "idmap option without a user namespace: $got" ;; esac
got=$(idm 0 "{'options': ['rbind'], 'uidMappings': [{'containerID': 0, 'hostID': 1234, 'size': 1}]}")
case $got in *"mount /m: uidMappings and gidMappings go together"*) ;; *) fail "idmap: half the maps: $got" ;; esac
got=$(idm 0 "{'type': 'tmpfs', 'source': 'tmpfs', $host}")
case $got in *"mount /m: uidMappings and gidMappings are for bind mounts"*) ;; *) fail "idmap: maps on a tmpfs: $got" ;; esac
[ ! -e "$STATE/${ID}a" ] || fail "idmap: state left at $STATE/${ID}a"
umount "$IDM/sub"
R features | grep -q '"idmap"' || fail "features: no idmap"
echo "ok   idmapped binds: the container's maps, its own (top mount, ridmap), without a user namespace; refusals; features"

# the runtime's children in a pod's namespaces before their exec (runc's CVE-2016-9962): a
# sandbox (w) whose root has CAP_SYS_PTRACE in the pod's user namespace watches its pid
# namespace (oci_podwatch.c) while containers (j) join its user and pid namespaces one after
# another; each one's PID 1 is lxzone-oci's child there, with the host's root as its root
# until the setup pivots, and must be out of reach (not dumpable: launch_undumpable)
# The watcher tries each such child again and again until its exec: a second pass runs with
# fs.suid_dumpable 1, where each change of ids makes a process dumpable until the launcher
# clears the flag again (set back at once: the sysctl is the machine's)
podwatch_install
podwatch() { # JOINS SUID_DUMPABLE [UID:GID of the joiners' process.user]
	config '["sh", "-c", "/bin/podwatch '"$WORK/$marker $marker"' /out/pw-stop 90 > /out/pw 2>&1; exec sleep 300"]' '
c["linux"]["namespaces"].append({"type": "user"})
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]
for k in ("bounding", "effective", "permitted"):
    c["process"]["capabilities"][k].append("CAP_SYS_PTRACE")'
	chown -R 200000:200000 "$B/rootfs"
	rm -f "$WORK/out/pw" "$WORK/out/pw-stop"
	R run -d --bundle "$B" "${ID}w" || fail "podwatch: the sandbox's run -d exited $?"
	sb=$(state_pid "${ID}w")
	config '["true"]' '
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "pid"]
c["linux"]["namespaces"] += [{"type": "user", "path": "/proc/'"$sb"'/ns/user"}, {"type": "pid", "path": "/proc/'"$sb"'/ns/pid"}]
u = "'"${3:-}"'"
if u:
    c["process"]["user"] = {"uid": int(u.split(":")[0]), "gid": int(u.split(":")[1]), "additionalGids": [5]}'
	# the host's setting back however the joins end (an interrupted test must not leave a
	# weaker one behind)
	(
		sd=$(cat /proc/sys/fs/suid_dumpable)
		trap 'echo "$sd" >/proc/sys/fs/suid_dumpable' EXIT
		trap 'exit 130' INT TERM
		echo "$2" >/proc/sys/fs/suid_dumpable
		cd "$WORK" && for i in $(seq "$1"); do R run --bundle "$B" "${ID}j" >/dev/null 2>&1 || echo "join $i exited $?"; done
	) >"$WORK/joins"
	: >"$WORK/out/pw-stop"
	wait_file "$WORK/out/pw"
	[ ! -s "$WORK/joins" ] || fail "podwatch: $(head -3 "$WORK/joins")"
	grep -q '^safe: ' "$WORK/out/pw" || fail "podwatch (fs.suid_dumpable $2): $(cat "$WORK/out/pw")"
	R delete --force "${ID}w"
	chown -R 0:0 "$B/rootfs"
}
podwatch 40 "$(cat /proc/sys/fs/suid_dumpable)"
echo "ok   a pod's sandbox with CAP_SYS_PTRACE cannot reach the runtime's children before their exec ($(cat "$WORK/out/pw"))"
podwatch 20 1
echo "ok   nor with fs.suid_dumpable 1 ($(cat "$WORK/out/pw"))"
# a joiner whose process.user is not root changes its ids (and so sets the flag to 1) after
# its root is built: outside the pod's pid namespace, before init is forked into it
podwatch 20 1 1000:1000
echo "ok   nor a joiner that runs as uid 1000, with fs.suid_dumpable 1 ($(cat "$WORK/out/pw"))"

# hooks: createRuntime and poststart at create and start, poststop at delete, state on stdin
cat >"$WORK/hook.sh" <<EOF
#!/bin/sh
cat > "$WORK/out/hook-\$1"
EOF
chmod +x "$WORK/hook.sh"
config '["sleep", "300"]' "
h = lambda k: [{'path': '$WORK/hook.sh', 'args': ['hook.sh', k]}]
c['hooks'] = {'createRuntime': h('createRuntime'), 'poststart': h('poststart'), 'poststop': h('poststop')}"
R create --bundle "$B" "${ID}c" || fail "create with hooks exited $?"
grep -q "\"id\": \"${ID}c\"" "$WORK/out/hook-createRuntime" 2>/dev/null || fail "createRuntime hook: $(cat "$WORK/out/hook-createRuntime" 2>&1)"
[ ! -e "$WORK/out/hook-poststart" ] || fail "poststart ran before start"
R start "${ID}c" || fail "start with hooks exited $?"
grep -q '"status": "running"' "$WORK/out/hook-poststart" 2>/dev/null || fail "poststart hook: $(cat "$WORK/out/hook-poststart" 2>&1)"
R delete --force "${ID}c"
grep -q '"status": "stopped"' "$WORK/out/hook-poststop" 2>/dev/null || fail "poststop hook: $(cat "$WORK/out/hook-poststop" 2>&1)"
config '["true"]' "c['hooks'] = {'onCrash': [{'path': '/bin/true'}]}"
R create --bundle "$B" "${ID}c" 2>"$WORK/err" && fail "an unknown hook kind was accepted"
grep -q "hooks.onCrash: not a hook kind" "$WORK/err" || fail "onCrash: $(cat "$WORK/err")"
echo "ok   hooks createRuntime, poststart, poststop (state on stdin); an unknown kind refused"

# with a user namespace, init is forked before the createRuntime hooks run: a failing hook is
# one line, exit 1 and nothing left (init held create's end of the hooks' answer, and create
# waited for ever: stop 37); a pod's joiner (its user and pid namespaces, as uid 1000) with a
# createRuntime hook runs, and once create is done its state names init in the pod's pid
# namespace (it named init's parent, gone by then: "cannot start a container that has stopped")
printf '#!/bin/sh\ncat > /dev/null; exit 3\n' >"$WORK/hook-fail.sh"
chmod +x "$WORK/hook-fail.sh"
chown -R 200000:200000 "$B/rootfs"
userns='
c["linux"]["namespaces"].append({"type": "user"})
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
config '["true"]' "$userns
c['hooks'] = {'createRuntime': [{'path': '$WORK/hook-fail.sh'}]}"
timeout 60 "$OCI" --root "$STATE" create --bundle "$B" "${ID}c" 2>"$WORK/err"
rc=$?
[ $rc = 1 ] || fail "a failing createRuntime hook with a user namespace: create exited $rc"
grep -q "createRuntime hook $WORK/hook-fail.sh: exit status 3" "$WORK/err" || fail "failing hook, user namespace: $(cat "$WORK/err")"
[ ! -e "$STATE/${ID}c" ] || fail "failing hook, user namespace: state left at $STATE/${ID}c"
config '["sleep", "300"]' "$userns"
R run -d --bundle "$B" "${ID}w" || fail "hooks: the pod's sandbox: run -d exited $?"
sb=$(state_pid "${ID}w")
config '["sh", "-c", "id -u > /tmp/hj; exec sleep 300"]' '
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "pid"]
c["linux"]["namespaces"] += [{"type": "user", "path": "/proc/'"$sb"'/ns/user"}, {"type": "pid", "path": "/proc/'"$sb"'/ns/pid"}]
c["process"]["user"] = {"uid": 1000, "gid": 1000}
c["hooks"] = {"createRuntime": [{"path": "'"$WORK"'/hook.sh", "args": ["hook.sh", "join"]}]}'
rm -f "$WORK/out/hook-join"
R run -d --bundle "$B" "${ID}j" || fail "a pod's joiner with a createRuntime hook: run -d exited $?"
jp=$(state_pid "${ID}j")
wait_file "/proc/$jp/root/tmp/hj"
[ "$(cat "/proc/$jp/root/tmp/hj" 2>/dev/null)" = 1000 ] || fail "joiner with a hook: id -u $(cat "/proc/$jp/root/tmp/hj" 2>&1)"
[ -n "$jp" ] && [ "$(readlink "/proc/$jp/ns/pid")" = "$(readlink "/proc/$sb/ns/pid")" ] ||
	fail "joiner with a hook: state's pid $jp is not in the pod's pid namespace"
grep -q "\"id\": \"${ID}j\"" "$WORK/out/hook-join" 2>/dev/null || fail "joiner's createRuntime hook: $(cat "$WORK/out/hook-join" 2>&1)"
R delete --force "${ID}j"
R delete --force "${ID}w"
chown -R 0:0 "$B/rootfs"
echo "ok   createRuntime hooks with a user namespace: a failing one refused at once; a pod's joiner's ran, its state names init"

# while createRuntime runs, PID 1 waits before its pivot_root, in a mount namespace whose root
# is the host's: the container is "creating" (under runc it is not there yet) and exec, which
# would join that namespace (it ran a program that saw the host's files), is refused
: >"$WORK/hostonly"
cat >"$WORK/hook-wait.sh" <<EOF
#!/bin/sh
: >"$WORK/in-hook"
i=0; while [ ! -e "$WORK/hook-go" ] && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i + 1)); done
EOF
chmod +x "$WORK/hook-wait.sh"
config '["sleep", "300"]' "c['hooks'] = {'createRuntime': [{'path': '$WORK/hook-wait.sh'}]}"
R create --bundle "$B" "${ID}c" &
cr=$!
i=0; while [ ! -e "$WORK/in-hook" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
R state "${ID}c" | grep -q '"status": "creating"' || fail "during createRuntime: $(R state "${ID}c" 2>&1)"
R exec "${ID}c" sh -c "ls $WORK/hostonly" >"$WORK/out/in-hook-exec" 2>"$WORK/err" &&
	fail "exec during createRuntime ran: $(cat "$WORK/out/in-hook-exec")"
grep -q "cannot exec in a container that is being created" "$WORK/err" || fail "exec during createRuntime: $(cat "$WORK/err")"
: >"$WORK/hook-go"
wait $cr || fail "create with a waiting hook exited $?"
R state "${ID}c" | grep -q '"status": "created"' || fail "after create: $(R state "${ID}c" 2>&1)"
R exec "${ID}c" true || fail "exec after create exited $?"
R delete --force "${ID}c"
echo "ok   creating while createRuntime runs: exec refused until create is done"

# the terminal: the master arrives on the console socket, the program writes to the slave
cat >"$WORK/console.py" <<'EOF'
import array, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1)
open(sys.argv[2], "w").write("listening\n")  # not empty: wait_file waits for -s
c, _ = s.accept()
fds = array.array("i")
msg, anc, _, _ = c.recvmsg(64, socket.CMSG_LEN(fds.itemsize))
for lvl, typ, data in anc:
    fds.frombytes(data[:fds.itemsize])
out = b""
while b"tty-ok" not in out:
    try:
        d = os.read(fds[0], 1024)
    except OSError:
        break
    if not d:
        break
    out += d
open(sys.argv[3], "wb").write(out)
EOF
python3 "$WORK/console.py" "$WORK/console.sock" "$WORK/console.ready" "$WORK/out/console" &
cpid=$!
wait_file "$WORK/console.ready"; sleep 0.2
config '["sh", "-c", "tty; test -t 0 && echo tty-ok; sleep 300"]' 'c["process"]["terminal"] = True'
R create --bundle "$B" --console-socket "$WORK/console.sock" "${ID}d" || fail "create with a console socket exited $?"
R start "${ID}d" || fail "start with a terminal exited $?"
i=0; while kill -0 $cpid 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
grep -q "tty-ok" "$WORK/out/console" || fail "terminal: the console socket's master read: $(cat "$WORK/out/console" 2>&1)"
grep -q "/dev/pts/" "$WORK/out/console" || fail "terminal: tty said: $(cat "$WORK/out/console" 2>&1)"
kill $cpid 2>/dev/null
# exec --tty: its own terminal over a console socket; its status is the program's
rm -f "$WORK/console.sock" "$WORK/console.ready"
python3 "$WORK/console.py" "$WORK/console.sock" "$WORK/console.ready" "$WORK/out/exec-console" &
cpid=$!
wait_file "$WORK/console.ready"; sleep 0.2
R exec --tty --console-socket "$WORK/console.sock" "${ID}d" sh -c 'tty; echo tty-ok; sleep 1; exit 4'
rc=$?
[ $rc = 4 ] || fail "exec --tty: status $rc (want 4)"
i=0; while kill -0 $cpid 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
grep -q "/dev/pts/" "$WORK/out/exec-console" || fail "exec --tty: the master read: $(cat "$WORK/out/exec-console" 2>&1)"
kill $cpid 2>/dev/null
R delete --force "${ID}d"
echo "ok   terminal over --console-socket (create and exec --tty)"

# exec --tty opens the container's /dev/pts/ptmx as host root, at a path its init's root
# decides: a PID 1 with CAP_SYS_CHROOT chroots into a tree whose dev/pts/ptmx is an absolute
# symlink to a host file only host root may open.  Resolved from the host's root it was
# that file, opened read-write (the ioctl after it said ENOTTY); in the init's root it is
# no file at all
CP=$LXZONE_BUILD/tests/bin/it_oci_chroot_pause
[ -x "$CP" ] || fail "no $CP"
cp "$CP" "$B/rootfs/bin/chroot-pause"
: >"$WORK/hostfile"
chmod 000 "$WORK/hostfile"
config '["sh", "-c", "mkdir -p /fake/dev/pts && ln -s '"$WORK/hostfile"' /fake/dev/pts/ptmx && exec /bin/chroot-pause /fake"]' '
for k in ("bounding", "effective", "permitted"):
    c["process"]["capabilities"][k].append("CAP_SYS_CHROOT")'
R run -d --bundle "$B" "${ID}k" || fail "ptmx link: run -d exited $?"
kp=$(state_pid "${ID}k")
i=0; while [ "$(readlink "/proc/$kp/root")" != /fake ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(readlink "/proc/$kp/root")" = /fake ] || fail "ptmx link: PID 1's root is $(readlink "/proc/$kp/root")"
rm -f "$WORK/console.sock" "$WORK/console.ready"
python3 "$WORK/console.py" "$WORK/console.sock" "$WORK/console.ready" "$WORK/out/link-console" &
cpid=$!
wait_file "$WORK/console.ready"; sleep 0.2
R exec --tty --console-socket "$WORK/console.sock" "${ID}k" true 2>"$WORK/err" && fail "ptmx link: exec --tty went on"
kill $cpid 2>/dev/null
grep -q "Inappropriate ioctl" "$WORK/err" && fail "ptmx link: the host's file was opened: $(cat "$WORK/err")"
grep -q "dev/pts/ptmx: No such file or directory" "$WORK/err" || fail "ptmx link: $(cat "$WORK/err")"
R delete --force "${ID}k"
echo "ok   exec --tty: the container's /dev/pts/ptmx resolved in its init's root (an absolute link to a host file there is none)"

# a pod: the second container joins the first one's uts and ipc namespaces by path
config '["sleep", "300"]' 'c["hostname"] = "podbox"'
R run -d --bundle "$B" "${ID}a" || fail "run -d of the pod's sandbox exited $?"
spid=$(state_pid "${ID}a")
config '["sh", "-c", "hostname > /out/pod-hostname; exec sleep 300"]' "
c['hostname'] = 'app'
c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] not in ('uts', 'ipc')]
c['linux']['namespaces'] += [{'type': 'uts', 'path': '/proc/$spid/ns/uts'}, {'type': 'ipc', 'path': '/proc/$spid/ns/ipc'}]"
R run -d --bundle "$B" "${ID}b" || fail "run -d joining the sandbox's namespaces exited $?"
wait_file "$WORK/out/pod-hostname"
[ "$(cat "$WORK/out/pod-hostname")" = podbox ] || fail "joined uts namespace: hostname $(cat "$WORK/out/pod-hostname")"
apid=$(state_pid "${ID}b")
[ "$(readlink "/proc/$apid/ns/ipc")" = "$(readlink "/proc/$spid/ns/ipc")" ] || fail "ipc namespace not joined"
[ "$(R exec "${ID}b" hostname)" = podbox ] || fail "exec in the pod's container: hostname $(R exec "${ID}b" hostname)"
R delete --force "${ID}b"
R delete --force "${ID}a"
echo "ok   a pod: uts and ipc namespaces joined by path (program and exec)"

# a deep cgroupsPath, sysctl, user, oom score, masked/read-only paths, tmpfs, profile
config '["sh", "-c", "grep \" /dev/shm \" /proc/self/mounts > /out/shm; umask > /out/umask; echo $HOME > /out/home; id -u > /out/user; id -G > /out/groups; cat /proc/self/oom_score_adj > /out/oom; cat /proc/sys/kernel/msgmax > /out/msgmax; cat /etc/hostname > /out/masked 2>&1; touch /home/x 2>/out/ro; mount | grep \" /scratch \" > /out/tmpfs; exec sleep 300"]' '
c["linux"]["cgroupsPath"] = "/h7deep/one/two/'"${ID}e"'"
c["linux"]["sysctl"] = {"kernel.msgmax": "4096"}
c["process"]["user"] = {"uid": 1000, "gid": 1000, "additionalGids": [5], "umask": 0o027}
c["process"]["cwd"] = "/home"
c["process"]["env"].append("FROM_CONFIG=1")
c["process"]["env"] = [v for v in c["process"]["env"] if not v.startswith("HOME=")]
c["process"]["oomScoreAdj"] = 300
c["linux"]["maskedPaths"].append("/etc/hostname")
c["linux"]["readonlyPaths"].append("/home")
c["mounts"].append({"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "size=1m"]})
c["annotations"] = {"io.lxzone.profile": "hardened"}'
mkdir -p "$B/rootfs/home"
chmod 1777 "$WORK/out" # uid 1000 writes its answers there
R run -d --bundle "$B" "${ID}e" || fail "run -d with the mappings exited $?"
wait_file "$WORK/out/user"; sleep 0.5
pid=$(state_pid "${ID}e")
grep -q "/h7deep/one/two/${ID}e\$" "/proc/$pid/cgroup" || fail "cgroupsPath: $(cat "/proc/$pid/cgroup" 2>&1 | head -3)"
[ "$(cat "$WORK/out/user")" = 1000 ] || fail "process.user uid: $(cat "$WORK/out/user")"
grep -qw 5 "$WORK/out/groups" || fail "additionalGids: $(cat "$WORK/out/groups")"
[ "$(cat "$WORK/out/home")" = / ] || fail "no HOME, uid 1000 not in passwd: HOME=$(cat "$WORK/out/home")"
[ "$(cat "$WORK/out/umask")" = 0027 ] || fail "process.user.umask 027: $(cat "$WORK/out/umask")"
grep -q "noexec.*size=65536k" "$WORK/out/shm" || fail "the spec's /dev/shm size and noexec: $(cat "$WORK/out/shm")"
[ "$(R exec "${ID}e" sh -c umask)" = 0027 ] || fail "exec: the container's umask 027 not kept"
[ "$(cat "$WORK/out/oom")" = 300 ] || fail "oomScoreAdj: $(cat "$WORK/out/oom")"
[ "$(cat "$WORK/out/msgmax")" = 4096 ] || fail "sysctl kernel.msgmax: $(cat "$WORK/out/msgmax")"
[ -z "$(cat "$WORK/out/masked")" ] || fail "maskedPaths /etc/hostname: $(cat "$WORK/out/masked")"
grep -q "Read-only file system" "$WORK/out/ro" || fail "readonlyPaths /home: $(cat "$WORK/out/ro")"
grep -q tmpfs "$WORK/out/tmpfs" || fail "tmpfs mount /scratch: $(cat "$WORK/out/tmpfs")"
# exec without --process: the container's process (user, groups, cwd, env with --env over
# it), never the caller's environment, as runc
got=$(LEAK_FROM_HOST=1 R exec --env FROM_CONFIG=2 --env ADDED=3 "${ID}e" sh -c \
	'id -u; id -G; pwd; echo $FROM_CONFIG $ADDED ${LEAK_FROM_HOST:-none} ${AWS_CA_BUNDLE:-none}' | tr '\n' ' ')
[ "$got" = "1000 1000 5 /home 2 3 none none " ] ||
	fail "exec without --process: '$got' (want uid 1000, groups 1000 5, cwd /home, env 2 3, no host env)"
[ "$(R exec --user 0 --cwd / "${ID}e" sh -c 'id -u; pwd' | tr '\n' ' ')" = "0 / " ] ||
	fail "exec --user 0 --cwd /: not over the container's process"
# exec --process: its user as given (uid, gid, exactly the additionalGids), its HOME kept
cat >"$WORK/process.json" <<EOF
{"args": ["sh", "-c", "id -u; id -g; id -G; echo \$HOME"], "cwd": "/", "env": ["PATH=/bin:/usr/bin", "HOME=/from-process"],
 "user": {"uid": 1001, "gid": 1002, "additionalGids": [44, 55]}}
EOF
got=$(R exec --process "$WORK/process.json" "${ID}e" | tr '\n' ' ')
[ "$got" = "1001 1002 1002 44 55 /from-process " ] ||
	fail "exec --process user: '$got' (want uid 1001, gid 1002, groups 1002 44 55, HOME kept)"
# ... and without HOME in its env, its user's from the container's passwd, as runc
echo '{"args": ["sh", "-c", "echo $HOME"], "cwd": "/", "env": ["PATH=/bin"], "user": {"uid": 1, "gid": 1}}' >"$WORK/process.json"
got=$(R exec --process "$WORK/process.json" "${ID}e")
[ "$got" = /usr/sbin ] || fail "exec --process without HOME, uid 1 (daemon): HOME=$got"
R delete --force "${ID}e" || fail "delete --force exited $?"
for h in /sys/fs/cgroup/*/h7deep/one/two/"${ID}e" /sys/fs/cgroup/unified/h7deep/one/two/"${ID}e"; do
	[ ! -e "$h" ] || fail "cgroup left: $h"
done
for h in /sys/fs/cgroup/*/h7deep /sys/fs/cgroup/unified/h7deep; do
	[ -d "$h" ] && find "$h" -depth -type d -exec rmdir {} + 2>/dev/null
done
# an absolute cgroupsPath of one level is below each hierarchy's root, as runc makes it
config '["sleep", "300"]' 'c["linux"]["cgroupsPath"] = "/'"${ID}one"'"'
R run -d --bundle "$B" "${ID}o" || fail "run -d with cgroupsPath /${ID}one exited $?"
pid=$(state_pid "${ID}o")
grep -q ":/${ID}one\$" "/proc/$pid/cgroup" || fail "cgroupsPath /${ID}one: $(head -3 "/proc/$pid/cgroup")"
R delete --force "${ID}o"
ls -d /sys/fs/cgroup/*/"${ID}one" /sys/fs/cgroup/"${ID}one" 2>/dev/null && fail "cgroup /${ID}one left"
# a relative cgroupsPath, of any depth, is below the parent, as runc puts one below its own
# cgroup (runtime-tools' linux_cgroups_relative_* give testdir/cgrouptest/NAME)
CGP=${LXZONE_CGROUP_PARENT:-lxzone-oci}
config '["sleep", "300"]' 'c["linux"]["cgroupsPath"] = "'"${ID}rel"'/one/two"'
R run -d --bundle "$B" "${ID}r" || fail "run -d with cgroupsPath ${ID}rel/one/two exited $?"
pid=$(state_pid "${ID}r")
grep -q ":/$CGP/${ID}rel/one/two\$" "/proc/$pid/cgroup" ||
	fail "cgroupsPath ${ID}rel/one/two not below $CGP: $(head -3 "/proc/$pid/cgroup")"
R delete --force "${ID}r"
ls -d /sys/fs/cgroup/*/"${ID}rel" /sys/fs/cgroup/"${ID}rel" 2>/dev/null &&
	fail "relative cgroupsPath ${ID}rel/one/two made at a hierarchy's root"
for h in /sys/fs/cgroup/*/"$CGP/${ID}rel" /sys/fs/cgroup/unified/"$CGP/${ID}rel"; do
	[ ! -e "$h/one/two" ] || fail "cgroup left: $h/one/two"
	[ -d "$h" ] && find "$h" -depth -type d -exec rmdir {} + 2>/dev/null
done
config '["true"]' 'c["linux"]["sysctl"] = {"kernel.core_pattern": "|/tmp/x"}'
R create --bundle "$B" "${ID}e" 2>"$WORK/err" && fail "a host-global sysctl was accepted"
grep -q 'sysctl .*kernel.core_pattern.* is not in a separate kernel namespace' "$WORK/err" || fail "core_pattern: $(cat "$WORK/err")"
echo "ok   cgroupsPath, sysctl, user, additionalGids (also exec --process's), oomScoreAdj, maskedPaths, readonlyPaths, tmpfs"

# capabilities: inheritable and ambient as config.json says (a user other than root keeps the
# ambient ones: its permitted and effective sets after exec), the bounding set without
# CAP_SYS_ADMIN, and no no_new_privs unless asked (the brand's filter went on with the
# CAP_SYS_ADMIN that the exec of the brand then dropped); noNewPrivileges: true sets it
caps='["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"]'
for who in 0 1000; do
	rm -f "$WORK/out/status"
	config '["sh", "-c", "grep -E \"^(Cap|NoNewPrivs)\" /proc/self/status > /out/status"]' '
c["process"]["capabilities"] = {k: '"$caps"' for k in ("bounding", "effective", "permitted", "inheritable", "ambient")}
c["process"]["user"] = {"uid": '$who', "gid": '$who'}
c["process"]["noNewPrivileges"] = False'
	R run --bundle "$B" "${ID}c" || fail "run with capability sets (uid $who) exited $?"
	for set in CapInh CapPrm CapEff CapBnd CapAmb; do
		grep -q "^$set:[[:space:]]*0*2021\$" "$WORK/out/status" ||
			fail "uid $who: $set not CHOWN, KILL, NET_RAW: $(grep "^$set" "$WORK/out/status")"
	done
	grep -q "^NoNewPrivs:[[:space:]]*0" "$WORK/out/status" || fail "uid $who: no_new_privs set: $(cat "$WORK/out/status")"
done
config '["sh", "-c", "grep NoNewPrivs /proc/self/status > /out/status"]' 'c["process"]["noNewPrivileges"] = True'
rm -f "$WORK/out/status" # uid 1000 wrote it; this root has no CAP_DAC_OVERRIDE
R run --bundle "$B" "${ID}c" || fail "run with noNewPrivileges exited $?"
grep -q "^NoNewPrivs:[[:space:]]*1" "$WORK/out/status" || fail "noNewPrivileges: true: $(cat "$WORK/out/status")"
echo "ok   capability sets (inheritable, ambient, root and uid 1000), noNewPrivileges as asked"

# the mounts in config.json's order (runc's spec: /dev/mqueue before /sys) under its sources
config '["sh", "-c", "cat /proc/self/mountinfo > /out/mountinfo"]' '
c["mounts"] = [m for m in c["mounts"] if m["destination"] != "/sys"] + [m for m in c["mounts"] if m["destination"] == "/sys"]
[m.update(source="shmsrc") for m in c["mounts"] if m["destination"] == "/dev/shm"]'
R run --bundle "$B" "${ID}m" || fail "run for the mount order exited $?"
order=$(awk '{ print $5 }' "$WORK/out/mountinfo" | grep -nxE '/proc|/dev|/dev/pts|/dev/shm|/dev/mqueue|/sys' | cut -d: -f2 | tr '\n' ' ')
[ "$order" = "/proc /dev /dev/pts /dev/shm /dev/mqueue /sys " ] || fail "mount order: $order"
grep -q ' /dev/shm .* - tmpfs shmsrc ' "$WORK/out/mountinfo" || fail "/dev/shm source: $(grep ' /dev/shm ' "$WORK/out/mountinfo")"
echo "ok   mounts in config.json's order, under its source names"

# the brand's site patching is io.lxzone.syscall-patching's (auto, on, off); process.env's
# LXZONE_SYSCALL_PATCHING is the program's, which sees it, and chooses nothing. it_patch_mode
# (patch_mode.c) tells from inside which patching it got, in the program and in an exec
PM=$LXZONE_BUILD/tests/bin/it_patch_mode
[ -x "$PM" ] || fail "no $PM: build the it_patch_mode target"
cp "$PM" "$B/rootfs/patch_mode"
for case in "none on auto" "on off on" "off on off" "auto off auto"; do
	set -- $case
	rm -f "$WORK/out/penv" "$WORK/out/pmode"
	config '["sh", "-c", "/patch_mode > /out/pmode; echo $LXZONE_SYSCALL_PATCHING > /out/penv; exec sleep 300"]' '
c["process"]["env"].append("LXZONE_SYSCALL_PATCHING='"$2"'")
if "'"$1"'" != "none": c["annotations"] = {"io.lxzone.syscall-patching": "'"$1"'"}'
	R run -d --bundle "$B" "${ID}p" || fail "run -d with syscall-patching $1 exited $?"
	wait_file "$WORK/out/penv"
	[ "$(cat "$WORK/out/penv")" = "$2" ] || fail "the program's LXZONE_SYSCALL_PATCHING: $(cat "$WORK/out/penv") (want $2)"
	[ "$(cat "$WORK/out/pmode")" = "$3" ] ||
		fail "annotation $1, process.env $2: the program's patching $(cat "$WORK/out/pmode") (want $3)"
	got=$(R exec "${ID}p" /patch_mode)
	[ "$got" = "$3" ] || fail "annotation $1, process.env $2: exec's patching $got (want $3)"
	[ "$1" = none ] || R state "${ID}p" | grep -q "\"io.lxzone.syscall-patching\": \"$1\"" ||
		fail "state has no syscall-patching annotation: $(R state "${ID}p")"
	R delete --force "${ID}p"
done
rm -f "$B/rootfs/patch_mode"
config '["true"]' 'c["annotations"] = {"io.lxzone.syscall-patching": "sometimes"}'
R create --bundle "$B" "${ID}p" 2>"$WORK/err" && fail "io.lxzone.syscall-patching=sometimes was accepted"
[ "$(wc -l <"$WORK/err")" = 1 ] && grep -q "annotation io.lxzone.syscall-patching=sometimes: auto, on or off" "$WORK/err" ||
	fail "bad syscall-patching annotation: $(cat "$WORK/err")"
[ ! -e "$STATE/${ID}p" ] || fail "bad syscall-patching annotation: state left"
echo "ok   io.lxzone.syscall-patching (auto, on, off; shown by state; a bad value refused), not process.env's"

[ $failures = 0 ] || exit 1
echo PASS
