"""lxrun's start-up, several builds side by side: wall time of `/bin/true`.

    startup.py [--rounds N] [--caps "LXRUN OPTIONS"] NAME=LXRUN [NAME=LXRUN ...]

Per round, natively and, for each LXRUN, `LXRUN -- /bin/true` and `LXRUN CAPS -- /bin/true`
(CAPS default: --memory 256M --cpus 1), the order reversed every other round so that drift
on a shared VM hits every column alike, after one warm-up run of each.  Prints the median and
the interquartile range of each.  Each LXRUN uses the brand image beside it (lxzone-brand in
its directory) unless LXZONE_BRAND_IMAGE is set.  The point is comparing builds (before and
after a launcher change) in one window, which sequential bench runs on this VM cannot.
"""
import os
import shlex
import statistics
import subprocess
import sys
import time


def wall(cmd, env):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main():
    args = sys.argv[1:]
    rounds, caps = 40, "--memory 256M --cpus 1"
    while args and args[0].startswith("--"):
        if args[0] == "--rounds":
            rounds = int(args[1])
        elif args[0] == "--caps":
            caps = args[1]
        else:
            sys.exit("startup.py: unknown option %s" % args[0])
        args = args[2:]
    if not args:
        sys.exit(__doc__)
    cases = [("native", ["/bin/true"], None)]
    for spec in args:
        name, _, lxrun = spec.partition("=")
        env = dict(os.environ)
        env.setdefault("LXZONE_BRAND_IMAGE",
                       os.path.join(os.path.dirname(os.path.abspath(lxrun)), "lxzone-brand"))
        cases.append((name + " plain", [lxrun, "--", "/bin/true"], env))
        cases.append((name + " caps", [lxrun] + shlex.split(caps) + ["--", "/bin/true"], env))
    for _, cmd, env in cases:
        wall(cmd, env)
    times = {name: [] for name, _, _ in cases}
    for i in range(rounds):
        for name, cmd, env in (cases if i % 2 == 0 else cases[::-1]):
            times[name].append(wall(cmd, env))
    print("lxrun start-up, /bin/true, %d interleaved rounds (caps: %s)" % (rounds, caps))
    print()
    print("| run | median | IQR |")
    print("|---|---:|---:|")
    for name, _, _ in cases:
        q = statistics.quantiles(times[name], n=4)
        print("| %s | %.2f ms | %.2f .. %.2f ms |" % (
            name, statistics.median(times[name]) * 1e3, q[0] * 1e3, q[2] * 1e3))


if __name__ == "__main__":
    main()
