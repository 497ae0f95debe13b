#!/bin/sh
# Kernel-version personality in a zone: a busybox zone configured with kernel-version 3.10.0
# says 3.10.0 in uname, its calls newer than 3.10 (getrandom, memfd_create, statx, clone3,
# close_range ...) answer ENOSYS, older ones what they answer natively, and glibc's fallbacks
# work (a static glibc probe: pthread_create, posix_spawn, fork, closefrom).  The zone's own
# init and the launcher keep working under the filter (they use close_range from the gate).
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand
probe_dir="${LXZONE_BUILD:-}/tests/bin"
[ -x "$probe_dir/it_kver_probe_static" ] || skip "no $probe_dir/it_kver_probe_static"
native=$("$probe_dir/it_kver_probe_static")
echo "$native" | grep -q " ENOSYS$" && skip "this kernel lacks a probed call natively"

lxzone create h5kv --image builtin:busybox --kernel-version 3.10.0 --mount "$probe_dir:/t:ro"
lxzone boot h5kv
got=$(lxzone exec h5kv -- /t/it_kver_probe_static)
lxzone halt h5kv
lxzone destroy h5kv
want=$(echo "$native" | awk '
	function code(s,  a) { split(s, a, "."); return a[1] * 65536 + a[2] * 256 + a[3] }
	$1 == "uname" { print "uname 3.10.0"; next }
	NF == 3 && code($2) > code("3.10.0") { print $1, $2, "ENOSYS"; next }
	{ print }')
[ "$got" = "$want" ] || fail "zone with kernel-version 3.10.0: want: $(echo "$want" | tr "\n" ";") got: $(echo "$got" | tr "\n" ";")"
echo "ok: zone with kernel-version 3.10.0: $(echo "$got" | grep -c ' ENOSYS$') calls ENOSYS, glibc's fallbacks work"
