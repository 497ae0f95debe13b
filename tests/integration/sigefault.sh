#!/bin/sh
# sigefault (sigefault.c) natively and under lxrun: the dynamic build on the host, the
# static build inside the busybox root. Both must print expected/sigefault.out.
. "$(dirname "$0")/lib.sh"
need_root
bin=$LXZONE_BUILD/tests/bin
[ -x "$bin/it_sigefault_dynamic" ] || skip "$bin/it_sigefault_dynamic not built"
parts="efault sigsys altstack flags restart exec"
run_case sigefault 0 \
	"cd '$WORK' && '$bin/it_sigefault_dynamic' $parts" \
	"cd '$WORK' && '$LXRUN' -- '$bin/it_sigefault_dynamic' $parts"
if [ -x "$bin/it_sigefault_static" ]; then
	need_cmd unshare chroot
	nroot=$(make_root native)
	broot=$(make_root brand)
	cp "$bin/it_sigefault_static" "$nroot/t/sigefault"
	cp "$bin/it_sigefault_static" "$broot/t/sigefault"
	run_case sigefault-static 0 \
		"'$NATIVE_ROOT' '$nroot' /t/sigefault $parts" \
		"'$LXRUN' --root '$broot' -- /t/sigefault $parts" sigefault
fi
finish
