#!/bin/sh
# A static Go binary (CGO_ENABLED=0) built at test time, offline, with its caches in the
# build directory: 1000 goroutines, net/http on loopback, os/exec of children.
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
finish
