"""The brand's cost per exec in an OCI container: runc against lxzone-oci builds, interleaved.

    ociexec.py [--rounds N] [--execs K] [--mode fork|vfork|spawn] [--dynamic]
               [--image IMAGE.tar.zst] BUILD_DIR [BUILD_DIR...]

Each round runs, in random order, one container per runtime (`runc run -b BUNDLE ID` and
`BUILD_DIR/bin/lxzone-oci run -b BUNDLE ID` for every build given, each with a private
--root) whose process is a static program (SPAWN below, built here with the host's gcc)
that forks, execs busybox /bin/true and waits K times (300 by default) and prints the CPU
time and page faults of its children and its own, and the wall time, per exec.  The bundle is the busybox image
of the first build (images/busybox.tar.gz) with `lxzone-oci spec`'s config (no user
namespace: as podman and ctr run containers by default), terminal off.  Prints per runtime the
median CPU time and page faults per exec, and the paired medians (min .. max) of each build's
CPU time over runc's and over the first build's.  The page faults do not depend on the load;
the CPU time does: read it with the load average printed beside it.  Run as root.

--mode picks how the loop spawns (the program is SPAWN below): fork (fork, execve, waitpid:
the default, as bench/execcost.py's FE), vfork (vfork, execve: what gcc's driver does, libiberty's
pex-unix) or spawn (posix_spawn: glibc 2.36's clone3 with CLONE_VM|CLONE_VFORK on a stack of its
own, which the brand traps; GNU make 4.3's way).  --image runs the bundle on a Debian root
(a .tar.zst such as bench/ociprograms.py's h4-bench-bookworm) instead of busybox, so the target,
/bin/true, is a dynamic program; --dynamic links the loop itself dynamically (needs --image).
"""
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile

# The loop: MODE N PROGRAM [ARGS]; prints the children's CPU time, page faults and wall time
# per spawn.  Before the loop it installs handlers for the signals GNU make catches (INT, HUP,
# QUIT, TERM, CHLD...), so a posix_spawn child resets them as it would under make.
SPAWN = r"""
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/wait.h>
static void on_sig(int sig) { (void)sig; }
int main(int argc, char **argv)
{
	char *envp[] = {"PATH=/usr/bin:/bin", "HOME=/tmp", NULL};
	static const int caught[] = {SIGINT, SIGHUP, SIGQUIT, SIGTERM, SIGXCPU, SIGXFSZ};
	struct rusage a, b, sa, sb;
	struct timespec t0, t1;
	int n = atoi(argv[2]), st;
	char mode = argv[1][0];
	for (unsigned i = 0; i < sizeof(caught) / sizeof(caught[0]); i++)
		signal(caught[i], on_sig);
	getrusage(RUSAGE_CHILDREN, &a);
	getrusage(RUSAGE_SELF, &sa);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < n; i++) {
		pid_t p;
		if (mode == 's') {
			if (posix_spawn(&p, argv[3], NULL, NULL, argv + 3, envp))
				return 1;
		} else if ((p = mode == 'v' ? vfork() : fork()) == 0) {
			execve(argv[3], argv + 3, envp);
			_exit(127);
		}
		if (p < 0 || waitpid(p, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_CHILDREN, &b);
	getrusage(RUSAGE_SELF, &sb);
	/* the children's and the loop's own: a spawn's parent side is the loop's */
	double cpu = (b.ru_utime.tv_sec - a.ru_utime.tv_sec + b.ru_stime.tv_sec - a.ru_stime.tv_sec +
		      sb.ru_utime.tv_sec - sa.ru_utime.tv_sec + sb.ru_stime.tv_sec - sa.ru_stime.tv_sec) * 1e6 +
		     (b.ru_utime.tv_usec - a.ru_utime.tv_usec + b.ru_stime.tv_usec - a.ru_stime.tv_usec +
		      sb.ru_utime.tv_usec - sa.ru_utime.tv_usec + sb.ru_stime.tv_usec - sa.ru_stime.tv_usec);
	printf("%.1f %.1f %.1f\n", cpu / n,
	       (double)(b.ru_minflt - a.ru_minflt + sb.ru_minflt - sa.ru_minflt) / n,
	       ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e3 / n);
	return 0;
}
"""
MODES = ("fork", "vfork", "spawn")


def run_one(argv, cwd):
    out = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        sys.exit("%s: exit %d: %s" % (" ".join(argv), out.returncode, out.stderr.strip()))
    cpu, faults, wall = (float(x) for x in out.stdout.split()[:3])
    return cpu, faults, wall


def main():
    args = sys.argv[1:]
    rounds, execs, mode, image, dynamic = 9, 300, "fork", None, False
    while args and args[0].startswith("--"):
        opt = args.pop(0)
        if opt == "--dynamic":
            dynamic = True
            continue
        if not args:
            sys.exit(__doc__)
        val = args.pop(0)
        if opt == "--rounds":
            rounds = int(val)
        elif opt == "--execs":
            execs = int(val)
        elif opt == "--mode" and val in MODES:
            mode = val
        elif opt == "--image":
            image = os.path.abspath(val)
        else:
            sys.exit(__doc__)
    if not args or (dynamic and not image):
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
        if image:
            subprocess.run("zstd -dc '%s' | tar -x -C '%s'" % (image, rootfs), shell=True,
                           check=True)
        else:
            subprocess.run(["tar", "-xzf", os.path.join(builds[0], "images", "busybox.tar.gz"),
                            "-C", rootfs], check=True)
        src = os.path.join(d, "fe.c")
        with open(src, "w") as f:
            f.write(SPAWN)
        subprocess.run(["gcc", "-O2"] + ([] if dynamic else ["-static"]) +
                       ["-o", os.path.join(rootfs, "fe"), src], check=True)
        subprocess.run(sides[1][1] + ["spec", "-b", bundle], check=True)
        cfg_path = os.path.join(bundle, "config.json")
        with open(cfg_path) as f:
            cfg = json.load(f)
        cfg["process"]["args"] = ["/fe", mode, str(execs), "/bin/true"]
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
    print("load average at the end: %s; %d rounds of %d %s+exec of %s /bin/true by a %s loop" %
          (load, rounds, execs, mode, "Debian's" if image else "busybox's",
           "dynamic" if dynamic else "static"))
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
