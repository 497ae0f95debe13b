#!/bin/sh
# exec's no_new_privs is process.noNewPrivileges' (runc's), --process's or the container's
# (with --no-new-privs over it), never the launcher's: a set-user-ID root program
# (it_privexec, 4755 and the container root's) that the shell of an exec as uid 1000 runs, in
# a user-namespaced container, raises its euid to 0 when noNewPrivileges is false and not when it is true, and
# /proc/self/status says NoNewPrivs as asked; the permitted, effective, bounding and ambient
# sets are the process's (CAP_SYS_ADMIN only where it gives it), for root and uid 1000, with
# and without a user namespace.  The launcher holds CAP_SYS_ADMIN through the brand's filter
# and drops it before it forks the program (launch_admin_drop_armed): no process of the
# container, the program before its exec included, ever has it (oci_podwatch.c, caps mode).
. "$(dirname "$0")/lib.sh"
need_root
need_image
ID=h15nnp$$
OCI_IDS="a b c d e"
. "$(dirname "$0")/oci_lib.sh"
PX=$LXZONE_BUILD/tests/bin/it_privexec
[ -x "$PX" ] || skip "no $PX: build the it_privexec target"

# the spec's sets (CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE), none, and a set with
# CAP_SYS_ADMIN (CHOWN, KILL, NET_RAW, SYS_ADMIN) whose inheritable and ambient one is NET_RAW
C=0000000020000420
Z=0000000000000000
A=0000000000202021
R_=0000000000002000
ADMIN0='{"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW", "CAP_SYS_ADMIN"], "effective": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW", "CAP_SYS_ADMIN"], "permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW", "CAP_SYS_ADMIN"]}'
ADMIN='{"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW", "CAP_SYS_ADMIN"], "effective": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW", "CAP_SYS_ADMIN"], "permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW", "CAP_SYS_ADMIN"], "inheritable": ["CAP_NET_RAW"], "ambient": ["CAP_NET_RAW"]}'

want() { # WHAT WANT COMMAND...: the command's one line must be WANT
	what=$1 w=$2
	shift 2
	got=$("$@" 2>&1)
	[ "$got" = "$w" ] || fail "$what: $got (want $w)"
}
process() { # UID NNP [CAPABILITIES-JSON]: $WORK/p.json, the container's process, whose sh runs privexec creds
	python3 - "$B/config.json" "$WORK/p.json" "$1" "$2" "${3:-}" <<'EOF'
import json, sys
cfg, out, uid, nnp, caps = sys.argv[1:6]
p = json.load(open(cfg))["process"]
p["args"] = ["/bin/sh", "-c", "/bin/privexec creds"]
p["user"] = {"uid": int(uid), "gid": int(uid)}
p["noNewPrivileges"] = nnp == "true"
if caps:
    p["capabilities"] = json.loads(caps)
json.dump(p, open(out, "w"))
EOF
}

# a user namespace of its own (0 -> host 200000): the set-user-ID program is the container
# root's, and its binfmt_misc entry gives it its ids
config '["sleep", "300"]' '
c["process"]["noNewPrivileges"] = False
c["linux"]["namespaces"].append({"type": "user"})
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
cp "$PX" "$B/rootfs/bin/privexec"
chown -R 200000:200000 "$B/rootfs"
chmod 4755 "$B/rootfs/bin/privexec"
R run -d --bundle "$B" "${ID}a" || fail "run -d in a user namespace exited $?"
process 1000 false
want "userns, uid 1000, noNewPrivileges false" "euid=0 NoNewPrivs=0 CapPrm=$C CapEff=$C CapBnd=$C CapAmb=$Z" \
	R exec --process "$WORK/p.json" "${ID}a"
process 1000 true
want "userns, uid 1000, noNewPrivileges true" "euid=1000 NoNewPrivs=1 CapPrm=$Z CapEff=$Z CapBnd=$C CapAmb=$Z" \
	R exec --process "$WORK/p.json" "${ID}a"
process 0 false
want "userns, root, noNewPrivileges false" "euid=0 NoNewPrivs=0 CapPrm=$C CapEff=$C CapBnd=$C CapAmb=$Z" \
	R exec --process "$WORK/p.json" "${ID}a"
process 0 true
want "userns, root, noNewPrivileges true" "euid=0 NoNewPrivs=1 CapPrm=$C CapEff=$C CapBnd=$C CapAmb=$Z" \
	R exec --process "$WORK/p.json" "${ID}a"
# without --process: the container's noNewPrivileges (false), --no-new-privs over it
want "userns, exec --user 1000 (config: false)" "euid=0 NoNewPrivs=0 CapPrm=$C CapEff=$C CapBnd=$C CapAmb=$Z" \
	R exec --user 1000:1000 "${ID}a" /bin/sh -c "/bin/privexec creds"
