"""The brand's cost per exec: two lxzone builds against native, interleaved in one run.

    execcost.py [--rounds N] BASE_LXZONE NEW_LXZONE ZONE_A ZONE_B

ZONE_A and ZONE_B are two installed zones of the same image (e.g. `lxzone create Z --memory 1G
--cpus 1 --image IMG`); each round boots one with BASE_LXZONE and the other with NEW_LXZONE,
swapping them every round so neither zone's state favours one build, and runs each workload
as `lxzone exec Z -- /srv/.xc-fe K ARGV...`: a static program (written here, built with the
host's gcc) that forks, execs ARGV and waits K times and prints its children's CPU time (the
total of user and system time is exact, the split is not), page faults and wall time per run.
Native is the same program and files by chroot into ZONE_A's root in a cgroup with the zone's
caps (bench/server.py, cgroup_native).  Sides run in random order within a round.  Prints the
median CPU time per run of each side, the paired medians of the ratios to native and of
new/base (with min .. max), and the median page faults.  Run as root, with the LXZONE_ROOT
and LXZONE_CGROUP_PARENT of the zones.  Above 1 is slower.
"""
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile

from server import cgroup_native, remove_cgroups

FE = r"""
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/wait.h>
int main(int argc, char **argv)
{
	char *envp[] = {"PATH=/usr/bin:/bin", "HOME=/tmp", NULL};
	struct rusage a, b;
	struct timespec t0, t1;
	int n = atoi(argv[1]), st;
	getrusage(RUSAGE_CHILDREN, &a);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < n; i++) {
		pid_t p = fork();
		if (p == 0) {
			execve(argv[2], argv + 2, envp);
			_exit(127);
		}
		if (waitpid(p, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_CHILDREN, &b);
	double cpu = (b.ru_utime.tv_sec - a.ru_utime.tv_sec + b.ru_stime.tv_sec - a.ru_stime.tv_sec) * 1e6 +
		     (b.ru_utime.tv_usec - a.ru_utime.tv_usec + b.ru_stime.tv_usec - a.ru_stime.tv_usec);
	printf("%.1f %.1f %.1f\n", cpu / n, (double)(b.ru_minflt - a.ru_minflt) / n,
	       ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e3 / n);
	return 0;
}
"""
WORKLOADS = [  # name, runs per sample, argv
    ("fork+exec /bin/true", 200, ["/bin/true"]),
    ("sh -c true", 100, ["/bin/sh", "-c", "true"]),
    ("gcc -c hello.c", 10,
     ["/bin/sh", "-c", "gcc -x c -c -o /tmp/.xc.o - <<'C'\nint main(void) { return 0; }\nC\n"]),
    ("python3 -c 'import json, os'", 10, ["/usr/bin/python3", "-c", "import json, os"]),
]


def main():
    args = sys.argv[1:]
    rounds = 8
    if len(args) >= 2 and args[0] == "--rounds":
        rounds, args = int(args[1]), args[2:]
    if len(args) != 4:
        sys.exit(__doc__)
    lx = {"base": args[0], "new": args[1]}
    zones = args[2:]
    store = os.environ.get("LXZONE_ROOT", "/var/lib/lxzone")
    root = os.path.join(store, zones[0], "root")
    with tempfile.TemporaryDirectory() as d:
        open(os.path.join(d, "fe.c"), "w").write(FE)
        subprocess.run(["gcc", "-O2", "-static", "-o", os.path.join(d, "fe"),
                        os.path.join(d, "fe.c")], check=True)
        for z in zones:
            subprocess.run(["cp", os.path.join(d, "fe"),
                            os.path.join(store, z, "root/srv/.xc-fe")], check=True)
    conf = json.loads(subprocess.run([lx["new"], "config", zones[0], "--json"], check=True,
                                     capture_output=True, text=True).stdout)
    mem = conf["memory"] if conf["memory"] != "unlimited" else "max"
    cpus = conf["cpus"] if conf["cpus"] != "unlimited" else str(os.cpu_count())
    cg = cgroup_native(os.environ.get("LXZONE_CGROUP_PARENT", "lxzone-bench"), mem, cpus,
                       "bench-native-execcost")
    join = " && ".join('echo $$ > "%s/cgroup.procs"' % p for p in cg)
    work = [w for w in WORKLOADS
            if subprocess.run(["chroot", root, "/bin/sh", "-c", "command -v " + w[2][0]],
                              stdout=subprocess.DEVNULL).returncode == 0]
    res = {(w[0], k): [] for w in work for k in ("base", "new", "native")}

    def run(argv):
        out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout.split()
        return [float(x) for x in out]

    print("load at start:", " ".join(open("/proc/loadavg").read().split()[:3]))
    try:
        for r in range(rounds):
            side_of = dict(zip(zones, ("base", "new") if r % 2 == 0 else ("new", "base")))
            for z in zones:
                subprocess.run([lx[side_of[z]], "halt", z], capture_output=True)
                subprocess.run([lx[side_of[z]], "boot", z], check=True, capture_output=True)
            for name, k, argv in work:
                sides = {side_of[z]: [lx[side_of[z]], "exec", z, "--", "/srv/.xc-fe", str(k)] + argv
                         for z in zones}
                sides["native"] = ["sh", "-c", join + ' && exec "$@"', "sh", "chroot", root,
                                   "/srv/.xc-fe", str(k)] + argv
                if r == 0:
                    for s in sides.values():
                        run(s)  # warm the page cache
                order = list(sides)
                random.shuffle(order)
                for s in order:
                    res[(name, s)].append(run(sides[s]))
    finally:
        remove_cgroups(cg)
    print("load at end:", " ".join(open("/proc/loadavg").read().split()[:3]))
    print()
    print("| workload | native, CPU per run | base | new | base x native | new x native "
          "| new / base (paired median, min .. max) | page faults native / base / new |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, _, _ in work:
        g = {s: res[(name, s)] for s in ("base", "new", "native")}
        med = {s: statistics.median(x[0] for x in g[s]) for s in g}
        ratio = {s: statistics.median(x[0] / y[0] for x, y in zip(g[s], g["native"]))
                 for s in ("base", "new")}
        nb = [x[0] / y[0] for x, y in zip(g["new"], g["base"])]
        pf = {s: statistics.median(x[1] for x in g[s]) for s in g}
        print("| %s | %.0f µs | %.0f µs | %.0f µs | %.3f | %.3f | %.3f (%.3f .. %.3f) "
              "| %.1f / %.1f / %.1f |" % (name, med["native"], med["base"], med["new"],
                                          ratio["base"], ratio["new"], statistics.median(nb),
                                          min(nb), max(nb), pf["native"], pf["base"], pf["new"]))


if __name__ == "__main__":
    main()
