#!/bin/sh
# lxzone exec runs the brand image from a read-only, nosuid mount (the runc CVE-2019-5736
# class): a process started by exec has its /proc/<pid>/exe on such a mount, cannot open it
# for writing, and re-executes through it (a guest execve) with the same protection.  The
# host's brand image is unchanged afterwards.
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
for _ in $(seq 50); do
	for p in $(pgrep -f "^/bin/sleep $marker\$" || true); do
		[ "$p" = "$execpid" ] && continue
		[ "$(stat -L -c %d:%i "/proc/$p/exe" 2>/dev/null)" = "$ino" ] && guest=$p
	done
	[ -n "$guest" ] && [ "$(cat "/proc/$guest/comm")" = sleep ] && break
	sleep 0.1
done
[ -n "$guest" ] || fail "no guest process of the exec found"
[ "$(cat "/proc/$guest/comm")" = sleep ] || fail "the guest did not exec sleep"
python3 - "$guest" <<'EOF' || { kill "$guest"; fail "the brand image of an exec'd process is not protected"; }
import errno, os, sys
pid = sys.argv[1]
fd = os.open("/proc/%s/exe" % pid, os.O_RDONLY)
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
print("ok: brand image read-only and nosuid for an exec'd process")
EOF
kill "$guest"
wait "$execpid" || true
# nothing of the exec is left mounted on the host
grep -q lxzone-brand /proc/self/mountinfo && fail "a brand mount is left on the host"
[ "$(sha256sum "$brand" | cut -d' ' -f1)" = "$sum_before" ] || fail "the brand image changed"
lxzone halt ro1
lxzone destroy ro1
no_mount_left
echo "all checks passed"
