"""Page faults on the brand's memory per exec, by phase and page, from perf's fault events.

    perf record -e exceptions:page_fault_user -e exceptions:page_fault_kernel -o F -- \\
        lxzone-oci run -b BUNDLE ID          # the bundle of bench/ociexec.py: /fe N /bin/true
    perf script -i F -F comm,pid,event,trace | python3 bench/brandfaults.py

(perf follows the run's processes without -a; with -a, other users' branded processes named
`exe` or `true` count too.)  Counts the faults whose address lies in the brand's range (the 256
MiB under LX_BRAND_BASE and the image's 2 MiB, brand_abi.h and lx_libc.c's lx_mmap_brand: its
image, .bss and emulation stacks; the guest's heap, which the kernel puts after the image,
is not the brand's) per process name: `fe` is the fork child up to its (trapped)
execve, `exe` the new image's start until PR_SET_NAME, `true` the guest; U a fault in user
mode (error code 0x14: an instruction fetch, 0x4 a read, 0x6 a write, 0x7 a write to a page
present read-only: a copy-on-write), K one the kernel took copying to user memory (the
signal frame, a system call's output).  Divided by the number of `true` processes: per exec.

    perf script -i F -F comm,pid,event,trace | python3 bench/brandfaults.py \
        --by-symbol build/bin/lxzone-brand --runs K [--comms cc1,as,gcc]

The second form takes any workload (K runs of a loop in one container, say `gcc -c` as
bench/ociprograms.py runs it): every process's faults whose ip is the brand's or whose
address is the brand image's 2 MiB, by process name, the brand function that faulted (from
the image's symbols, addr2line), the page and the error code, divided by K.
"""
import argparse
import subprocess
import collections
import re
import sys

BRAND_BASE = 0x7ff000000000  # kernel-shim/brand_abi.h, LX_BRAND_BASE
LO, HI = BRAND_BASE - 0x10000000, BRAND_BASE + 0x200000


def by_symbol(image, runs, comms):
    rows = []
    for line in sys.stdin:
        m = re.search(r"^\s*(\S+)\s+(\d+).*address=0x([0-9a-f]+)\s+ip=0x([0-9a-f]+)\s+"
                      r"error_code=(0x[0-9a-f]+)", line)
        if not m:
            continue
        comm, addr, ip, err = m.group(1), int(m.group(3), 16), int(m.group(4), 16), m.group(5)
        image_page = BRAND_BASE <= addr < BRAND_BASE + 0x200000
        if (LO <= ip < HI or image_page) and (not comms or comm in comms):
            rows.append((comm, addr, ip, err, image_page))
    ips = sorted({"%x" % r[2] for r in rows})
    out = subprocess.run(["addr2line", "-f", "-e", image] + ips, capture_output=True,
                         text=True, check=True).stdout.split("\n") if ips else []
    sym = {ips[i]: out[2 * i] for i in range(len(ips))}
    faults, total = collections.Counter(), collections.Counter()
    for comm, addr, ip, err, image_page in rows:
        where = "%x" % (addr >> 12 << 12) if image_page else "guest memory"
        faults[(comm, sym.get("%x" % ip, "guest") if LO <= ip < HI else "guest", where,
                err)] += 1
        total[comm] += 1
    for k, v in sorted(faults.items()):
        print("%6.2f %s" % (v / runs, " ".join(k)))
    print("per run, by process: %s" % ", ".join("%s %.2f" % (k, v / runs)
                                                 for k, v in sorted(total.items())))


def main():
    if len(sys.argv) > 1:
        ap = argparse.ArgumentParser()
        ap.add_argument("--by-symbol", required=True, metavar="BRAND_IMAGE")
        ap.add_argument("--runs", type=float, default=1)
        ap.add_argument("--comms", default="")
        a = ap.parse_args()
        by_symbol(a.by_symbol, a.runs, set(filter(None, a.comms.split(","))))
        return
    faults = collections.Counter()
    total = collections.Counter()
    procs = collections.defaultdict(set)
    for line in sys.stdin:
        f = line.split()
        if len(f) < 4 or f[0] not in ("fe", "exe", "true"):
            continue
        comm, pid = f[0], f[1]
        kind = "K" if "kernel" in f[2] else "U"
        addr = int(re.search(r"address=(0x[0-9a-f]+)", line).group(1), 16)
        ip = re.search(r"ip=(\S+)", line).group(1)
        err = re.search(r"error_code=(0x[0-9a-f]+)", line).group(1)
        procs[comm].add(pid)
        total[comm] += 1
        if LO <= addr < HI:
            who = ip if not re.fullmatch(r"(0x)?[0-9a-f]+", ip) else (
                "brand" if LO <= int(ip, 16) < HI else "guest")
            faults[(comm, kind, "%x" % (addr >> 12 << 12), who, err)] += 1
    n = max(len(procs["true"]), 1)
    print("execs %d; all faults per exec: %s" %
          (n, ", ".join("%s %.1f" % (k, v / n) for k, v in sorted(total.items()))))
    brand = 0.0
    for k, v in sorted(faults.items()):
        if v / n > 0.3:
            print("%5.2f %s" % (v / n, " ".join(k)))
            brand += v / n
    print("brand-memory faults per exec %.1f" % brand)


if __name__ == "__main__":
    main()