want "userns, exec --no-new-privs --user 1000" "euid=1000 NoNewPrivs=1 CapPrm=$Z CapEff=$Z CapBnd=$C CapAmb=$Z" \
	R exec --no-new-privs --user 1000:1000 "${ID}a" /bin/sh -c "/bin/privexec creds"
# a process whose sets give CAP_SYS_ADMIN, with an ambient set: uid 1000 keeps the ambient
# one, no_new_privs as asked; the set-user-ID program gets the bounding set, SYS_ADMIN in it
process 1000 true "$ADMIN"
want "userns, uid 1000, CAP_SYS_ADMIN given, noNewPrivileges true" \
	"euid=1000 NoNewPrivs=1 CapPrm=$R_ CapEff=$R_ CapBnd=$A CapAmb=$R_" R exec --process "$WORK/p.json" "${ID}a"
process 1000 false "$ADMIN"
want "userns, uid 1000, CAP_SYS_ADMIN given, noNewPrivileges false" \
	"euid=0 NoNewPrivs=0 CapPrm=$A CapEff=$A CapBnd=$A CapAmb=$Z" R exec --process "$WORK/p.json" "${ID}a"
process 0 false "$ADMIN"
want "userns, root, CAP_SYS_ADMIN given, noNewPrivileges false" \
	"euid=0 NoNewPrivs=0 CapPrm=$A CapEff=$A CapBnd=$A CapAmb=$R_" R exec --process "$WORK/p.json" "${ID}a"
# an ambient set without CAP_SYS_ADMIN: uid 1000 keeps it (PR_SET_KEEPCAPS), CAP_SYS_ADMIN gone
process 1000 true '{"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"], "effective": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"], "permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"], "inheritable": ["CAP_NET_RAW"], "ambient": ["CAP_NET_RAW"]}'
want "userns, uid 1000, an ambient set, noNewPrivileges true" \
	"euid=1000 NoNewPrivs=1 CapPrm=$R_ CapEff=$R_ CapBnd=0000000000002021 CapAmb=$R_" R exec --process "$WORK/p.json" "${ID}a"
# CAP_SYS_ADMIN given, no ambient set: uid 1000 keeps it through the filter all the same
process 1000 false "$ADMIN0"
want "userns, uid 1000, CAP_SYS_ADMIN given without an ambient set, noNewPrivileges false" \
	"euid=0 NoNewPrivs=0 CapPrm=$A CapEff=$A CapBnd=$A CapAmb=$Z" R exec --process "$WORK/p.json" "${ID}a"
R delete --force "${ID}a"
# the container's own program likewise (its PID 1 takes launch_harden's same path)
config '["sh", "-c", "/bin/privexec creds"]' '
c["process"]["noNewPrivileges"] = False
c["process"]["user"] = {"uid": 1000, "gid": 1000}
c["linux"]["namespaces"].append({"type": "user"})
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]
c["process"]["capabilities"] = '"$ADMIN0"

want "userns, run as uid 1000, CAP_SYS_ADMIN given without an ambient set, noNewPrivileges false" \
	"euid=0 NoNewPrivs=0 CapPrm=$A CapEff=$A CapBnd=$A CapAmb=$Z" R run --bundle "$B" "${ID}c"
echo "ok   exec in a user namespace: no_new_privs as process.noNewPrivileges says (set-user-ID raises uid 1000's euid only without it), the process's sets"

# no user namespace: the host binfmt_misc's entry for the container's links gives the
# set-user-ID program its ids, as without one (oci_privexec.sh has the rest of that); NoNewPrivs
# and the sets are the process's
chown -R 0:0 "$B/rootfs"
chmod 4755 "$B/rootfs/bin/privexec"
config '["sleep", "300"]' 'c["process"]["noNewPrivileges"] = False'
R run -d --bundle "$B" "${ID}b" || fail "run -d exited $?"
want "root, config noNewPrivileges false" "euid=0 NoNewPrivs=0 CapPrm=$C CapEff=$C CapBnd=$C CapAmb=$Z" \
	R exec "${ID}b" /bin/sh -c "/bin/privexec creds"
want "uid 1000, config noNewPrivileges false" "euid=0 NoNewPrivs=0 CapPrm=$C CapEff=$C CapBnd=$C CapAmb=$Z" \
	R exec --user 1000:1000 "${ID}b" /bin/sh -c "/bin/privexec creds"
process 0 true
want "root, noNewPrivileges true" "euid=0 NoNewPrivs=1 CapPrm=$C CapEff=$C CapBnd=$C CapAmb=$Z" \
	R exec --process "$WORK/p.json" "${ID}b"
process 1000 true "$ADMIN"
want "uid 1000, CAP_SYS_ADMIN given, noNewPrivileges true" \
	"euid=1000 NoNewPrivs=1 CapPrm=$R_ CapEff=$R_ CapBnd=$A CapAmb=$R_" R exec --process "$WORK/p.json" "${ID}b"
