#!/bin/sh
# Must work #3: golden -> 3 overlay clones -> a command in each, concurrently -> discard;
# the golden zone is unchanged (checksum of its tree).
# Must work #4: run --from golden --discard onsuccess -- false keeps the zone; -- true
# discards it.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand

lxzone create golden --golden --image builtin:busybox
before=$(tree_sum "$LXZONE_ROOT/golden/root")
if lxzone boot golden 2>"$T/err"; then fail "a golden zone booted"; fi
grep -q golden "$T/err" || fail "unclear error: $(cat "$T/err")"

for i in 1 2 3; do
	lxzone clone golden c$i --method overlay
	expect_state c$i installed
done
for i in 1 2 3; do lxzone boot c$i; done
for i in 1 2 3; do
	lxzone exec c$i -- /bin/sh -c "echo clone-$i > /etc/motd; rm /bin/ls; hostname > /root/who; cat /etc/motd" >"$T/out$i" &
done
wait
for i in 1 2 3; do
	grep -qx clone-$i "$T/out$i" || fail "clone $i: $(cat "$T/out$i")"
	[ "$(cat "$LXZONE_ROOT/c$i/upper/root/who")" = c$i ] || fail "clone $i hostname"
done
echo "ok: three clones ran concurrently, each with its own changes"
for i in 1 2 3; do lxzone halt c$i; lxzone destroy c$i; no_cgroup_left c$i; done
after=$(tree_sum "$LXZONE_ROOT/golden/root")
[ "$before" = "$after" ] || fail "golden zone changed"
no_mount_left
echo "ok: golden unchanged ($after)"

# Disposable zones.
set +e
lxzone run --from golden --discard onsuccess -- /bin/false 2>"$T/err"
st=$?
set -e
[ $st = 1 ] || fail "run -- false: status $st"
kept=$(lxzone list | awk '/^golden-run-/ {print $1}')
[ -n "$kept" ] || fail "run --discard onsuccess -- false did not keep the zone"
expect_state "$kept" installed
grep -q "kept zone $kept" "$T/err" || fail "no message about the kept zone"
lxzone destroy "$kept"

lxzone run --from golden --discard onsuccess -- /bin/true
[ -z "$(lxzone list | awk '/^golden-run-/ {print $1}')" ] || fail "run -- true kept the zone"
out=$(lxzone run --from golden -- /bin/sh -c 'echo in-$(hostname)')
echo "$out" | grep -q "^in-golden-run-" || fail "run output: $out"
[ "$(tree_sum "$LXZONE_ROOT/golden/root")" = "$before" ] || fail "golden changed by run"
no_mount_left
echo PASS
