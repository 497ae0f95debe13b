#!/bin/sh
# Set-user-ID, set-group-ID, file-capability and execute-only programs in an OCI container
# without a user namespace (podman's and ctr's default): the host's binfmt_misc gets one entry
# that matches only paths ending in .lxzone-exec, the container a read-only tmpfs of links
# /dev/.lxzone-exec/N.lxzone-exec -> /proc/thread-self/fd/N and an execute-only copy of the
# brand, and the brand execs a program whose credentials the kernel must compute through the
# link of its descriptor (zone/launch/launch_binfmt.c, syscalls/lx_exec.c).  Checked: the
# kernel applies them exactly as Linux does, and as runc gives them on the same bundle (when
# runc is installed), and gives nothing where Linux gives nothing (no_new_privs, a nosuid
# mount, the owner itself); a process whose ids are apart execs plain programs (AT_SECURE);
# the container cannot change the links, and the host's other execs are not taken.
. "$(dirname "$0")/lib.sh"
need_root
need_image
ID=h27px$$
OCI_IDS="a b"
. "$(dirname "$0")/oci_lib.sh"
. "$(dirname "$0")/binfmt_lib.sh"
PX=$LXZONE_BUILD/tests/bin/it_privexec
[ -x "$PX" ] || skip "no $PX: build the it_privexec target"

BIN=$B/rootfs/usr/local/bin
mkdir -p "$BIN" "$WORK/nosuid"
for p in privexec suid sgid xo fcap; do cp "$PX" "$BIN/$p"; done
chmod 4755 "$BIN/suid"
chgrp 50 "$BIN/sgid" && chmod 2755 "$BIN/sgid"
chmod 0111 "$BIN/xo"
have_fcap=0
if command -v setcap >/dev/null && setcap cap_net_raw+ep "$BIN/fcap"; then have_fcap=1; fi
# podman's default capabilities, and CAP_NET_RAW for the file capability (Linux refuses to
# exec a file whose effective capabilities the bounding set cannot give: EPERM)
config '["sleep", "300"]' '
c["process"]["noNewPrivileges"] = False
caps = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_NET_BIND_SERVICE",
        "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT", "CAP_NET_RAW"]
