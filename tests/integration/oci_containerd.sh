#!/bin/sh
# containerd with lxzone-oci as the runc binary of its runc v2 shim: a private daemon (its own
# socket, root and state under the work directory, started here and stopped at the end), an
# OCI archive of the busybox tarball made here and imported, then `ctr run --rm
# --runc-binary` with the program's output and exit status, and a detached task: `ctr task
# exec`, `ctr task kill`, `ctr task rm`.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd containerd ctr containerd-shim-runc-v2 sha256sum gunzip
OCI=$LXZONE_BUILD/bin/lxzone-oci
TARBALL=$LXZONE_BUILD/images/busybox.tar.gz
[ -x "$OCI" ] || skip "lxzone-oci not built at $OCI"
[ -f "$TARBALL" ] || skip "busybox tarball not built at $TARBALL (target image-busybox)"
export LXZONE_CGROUP_PARENT=${LXZONE_CGROUP_PARENT:-lxzone-oci-test}
SOCK=$WORK/containerd.sock
C() { timeout 60 ctr -a "$SOCK" "$@"; }
ID=h7ctr$$
cat >"$WORK/config.toml" <<'EOF'
version = 2
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.aufs"]
EOF
containerd --config "$WORK/config.toml" --root "$WORK/root" --state "$WORK/state" \
	--address "$SOCK" >"$WORK/containerd.log" 2>&1 &
CPID=$!
stop_daemon() {
	C task kill -s KILL "${ID}d" >/dev/null 2>&1
	C task rm -f "${ID}d" >/dev/null 2>&1
	C container rm "${ID}d" >/dev/null 2>&1
	kill "$CPID" 2>/dev/null
	wait "$CPID" 2>/dev/null
	cleanup_work
}
trap stop_daemon EXIT
i=0; while [ ! -S "$SOCK" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$SOCK" ] || { cat "$WORK/containerd.log"; fail "containerd did not start"; exit 1; }

# an OCI archive of the busybox tarball: one gzip layer, a config, a manifest, an index
D=$WORK/img
mkdir -p "$D/blobs/sha256"
blob() { d=$(sha256sum "$1" | cut -d' ' -f1); cp "$1" "$D/blobs/sha256/$d"; echo "$d $(stat -c %s "$1")"; }
set -- $(blob "$TARBALL"); L=$1 LS=$2
DIFF=$(gunzip -c "$TARBALL" | sha256sum | cut -d' ' -f1)
printf '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$DIFF" >"$WORK/cfg.json"
set -- $(blob "$WORK/cfg.json"); CF=$1 CS=$2
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' "$CF" "$CS" "$L" "$LS" >"$WORK/man.json"
set -- $(blob "$WORK/man.json"); M=$1 MS=$2
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"localhost/lxzone-oci-busybox:latest","org.opencontainers.image.ref.name":"latest"}}]}' "$M" "$MS" >"$D/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' >"$D/oci-layout"
(cd "$D" && tar -cf "$WORK/img.tar" oci-layout index.json blobs)
C image import --snapshotter native "$WORK/img.tar" >/dev/null || fail "ctr image import exited $?"
IMG=localhost/lxzone-oci-busybox:latest

out=$(C run --rm --snapshotter native --runc-binary "$OCI" "$IMG" "${ID}a" sh -c 'echo hello-ctr; exit 6')
rc=$?
[ "$out" = hello-ctr ] || fail "ctr run output: $out"
[ $rc = 6 ] || fail "ctr run's status: $rc (want the program's 6)"
echo "ok   ctr run --rm --runc-binary (output, exit status)"

C run -d --snapshotter native --runc-binary "$OCI" "$IMG" "${ID}d" sleep 300 >/dev/null ||
	fail "ctr run -d exited $?"
C task ls | grep -q "${ID}d .*RUNNING" || fail "detached task: $(C task ls)"
out=$(C task exec --exec-id e1 "${ID}d" sh -c 'echo in-task; exit 3')
rc=$?
[ "$out" = in-task ] || fail "ctr task exec output: $out"
[ $rc = 3 ] || fail "ctr task exec status: $rc (want 3)"
C task kill -s KILL "${ID}d" || fail "ctr task kill exited $?"
i=0; while ! C task ls | grep -q "${ID}d .*STOPPED" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
C task ls | grep -q "${ID}d .*STOPPED" || fail "after kill: $(C task ls)"
C task rm "${ID}d" >/dev/null || fail "ctr task rm exited $?"
C container rm "${ID}d" || fail "ctr container rm exited $?"
[ ! -e "/run/containerd/runc/default/${ID}d" ] || fail "lxzone-oci state left for ${ID}d"
echo "ok   ctr run -d, task exec (output, status), task kill, task rm"

[ $failures = 0 ] || exit 1
echo PASS
