#!/bin/sh
# Kernel-version personality: a glibc program (kver_probe.c) and a static Go program (go/)
# under `lxrun --kernel-version` 3.10, 4.19, 5.15 and the host's own version.  Under version
# V every raw call Linux added after V answers ENOSYS, every older one answers what it
# answers natively, uname says V, and glibc's and Go's fallbacks work (their output equals the
# native run's).
. "$(dirname "$0")/lib.sh"
need_root
probe=$LXZONE_BUILD/tests/bin/it_kver_probe
[ -x "$probe" ] || skip "$probe not built"
have_lxrun || skip "lxrun not built"
host=$(uname -r | sed 's/[^0-9.].*//')
"$probe" >"$WORK/native" 2>&1 || fail "native probe failed: $(cat "$WORK/native")"
grep -q " ENOSYS$" "$WORK/native" &&
	skip "this kernel ($host) lacks a probed call natively: $(grep ' ENOSYS$' "$WORK/native" | head -1)"

# expect V: the native output with every call newer than V answering ENOSYS, uname V
expect() {
	awk -v v="$1" '
	function code(s,  a) { split(s, a, "."); return a[1] * 65536 + a[2] * 256 + a[3] }
	$1 == "uname" { print "uname " v; next }
	NF == 3 && code($2) > code(v) { print $1, $2, "ENOSYS"; next }
	{ print }' "$WORK/native"
}

for v in 3.10.0 4.19.0 5.15.0 "$host"; do
	expect "$v" >"$WORK/want-$v"
	timeout 60 "$LXRUN" --kernel-version "$v" -- "$probe" >"$WORK/got-$v" 2>&1
	rc=$?
	if [ $rc -ne 0 ] || ! cmp -s "$WORK/want-$v" "$WORK/got-$v"; then
		fail "glibc probe under $v (status $rc): $(diff "$WORK/want-$v" "$WORK/got-$v" | tr '\n' ' ')"
	else
		echo "ok   glibc probe under $v: $(grep -c ' ENOSYS$' "$WORK/got-$v") calls ENOSYS, fallbacks work"
	fi
done

# Static Go: the runtime and the standard library probe getrandom, pipe2, epoll_create1 ...
# and fall back; the program's output must equal the native run's under every version.
if command -v go >/dev/null 2>&1; then
	gobuild=$LXZONE_BUILD/tests/go
	mkdir -p "$gobuild"
	export CGO_ENABLED=0 GOCACHE="$gobuild/cache" GOPATH="$gobuild/path" GOFLAGS=-mod=mod \
		GOPROXY=off GOTOOLCHAIN=local GO111MODULE=on
	if (cd "$LXZONE_SRC/go" && go build -o "$gobuild/gowork" .); then
		(cd "$WORK" && "$gobuild/gowork") >"$WORK/go-native" 2>&1
		for v in 3.10.0 4.19.0 5.15.0 "$host"; do
			(cd "$WORK" && timeout 120 "$LXRUN" --kernel-version "$v" -- "$gobuild/gowork") \
				>"$WORK/go-$v" 2>&1
			rc=$?
			if [ $rc -ne 0 ] || ! cmp -s "$WORK/go-native" "$WORK/go-$v"; then
				fail "static Go under $v (status $rc): $(diff "$WORK/go-native" "$WORK/go-$v" | head -5 | tr '\n' ' ')"
			else
				echo "ok   static Go under $v: output equals the native run's"
			fi
		done
	else
		fail "go build of $LXZONE_SRC/go failed"
	fi
else
	echo "skip static Go: go not installed"
fi
finish
