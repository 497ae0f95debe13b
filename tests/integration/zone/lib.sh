# Shared helpers for the zone integration tests (sourced). Each test gets a private
# LXZONE_ROOT under a temporary directory, removed at exit.
set -eu

: "${LXZONE:?set LXZONE to the lxzone executable (ctest does)}"

skip() {
	echo "SKIP: $*"
	exit 77
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || skip "needs root (mounts, device nodes, owners)"

# python3 as the interpreter itself, not a version manager's shim (tests/CMakeLists.txt)
if [ -x "${LXZONE_BUILD:-}/tests/python/python3" ]; then
	PATH="$LXZONE_BUILD/tests/python:$PATH"
fi

# the zones' cgroups live under <mnt>/$CGP/<zone> (zone/cgroup.c: LXZONE_CGROUP_PARENT)
CGP=${LXZONE_CGROUP_PARENT:-lxzone}
T=$(mktemp -d /tmp/lxzone-it.XXXXXX)
export LXZONE_ROOT="$T/store"
cleanup() {
	# Zones may still hold mounts if a test failed midway: detach them before removing.
	grep " $T" /proc/self/mounts | awk '{print $2}' | sort -r | while read -r m; do
		umount -l "$m" 2>/dev/null || true
	done
	rm -rf "$T"
}
trap cleanup EXIT

lxzone() {
	"$LXZONE" "$@"
}

# state NAME -> prints the zone's state
state() {
	lxzone info "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])'
}

expect_state() {
	s=$(state "$1")
	[ "$s" = "$2" ] || fail "zone $1: state $s, expected $2"
	echo "ok: $1 is $2"
}

# The built-in busybox image, built by images/ in the same build tree; else make one from
# Debian's busybox-static so the storage tests do not depend on that target.
builtin_images() {
	if [ -n "${LXZONE_BUILD:-}" ] && [ -f "$LXZONE_BUILD/images/busybox.tar.gz" ]; then
		export LXZONE_BUILTIN_IMAGES="$LXZONE_BUILD/images"
		return
	fi
	[ -x /bin/busybox ] || skip "no built-in busybox image and no /bin/busybox"
	d="$T/images/busybox"
	mkdir -p "$d/bin" "$d/etc" "$d/tmp"
	cp /bin/busybox "$d/bin/busybox"
	ln -s busybox "$d/bin/sh"
	echo "root:x:0:0:root:/root:/bin/sh" >"$d/etc/passwd"
	tar -C "$d" -czf "$T/images/busybox.tar.gz" .
	export LXZONE_BUILTIN_IMAGES="$T/images"
}

# The launcher needs the brand image built next to lxzone.
need_brand() {
	bindir=$(dirname "$LXZONE")
	[ -x "$bindir/lxzone-brand" ] || [ -n "${LXZONE_BRAND_IMAGE:-}" ] ||
		skip "no brand image ($bindir/lxzone-brand): build the lxzone-brand target"
	[ -x "$bindir/lxzone-idle" ] || skip "no $bindir/lxzone-idle"
	[ -x "$bindir/lxzone-init" ] || [ -n "${LXZONE_INIT_IMAGE:-}" ] ||
		skip "no init image ($bindir/lxzone-init): build the lxzone-init target"
}

# No cgroup directory of the zone is left in any hierarchy.
no_cgroup_left() {
	left=$(ls -d /sys/fs/cgroup/*/$CGP/"$1" /sys/fs/cgroup/$CGP/"$1" 2>/dev/null || true)
	[ -z "$left" ] || fail "cgroup left behind: $left"
}

no_mount_left() {
	! grep -q "$LXZONE_ROOT" /proc/self/mounts || fail "mount left behind: $(grep "$LXZONE_ROOT" /proc/self/mounts)"
}

# tree_sum DIR -> one checksum over names, modes, owners, link targets and file contents
# slow_copy_tree ROOT: 4000 empty files in 40 directories and 24 MiB of random data under
# ROOT/data, enough that a copy of ROOT takes a while to interrupt (the killed-command tests)
slow_copy_tree() {
	mkdir -p "$1/data"
	i=0
	while [ $i -lt 40 ]; do
		mkdir "$1/data/d$i"
		(cd "$1/data/d$i" && seq 1 100 | xargs touch)
		i=$((i + 1))
	done
	head -c 24M /dev/urandom >"$1/data/big"
}

tree_sum() {
	(cd "$1" && find . -printf '%p %m %U %G %l\n' | sort && find . -type f -print0 | sort -z |
		xargs -0 sha256sum) | sha256sum | cut -d' ' -f1
}

# recorded ZONE / init_pid ZONE: what state.json says (not the state lxzone derives): the
# state, and init's pid (0: none)
recorded() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["state"])' \
		"$LXZONE_ROOT/$1/state.json"
}
init_pid() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("init-pid", 0))' \
		"$LXZONE_ROOT/$1/state.json"
}

# debian_test_image NAME PACKAGES [SUITE]: a cached Debian image (SUITE, default bookworm) with
# PACKAGES (comma list) made by images/debian-image.sh; sets $image to its tarball, skips (77)
# with the script's reason when the machine cannot make it, fails on any other error
debian_test_image() {
	_st=0
	image=$("$(cd "$(dirname "$0")/../../.." && pwd)/images/debian-image.sh" --suite "${3:-bookworm}" \
		--include "$2" --name "$1" 2>"$T/image.log") || _st=$?
	cat "$T/image.log"
	case $_st in
	0) ;;
	77) skip "$(tail -1 "$T/image.log" | sed 's/^debian-image: //')" ;;
	*) fail "could not build the image $1" ;;
	esac
}

# login_check ZONE: `lxzone login` gives a login shell in the zone that runs what it is given
# and returns its exit status; through script(1), when there is one, on a terminal of the
# zone's own devpts (without it, on a pipe: lxzone warns, the shell still runs); a line may
# start with the shell's prompt
login_check() {
	_in='tty; echo login-$((6*7)); exit 7'
	_st=0
	if command -v script >/dev/null; then
		printf '%s\n' "$_in" | timeout 60 script -qec "$LXZONE login $1" /dev/null >"$T/login.out" 2>&1 || _st=$?
		tr -d '\r' <"$T/login.out" | grep -q '/dev/pts/[0-9]*$' ||
			fail "login: not on a terminal of the zone: $(tail -3 "$T/login.out")"
	else
		printf '%s\n' "$_in" | timeout 60 "$LXZONE" login "$1" >"$T/login.out" 2>&1 || _st=$?
	fi
	tr -d '\r' <"$T/login.out" | grep -q 'login-42$' || fail "login: no shell: $(tail -3 "$T/login.out")"
	[ "$_st" = 7 ] || fail "login: exit status $_st, the shell's was 7"
	echo "ok: lxzone login $1"
}

# ready_after_reboot ZONE: the supervisor saw the init ready again after the zone's reboot
# (its "ready" line follows the "rebooting" one in the console log)
ready_after_reboot() {
	sed -n "/lxzone: zone $1 rebooting/,\$p" "$LXZONE_ROOT/$1/console.log" |
		grep -q "lxzone: zone $1 ready" || fail "no ready after the reboot"
}

# Two 64 MiB ext4 images on loop devices: $given, for a zone's --device, and $other, one the
# zone must not reach ($other_mm: its "major minor").  At exit the zones named as arguments
# are halted, both devices detached and the store removed.  Skips where losetup, mkfs.ext4 or
# two free loop devices are missing.
two_loop_devices() {
	command -v losetup >/dev/null || skip "losetup is not installed"
	command -v mkfs.ext4 >/dev/null || skip "mkfs.ext4 is not installed"
	loop_zones="$*"
	loops=""
	trap cleanup_loops EXIT
	truncate -s 64M "$T/given.img" "$T/other.img"
	mkfs.ext4 -q -F "$T/given.img"
	mkfs.ext4 -q -F "$T/other.img"
	given=$(losetup -f --show "$T/given.img") || skip "no free loop device"
	loops="$given"
	other=$(losetup -f --show "$T/other.img") || skip "no second free loop device"
	loops="$loops $other"
	other_mm=$(printf '%d %d' 0x$(stat -c %t "$other") 0x$(stat -c %T "$other"))
}

cleanup_loops() {
	for z in $loop_zones; do lxzone halt "$z" >/dev/null 2>&1 || true; done
	for l in $loops; do losetup -d "$l" 2>/dev/null || true; done
	cleanup
}
