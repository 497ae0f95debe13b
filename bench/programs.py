"""Whole programs, wall time, native vs lxrun (bench/run.sh --programs).

Each program runs natively and as `lxrun -- PROGRAM` alternately; the table gives the
median wall time of each and the median of the per-round ratios. The same programs
anchors.md measured for gVisor, proot and bubblewrap.
"""
import os
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


def main():
    lxrun, rounds, lxargs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    with tempfile.TemporaryDirectory() as work:
        print("| program | native | lxrun | x native, paired |")
        print("|---|---:|---:|---:|")
        for name, cmd in programs(work):
            nat, br, ratios = [], [], []
            wall(cmd)  # warm the page cache
            for _ in range(rounds):
                n = wall(cmd)
                b = wall([lxrun] + lxargs + ["--"] + cmd)
                nat.append(n)
                br.append(b)
                ratios.append(b / n)
            print("| %s | %.1f ms | %.1f ms | %.2f |" % (
                name, statistics.median(nat) * 1e3, statistics.median(br) * 1e3,
                statistics.median(ratios)))


if __name__ == "__main__":
    main()