c["process"]["capabilities"] = {"bounding": caps, "effective": caps, "permitted": caps}
c["mounts"].append({"destination": "/mnt", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=1777"]})'
R run -d --bundle "$B" "${ID}a" || fail "run -d exited $?"
[ -d /proc/sys/fs/binfmt_misc ] || skip "no binfmt_misc in this kernel"
[ ! -f /proc/sys/fs/binfmt_misc/status ] || grep -qx enabled /proc/sys/fs/binfmt_misc/status ||
	skip "the host turned binfmt_misc off"
grep -qx "flags: POC" /proc/sys/fs/binfmt_misc/lxzone-oci 2>/dev/null ||
	fail "no lxzone-oci entry in the host's binfmt_misc after run"
grep -qx "extension .lxzone-exec" /proc/sys/fs/binfmt_misc/lxzone-oci ||
	fail "host entry: $(cat /proc/sys/fs/binfmt_misc/lxzone-oci)"

asuser() { R exec --user 1000:1000 "${ID}a" /bin/sh -c "$*"; }
asroot() { R exec "${ID}a" /bin/sh -c "$*"; }
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
L=/usr/local/bin

out=$(asuser $L/privexec who a b)
echo "plain: $out"
[ "$(field "$out" euid)" = 1000 ] && [ "$(field "$out" dumpable)" = 1 ] &&
	[ "$(field "$out" secure)" = 0 ] || fail "plain: $out"

out=$(asuser $L/suid who a b)
echo "suid: $out"
[ "$(field "$out" uid)" = 1000 ] || fail "suid: real uid changed: $out"
[ "$(field "$out" euid)" = 0 ] || fail "suid: effective uid not the owner's: $out"
[ "$(field "$out" secure)" = 1 ] || fail "suid: AT_SECURE not set: $out"
[ "$(field "$out" dumpable)" = 0 ] || fail "suid: dumpable: $out"
[ "$(field "$out" cmdline)" = "$L/suid|who|a|b|" ] || fail "suid: cmdline: $out"
[ "$(field "$out" exe)" = $L/suid ] || fail "suid: /proc/self/exe: $out"
[ "$(field "$out" argv0)" = $L/suid ] || fail "suid: argv[0]: $out"
[ "$(field "$out" argc)" = 4 ] || fail "suid: argc: $out"
suid_out=$out

out=$(asuser $L/sgid who)
echo "sgid: $out"
[ "$(field "$out" egid)" = 50 ] && [ "$(field "$out" gid)" = 1000 ] &&
	[ "$(field "$out" euid)" = 1000 ] || fail "sgid: $out"

out=$(asuser $L/xo who x)
echo "xo: $out"
[ "$(field "$out" euid)" = 1000 ] || fail "execute-only: did not run as the user: $out"
[ "$(field "$out" dumpable)" = 0 ] || fail "execute-only: dumpable (its text readable): $out"
[ "$(field "$out" cmdline)" = "$L/xo|who|x|" ] || fail "execute-only: cmdline: $out"
asuser cat $L/xo >/dev/null 2>&1 && fail "execute-only: the user could read it"
# the program an exec or the container itself starts is judged the same (start_launched)
out=$(R exec --user 1000:1000 "${ID}a" $L/suid who d)
echo "exec's own program: $out"
[ "$(field "$out" uid)" = 1000 ] && [ "$(field "$out" euid)" = 0 ] &&
	[ "$(field "$out" secure)" = 1 ] && [ "$(field "$out" cmdline)" = "$L/suid|who|d|" ] ||
	fail "a set-user-ID program exec names: $out"
direct_out=$out
out=$(R exec --no-new-privs --user 1000:1000 "${ID}a" $L/suid who)
[ "$(field "$out" euid)" = 1000 ] || fail "exec --no-new-privs of a set-user-ID program: $out"
out=$(R exec --user 1000:1000 "${ID}a" $L/xo who)
[ "$(field "$out" euid)" = 1000 ] && [ "$(field "$out" dumpable)" = 0 ] ||
	fail "an execute-only program exec names: $out"
echo "ok   set-user-ID, set-group-ID and execute-only programs as Linux runs them"

# no gain where Linux gives none
out=$(asuser $L/privexec nnp $L/suid who)
echo "nnp: $out"
[ "$(field "$out" euid)" = 1000 ] && [ "$(field "$out" dumpable)" = 1 ] ||
	fail "no_new_privs not honoured: $out"
asroot "cp -p $L/suid /mnt/suid && chmod 4755 /mnt/suid" || fail "copy to the nosuid mount"
out=$(asuser /mnt/suid who)
echo "nosuid: $out"
[ "$(field "$out" euid)" = 1000 ] || fail "a nosuid mount's set-user-ID applied: $out"
out=$(asroot $L/suid who)
[ "$(field "$out" dumpable)" = 1 ] && [ "$(field "$out" secure)" = 0 ] ||
	fail "root running its own set-user-ID program: $out"
if [ $have_fcap = 1 ]; then
	out=$(asuser $L/fcap raw)
	[ "$out" = "raw ok" ] || fail "cap_net_raw+ep not applied: $out"
	out=$(asuser $L/privexec raw)
	[ "$out" = "raw Operation not permitted" ] || fail "raw socket without the capability: $out"
	out=$(asuser $L/privexec nnp $L/fcap raw)
	[ "$out" = "raw Operation not permitted" ] || fail "file capability under no_new_privs: $out"
	echo "ok   file capabilities"
else
	echo "note: no setcap on the host, file capabilities not checked"
fi
echo "ok   nothing gained under no_new_privs, on a nosuid mount, by the owner"

# a set-user-ID program that drops to another user (su) and one that does not (mount's
# helpers): what either execs runs, the second with AT_SECURE as under Linux
out=$(asuser $L/suid drop 4321 98 $L/privexec who)
echo "su-like: $out"
[ "$(field "$out" uid)" = 4321 ] && [ "$(field "$out" euid)" = 4321 ] &&
	[ "$(field "$out" dumpable)" = 1 ] || fail "exec after dropping from a set-user-ID program: $out"
out=$(asuser $L/suid ign $L/privexec who m)
echo "ids apart: $out"
[ "$(field "$out" uid)" = 1000 ] && [ "$(field "$out" euid)" = 0 ] &&
	[ "$(field "$out" secure)" = 1 ] && [ "$(field "$out" dumpable)" = 0 ] &&
	[ "$(field "$out" cmdline)" = "$L/privexec|who|m|" ] ||
	fail "a plain program exec'd by a process whose ids are apart: $out"
mixed_out=$out
asroot "printf '#!$L/privexec who\n' >/mnt/script && chmod 755 /mnt/script" ||
	fail "write the script"
out=$(asuser $L/suid ign /mnt/script)
echo "script, ids apart: $out"
[ "$(field "$out" euid)" = 0 ] && [ "$(field "$out" secure)" = 1 ] &&
	[ "$(field "$out" cmdline)" = "$L/privexec|who|/mnt/script|" ] ||
	fail "a script exec'd by a process whose ids are apart: $out"
echo "ok   execs after a set-user-ID program, its ids dropped or not"

# the container cannot change the links or reach the host's entry
asroot "echo x > /dev/.lxzone-exec/x" 2>/dev/null && fail "root wrote into the links' directory"
asroot "rm /dev/.lxzone-exec/3.lxzone-exec" 2>/dev/null && fail "root removed a link"
asroot "umount /dev/.lxzone-exec" 2>/dev/null && fail "root unmounted the links"
asroot "cat /dev/.lxzone-exec/brand" >/dev/null 2>&1 && echo "note: root reads the brand's copy (CAP_DAC_OVERRIDE), as it reads any file"
asuser "cat /dev/.lxzone-exec/brand" >/dev/null 2>&1 && fail "a user read the execute-only copy"
[ "$(asroot 'ls /proc/sys/fs/binfmt_misc | wc -l')" = 0 ] ||
	fail "the host's binfmt_misc is visible in the container: $(asroot 'ls /proc/sys/fs/binfmt_misc')"
asroot "mount -t binfmt_misc none /mnt" 2>/dev/null && fail "the container mounted binfmt_misc"
grep -qx enabled /proc/sys/fs/binfmt_misc/lxzone-oci || fail "host entry changed"
# a link a user makes itself gives what the program's own path gives
out=$(asuser "ln -s $L/suid /tmp/mine.lxzone-exec && /tmp/mine.lxzone-exec who")
[ "$(field "$out" euid)" = 0 ] && [ "$(field "$out" uid)" = 1000 ] ||
	fail "a user's own link: $out"
# the host's execs of such a path: the interpreter is not there, nothing runs
ln -s /bin/true "$WORK/host.lxzone-exec"
"$WORK/host.lxzone-exec" 2>/dev/null && fail "the host ran a .lxzone-exec path"
echo "ok   the links are read-only, the host's entry out of the container's reach"

# a flush of the host's entries (systemd-binfmt's restart on a host without the binfmt.d
# file): the running container's page daemon registers the entry again within its second,
# so a set-user-ID exec runs under the brand again and does not die at its first trap.  The
# entry is the host's: another container's daemon or a privileged zone's supervisor would
# register it too (and lose it for that second), so the check runs only where this
# container's daemon is the only one
if binfmt_others 1; then
	echo "skip the flush check: other containers or zones run on this host"
else
	binfmt_flush_back || fail "the host's entry was not registered again 2 s after a flush"
	grep -qx "flags: POC" /proc/sys/fs/binfmt_misc/lxzone-oci || fail "entry after a flush: $(cat /proc/sys/fs/binfmt_misc/lxzone-oci)"
	out=$(asuser $L/suid who f)
	[ "$(field "$out" euid)" = 0 ] && [ "$(field "$out" uid)" = 1000 ] ||
		fail "a set-user-ID exec after a flush: $out"
	echo "ok   after a flush of the host's entries, the entry is back and a set-user-ID exec runs"
fi

R delete --force "${ID}a" || fail "delete exited $?"
[ -z "$(grep lxzone-exec /proc/self/mountinfo)" ] || fail "links mount left on the host"

# runc on the same bundle, where it is installed: the same ids, AT_SECURE and dumpability
RUNC=${RUNC:-$(command -v runc || true)}
if [ -n "$RUNC" ]; then
	rr() { "$RUNC" --root "$WORK/runc" "$@"; }
	before=$failures
	rr run -d --bundle "$B" "${ID}b" >/dev/null 2>&1 || fail "runc run -d exited $?"
	for c in "suid who a b:$suid_out" "suid ign $L/privexec who m:$mixed_out" "-suid who d:$direct_out"; do
		cmd=${c%%:*} ours=${c#*:}
		case $cmd in
		-*) theirs=$(rr exec --user 1000:1000 "${ID}b" $L/${cmd#-}) ;;
		*) theirs=$(rr exec --user 1000:1000 "${ID}b" /bin/sh -c "$L/$cmd") ;;
		esac
		for f in uid euid gid egid secure dumpable cmdline capeff; do
			[ "$(field "$ours" $f)" = "$(field "$theirs" $f)" ] ||
				fail "$cmd: $f $(field "$ours" $f) under lxzone-oci, $(field "$theirs" $f) under runc"
		done
	done
	rr delete --force "${ID}b" >/dev/null 2>&1
	[ $failures != "$before" ] || echo "ok   the same as runc's"
else
	echo "note: runc not installed, not compared"
fi

[ $failures = 0 ] || exit 1
echo PASS
