# The bundle every lxzone-oci mapping test starts from, sourced after lib.sh by a test that
# has set ID (its containers are $ID plus a letter) and OCI_IDS (those letters, deleted at
# exit): lxzone-oci and the brand (else skip), a private state root R() runs it with, the
# busybox image as the bundle's rootfs under `lxzone-oci spec`'s config, config() to make the
# config of one case from it (its args as JSON, then python run on the loaded config c), and
# wait_file() for a file a container writes, state_pid() for a container's PID 1.
OCI=$LXZONE_BUILD/bin/lxzone-oci
[ -x "$OCI" ] || skip "lxzone-oci not built at $OCI"
[ -x "$LXZONE_BUILD/bin/lxzone-brand" ] || skip "lxzone-brand not built"
export LXZONE_CGROUP_PARENT=${LXZONE_CGROUP_PARENT:-lxzone-oci-test}
STATE=$WORK/state
R() { "$OCI" --root "$STATE" "$@"; }
trap 'for s in $OCI_IDS; do "$OCI" --root "$STATE" delete --force "$ID$s" >/dev/null 2>&1; done; cleanup_work' EXIT
B=$WORK/bundle
mkdir -p "$B" "$WORK/out"
cp -a "$IMAGE" "$B/rootfs"
(cd "$B" && "$OCI" spec) || fail "spec exited $?"
cp "$B/config.json" "$WORK/config.spec"
config() { # ARGS-JSON PYTHON
	cp "$WORK/config.spec" "$B/config.json"
	python3 - "$B/config.json" "$WORK/out" "$1" "$2" <<'EOF'
import json, sys
path, out, args, extra = sys.argv[1:5]
c = json.load(open(path))
c["process"]["terminal"] = False
c["process"]["args"] = json.loads(args)
c["root"]["readonly"] = False
c["mounts"].append({"destination": "/out", "type": "bind", "source": out, "options": ["rbind"]})
exec(extra)
json.dump(c, open(path, "w"), indent=1)
EOF
}
state_pid() { R state "$1" | sed -n 's/.*"pid": \([0-9]*\),.*/\1/p'; } # ID: its PID 1, from `state`
# oci_podwatch.c as the bundle rootfs's /bin/podwatch, and $marker, a file of $WORK by that
# name, for its MARKER and NAME arguments
podwatch_install() {
	PW=$LXZONE_BUILD/tests/bin/it_oci_podwatch
	[ -x "$PW" ] || fail "no $PW"
	cp "$PW" "$B/rootfs/bin/podwatch"
	marker=podwatch-marker-$$
	: >"$WORK/$marker"
}
wait_file() { i=0; while [ ! -s "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; }
