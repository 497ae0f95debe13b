#!/bin/sh
# Run one guest script from busybox/ in the built-in busybox root, natively (namespaces +
# chroot) and under `lxrun --root`, and compare. The native output must also equal
# expected/busybox-NAME.out, so the script's behaviour is pinned, not just its agreement.
#   busybox_script.sh NAME
. "$(dirname "$0")/lib.sh"
name=$1
need_root
need_cmd unshare chroot mount
need_image
nroot=$(make_root native)
broot=$(make_root brand)
run_case "busybox-$name" 0 \
	"'$NATIVE_ROOT' '$nroot' /bin/sh /t/$name.sh" \
	"'$LXRUN' --root '$broot' -- /bin/sh /t/$name.sh"
finish
