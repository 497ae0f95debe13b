#!/bin/sh
# Nothing of the host reaches a process lxzone makes visible in a zone (issue 10, item 2):
# the escape probe tests/escape/exec_race_driver.sh, in a default zone and in one without
# cap_sys_ptrace, each for RACE_SECONDS (20).  A zone root races every new process of the
# zone (pidfd_getfd of fds 0..64, ptrace, /proc/<pid>/mem, /proc/<pid>/status) while the host
# runs `lxzone exec`, `lxzone login` and mounts through the mount service in a loop: it must
# never take a descriptor outside the zone nor see a process without the filter or with
# capabilities outside the zone's set.  Without cap_sys_ptrace (there `lxzone exec` vforks)
# it must also never attach to a process before its exec; a default zone shares the host's
# user namespace and keeps cap_sys_ptrace, so the kernel lets it attach (the probe counts it
# and checks that nothing was there to take).  Each run must have seen the launcher's child
# before its exec at least once, or the race proved nothing.
. "$(dirname "$0")/lib.sh"
export LXZONE_CGROUP_PARENT="${LXZONE_CGROUP_PARENT:-lxzone-it-race}"
need_brand
builtin_images
command -v script >/dev/null || skip "script(1) is not installed (Debian package bsdutils)"
[ -x "${LXZONE_BUILD:-}/tests/bin/probe_exec_race" ] || skip "build the probe_exec_race target"
driver="$(dirname "$0")/../../escape/exec_race_driver.sh"
trap 'for z in xrace1 xrace2; do lxzone halt $z >/dev/null 2>&1 || true; done; cleanup' EXIT

lxzone create xrace1 --image builtin:busybox
lxzone create xrace2 --image builtin:busybox --capabilities default,-sys_ptrace
for z in xrace1 xrace2; do
	lxzone boot "$z"
	out=$(sh "$driver" "$z" "${RACE_SECONDS:-20}") && rc=0 || rc=$?
	echo "$z: $out"
	[ "$rc" = 0 ] || fail "$z: exit $rc"
	case "$out" in safe:*) ;; *) fail "$z: no safe verdict" ;; esac
	echo "$out" | grep -q "children seen before exec [1-9]" ||
		fail "$z: the probe never saw a launcher's child before its exec: the race proved nothing"
	if [ "$z" = xrace2 ]; then
		echo "$out" | grep -q 'before exec 0 (must be 0' ||
			fail "$z: the probe was not strict about ptrace without cap_sys_ptrace"
	fi
	lxzone halt "$z"
	lxzone destroy "$z"
done
echo "all checks passed"
