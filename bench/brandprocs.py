"""What the brand costs each process of a workload, per run: faults, traps, system calls.

    EV="-e exceptions:page_fault_user -e exceptions:page_fault_kernel \\
        -e signal:signal_deliver -e raw_syscalls:sys_enter"
    perf record $EV -o LX.data -- lxzone-oci run -b BUNDLE ID     # a loop of RUNS runs
    perf record $EV -o RUNC.data -- runc run -b BUNDLE2 ID2       # the same loop
    python3 bench/brandprocs.py --runs RUNS [--brand build/bin/lxzone-brand] LX.data [RUNC.data]

(perf follows the run's processes without -a.)  The bundles are bench/ociprograms.py's: a bash
loop of RUNS runs of one program.  Per process name (the comm at each event: `exe` is a new
image's start under the brand until it names itself), divided by RUNS: the processes, all page
faults, the faults on the brand (its instruction pointer in the brand's image, or its address
in the brand's memory: the 256 MiB under LX_BRAND_BASE and the image's 2 MiB, as
bench/brandfaults.py), the system calls that reached the kernel (a trapped call does not: the
filter answers it before the tracepoint) and the signals, SIGSYS being the traps.  Then each
brand fault by process, user or kernel mode (U, K), error code (0x14 an instruction fetch, 0x4
a read, 0x6 a write, 0x7 a write to a present read-only page: copy-on-write, 0x2 a kernel write),
page and instruction (symbolized with addr2line from --brand).  With a second file, its rows
beside the first's and the system calls whose counts differ, by name and number.  Fault counts
do not move with the machine's load; on this VM each fresh page or code window costs ~15-30 us.
(bench/brandfaults.py --by-symbol reads the brand's faults alone from perf script's output;
this adds every fault, the calls and the traps, and runc's run beside them.)
"""
import argparse
import collections
import re
import subprocess
import sys

BRAND_BASE = 0x7ff000000000  # kernel-shim/brand_abi.h, LX_BRAND_BASE
LO, HI = BRAND_BASE - 0x10000000, BRAND_BASE + 0x200000
RUNTIME = re.compile(r"(lxzone-oci|runc|lxprocfs|perf$)")
EVENT = re.compile(r"\s*(.+?)\s+(\d+)\s+(\S+):\s+(.*)")


def in_brand(v):
    return LO <= v < HI


def load(path):
    """Counters of one perf.data: per name, faults, brand faults and their details, calls."""
    out = subprocess.run(["perf", "script", "-i", path, "-F", "comm,pid,event,trace"],
                         capture_output=True, text=True, check=True).stdout
    c = {k: collections.Counter() for k in ("faults", "brand", "calls", "sigsys", "detail",
                                            "nr")}
    pids = collections.defaultdict(set)
    for line in out.splitlines():
        m = EVENT.match(line)
        if not m or RUNTIME.match(m.group(1)):
            continue
        comm, pid, ev, tr = m.groups()
        pids[comm].add(pid)
        if ev.startswith("exceptions:"):
            addr = int(re.search(r"address=(0x[0-9a-f]+)", tr).group(1), 16)
            ip = re.search(r"ip=(\S+)", tr).group(1)
            err = re.search(r"error_code=(0x[0-9a-f]+)", tr).group(1)
            kind = "K" if "kernel" in ev else "U"
            brand_ip = ip.startswith("0x") and in_brand(int(ip, 16))
            c["faults"][comm] += 1
            if brand_ip or in_brand(addr):
                c["brand"][comm] += 1
                page = "%x" % (addr >> 12 << 12) if in_brand(addr) else "guest"
                who = ip if brand_ip else ("k:" + ip if kind == "K" else "guest")
                c["detail"][(comm, kind, err, page, who)] += 1
        elif ev == "raw_syscalls:sys_enter":
            c["calls"][comm] += 1
            c["nr"][(comm, int(re.search(r"NR (\d+)", tr).group(1)))] += 1
        elif ev == "signal:signal_deliver" and re.search(r"sig=31\b", tr):
            c["sigsys"][comm] += 1
    c["procs"] = collections.Counter({k: len(v) for k, v in pids.items()})
    return c


def symbols(elf, ips):
    if not elf or not ips:
        return {}
    out = subprocess.run(["addr2line", "-f", "-e", elf] + ips, capture_output=True,
                         text=True).stdout.splitlines()
    return {ip: "%s@%s" % (out[2 * i], out[2 * i + 1].rsplit("/", 1)[-1])
            for i, ip in enumerate(ips) if 2 * i + 1 < len(out)}


def syscall_names():
    names = {}
    try:
        with open("/usr/include/x86_64-linux-gnu/asm/unistd_64.h") as f:
            for line in f:
                p = line.split()
                if len(p) == 3 and p[0] == "#define" and p[1].startswith("__NR_"):
                    names[int(p[2])] = p[1][5:]
    except OSError:
        pass
    return names


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, required=True, help="runs of the program in the loop")
    ap.add_argument("--brand", help="the brand image, for symbols (build/bin/lxzone-brand)")
    ap.add_argument("--min", type=float, default=0.3, help="smallest per-run count shown")
    ap.add_argument("data", nargs="+", help="perf.data under lxzone-oci [and under runc]")
    a = ap.parse_args()
    sides = [load(d) for d in a.data[:2]]
    n = float(a.runs)
    names = sorted(set().union(*(s["procs"] for s in sides)),
                   key=lambda k: -max(s["faults"][k] for s in sides))
    head = "%-16s" + " | procs faults  brand  calls sigsys" * len(sides)
    print(head % tuple(["per run"]))
    for k in names:
        row = ["%-16s" % k[:16]]
        for s in sides:
            row.append(" | %5.1f %6.1f %6.1f %6.1f %6.1f" % (
                s["procs"][k] / n, s["faults"][k] / n, s["brand"][k] / n, s["calls"][k] / n,
                s["sigsys"][k] / n))
        print("".join(row))
    d = sides[0]["detail"]
    syms = symbols(a.brand, sorted({k[4] for k in d if k[4].startswith("0x")}))
    print("\nbrand faults per run (%s): process, mode, error, page, instruction" % a.data[0])
    for k, v in sorted(d.items(), key=lambda kv: (kv[0][0], -kv[1])):
        if v / n >= a.min:
            print("%6.1f  %-12s %s %-4s %-12s %s" % (v / n, k[0], k[1], k[2], k[3],
                                                     syms.get(k[4], k[4])))
    if len(sides) == 2:
        calls = syscall_names()
        x, y = sides[0]["nr"], sides[1]["nr"]
        print("\nsystem calls per run that differ: process, call, %s, %s, difference" %
              tuple(a.data[:2]))
        for k in sorted(set(x) | set(y), key=lambda k: -abs(x[k] - y[k])):
            if abs(x[k] - y[k]) / n >= max(a.min, 0.5):
                print("  %-12s %-18s %8.1f %8.1f %+8.1f" % (
                    k[0], "%s(%d)" % (calls.get(k[1], "?"), k[1]), x[k] / n, y[k] / n,
                    (x[k] - y[k]) / n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
