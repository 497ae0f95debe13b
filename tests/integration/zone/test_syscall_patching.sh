#!/bin/sh
# Who chooses the brand's site patching in a zone: the `syscall-patching` key, and for `auto`
# lxzone's own LXZONE_SYSCALL_PATCHING=on|off; never the zone's environment (`exec --env`, the
# program's), which the program sees and which chooses nothing. it_patch_mode
# (tests/integration/patch_mode.c) tells from inside which patching it got: on, auto or off.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand
P="$LXZONE_BUILD/tests/bin/it_patch_mode"
[ -x "$P" ] || skip "no $P: build the it_patch_mode target"

Z=patchknob
lxzone create $Z --image builtin:busybox
cp "$P" "$LXZONE_ROOT/$Z/root/bin/patch_mode"
lxzone boot $Z
check() { # WHAT WANT GOT
	echo "$1: $3"
	[ "$3" = "$2" ] || fail "$1: patching $3 (want $2)"
}
check "auto" auto "$(lxzone exec $Z -- /bin/patch_mode)"
check "auto, --env on" auto "$(lxzone exec $Z --env LXZONE_SYSCALL_PATCHING=on -- /bin/patch_mode)"
check "auto, --env off, a shell's child" auto \
	"$(lxzone exec $Z --env LXZONE_SYSCALL_PATCHING=off -- /bin/sh -c '/bin/patch_mode; :')"
out=$(lxzone exec $Z --env LXZONE_SYSCALL_PATCHING=on -- /bin/sh -c 'echo $LXZONE_SYSCALL_PATCHING')
[ "$out" = on ] || fail "the program's LXZONE_SYSCALL_PATCHING: $out (want on)"
check "auto, lxzone's on" on "$(LXZONE_SYSCALL_PATCHING=on "$LXZONE" exec $Z -- /bin/patch_mode)"
check "auto, lxzone's off" off "$(LXZONE_SYSCALL_PATCHING=off "$LXZONE" exec $Z -- /bin/patch_mode)"
lxzone halt $Z
lxzone configure $Z syscall-patching=on
lxzone boot $Z
check "on, --env off" on "$(lxzone exec $Z --env LXZONE_SYSCALL_PATCHING=off -- /bin/patch_mode)"
check "on, lxzone's off" on "$(LXZONE_SYSCALL_PATCHING=off "$LXZONE" exec $Z -- /bin/patch_mode)"
lxzone halt $Z
lxzone destroy $Z
echo "all checks passed"
