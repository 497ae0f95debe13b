"""The brand's cost per exec in an OCI container: runc against lxzone-oci builds, interleaved.

    ociexec.py [--rounds N] [--execs K] BUILD_DIR [BUILD_DIR...]

Each round runs, in random order, one container per runtime (`runc run -b BUNDLE ID` and
`BUILD_DIR/bin/lxzone-oci run -b BUNDLE ID` for every build given, each with a private
--root) whose process is a static program (bench/execcost.py's FE, built here with the
host's gcc) that forks, execs busybox /bin/true and waits K times (300 by default) and prints
its children's CPU time, page faults and wall time per exec.  The bundle is the busybox image
of the first build (images/busybox.tar.gz) with `lxzone-oci spec`'s config (no user
namespace: as podman and ctr run containers by default), terminal off.  Prints per runtime the
median CPU time and page faults per exec, and the paired medians (min .. max) of each build's
CPU time over runc's and over the first build's.  The page faults do not depend on the load;
the CPU time does: read it with the load average printed beside it.  Run as root.
"""
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile

from execcost import FE


def run_one(argv, cwd):
    out = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        sys.exit("%s: exit %d: %s" % (" ".join(argv), out.returncode, out.stderr.strip()))
    cpu, faults, wall = (float(x) for x in out.stdout.split()[:3])
    return cpu, faults, wall


def main():
    args = sys.argv[1:]
    rounds, execs = 9, 300
    while args and args[0].startswith("--"):
        if args[0] == "--rounds":
            rounds = int(args[1])
        elif args[0] == "--execs":
            execs = int(args[1])
        else:
            sys.exit(__doc__)
        args = args[2:]
    if not args:
        sys.exit(__doc__)
    builds = [os.path.abspath(b) for b in args]
    runc = shutil.which("runc")
    if not runc:
        sys.exit("ociexec.py: runc not installed")
    sides = [("runc", [runc])]
    for i, b in enumerate(builds):
        name = os.path.basename(os.path.dirname(b)) or b
        sides.append(("%d:%s" % (i, name), [os.path.join(b, "bin", "lxzone-oci")]))
    with tempfile.TemporaryDirectory(prefix="lxzone-ociexec.") as d:
        bundle = os.path.join(d, "bundle")
        rootfs = os.path.join(bundle, "rootfs")
        os.makedirs(rootfs)
        subprocess.run(["tar", "-xzf", os.path.join(builds[0], "images", "busybox.tar.gz"),
                        "-C", rootfs], check=True)
        src = os.path.join(d, "fe.c")
        with open(src, "w") as f:
            f.write(FE)
        subprocess.run(["gcc", "-O2", "-static", "-o", os.path.join(rootfs, "fe"), src],
                       check=True)
        subprocess.run(sides[1][1] + ["spec", "-b", bundle], check=True)
        cfg_path = os.path.join(bundle, "config.json")
        with open(cfg_path) as f:
            cfg = json.load(f)
        cfg["process"]["args"] = ["/fe", str(execs), "/bin/true"]
        cfg["process"]["terminal"] = False
        with open(cfg_path, "w") as f:
            json.dump(cfg, f)
        res = {name: [] for name, _ in sides}
        for name, _ in sides:
            os.makedirs(os.path.join(d, "root", name.replace(":", "_")), exist_ok=True)
        n = 0
        for r in range(rounds + 1):  # round 0 is a warm-up (page cache), not counted
            order = list(sides)
            random.shuffle(order)
            for name, cmd in order:
                n += 1
                root = os.path.join(d, "root", name.replace(":", "_"))
                m = run_one(cmd + ["--root", root, "run", "-b", bundle, "xc%d-%d" % (os.getpid(), n)],
                            d)
                if r:
                    res[name].append(m)
        with open("/proc/loadavg") as f:
            load = " ".join(f.read().split()[:3])
    print("load average at the end: %s; %d rounds of %d fork+exec of /bin/true" %
          (load, rounds, execs))
    print("%-24s %12s %12s %14s %22s %22s" % ("runtime", "CPU/exec", "faults/exec",
                                              "wall/exec", "x runc (paired)", "x build 0 (paired)"))
    base = sides[1][0]
    for name, _ in sides:
        cpu = statistics.median(m[0] for m in res[name])
        flt = statistics.median(m[1] for m in res[name])
        wall = statistics.median(m[2] for m in res[name])

        def paired(other):
            q = [a[0] / b[0] for a, b in zip(res[name], res[other])]
            return "%.3f (%.3f .. %.3f)" % (statistics.median(q), min(q), max(q))
        print("%-24s %9.0f us %12.1f %11.0f us %22s %22s" %
              (name, cpu, flt, wall, paired("runc"), paired(base)))


if __name__ == "__main__":
    main()
