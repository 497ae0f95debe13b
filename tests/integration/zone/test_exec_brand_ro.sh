#!/bin/sh
# lxzone exec runs the brand image from a read-only, nosuid mount (the runc CVE-2019-5736
# class): a process started by exec has its /proc/<pid>/exe on such a mount, cannot open it
# for writing, and re-executes through it (a guest execve) with the same protection.  The
# host's brand image is unchanged afterwards.  In a zone with a user namespace the process's
# exe names its program instead (syscalls/lx_exe.c) and the brand it re-executes is the
# zone's LX_ZONE_BRAND bind: that must be the same read-only, nosuid image.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand

brand=$(dirname "$LXZONE")/lxzone-brand
[ -n "${LXZONE_BRAND_IMAGE:-}" ] && brand=$LXZONE_BRAND_IMAGE
sum_before=$(sha256sum "$brand" | cut -d' ' -f1)
ino=$(stat -L -c %d:%i "$brand")

lxzone create ro1 --image builtin:busybox
lxzone boot ro1
marker="30.$$"
# sh execs sleep: the sleeping process went through a guest execve (the brand re-exec)
lxzone exec ro1 -- /bin/sh -c "exec /bin/sleep $marker" &
execpid=$!
guest=""
image=""
for _ in $(seq 50); do
	for p in $(pgrep -f "^/bin/sleep $marker\$" || true); do
		[ "$p" = "$execpid" ] && continue
		if [ "$(stat -L -c %d:%i "/proc/$p/exe" 2>/dev/null)" = "$ino" ]; then
			guest=$p image=/proc/$p/exe
		elif [ "$(stat -L -c %d:%i "/proc/$p/root/dev/.lxzone-brand" 2>/dev/null)" = "$ino" ]; then
			guest=$p image=/proc/$p/root/dev/.lxzone-brand
		fi
	done
	[ -n "$guest" ] && [ "$(cat "/proc/$guest/comm")" = sleep ] && break
	sleep 0.1
done
[ -n "$guest" ] || fail "no guest process of the exec found"
[ "$(cat "/proc/$guest/comm")" = sleep ] || fail "the guest did not exec sleep"
# where the exe names the program, the brand's code is mapped only from its second bind
# (LX_ZONE_BRAND_MAP), never from the path the kernel executed, and that bind is protected too
maps=""
if [ "$image" != "/proc/$guest/exe" ]; then
	[ "$(stat -L -c %d:%i "/proc/$guest/exe")" = "$(stat -L -c %d:%i "/proc/$guest/root/bin/sleep")" ] ||
		fail "the exe names $(readlink "/proc/$guest/exe"), not the zone's /bin/sleep"
	awk -v i="${ino#*:}" '$5 == i && $6 != "/dev/.lxzone-brand-map" { bad = 1 }
		END { exit !bad }' "/proc/$guest/maps" &&
		fail "the brand is mapped from another path than /dev/.lxzone-brand-map"
	echo "ok: the exe names the program: $(readlink "/proc/$guest/exe")"
	# the layout the brand gave PR_SET_MM_MAP, computed without /proc/self/stat
	# (syscalls/lx_exe.c, lx_mm_map): the brand's code, a start_stack in the stack, the
	# argument and environment areas exactly what cmdline and environ show, and the hand-over
	# outside the environment
	python3 - "$guest" <<'EOF' || { kill "$guest"; fail "the named process's mm layout is wrong"; }
import sys
pid = sys.argv[1]
f = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
field = lambda n: int(f[n - 3])
if field(26) != 0x7ff000000000 or not field(26) < field(27) <= field(45) <= field(46):
    sys.exit("code/data %x-%x %x-%x" % (field(26), field(27), field(45), field(46)))
stack = [l.split()[0].split("-") for l in open("/proc/%s/maps" % pid) if l.rstrip().endswith("[stack]")]
if not stack or not int(stack[0][0], 16) <= field(28) < int(stack[0][1], 16):
    sys.exit("start_stack %x outside the stack %s" % (field(28), stack))
cmdline = open("/proc/%s/cmdline" % pid, "rb").read()
environ = open("/proc/%s/environ" % pid, "rb").read()
if field(49) - field(48) != len(cmdline) or cmdline.split(b"\0")[0] != b"/bin/sleep":
    sys.exit("arg area %d bytes, cmdline %r" % (field(49) - field(48), cmdline))
if field(51) - field(50) != len(environ) or b"LXZONE_BRAND" in environ:
    sys.exit("env area %d bytes, environ %r" % (field(51) - field(50), environ))
print("ok: the named process's layout: code, stack, cmdline and environ")
EOF
	maps=/proc/$guest/root/dev/.lxzone-brand-map
	[ "$(stat -L -c %d:%i "$maps")" = "$ino" ] || fail "the map bind is not the brand"
fi
for image in "$image" $maps; do
python3 - "$image" <<'EOF' || { kill "$guest"; fail "the brand image of an exec'd process is not protected"; }
import errno, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
flags = os.fstatvfs(fd).f_flag
if not flags & os.ST_RDONLY:
    sys.exit("brand image mount is writable")
if not flags & os.ST_NOSUID:
    sys.exit("brand image mount is not nosuid")
try:
    os.close(os.open("/proc/%s/fd/%d" % (os.getpid(), fd), os.O_WRONLY))
    sys.exit("opened the brand image for writing")
except OSError as e:
    if e.errno not in (errno.EROFS, errno.ETXTBSY):
        raise
print("ok: brand image read-only and nosuid for an exec'd process: " + sys.argv[1])
EOF
done
kill "$guest"
wait "$execpid" || true
# nothing of the exec is left mounted on the host
grep -q lxzone-brand /proc/self/mountinfo && fail "a brand mount is left on the host"
[ "$(sha256sum "$brand" | cut -d' ' -f1)" = "$sum_before" ] || fail "the brand image changed"
lxzone halt ro1
lxzone destroy ro1
no_mount_left
echo "all checks passed"
