"""Per-operation ratios to native for lxzone and its peers, side by side in one run.

    peers.py [--rounds N] [--ops "OP ..."] [--lxrun-args "ARGS"] [--png FILE] BUILD_DIR

Runs BUILD_DIR/bin/lxbench-ops natively and under each runtime found here, every round in
a rotating order (drift on this shared machine hits all alike):

  lxzone      BUILD_DIR/bin/lxrun [ARGS] --          (the brand; ARGS e.g. the caps)
  bubblewrap  bwrap --bind / / --dev /dev --proc /proc --unshare-pid
  proot       proot                                  (ptrace)
  runsc       runsc --network=none do                (gVisor, its default platform)

and prints, per operation, the median over rounds of the per-round ratio to native, as a
markdown table.  With --png (gnuplot), draws the ratios as grouped bars on a log scale.
A runtime that is not installed or fails to start is left out with the reason on stderr.
"""
import os
import shutil
import statistics
import subprocess
import sys

OPS = ("getpid pipe_rw open_close stat uname fork_wait thread_join sigaction sigprocmask "
       "raise_handled timer_signal affinity_get affinity_set")


def runtimes(build, lxargs):
    rts = [("native", [])]
    rts.append(("lxzone", [os.path.join(build, "bin/lxrun")] + lxargs.split() + ["--"]))
    if shutil.which("bwrap"):
        rts.append(("bubblewrap", ["bwrap", "--bind", "/", "/", "--dev", "/dev", "--proc",
                                   "/proc", "--unshare-pid"]))
    if shutil.which("proot"):
        rts.append(("proot", ["proot"]))
    if shutil.which("runsc"):
        rts.append(("runsc", ["runsc", "--network=none", "do"]))
    return rts


def once(prefix, bench, ops, ms):
    r = subprocess.run(prefix + [bench, "-m", "-t", str(ms), "-b", "3"] + ops,
                       capture_output=True, text=True, timeout=600, cwd="/tmp")
    out = {}
    for line in r.stdout.splitlines():
        p = line.split()
        if len(p) == 2 and p[1] != "NA":
            out[p[0]] = float(p[1])
    return out, r.stderr.strip()


def main():
    args = sys.argv[1:]
    rounds, ops, lxargs, png, ms = 3, OPS, "", None, 10
    while len(args) > 1 and args[0].startswith("--"):
        opt, val, args = args[0], args[1], args[2:]
        if opt == "--rounds":
            rounds = int(val)
        elif opt == "--ops":
            ops = val
        elif opt == "--lxrun-args":
            lxargs = val
        elif opt == "--png":
            png = val
        elif opt == "--ms":
            ms = int(val)
        else:
            sys.exit(__doc__)
    if len(args) != 1:
        sys.exit(__doc__)
    build = os.path.abspath(args[0])
    bench = os.path.join(build, "bin/lxbench-ops")
    ops = ops.split()
    rts = runtimes(build, lxargs)
    ok = []
    for name, prefix in rts:  # does it start at all?
        got, err = once(prefix, bench, ["getpid"], 1)
        if "getpid" in got:
            ok.append((name, prefix))
        else:
            print("peers.py: %s left out: %s" % (name, err.splitlines()[-1:] or "no output"),
                  file=sys.stderr)
    res = {name: [] for name, _ in ok}
    load0 = open("/proc/loadavg").read().split()[:3]
    for r in range(rounds):
        order = ok[r % len(ok):] + ok[:r % len(ok)]
        for name, prefix in order:
            res[name].append(once(prefix, bench, ops, ms)[0])
        print("round %d/%d done" % (r + 1, rounds), file=sys.stderr)
    load1 = open("/proc/loadavg").read().split()[:3]
    names = [n for n, _ in ok if n != "native"]

    def ratio(name, op):
        rs = [b[op] / a[op] for a, b in zip(res["native"], res[name]) if op in a and op in b]
        return statistics.median(rs) if rs else None

    print("lxbench-ops per-operation ratio to native, median of %d rotating rounds; "
          "lxzone = lxrun %s; load %s -> %s" % (rounds, lxargs or "(no caps)", " ".join(load0),
                                               " ".join(load1)))
    print()
    print("| op | native | " + " | ".join(names) + " |")
    print("|---|---:|" + "---:|" * len(names))
    rows = []
    for op in ops:
        nat = [x[op] for x in res["native"] if op in x]
        if not nat:
            continue
        rs = [ratio(n, op) for n in names]
        rows.append((op, rs))
        print("| %s | %.2f us | %s |" % (op, statistics.median(nat) / 1e3, " | ".join(
            "x%.2f" % x if x else "NA" for x in rs)))
    if png:
        plot(png, names, rows, "lxbench-ops, x native per operation (median of %d rotating rounds, "
             "lxzone = lxrun %s), load %s" % (rounds, lxargs or "(no caps)", load0[0]))


def plot(png, names, rows, title):
    if not shutil.which("gnuplot"):
        print("peers.py: gnuplot not installed, no plot", file=sys.stderr)
        return
    dat = png + ".dat"
    with open(dat, "w") as f:
        f.write("# op " + " ".join(names) + "\n")
        for op, rs in rows:
            f.write(op + " " + " ".join("%.3f" % x if x else "NaN" for x in rs) + "\n")
    script = """set terminal pngcairo size 1200,560 font ",10" noenhanced
set output '%s'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set logscale y
set yrange [0.5:*]
set ylabel "time per operation, x native (log)"
set title "%s"
set xtics rotate by -35
set key top left
set grid ytics
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2
plot %s
""" % (png, title, ", ".join("'%s' using %d:xtic(1) title '%s'" % (dat, i + 2, n)
                     for i, n in enumerate(names)))
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    os.unlink(dat)


if __name__ == "__main__":
    main()
