"""Whole programs, wall time, native vs lxrun (bench/run.sh --programs).

    programs.py [--only SUBSTR,...] [--inner K] [--no-inner] [--native-cpus LIST]
                LXRUN ROUNDS [LXRUN OPTIONS...]

--native-cpus LIST runs the native side under `taskset -c LIST`: with `--cpus N` the brand
side runs on the cgroup's cpuset (the host's first N CPUs), and on a VM shared with other
work an unpinned native side has more CPUs to dodge the load on.

Two tables, both interleaved so that drift on a shared VM hits both sides alike (each round
runs native and lxrun back to back, the order alternating ABBA-style from round to round,
after two warm-up runs of each):

1. "own lxrun": each program started by its own `lxrun [OPTIONS] -- PROGRAM`, as a user
   would type it; lxrun's start-up (launcher, cgroup, filter build, brand loading) is in
   every figure.
2. "inside one lxrun": K runs of the program from one shell, `sh -c 'for ...; do PROGRAM;
   done'`, natively and as `lxrun [OPTIONS] -- sh -c ...` (as a zone runs programs: the
   brand's cost on the program, its exec re-entry included, without lxrun's start-up).

Per program: median wall time of each side, the median of the per-round ratios (paired),
and their spread: the interquartile range and the min..max of the per-round ratios.
"""
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def programs(work):
    hello = os.path.join(work, "hello.c")
    with open(hello, "w") as f:
        f.write("#include <stdio.h>\nint main(void) { puts(\"hello\"); return 0; }\n")
    progs = [
        ("/bin/true", ["/bin/true"]),
        ("sh -c true", ["/bin/sh", "-c", "true"]),
        ("python3 -c 'import json, os'", ["/usr/bin/python3", "-c", "import json, os"]),
    ]
    if shutil.which("gcc"):
        progs.append(("gcc -c hello.c", ["gcc", "-c", "-o", os.path.join(work, "hello.o"), hello]))
    if os.path.isdir("/usr/include"):
        progs.append(("find /usr/include", ["find", "/usr/include"]))
    return progs


def wall(cmd):
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t0


def quartiles(xs):
    xs = sorted(xs)
    if len(xs) < 4:
        return xs[0], xs[-1]
    q = statistics.quantiles(xs, n=4)
    return q[0], q[2]


def measure(native_cmd, brand_cmd, rounds):
    """Interleaved, order alternating per round: (native times, brand times, ratios)."""
    for _ in range(2):
        wall(native_cmd)
        wall(brand_cmd)
    nat, br, ratios = [], [], []
    for i in range(rounds):
        if i % 2 == 0:
            n = wall(native_cmd)
            b = wall(brand_cmd)
        else:
            b = wall(brand_cmd)
            n = wall(native_cmd)
        nat.append(n)
        br.append(b)
        ratios.append(b / n)
    return nat, br, ratios


def row(name, nat, br, ratios, per=1):
    lo, hi = quartiles(ratios)
    return "| %s | %.1f ms | %.1f ms | %.3f | %.3f .. %.3f | %.3f .. %.3f |" % (
        name, statistics.median(nat) * 1e3 / per, statistics.median(br) * 1e3 / per,
        statistics.median(ratios), lo, hi, min(ratios), max(ratios))


HEADER = ("| program | native | lxrun | x native, paired median | IQR | min .. max |\n"
          "|---|---:|---:|---:|---:|---:|")


def main():
    args = sys.argv[1:]
    only, inner, do_inner, pin = None, 10, True, []
    while args and args[0].startswith("--"):
        if args[0] == "--only":
            only = args[1].split(",")
            args = args[2:]
        elif args[0] == "--inner":
            inner = int(args[1])
            args = args[2:]
        elif args[0] == "--native-cpus":
            pin = ["taskset", "-c", args[1]]
            args = args[2:]
        elif args[0] == "--no-inner":
            do_inner = False
            args = args[1:]
        else:
            sys.exit("programs.py: unknown option %s" % args[0])
    lxrun, rounds, lxargs = args[0], int(args[1]), args[2:]
    with tempfile.TemporaryDirectory() as work:
        progs = [(n, c) for n, c in programs(work)
                 if only is None or any(o in n for o in only)]
        print("Each with its own lxrun (%d interleaved rounds; lxrun %s):"
              % (rounds, " ".join(lxargs) or "without options"))
        print()
        print(HEADER)
        for name, cmd in progs:
            nat, br, ratios = measure(pin + cmd, [lxrun] + lxargs + ["--"] + cmd, rounds)
            print(row(name, nat, br, ratios), flush=True)
        if not do_inner:
            return
        print()
        print("Inside one lxrun: %d runs from one shell per round, time per run "
              "(%d interleaved rounds):" % (inner, rounds))
        print()
        print(HEADER)
        for name, cmd in progs:
            loop = "i=0; while [ $i -lt %d ]; do %s >/dev/null 2>&1; i=$((i+1)); done" % (
                inner, " ".join(shlex.quote(a) for a in cmd))
            sh = ["/bin/sh", "-c", loop]
            nat, br, ratios = measure(pin + sh, [lxrun] + lxargs + ["--"] + sh, rounds)
            print(row(name, nat, br, ratios, inner), flush=True)


if __name__ == "__main__":
    main()
