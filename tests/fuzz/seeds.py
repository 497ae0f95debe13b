#!/usr/bin/env python3
"""Seed corpora of the fuzz targets, written at build time (nothing binary in the tree).

    seeds.py oci_config OUTDIR LXZONE_OCI   config.json files: `lxzone-oci spec` and
                                            `spec --rootless`, and each of them grown with
                                            one area of the spec (seccomp, mounts, idmapped
                                            mounts, hooks, devices, resources, namespaces
                                            by path, sysctl, rlimits, capabilities, the
                                            rest), and one with all of them
    seeds.py extract OUTDIR                 fuzz_extract's inputs: a flag byte and a tar
    seeds.py oci_image OUTDIR               fuzz_oci_image's inputs: a flag byte and parts

The input formats are in each target's head comment (tests/fuzz/fuzz_*.c).
"""
import copy
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile


def write(outdir, name, data):
    with open(os.path.join(outdir, name), "wb") as f:
        f.write(data)


# --- fuzz_oci_config -----------------------------------------------------------------------

def spec(lxzone_oci, *args):
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([lxzone_oci, "spec", "--bundle", d, *args], check=True)
        with open(os.path.join(d, "config.json")) as f:
            return json.load(f)


def linux(c):
    return c.setdefault("linux", {})


