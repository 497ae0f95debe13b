#!/bin/sh
# make_oci_image.sh OUT BUSYBOX: build test images by hand, with no network and no image tool
# (tar, gzip, zstd, sha256sum), from a static busybox:
#   OUT/layout/            an OCI image layout, tagged "v1", two layers:
#     layer 1 (tar+gzip): bin/busybox, bin/sh, etc/passwd, etc/gone, opq/old, keep/a, work/
#     layer 2 (tar+zstd when zstd is installed, else plain tar): etc/.wh.gone (a whiteout),
#       opq/.wh..wh..opq (opaque: opq/old goes) with opq/new, hello
#   OUT/image.oci.tar      an oci-archive: a tar of layout/
#   OUT/image.docker.tar   a docker-archive (manifest.json, HEX.json config, uncompressed layers)
# Config: Env PATH=/bin GREETING=hi-from-oci, Entrypoint /bin/sh -c, Cmd a script printing
# the greeting, the working directory and the uid; WorkingDir /work; User 1000.
set -eu
out=$1 bb=$2
mkdir -p "$out" && cd "$out"
rm -rf l1 l2 layout docker && mkdir -p l1/bin l1/etc l1/opq l1/keep l1/work l2/etc l2/opq \
	layout/blobs/sha256 docker
cp "$bb" l1/bin/busybox
ln -s busybox l1/bin/sh
printf 'root:x:0:0:root:/root:/bin/sh\nu1000:x:1000:1000::/work:/bin/sh\n' >l1/etc/passwd
echo gone >l1/etc/gone
echo old >l1/opq/old
echo a >l1/keep/a
chown 1000:1000 l1/work
: >l2/etc/.wh.gone
: >l2/opq/.wh..wh..opq
echo new >l2/opq/new
echo hello >l2/hello

tar --numeric-owner --sort=name -C l1 -cf layer1.tar .
tar --numeric-owner --sort=name -C l2 -cf layer2.tar .
gzip -n -c layer1.tar >layer1.tgz
if command -v zstd >/dev/null; then
	zstd -q -c layer2.tar >layer2.blob
	l2type=application/vnd.oci.image.layer.v1.tar+zstd
else
	cp layer2.tar layer2.blob
	l2type=application/vnd.oci.image.layer.v1.tar
fi

sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }
blob() { # FILE -> copies into the layout, prints the hex digest
	h=$(sha "$1")
	cp "$1" "layout/blobs/sha256/$h"
	echo "$h"
}
d1=$(sha layer1.tar) d2=$(sha layer2.tar)
cat >config.json <<JSON
{"architecture":"amd64","os":"linux",
 "config":{"Env":["PATH=/bin","GREETING=hi-from-oci"],"Entrypoint":["/bin/sh","-c"],
  "Cmd":["echo \$GREETING; pwd; id -u"],"WorkingDir":"/work","User":"1000"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$d1","sha256:$d2"]}}
JSON
c=$(blob config.json) b1=$(blob layer1.tgz) b2=$(blob layer2.blob)
cat >manifest.json <<JSON
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:$c","size":$(size config.json)},
 "layers":[
  {"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:$b1","size":$(size layer1.tgz)},
  {"mediaType":"$l2type","digest":"sha256:$b2","size":$(size layer2.blob)}]}
JSON
m=$(blob manifest.json)
echo '{"imageLayoutVersion":"1.0.0"}' >layout/oci-layout
cat >layout/index.json <<JSON
{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",
 "digest":"sha256:$m","size":$(size manifest.json),
 "annotations":{"org.opencontainers.image.ref.name":"v1"}}]}
JSON
tar -C layout -cf image.oci.tar .

cp config.json "docker/$c.json"
mkdir -p docker/l1 docker/l2
cp layer1.tar docker/l1/layer.tar
cp layer2.tar docker/l2/layer.tar
echo "[{\"Config\":\"$c.json\",\"RepoTags\":[\"lxzone-test:v1\"],\"Layers\":[\"l1/layer.tar\",\"l2/layer.tar\"]}]" >docker/manifest.json
tar -C docker -cf image.docker.tar .
