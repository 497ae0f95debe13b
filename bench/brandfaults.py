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
"""
import collections
import re
import sys

BRAND_BASE = 0x7ff000000000  # kernel-shim/brand_abi.h, LX_BRAND_BASE
LO, HI = BRAND_BASE - 0x10000000, BRAND_BASE + 0x200000


def main():
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
