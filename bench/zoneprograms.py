"""Whole programs in a booted zone against the same files natively, in one run.

    zoneprograms.py [--rounds N] LXZONE ZONE

For each program, K=10 runs from one shell: `lxzone exec ZONE -- sh -c LOOP` (under the brand,
in the zone's namespaces and cgroup; lxzone exec's own start is spread over the 10 runs) and
`taskset -c 0 chroot ROOT sh -c LOOP` natively (the zone's own root, so the same binaries and
page cache; CPU 0 because a 1-CPU zone's cpuset is the host's first CPU).  Rounds alternate
which side goes first (ABBA), after one warm-up of each; prints the medians and the median of
the per-round ratios.  Programs that the zone lacks are skipped.  Run as root.
"""
import os
import statistics
import subprocess
import sys
import time

PROGRAMS = [
    ("python3 -c 'import json, os'", "python3", "python3 -c 'import json, os'"),
    ("gcc -c hello.c", "gcc", "gcc -x c -c -o /tmp/.zp.o - <<'C'\nint main(void) { return 0; }\nC\n"),
    ("find /usr", "find", "find /usr >/dev/null"),
    ("sh -c true", "sh", "true"),
]
K = 10


def loop(cmd):
    return "i=0; while [ $i -lt %d ]; do %s\ni=$((i+1)); done" % (K, cmd)


def timed(argv):
    t = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - t) / K


def main():
    args = sys.argv[1:]
    rounds = 9
    if len(args) >= 2 and args[0] == "--rounds":
        rounds, args = int(args[1]), args[2:]
    if len(args) != 2:
        sys.exit(__doc__)
    lxzone, zone = args
    out = subprocess.run([lxzone, "list"], check=True, capture_output=True, text=True).stdout
    path = [l.split()[-1] for l in out.splitlines()[1:] if l.split()[:2] == [zone, "running"]]
    if not path:
        sys.exit("zoneprograms: zone %s is not running" % zone)
    root = os.path.join(path[0], "root")
    print("| program | native (chroot) | zone | x native, paired median | min .. max |")
    print("|---|---:|---:|---:|---:|")
    for name, probe, cmd in PROGRAMS:
        if subprocess.run(["chroot", root, "/bin/sh", "-c", "command -v " + probe],
                          stdout=subprocess.DEVNULL).returncode != 0:
            continue
        z = [lxzone, "exec", zone, "--", "/bin/sh", "-c", loop(cmd)]
        n = ["taskset", "-c", "0", "chroot", root, "/bin/sh", "-c", loop(cmd)]
        timed(z), timed(n)
        zs, ns, rs = [], [], []
        for r in range(rounds):
            if r % 2:
                zt, nt = timed(z), timed(n)
            else:
                nt, zt = timed(n), timed(z)
            zs.append(zt), ns.append(nt), rs.append(zt / nt)
        print("| %s | %.1f ms | %.1f ms | %.3f | %.3f .. %.3f |" % (
            name, statistics.median(ns) * 1e3, statistics.median(zs) * 1e3,
            statistics.median(rs), min(rs), max(rs)))


if __name__ == "__main__":
    main()
