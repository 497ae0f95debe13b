"""lxbench-ops in a booted zone against the same binary natively, with the zone's caps.

    zoneops.py [--rounds N] [--ops "OP ..."] BUILD_DIR ZONE

Copies BUILD_DIR/bin/lxbench-ops into the zone's /srv and runs it as
`lxzone exec ZONE -- /srv/lxbench-ops -m ...` and natively as `chroot ROOT /srv/lxbench-ops`
in cgroups with the zone's caps beside the zone's own (bench/server.py, cgroup_native),
alternating which goes first; prints per operation the medians and the median of the
per-round ratios.  Run as root, with the LXZONE_ROOT and LXZONE_CGROUP_PARENT the zone was
booted with.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys

from server import cgroup_native, remove_cgroups

OPS = ("getpid sigaction sigaction_query sigprocmask sigmask_query sigmask_unblock "
       "raise_handled timer_signal affinity_get affinity_set")


def parse(out):
    res = {}
    for line in out.splitlines():
        p = line.split()
        if len(p) == 2 and p[1] != "NA":
            res[p[0]] = float(p[1])
    return res


def main():
    args = sys.argv[1:]
    rounds, ops = 5, OPS
    while len(args) > 2 and args[0].startswith("--"):
        opt, val, args = args[0], args[1], args[2:]
        if opt == "--rounds":
            rounds = int(val)
        elif opt == "--ops":
            ops = val
        else:
            sys.exit(__doc__)
    if len(args) != 2:
        sys.exit(__doc__)
    build, zone = os.path.abspath(args[0]), args[1]
    lxzone = os.path.join(build, "bin/lxzone")
    store = os.environ.get("LXZONE_ROOT", "/var/lib/lxzone")
    root = os.path.join(store, zone, "root")
    conf = json.loads(subprocess.run([lxzone, "config", zone, "--json"], check=True,
                                     capture_output=True, text=True).stdout)
    mem = conf["memory"] if conf["memory"] != "unlimited" else "max"
    cpus = conf["cpus"] if conf["cpus"] != "unlimited" else str(os.cpu_count())
    os.makedirs(os.path.join(root, "srv"), exist_ok=True)
    shutil.copy(os.path.join(build, "bin/lxbench-ops"), os.path.join(root, "srv/lxbench-ops"))
    cg = cgroup_native(os.environ.get("LXZONE_CGROUP_PARENT", "lxzone-bench"), mem, cpus,
                       "bench-native-ops")
    bench = ["/srv/lxbench-ops", "-m", "-t", "10", "-b", "5"] + ops.split()
    join = " && ".join('echo $$ > "%s/cgroup.procs"' % p for p in cg)
    native = ["sh", "-c", join + ' && exec "$@"', "sh", "chroot", root] + bench
    inzone = [lxzone, "exec", zone, "--"] + bench
    nat, zon = [], []
    load0 = open("/proc/loadavg").read().split()[:3]
    try:
        for r in range(rounds):
            pair = [(native, nat), (inzone, zon)]
            for argv, acc in (pair if r % 2 == 0 else pair[::-1]):
                acc.append(parse(subprocess.run(argv, check=True, capture_output=True,
                                                text=True).stdout))
    finally:
        remove_cgroups(cg)
    load1 = open("/proc/loadavg").read().split()[:3]
    print("lxbench-ops in zone %s (memory %s, cpus %s) against native in cgroups with the same "
          "caps; %d alternating rounds; load %s -> %s" % (zone, mem, cpus, rounds,
                                                          " ".join(load0), " ".join(load1)))
    print()
    print("| op | native | zone | x native, paired median |")
    print("|---|---:|---:|---:|")
    for op in ops.split():
        rs = [z[op] / n[op] for n, z in zip(nat, zon) if op in n and op in z]
        if not rs:
            print("| %s | NA | NA | NA |" % op)
            continue
        print("| %s | %.2f us | %.2f us | %.2f |" % (
            op, statistics.median(n[op] for n in nat if op in n) / 1e3,
            statistics.median(z[op] for z in zon if op in z) / 1e3, statistics.median(rs)))


if __name__ == "__main__":
    main()
