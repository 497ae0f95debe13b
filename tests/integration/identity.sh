#!/bin/sh
# Must work 5 (and the "never the brand" rule): uname -r prints --kernel-version;
# readlink /proc/self/exe, /proc/self/cmdline, /proc/self/comm and ps show the guest's
# program, in the busybox root and on the host, the same as natively.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd unshare chroot
KV=5.15.0
host_kv=$(uname -r)
[ "$host_kv" != "$KV" ] || KV=4.19.0

nroot=$(make_root native)
broot=$(make_root brand)
# In the root: everything but the last line (uname -r) must equal native; the last line is
# the host's release natively and --kernel-version under the brand.
run_case identity-root 0 \
	"'$NATIVE_ROOT' '$nroot' /bin/sh /t/identity.sh | sed 's/^uname -r: $host_kv\$/uname -r: KV/'" \
	"'$LXRUN' --root '$broot' --kernel-version $KV -- /bin/sh /t/identity.sh | sed 's/^uname -r: $KV\$/uname -r: KV/'"

# On the host, without --root.
cp "$LXZONE_SRC/host/identity.sh" "$WORK/host-identity.sh"
run_case identity-host 0 \
	"cd '$WORK' && /bin/sh host-identity.sh" \
	"cd '$WORK' && '$LXRUN' -- /bin/sh host-identity.sh"

# uname under --kernel-version, from three kinds of program.
if have_lxrun; then
	for prog in "uname -r" "/usr/bin/python3 -c 'import platform; print(platform.release())'" \
		"'$IMAGE/bin/busybox' uname -r"; do
		got=$(timeout 60 sh -c "'$LXRUN' --kernel-version $KV -- $prog" 2>&1)
		if [ "$got" = "$KV" ]; then
			echo "ok   --kernel-version $KV: $prog"
		else
			fail "--kernel-version $KV: '$prog' printed '$got'"
		fi
	done
	# sysinfo under --kernel-version alone (no zone page): the kernel's answer through the
	# brand, never EPERM from the gate (LTP's sysinfo01-03 under lxrun caught that)
	got=$(timeout 60 "$LXRUN" --kernel-version $KV -- /usr/bin/python3 -c \
		'import ctypes; b = ctypes.create_string_buffer(128); l = ctypes.CDLL(None, use_errno=True); print(l.sysinfo(b), ctypes.get_errno(), int.from_bytes(b[:8], "little") > 0)' 2>&1)
	[ "$got" = "0 0 True" ] && echo "ok   --kernel-version $KV: sysinfo answers, uptime > 0" ||
		fail "--kernel-version $KV: sysinfo printed '$got' (want '0 0 True')"
	got=$(timeout 60 "$LXRUN" --root "$broot" --kernel-version 3.10.0 -- /bin/uname -r 2>&1)
	[ "$got" = 3.10.0 ] && echo "ok   --root --kernel-version 3.10.0: uname -r" ||
		fail "--root --kernel-version 3.10.0: uname -r printed '$got'"

	# ADDR_NO_RANDOMIZE (setarch -R, gdb's default): a PIE program sits at the kernel's
	# base, where it does natively, in every run; without it, a random one.
	if command -v setarch >/dev/null 2>&1; then
		first="cat /proc/self/maps | head -1 | cut -d' ' -f1"
		want=$(sh -c "setarch -R $first")
		a=$(timeout 60 "$LXRUN" -- sh -c "setarch -R $first" 2>&1)
		b=$(timeout 60 "$LXRUN" -- sh -c "setarch -R $first" 2>&1)
		if [ -n "$want" ] && [ "$a" = "$want" ] && [ "$b" = "$want" ]; then
			echo "ok   setarch -R: the program at $want, as natively"
		else
			fail "setarch -R: program at '$a' then '$b', natively '$want'"
		fi
		# the heap where the kernel puts it: after the program, not after the brand
		heap="cat /proc/self/maps | grep '\[heap\]' | cut -d' ' -f1"
		want=$(sh -c "setarch -R $heap")
		a=$(timeout 60 "$LXRUN" -- sh -c "setarch -R $heap" 2>&1)
		[ -n "$want" ] && [ "$a" = "$want" ] && echo "ok   setarch -R: the heap at $want, as natively" ||
			fail "setarch -R: the heap at '$a', natively '$want'"
		want=$(sh -c "setarch -R $first")
		a=$(timeout 60 "$LXRUN" -- sh -c "$first" 2>&1)
		b=$(timeout 60 "$LXRUN" -- sh -c "$first" 2>&1)
		[ "$a" != "$b" ] && [ "$a" != "$want" ] &&
			echo "ok   without setarch -R: the program at a random address" ||
			fail "without setarch -R: the program at '$a' then '$b' (base '$want')"
	fi
fi
finish
