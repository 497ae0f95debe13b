#!/bin/sh
# A static Go binary (CGO_ENABLED=0) built at test time, offline, with its caches in the
# build directory: 1000 goroutines, preemption and os/signal, net/http on loopback, os/exec
# of children; on the host and inside the busybox root.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd go
gobuild=$LXZONE_BUILD/tests/go
mkdir -p "$gobuild"
export CGO_ENABLED=0 GOCACHE="$gobuild/cache" GOPATH="$gobuild/path" GOFLAGS=-mod=mod \
	GOPROXY=off GOTOOLCHAIN=local GO111MODULE=on
if ! (cd "$LXZONE_SRC/go" && go build -o "$gobuild/gowork" .); then
	fail "go build of $LXZONE_SRC/go failed"
	finish
fi
if ! file "$gobuild/gowork" 2>/dev/null | grep -q 'statically linked'; then
	command -v file >/dev/null && fail "gowork is not statically linked: $(file "$gobuild/gowork")"
fi
run_case go-static 0 \
	"'$gobuild/gowork'" \
	"'$LXRUN' -- '$gobuild/gowork'"
# The same static binary inside the busybox root (its children are busybox's sh there).
if [ "$(id -u)" = 0 ] && [ -x "$IMAGE/bin/busybox" ] && command -v unshare >/dev/null; then
	nroot=$(make_root native)
	broot=$(make_root brand)
	cp "$gobuild/gowork" "$nroot/t/gowork"
	cp "$gobuild/gowork" "$broot/t/gowork"
	run_case go-static-root 0 \
		"'$NATIVE_ROOT' '$nroot' /t/gowork" \
		"'$LXRUN' --root '$broot' -- /t/gowork" go-static
fi
finish