R delete --force "${ID}b"
# runc's --no-new-privs=BOOL over a container whose noNewPrivileges is true, either way
config '["sleep", "300"]' 'c["process"]["noNewPrivileges"] = True'
R run -d --bundle "$B" "${ID}e" || fail "run -d exited $?"
want "root, config noNewPrivileges true" "euid=0 NoNewPrivs=1 CapPrm=$C CapEff=$C CapBnd=$C CapAmb=$Z" \
	R exec "${ID}e" /bin/sh -c "/bin/privexec creds"
want "root, config true, exec --no-new-privs=false" "euid=0 NoNewPrivs=0 CapPrm=$C CapEff=$C CapBnd=$C CapAmb=$Z" \
	R exec --no-new-privs=false "${ID}e" /bin/sh -c "/bin/privexec creds"
want "root, config true, exec --no-new-privs=true" "euid=0 NoNewPrivs=1 CapPrm=$C CapEff=$C CapBnd=$C CapAmb=$Z" \
	R exec --no-new-privs=true "${ID}e" /bin/sh -c "/bin/privexec creds"
R delete --force "${ID}e"
echo "ok   exec without a user namespace: no_new_privs as asked (--no-new-privs=false over the container's true), the process's sets"

# no process of the container's pid namespace ever holds CAP_SYS_ADMIN (or any capability) the
# config did not give, not even the runtime's child between its fork and its exec: a watcher
# (oci_podwatch.c's caps mode) reads each such child's sets again and again until its exec,
# while the host execs as root and as uid 1000, with noNewPrivileges false and true
podwatch_install
watch() { echo "/bin/podwatch $WORK/$marker $marker /out/cw-stop 120 caps=$1 > /out/cw 2>&1; exec sleep 300"; }
capwatch() { # NAME PYTHON: a container made by config's PYTHON runs the watcher as its PID 1
	rm -f "$WORK/out/cw" "$WORK/out/cw-stop"
	config '["sh", "-c", "'"$(watch 20000420)"'"]' '
c["process"]["noNewPrivileges"] = False
'"$2"
	R run -d --bundle "$B" "${ID}c" || fail "capwatch ($1): run -d exited $?"
	for i in $(seq 25); do
		R exec "${ID}c" true && R exec --user 1000:1000 "${ID}c" true &&
			R exec --no-new-privs "${ID}c" true && R exec --no-new-privs --user 1000:1000 "${ID}c" true ||
			{ fail "capwatch ($1): exec $i exited $?"; break; }
	done
	: >"$WORK/out/cw-stop"
	wait_file "$WORK/out/cw"
	grep -q '^safe: ' "$WORK/out/cw" || fail "capwatch ($1): $(cat "$WORK/out/cw")"
	R delete --force "${ID}c"
}
capwatch "no user namespace" ''
echo "ok   no process before its exec holds a capability beyond the config's, without a user namespace ($(cat "$WORK/out/cw"))"
chown -R 200000:200000 "$B/rootfs"
capwatch "user namespace" '
c["linux"]["namespaces"].append({"type": "user"})
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
echo "ok   the same in a user namespace ($(cat "$WORK/out/cw"))"

# the same for a container's PID 1 that joins another's pid namespace (no user namespace):
# forked into it hardened, it waits there for start; asked for no_new_privs, it holds its set
# only (CAP_SYS_ADMIN is kept to load the brand's filter only without no_new_privs), seen by
# the namespace's owner, whose set has CAP_SYS_PTRACE
chown -R 0:0 "$B/rootfs"
chmod 4755 "$B/rootfs/bin/privexec"
rm -f "$WORK/out/cw" "$WORK/out/cw-stop"
config '["sh", "-c", "'"$(watch 200a0420)"'"]' '
for k in ("bounding", "effective", "permitted"):
    c["process"]["capabilities"][k].append("CAP_SYS_PTRACE")'
R run -d --bundle "$B" "${ID}c" || fail "pid namespace owner: run -d exited $?"
sb=$(state_pid "${ID}c")
config '["true"]' '
c["process"]["noNewPrivileges"] = True
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "pid"]
c["linux"]["namespaces"].append({"type": "pid", "path": "/proc/'"$sb"'/ns/pid"})'
R create --bundle "$B" "${ID}d" || fail "joining the pid namespace: create exited $?"
jp=$(state_pid "${ID}d")
sleep 1
: >"$WORK/out/cw-stop"
wait_file "$WORK/out/cw"
grep -q '^safe: ' "$WORK/out/cw" ||
	fail "a joining PID 1 under no_new_privs: $(cat "$WORK/out/cw"); its status: $(grep -E '^(Name|CapPrm|NoNewPrivs)' "/proc/$jp/status" | tr '\n\t' '  ')"
R delete --force "${ID}d"
R delete --force "${ID}c"
echo "ok   a PID 1 joining a pid namespace under no_new_privs holds its set only while it waits ($(cat "$WORK/out/cw"))"

[ $failures = 0 ] || exit 1
echo PASS
