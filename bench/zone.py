"""The measuring half of bench/zone.sh: python3 zone.py LXZONE TMPDIR N SIZE_MIB QUICK [ONLY [LOAD]].

Every command is started with posix_spawn and timed from spawn to reap (perf_counter), so
both sides of a comparison pay the same small start-up cost.  Comparisons alternate their
two sides, so drift on this shared machine hits both alike.
"""
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

lxzone, tmp, n, size_mib, quick = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
# "exec": the exec / nsenter pairs alone; "files": the 12k-file tree's figures alone
only = sys.argv[6] if len(sys.argv) > 6 else ""
# busy loops running beside the 12k-file pairs (bench/zone.sh --load K): a loaded machine
hog_count = int(sys.argv[7]) if len(sys.argv) > 7 and sys.argv[7] else 0
store = os.environ["LXZONE_ROOT"]
devnull = os.open(os.devnull, os.O_RDWR)
missing = []


def run(argv, check=True):
    """Seconds from spawn to reap of argv (stdout/stderr to /dev/null)."""
    fa = [(os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, devnull, 1),
          (os.POSIX_SPAWN_DUP2, devnull, 2)]
    t0 = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=fa)
    _, st = os.waitpid(pid, 0)
    dt = time.perf_counter() - t0
    if check and os.waitstatus_to_exitcode(st) != 0:
        # say what failed, with its message
        r = subprocess.run(argv, capture_output=True, text=True)
        sys.exit("zone.py: %s: status %d: %s" % (" ".join(argv), os.waitstatus_to_exitcode(st),
                                                   (r.stderr or r.stdout).strip()))
    return dt


def lx(*args, check=True):
    return run([lxzone] + list(args), check)


def ms(s):
    return "%.1f ms" % (s * 1e3)


def med(xs):
    return statistics.median(xs) if xs else None


def spread(xs):
    """min .. max, to show how noisy a figure was."""
    return "%s .. %s" % (ms(min(xs)), ms(max(xs))) if xs else "NA"


def du_bytes(path):
    total = 0
    for d, _, files in os.walk(path):
        for f in files:
            p = os.path.join(d, f)
            if not os.path.islink(p):
                total += os.lstat(p).st_size
    return total


def init_pid(zone):
    with open(os.path.join(store, zone, "state.json")) as f:
        return json.load(f)["init-pid"]


load_before = open("/proc/loadavg").read().split()[:3]
print("lxzone zone figures: kernel %s, %d CPUs, N=%d, store %s" %
      (platform.release(), os.cpu_count(), n, store))
print()

# --- boot to first command -------------------------------------------------------------
lx("create", "b", "--image", "builtin:busybox")
boot, first, both = [], [], []
for i in range(n if not only else 0):
    t_boot = lx("boot", "b")
    t_exec = lx("exec", "b", "--", "/bin/true")
    boot.append(t_boot)
    first.append(t_exec)
    both.append(t_boot + t_exec)
    lx("halt", "b")
if not only:
    print("boot to first command (busybox zone, `boot` + `exec -- /bin/true`), %d runs:" % n)
    print("  boot + first exec  median %s  (%s)   target <= 50 ms" % (ms(med(both)), spread(both)))
    print("  boot alone         median %s" % ms(med(boot)))
    print("  first exec         median %s" % ms(med(first)))
    print()


def gone_names():
    """The hidden .gone- trees a detached removal (destroy, uninstall) is still deleting."""
    out = []
    for d in [store] + [os.path.join(store, z) for z in os.listdir(store)]:
        if os.path.isdir(d):
            out += [os.path.join(d, x) for x in os.listdir(d) if x.startswith(".gone-")]
    return out


def wait_gone(t0, limit=900):
    """Seconds from t0 until no detached removal is left (its files are gone), polling."""
    while gone_names():
        if time.perf_counter() - t0 > limit:
            sys.exit("zone.py: a detached removal did not end in %d s: %s" %
                     (limit, " ".join(gone_names())))
        time.sleep(0.02)
    return time.perf_counter() - t0


def hogs(k):
    """k busy loops (the machine "under load"), for --load; stopped with stop_hogs."""
    return [subprocess.Popen(["sh", "-c", "while :; do :; done"]) for _ in range(k)]