def seccomp(c):
    linux(c)["seccomp"] = {
        "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
        "architectures": ["SCMP_ARCH_X86_64"], "flags": ["SECCOMP_FILTER_FLAG_LOG"],
        "syscalls": [
            {"names": ["read", "write", "exit_group", "openat", "no_such"],
             "action": "SCMP_ACT_ALLOW"},
            {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
             "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]},
            {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
             "args": [{"index": 0, "value": 2114060288, "valueTwo": 0,
                       "op": "SCMP_CMP_MASKED_EQ"}]},
            {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
            {"names": ["ptrace"], "action": "SCMP_ACT_KILL_PROCESS"},
            {"names": ["kill"], "action": "SCMP_ACT_LOG"},
            {"names": ["socket"], "action": "SCMP_ACT_TRACE", "errnoRet": 5,
             "args": [{"index": 0, "value": 16, "op": "SCMP_CMP_NE"},
                      {"index": 2, "value": 9, "op": "SCMP_CMP_LE"}]}]}


def mounts(c):
    c["mounts"] += [
        {"destination": "/data", "type": "bind", "source": "data",
         "options": ["rbind", "ro", "nosuid"]},
        {"destination": "/abs", "type": "none", "source": "/etc", "options": ["bind", "rprivate"]},
        {"destination": "/run", "type": "tmpfs", "source": "tmpfs",
         "options": ["nosuid", "nodev", "mode=755", "size=65536k", "tmpcopyup"]},
        {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
         "options": ["nosuid", "noexec", "nodev"]},
        {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
         "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
        {"destination": "/sys", "type": "bind", "source": "/sys", "options": ["rbind", "ro"]},
        {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
         "options": ["ro"]}]


def idmap(c):
    linux(c)["namespaces"].append({"type": "user"})
    linux(c)["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    linux(c)["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536},
                               {"containerID": 65536, "hostID": 300000, "size": 10}]
    c["mounts"] += [
        {"destination": "/id", "type": "bind", "source": "/var", "options": ["rbind", "idmap"]},
        {"destination": "/rid", "type": "bind", "source": "/var", "options": ["rbind", "ridmap"]},
        {"destination": "/own", "type": "bind", "source": "/opt", "options": ["bind"],
         "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
         "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}]


def hooks(c):
    c["hooks"] = {k: [{"path": "/bin/true", "args": ["true", "x"], "env": ["A=b"], "timeout": 5},
                      {"path": "/bin/false"}]
                  for k in ["prestart", "createRuntime", "createContainer", "startContainer",
                            "poststart", "poststop"]}


def devices(c):
    linux(c)["devices"] = [
        {"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438,
         "uid": 0, "gid": 0},
        {"path": "/dev/sda", "type": "b", "major": 8, "minor": 0},
        {"path": "/dev/fifo", "type": "p"},
        {"path": "/dev/null", "type": "u", "major": 1, "minor": 3}]
    linux(c).setdefault("resources", {})["devices"] = [
        {"allow": False, "access": "rwm"},
        {"allow": True, "type": "c", "major": 10, "minor": 229, "access": "rw"},
        {"allow": True, "type": "b", "major": -1, "access": "m"}]


def resources(c):
    dev = {"major": 8, "minor": 0}
    linux(c)["resources"] = {
        "memory": {"limit": 536870912, "reservation": 1000, "swap": 1073741824, "kernel": -1,
                   "kernelTCP": 1, "swappiness": 18446744073709551615, "disableOOMKiller": True},
        "cpu": {"shares": 1024, "quota": 50000, "period": 100000, "realtimeRuntime": 0,
                "realtimePeriod": 0, "cpus": "0-1", "mems": "0", "idle": 0, "burst": 0},
        "pids": {"limit": 100},
        "blockIO": {"weight": 500, "leafWeight": 10,
                    "weightDevice": [dict(dev, weight=100)],
                    "throttleReadBpsDevice": [dict(dev, rate=1048576)],
                    "throttleWriteIOPSDevice": [dict(dev, rate=100)]},
        "hugepageLimits": [{"pageSize": "2MB", "limit": 1048576},
                           {"pageSize": "1GB", "limit": 0}],
        "unified": {"memory.high": "max", "io.weight": "default 100"}, "rdma": {}}
    linux(c)["cgroupsPath"] = "/mygroup"


def ns_paths(c):
    linux(c)["namespaces"] = [
        {"type": "pid", "path": "/proc/1/ns/pid"}, {"type": "network", "path": "/var/run/netns/x"},
        {"type": "ipc", "path": "/proc/5/ns/ipc"}, {"type": "uts", "path": "/proc/5/ns/uts"},
        {"type": "mount", "path": "/proc/5/ns/mnt"},
        {"type": "cgroup", "path": "/proc/5/ns/cgroup"}, {"type": "time"}]
    linux(c)["timeOffsets"] = {"monotonic": {"secs": 100, "nanosecs": 5},
                               "boottime": {"secs": -1000}}


def ns_userpath(c):
    linux(c)["namespaces"] += [{"type": "user", "path": "/proc/5/ns/user"},
                               {"type": "pid", "path": "/proc/5/ns/pid"},
                               {"type": "time", "path": "/proc/5/ns/time"}]


def sysctl(c):
    linux(c)["namespaces"].append({"type": "network"})
    linux(c)["sysctl"] = {"net.ipv4.ip_forward": "1", "kernel.shmmax": "100000",
                          "fs.mqueue.msg_max": "10", "net/ipv4/conf/eth0.100/forwarding": "0",
                          "kernel.hostname": "x"}


def rlimits(c):
    p = c["process"]
    p["rlimits"] = [{"type": t, "hard": 18446744073709551615, "soft": 1024}
                    for t in ["RLIMIT_NOFILE", "RLIMIT_CORE", "RLIMIT_NPROC", "RLIMIT_STACK"]]
    p["user"] = {"uid": 1000, "gid": 1000, "umask": 18, "additionalGids": [1, 2, 3]}
    p["oomScoreAdj"] = -500
    p["noNewPrivileges"] = True
    p["terminal"] = True
    p["consoleSize"] = {"height": 24, "width": 80}


def caps(c):
    names = ["CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID",
             "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE",
             "SYS_ADMIN", "BPF", "CHECKPOINT_RESTORE", "PERFMON"]
    all_caps = ["CAP_" + n for n in names]
    c["process"]["capabilities"] = {"bounding": all_caps, "effective": all_caps,
                                    "permitted": all_caps, "inheritable": all_caps[:5],
                                    "ambient": all_caps[:3]}


def misc(c):
    linux(c)["maskedPaths"] = ["/proc/kcore", "/proc/keys", "/sys/firmware"]
    linux(c)["readonlyPaths"] = ["/proc/sys", "/proc/bus"]
    linux(c)["rootfsPropagation"] = "rslave"
    linux(c)["mountLabel"] = ""
    linux(c)["personality"] = {"domain": "LINUX", "flags": []}
    c["annotations"] = {"io.lxzone.profile": "hardened", "io.lxzone.kernel-version": "5.10.0",
                        "io.lxzone.syscall-patching": "off", "x": "y"}
    c["hostname"] = "h"
    c["domainname"] = "d"
    c["root"]["readonly"] = True


def seeds_oci_config(outdir, lxzone_oci):
    base = spec(lxzone_oci)
    seeds = {"spec": base, "rootless": spec(lxzone_oci, "--rootless")}
    areas = [seccomp, mounts, idmap, hooks, devices, resources, ns_paths, ns_userpath, sysctl,
             rlimits, caps, misc]
    for area in areas:
        seeds[area.__name__] = copy.deepcopy(base)
        area(seeds[area.__name__])
    seeds["all"] = copy.deepcopy(base)
    for area in areas:
        if area not in (idmap, ns_paths, ns_userpath):  # those replace each other's
            area(seeds["all"])
    for name, c in seeds.items():
        write(outdir, name + ".json", json.dumps(c, indent=1).encode())


# --- fuzz_extract --------------------------------------------------------------------------

def entry(name, type=tarfile.REGTYPE, data=b"", pax=None, **kw):
    t = tarfile.TarInfo(name)
    t.type = type
    t.size = len(data) if type == tarfile.REGTYPE else 0
    t.mode = kw.pop("mode", 0o755 if type == tarfile.DIRTYPE else 0o644)
    for k, v in kw.items():
        setattr(t, k, v)
    if pax:
        t.pax_headers = pax
    return t, (io.BytesIO(data) if type == tarfile.REGTYPE else None)


def tar(entries, fmt=tarfile.PAX_FORMAT):
    """A tar without its end-of-archive blocks: smaller inputs, and libarchive does not
    need them."""
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=fmt) as tf:
        for t, f in entries:
            tf.addfile(t, f)
    raw = b.getvalue().rstrip(b"\0")
    return raw + b"\0" * (-len(raw) % 512)


def seeds_extract(outdir):
    D, L, S = tarfile.DIRTYPE, tarfile.LNKTYPE, tarfile.SYMTYPE
    archives = {
        "basic": tar([entry("./", D), entry("etc", D), entry("etc/passwd", data=b"root:x:0:0\n"),
                      entry("bin/sh", data=b"#!x", mode=0o4755), entry("usr/bin/", D)]),
        # the escapes jail_check watches for: each aims at /w/sentinel/victim
        "links": tar([entry("a", data=b"A"), entry("b", L, linkname="a"),
                      entry("c", S, linkname="/etc/x"),
                      entry("d", S, linkname="../../../../w/sentinel"), entry("d/pwn", data=b"p"),
                      entry("e", L, linkname="../sentinel/victim"),
                      entry("f", L, linkname="/w/sentinel/victim"),
                      entry("g", S, linkname="/"), entry("g/w/sentinel/victim", data=b"pwned"),
                      entry("h", L, linkname="g/w/sentinel/victim")]),
        "dotdot": tar([entry("../x", data=b"x"), entry("/abs/y", data=b"y"),
                       entry("a/../../z", data=b"z"), entry("..", D),
                       entry("./.", D, mode=0o7777), entry("//etc//./p", data=b"q")]),
        "whiteout": tar([entry("etc", D), entry("etc/a", data=b"a"), entry("etc/.wh.a"),
                         entry("opq", D), entry("opq/x", data=b"x"), entry("opq/.wh..wh..opq"),
                         entry(".wh..wh..opq"), entry("etc/.wh."), entry("etc/.wh.."),
                         entry("l", S, linkname="/w/sentinel"), entry("l/.wh.victim"),
                         entry("l/.wh..wh..opq")]),
        "devices": tar([entry("dev/null", tarfile.CHRTYPE, devmajor=1, devminor=3),
                        entry("dev/sda", tarfile.BLKTYPE, devmajor=8, devminor=0),
                        entry("fifo", tarfile.FIFOTYPE), entry("fifo/x", data=b"x"),
                        entry("dev/fifo", tarfile.FIFOTYPE)]),
        "long": tar([entry("a" * 200 + "/" + "b" * 200 + "/" + "c" * 100, data=b"long"),
                     entry("x" * 300, S, linkname="y" * 300), entry("d/" * 100 + "f", data=b"deep")]),
        "longgnu": tar([entry("a" * 200 + "/" + "b" * 200, data=b"long"),
                        entry("l", S, linkname="t" * 200)], fmt=tarfile.GNU_FORMAT),
        "pax": tar([entry("xf", data=b"x", pax={
                        "SCHILY.xattr.user.foo": "bar",
                        "SCHILY.xattr.security.capability": "\x01\x00\x00\x02",
                        "SCHILY.xattr.trusted.overlay.opaque": "y", "mtime": "1.5",
                        "uid": "99999999999"}),
                    entry("xd", D, pax={"SCHILY.xattr.system.posix_acl_access": "\x02\x00\x00\x00junk"}),
                    entry("sp", data=b"sparse", pax={"GNU.sparse.size": "1000000", "size": "6"}),
                    entry("replace", D), entry("replace/x", data=b"x"),
                    entry("replace", data=b"file"), entry("replace2", data=b"f"),
                    entry("replace2", D), entry("replace2/y", data=b"y")]),
        # an entry replacing another of another type (cb0e601: a layer's file replaces a
        # lower layer's directory whole), one of them through a symlink to the sentinel
        "replace": tar([entry("d", D), entry("d/sub", D), entry("d/sub/x", data=b"x"),
                        entry("d", data=b"file"), entry("e", D),
                        entry("e", S, linkname="/w/sentinel"), entry("e/victim", data=b"pwn"),
                        entry("f", data=b"f"), entry("f", D), entry("g", D),
                        entry("g/h", data=b"h"), entry("g", L, linkname="g/h"), entry("k", D),
                        entry("k/l", D), entry("k", tarfile.FIFOTYPE)]),
        "whiteout2": tar([entry("etc", D), entry("etc/a", data=b"a"), entry("etc/.wh."),
                          entry("etc/.wh.."), entry("etc/.wh.a"), entry("etc/sub", D),
                          entry("etc/sub/z", data=b"z"), entry("etc/.wh.sub"), entry("etc/sub2", D),
                          entry("etc/sub2/.wh..wh..opq")]),
        "xattr2": tar([entry("xf", data=b"x", pax={
                           "SCHILY.xattr.user.foo": "bar",
                           "SCHILY.xattr.trusted.overlay.opaque": "y", "mtime": "1.5"}),
                       entry("after", data=b"a")]),
        "ustar": tar([entry("dir/", D), entry("dir/f", data=b"u"),
                      entry("dir/l", L, linkname="dir/f")], fmt=tarfile.USTAR_FORMAT),
    }
    for name, raw in archives.items():
        for flag in (0, 4, 8, 12):  # each pass, unwrapped
            write(outdir, f"{name}-{flag}", bytes([flag]) + raw)
    for name in ("links", "whiteout"):
        for flag in (1, 2, 3, 5, 14):  # gzip, zstd, xz; a layer's passes
            write(outdir, f"{name}-w{flag}", bytes([flag]) + archives[name])


# --- fuzz_oci_image ------------------------------------------------------------------------

MT_LAYER = "application/vnd.oci.image.layer.v1.tar"
MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_INDEX = "application/vnd.oci.image.index.v1+json"


def layer(entries):
    ents = []
    for name, typ, data in entries:
        if typ == tarfile.SYMTYPE:
            ents.append(entry(name, typ, linkname=data))
        else:
            ents.append(entry(name, typ, data))
    return tar(ents) + b"\0" * 1024


def j(v):
    """JSON whose "$Sk" strings become bare $Sk: a size is a number once resolved."""
    return re.sub(rb'"(\$S\d)"', rb"\1", json.dumps(v).encode())


def desc(mt, k, **extra):
    return dict({"mediaType": mt, "digest": f"$D{k}", "size": f"$S{k}"}, **extra)


def seeds_oci_image(outdir):
    sep = b"\n---\n"

    def put(name, flag, parts):
        write(outdir, name, bytes([flag]) + sep.join(parts))

    D, R, S = tarfile.DIRTYPE, tarfile.REGTYPE, tarfile.SYMTYPE
    layer1 = layer([("etc", D, b""), ("etc/a", R, b"a"), ("l", S, "/w/sentinel")])
    layer2 = layer([("etc/.wh.a", R, b""), ("l/.wh.victim", R, b""),
                    ("etc/.wh..wh..opq", R, b""), ("etc/b", R, b"b")])

    def config(*diff_ids):
        return j({"architecture": "amd64", "os": "linux",
                  "config": {"Env": ["PATH=/bin"], "Entrypoint": ["/bin/sh"], "Cmd": ["-c", "x"],
                             "WorkingDir": "/", "User": "0"},
                  "rootfs": {"type": "layers", "diff_ids": list(diff_ids)}})

    def manifest(cfg, *layers):
        return j({"schemaVersion": 2, "mediaType": MT_MANIFEST, "config": desc(MT_CONFIG, cfg),
                  "layers": [desc(MT_LAYER, k) for k in layers]})

    # oci:DIR and oci-archive, with and without the tag: index, manifest, config, two layers
    index = j({"schemaVersion": 2, "manifests": [desc(MT_MANIFEST, 1, annotations={
        "org.opencontainers.image.ref.name": "latest"})]})
    for flag in (0, 1, 4, 5):
        put(f"oci-{flag}", flag, [index, manifest(2, 3, 4), config("$D3", "$D4"), layer1, layer2])
    # a nested index with two platforms, one of them missing
    nested = j({"schemaVersion": 2, "manifests": [desc(MT_INDEX, 1)]})
    platforms = j({"schemaVersion": 2, "manifests": [
        {"mediaType": MT_MANIFEST, "digest": "$D9", "size": 1,
         "platform": {"architecture": "arm64", "os": "linux"}},
        desc(MT_MANIFEST, 2, platform={"architecture": "amd64", "os": "linux"})]})
    for flag in (0, 1):
        put(f"nested-{flag}", flag, [nested, platforms, manifest(3, 4), config("$D4"), layer1])
    # two tags
    tags = j({"schemaVersion": 2, "manifests": [
        desc(MT_MANIFEST, 1, annotations={"org.opencontainers.image.ref.name": "latest"}),
        desc(MT_MANIFEST, 1, annotations={"org.opencontainers.image.ref.name": "old"})]})
    for flag in (0, 4):
        put(f"tags-{flag}", flag, [tags, manifest(2, 3), config("$D3"), layer1])
    # docker-archive: by the layer<k>.tar names, and by the blobs' names
    dcfg = {"config": {"Env": ["A=b"], "Cmd": ["/bin/sh"]},
            "rootfs": {"type": "layers", "diff_ids": ["$D2", "$D3"]}}
    put("docker-2", 2, [j([{"Config": "$H1.json", "RepoTags": ["x:latest"],
                             "Layers": ["layer2.tar", "layer3.tar"]}]),
                         j(dcfg), layer1, layer2])
    dcfg["rootfs"]["diff_ids"] = ["$D2"]
    put("docker2-2", 2, [j([{"Config": "blobs/sha256/$H1", "Layers": ["blobs/sha256/$H2"]}]),
                          j(dcfg), layer1])

    # kind 3: a real oci-archive, digests computed here
    def sha(b):
        return hashlib.sha256(b).hexdigest()

    def real(mt, b):
        return {"mediaType": mt, "digest": "sha256:" + sha(b), "size": len(b)}

    cfg = json.dumps({"config": {"Cmd": ["/bin/sh"]},
                      "rootfs": {"type": "layers", "diff_ids": ["sha256:" + sha(layer1)]}}).encode()
    man = json.dumps({"schemaVersion": 2, "config": real(MT_CONFIG, cfg),
                      "layers": [real(MT_LAYER, layer1)]}).encode()
    idx = json.dumps({"schemaVersion": 2, "manifests": [real(MT_MANIFEST, man)]}).encode()
    raw = layer([("oci-layout", R, b'{"imageLayoutVersion":"1.0.0"}'), ("index.json", R, idx)] +
                [("blobs/sha256/" + sha(b), R, b) for b in (man, cfg, layer1)])
    write(outdir, "raw-3", bytes([3]) + raw)


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("oci_config", "extract", "oci_image") or \
            (sys.argv[1] == "oci_config") != (len(sys.argv) == 4):
        sys.exit(__doc__)
    outdir = sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    if sys.argv[1] == "oci_config":
        seeds_oci_config(outdir, sys.argv[3])
    elif sys.argv[1] == "extract":
        seeds_extract(outdir)
    else:
        seeds_oci_image(outdir)


if __name__ == "__main__":
    main()