def stop_hogs(ps):
    for p in ps:
        p.kill()
        p.wait()


def many_files():
    """Copy clone, snapshot, destroy, uninstall of a 12k-file tree against cp -a / rm -rf.

    destroy and uninstall return once the tree is renamed out of reach and a detached process
    deletes it (zone_rmtree_later_at); each pair also times, from the same start, until that
    process is done ("until gone"), and no pair starts while one still runs, so a removal in
    the background never slows the next pair's side."""
    lx("create", "many", "--golden", "--image", "builtin:busybox")
    tree = os.path.join(store, "many", "root", "usr", "share", "many")
    nfiles = 12000 if not quick else 600
    blob = os.urandom(8192)
    for k in range(nfiles):
        d = os.path.join(tree, "d%03d" % (k // 100))
        if k % 100 == 0:
            os.makedirs(d)
        with open(os.path.join(d, "f%05d" % k), "wb") as f:
            f.write(blob[: (k * 37) % 8192])
    subprocess.run(["sync"])
    pairs = {"clone --method copy / cp -a": [], "snapshot / cp -a": [],
             "destroy / rm -rf": [], "destroy until gone / rm -rf": [],
             "uninstall / rm -rf": [], "uninstall until gone / rm -rf": []}
    src = os.path.join(store, "many", "root")
    dst = os.path.join(tmp, "cp-many")
    rounds = 3 if not quick else 1

    def paired(name, a_fn, b_fn, i):
        if i % 2 == 0:
            a, b = a_fn(), b_fn()
        else:
            b, a = b_fn(), a_fn()
        pairs[name].append((a, b))

    def removal(name, args, i):
        """lxzone ARGS (a detached removal) against rm -rf of the copy: both figures."""
        got = {}

        def lxside():
            t0 = time.perf_counter()
            got["ret"] = lx(*args)
            got["gone"] = wait_gone(t0)
            return got["ret"]
        paired(name, lxside, lambda: run(["rm", "-rf", dst]), i)
        pairs[name.replace(" /", " until gone /")].append((got["gone"], pairs[name][-1][1]))

    load = hogs(hog_count)
    try:
        for i in range(rounds):
            paired("clone --method copy / cp -a",
                   lambda: lx("clone", "many", "c-many", "--method", "copy"),
                   lambda: run(["cp", "-a", src, dst]), i)
            subprocess.run(["sync"])
            removal("destroy / rm -rf", ("destroy", "c-many"), i)
            paired("snapshot / cp -a", lambda: lx("snapshot", "many", "s%d" % i),
                   lambda: run(["cp", "-a", src, dst]), i)
            run(["rm", "-rf", dst])
            lx("clone", "many", "u-many", "--method", "copy")
            run(["cp", "-a", src, dst])
            subprocess.run(["sync"])
            removal("uninstall / rm -rf", ("uninstall", "u-many"), i)
            lx("destroy", "u-many")
            wait_gone(time.perf_counter())
            subprocess.run(["sync"])
    finally:
        stop_hogs(load)
    files = sum(len(fs) + len(ds) for _, ds, fs in os.walk(src))
    print("a tree of %d entries (a busybox root and %d small files), %d alternating pairs%s:" %
          (files, nfiles, rounds, ", %d busy loops beside" % hog_count if hog_count else ""))
    for name, ps in pairs.items():
        a = [x for x, _ in ps]
        b = [y for _, y in ps]
        if not ps:
            missing.append(name)
            continue
        print("  %-32s lxzone median %s  tool median %s  ratio x%.2f (%s)   target <= x1.2" %
              (name, ms(med(a)), ms(med(b)), med([x / y for x, y in ps]),
               " ".join("%.2f" % (x / y) for x, y in ps)))
    print()


if only == "files":
    many_files()
    print("load average %s -> %s" % (" ".join(load_before),
                                     " ".join(open("/proc/loadavg").read().split()[:3])))
    sys.exit(1 if missing else 0)

# --- exec vs nsenter -------------------------------------------------------------------
lx("boot", "b")
pid = str(init_pid("b"))
lx("exec", "b", "--", "/bin/true")  # warm
ex, ns, ratios = [], [], []
for i in range(max(n, 2) * 2):
    if i % 2:
        a = lx("exec", "b", "--", "/bin/true")
        b = run(["nsenter", "-a", "-t", pid, "/bin/true"])
    else:
        b = run(["nsenter", "-a", "-t", pid, "/bin/true"])
        a = lx("exec", "b", "--", "/bin/true")
    ex.append(a)
    ns.append(b)
    ratios.append(a / b)
lx("halt", "b")
print("exec into a running zone, %d alternating pairs (nsenter joins the same namespaces and"
      % len(ex))
print("runs the same busybox `true`, without the zone's cgroups, filter and brand):")
print("  lxzone exec b -- /bin/true          median %s  (%s)" % (ms(med(ex)), spread(ex)))
print("  nsenter -a -t <init> /bin/true      median %s  (%s)" % (ms(med(ns)), spread(ns)))
print("  ratio, median of pairs  x%.2f   target <= x1.2" % med(ratios))
print()
if only:
    print("load average %s -> %s" % (" ".join(load_before),
                                     " ".join(open("/proc/loadavg").read().split()[:3])))
    sys.exit(0)

# --- overlay clones, small and big ----------------------------------------------------
lx("create", "small", "--golden", "--image", "builtin:busybox")
lx("create", "big", "--golden", "--image", "builtin:busybox")
data = os.path.join(store, "big", "root", "data")
os.makedirs(data)
chunk = os.urandom(1 << 20)
files = max(1, size_mib // 16)
for k in range(files):  # 16 MiB files, incompressible, not sparse
    with open(os.path.join(data, "blob%03d" % k), "wb") as f:
        for _ in range(16 if size_mib >= 16 else size_mib):
            f.write(chunk)
subprocess.run(["sync"])
big_bytes = du_bytes(os.path.join(store, "big", "root"))
small_bytes = du_bytes(os.path.join(store, "small", "root"))
oc = {"small": [], "big": []}
for i in range(n):
    for src in (("small", "big") if i % 2 == 0 else ("big", "small")):
        oc[src].append(lx("clone", src, "o-" + src, "--method", "overlay"))
        lx("destroy", "o-" + src)
print("overlay clone (`lxzone clone G NEW --method overlay`), %d alternating runs each:" % n)
print("  small zone (%5.1f MiB)  median %s  (%s)" %
      (small_bytes / 2**20, ms(med(oc["small"])), spread(oc["small"])))
print("  big zone   (%5.1f MiB)  median %s  (%s)   target <= 100 ms at any size" %
      (big_bytes / 2**20, ms(med(oc["big"])), spread(oc["big"])))
print()

# --- copy clone vs cp -a -------------------------------------------------------------
cc, cp = [], []
copies = 3 if not quick else 1
dst = os.path.join(tmp, "cp-a")
for i in range(copies):
    for side in (("lxzone", "cp") if i % 2 == 0 else ("cp", "lxzone")):
        if side == "lxzone":
            cc.append(lx("clone", "big", "c-big", "--method", "copy"))
            lx("destroy", "c-big")
        else:
            cp.append(run(["cp", "-a", os.path.join(store, "big", "root"), dst]))
            shutil.rmtree(dst)
        subprocess.run(["sync"])
mib = big_bytes / 2**20
print("copy clone of the big zone (%.1f MiB, page cache warm), %d alternating runs:" %
      (mib, copies))
print("  lxzone clone --method copy   median %s  %.0f MiB/s" % (ms(med(cc)), mib / med(cc)))
print("  cp -a                        median %s  %.0f MiB/s" % (ms(med(cp)), mib / med(cp)))
print()

many_files()

print("load average %s -> %s" % (" ".join(load_before), " ".join(open("/proc/loadavg").read().split()[:3])))

if quick:
    for name, xs in (("boot", both), ("exec", ex), ("nsenter", ns), ("overlay small", oc["small"]),
                     ("overlay big", oc["big"]), ("copy", cc), ("cp -a", cp)):
        if not xs:
            missing.append(name)
    if missing:
        sys.exit("FAIL: no figure for: " + ", ".join(missing))
