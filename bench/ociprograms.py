"""Whole programs in OCI containers: lxzone-oci against runc, in one run (issue 16).

    ociprograms.py [--rounds N] [--k K] [--programs LIST] [--command CMD]... [--no-go]
                   [--no-traps] [--quick] [--filter] [--base BASE_BUILD] [--userns]
                   BUILD_DIR [IMAGE]

The programs of bench/zoneprograms.py (python3 start, gcc -c, find /usr, sh -c true, make -j2
of a 16-file C project, a Go net/http server under wrk), each run K=10 times by a shell loop
inside one container (`runc run -b B ID` against `BUILD_DIR/bin/lxzone-oci run -b B ID`), per
round and per runtime.  The time is the loop's own, taken inside the container by bash's
$EPOCHREALTIME (no exec, no system call: the vDSO's clock) before and after the loop, so that
neither the container's start and teardown nor a timer program's exec is measured; divided by
K.  Beside it, the loop's CPU time: the children's user + system time of bash's `times` after
the loop less before it (getrusage: what the machine's load moves least).  Rounds alternate
which runtime goes first (ABBA), after one warm-up of each; prints the medians and the median
of the per-round ratios lxzone-oci/runc, with the interval the ratios' order statistics give
that median at 90 % or more (distribution-free: how many rounds fall below the true median is
binomial; 11 rounds give the 3rd to the 9th ratio, 93 %), and the load average.

Both runtimes run the same rootfs directory (IMAGE, a .tar.zst of a Debian root with gcc,
make and python3, unpacked once into a temporary directory; default: the cached
h4-bench-bookworm image, made by images/debian-image.sh when missing) from two bundles whose
config.json is `lxzone-oci spec`'s with: the loop as args, terminal false, a writable root,
memory limit 1 GiB, CPU quota 100000/100000 and cpuset 0 (the zone's memory=1G cpus=1; given
explicitly, since lxzone-oci would pick cpuset 0 from the quota and runc would not), a tmpfs
/tmp (lxzone-oci always mounts one; runc only when asked: gcc's temporaries go there for
both), and the cgroup $LXZONE_CGROUP_PARENT/ID for both.  Network: the spec's own network
namespace, loopback up (both runtimes do that); wrk reaches the Go server from the host
through `nsenter -n` into the container's namespace, pinned to the last CPU.  The make
project is rebuilt whole by every iteration (`make -B`: the same work whatever the last run
left), gcc's object is on the container's own tmpfs: neither runtime leaves anything that
changes the other's runs.

With --filter, a third side: runc with a seccomp filter (linux.seccomp allowing everything but
two calls, as small as a profile gets), to show what any filter costs these programs natively
(podman applies its default profile to every container; every call of a filtered process
pays the filter's entry, which the brand's filter costs too).  The three sides take turns
going first; the rows add its time, its ratio to runc and lxzone-oci's ratio to it.  The
verdict stays lxzone-oci against plain runc.

With --base BASE_BUILD, another side: BASE_BUILD's lxzone-oci (an earlier build, or one with a
change under test), taking its turn with the others; the rows add its time, its ratio to runc and
lxzone-oci's ratio to it (the paired median of BUILD_DIR over BASE_BUILD, with its interval): a
change's effect, measured in one run beside runc, as stops 36 and 38 did (docs/performance.md).

--command CMD (repeatable) adds a row whose loop body is CMD (a shell command run K times by
the container's bash, its first word looked up in the image as the programs' probes are), e.g.
`--command '/usr/bin/as --version >/dev/null'` for what one exec of a program costs, the
shell's fork with it.  With --programs and no program of the list, only the commands run.

With --userns, every container (all sides) runs in a user namespace of its own whose ids 0-65535
are the host's 300000-365535, as Kubernetes' user-namespaced pods and podman's --userns=auto
run them; the unpacked rootfs's owners are shifted by 300000 to match (runc 1.1 has no
idmapped root).  There the brand lets the kernel run programs through the user namespace's
binfmt_misc entry, so an exec and /proc/self/exe are the kernel's (docs/architecture.md).

Every container prints its /proc/meminfo MemTotal and /proc/self/status Seccomp line before
its loop: under lxzone-oci the brand shows the 1 GiB limit and a filter (Seccomp: 2), under
runc the host's memory and no filter (the config has no linux.seccomp); any other answer
stops the bench, so that it never measures runc twice (or the brand twice).

Then, where strace is installed (not with --no-traps), the brand's traps of one run of each
program in an lxzone-oci container, by system call: counts the load does not move, which say
where a ratio above 1 comes from.  --programs picks programs by the name zoneprograms.py
probes them with (python3, gcc, find, sh, make; go for the Go server).

--quick: one round, K=2, sh and python3 only, no Go server, no trap counts, and never makes
the image (the bench-ociprograms-smoke test).  Needs root, runc and zstd; go and wrk for the
Go row, strace for the trap counts.  Exit 77 with the reason when a prerequisite is missing.
"""
import copy
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

import server
import zoneprograms
from zoneprograms import PROGRAMS, build_go_server, go_wrk, write_make_project

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGE_NAME = "h4-bench-bookworm"
IMAGE_PACKAGES = "gcc,libc6-dev,make,nginx-light,procps,python3"
MEMORY = 1 << 30
# --filter's profile: everything allowed but two calls no program here makes
FILTER = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
          "syscalls": [{"names": ["kexec_load", "open_by_handle_at"], "action": "SCMP_ACT_ERRNO"}]}
# --userns: the containers' ids 0-65535 are the host's USERNS_BASE..
USERNS_BASE = 300000
# In zoneprograms.py the row "sh -c true" is the builtin `true` run by `lxzone exec ... sh -c`,
# which times lxzone exec's start of a shell; here the time is taken inside the container, so
# the row runs the shell itself.
OCI_PROGRAMS = [(n, p, "sh -c true" if p == "sh" else c) for n, p, c in PROGRAMS]
SCRIPT = ('set -e; exec 3>&1 >/dev/null; grep MemTotal /proc/meminfo >&3; '
          'grep "^Seccomp:" /proc/self/status >&3; times >&3; t0=$EPOCHREALTIME\n%s\n'
          't1=$EPOCHREALTIME; echo "loop $t0 $t1" >&3; times >&3')


def die(msg, code=1):
    print("ociprograms: " + msg, file=sys.stderr)
    sys.exit(code)


class Runtime:
    """One runtime: its binary, a private state root and its own bundle (the shared rootfs)."""
    seq = 0

    def __init__(self, name, binary, tmp, base, rootfs, parent, seccomp=None, userns=False):
        self.name, self.binary, self.seccomp, self.userns = name, binary, seccomp, userns
        self.state = os.path.join(tmp, "state-" + name)
        self.bundle = os.path.join(tmp, "bundle-" + name)
        os.makedirs(self.bundle)
        self.base, self.rootfs, self.parent = base, rootfs, parent
        self.brand = name.startswith("lxzone-oci")
        self.ids = []

    def rt(self, *args):
        return [self.binary, "--root", self.state] + list(args)

    def configure(self, args):
        """A fresh container id, with config.json running args."""
        Runtime.seq += 1
        cid = "ociprog-%d-%d" % (os.getpid(), Runtime.seq)
        c = copy.deepcopy(self.base)
        c["process"]["args"] = args
        c["process"]["terminal"] = False
        c["root"] = {"path": self.rootfs, "readonly": False}
        res = c["linux"].setdefault("resources", {})
        res["memory"] = {"limit": MEMORY}
        res["cpu"] = {"quota": 100000, "period": 100000, "cpus": "0"}
        c["linux"]["cgroupsPath"] = "/%s/%s" % (self.parent, cid)
        c["mounts"] = [m for m in c["mounts"] if m["destination"] != "/tmp"]
        c["mounts"].append({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
                            "options": ["nosuid", "nodev", "mode=1777"]})
        if self.seccomp:
            c["linux"]["seccomp"] = self.seccomp
        if self.userns:
            c["linux"]["namespaces"].append({"type": "user"})
            for key in ("uidMappings", "gidMappings"):
                c["linux"][key] = [{"containerID": 0, "hostID": USERNS_BASE, "size": 65536}]
        with open(os.path.join(self.bundle, "config.json"), "w") as f:
            json.dump(c, f, indent=1)
        return cid

    def check(self, memtotal_kb, seccomp, what):
        """Stop unless this is the brand (lxzone-oci) or runc, with its filter if it has one,
        as it should be."""
        branded = memtotal_kb == MEMORY // 1024 and seccomp == 2
        plain = memtotal_kb != MEMORY // 1024 and seccomp == (2 if self.seccomp else 0)
        if (self.brand and not branded) or (not self.brand and not plain):
            die("%s: %s saw MemTotal %d kB, Seccomp %d: %s" % (
                self.name, what, memtotal_kb, seccomp,
                "not the brand" if self.brand else "not runc as configured"))

    def loop(self, cmd, k):
        """Wall and CPU seconds per run of cmd, from a loop of k runs timed inside one
        container: the clock around the loop, and the shell's children's user + system time
        (bash's `times`: getrusage, what the load moves least)."""
        cid = self.configure(["/bin/bash", "-c", SCRIPT % zoneprograms.loop(cmd, k)])
        p = subprocess.run(self.rt("run", "-b", self.bundle, cid), stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=900)
        lines = p.stdout.splitlines()
        out = {l.split(":")[0].split()[0]: l for l in lines if l}
        if p.returncode != 0 or "loop" not in out or len(lines) != 7:
            die("%s run %s exited %d: %s%s" % (self.name, cmd, p.returncode, p.stdout,
                                             p.stderr[-2000:]))
        self.check(int(out["MemTotal"].split()[1]), int(out["Seccomp"].split()[1]), cmd)
        t0, t1 = (float(x) for x in out["loop"].split()[1:3])
        # the children's line of `times` after the loop, less the one before (the greps)
        cpu = [sum(float(m) * 60 + float(sec) for m, sec in
                   (t.rstrip("s").split("m") for t in lines[i].split())) for i in (3, 6)]
        return (t1 - t0) / k, (cpu[1] - cpu[0]) / k

    def serve(self, args):
        """A detached container running args; its pid."""
        cid = self.configure(args)
        self.ids.append(cid)
        for verb in (["create", "-b", self.bundle, cid], ["start", cid]):
            subprocess.run(self.rt(*verb), check=True, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, timeout=120)
        st = json.loads(subprocess.run(self.rt("state", cid), check=True, capture_output=True,
                                       text=True).stdout)
        return st["pid"]

    def stop(self):
        for cid in self.ids:
            subprocess.run(self.rt("kill", cid, "KILL"), capture_output=True)
            subprocess.run(self.rt("delete", "--force", cid), capture_output=True)
        self.ids = []


def status_field(pid, field):
    with open("/proc/%d/status" % pid) as f:
        return next(l.split()[1] for l in f if l.startswith(field + ":"))


def go_rows(rts, rounds):
    """runc's req/s over lxzone-oci's, per round (ABBA), for the Go server."""
    pids = []
    try:
        for rt in rts:
            pid = rt.serve(["/srv/.zp-gohttp"])
            pids.append(pid)
            server.PORT = 18090
            if not server.wait_ready(pid):
                die("%s: the Go server did not come up" % rt.name)
            # the brand check: the server's own filter, seen from the host, and the MemTotal
            # a process exec'd into its container reads (the brand answers /proc/meminfo
            # inside the process, so the host cannot read it for the container)
            mem = subprocess.run(rt.rt("exec", rt.ids[-1], "grep", "MemTotal", "/proc/meminfo"),
                                 check=True, capture_output=True, text=True).stdout.split()
            rt.check(int(mem[1]), int(status_field(pid, "Seccomp")), "the Go server")
        for pid in pids:
            go_wrk(pid)
        rps = [[], []]
        for r in range(rounds):
            order = (0, 1) if r % 2 == 0 else (1, 0)
            for i in order:
                rps[i].append(go_wrk(pids[i]))
        return rps
    finally:
        for rt in rts:
            rt.stop()


def trap_counts(rt, cmd, tmp):
    """The brand's traps (SIGSYS, by system call) of one run of `sh -c cmd` in a container of
    rt, counted by strace from the host: a count the machine's load does not move."""
    cid = rt.configure(["/bin/sh", "-c", cmd])
    out = os.path.join(tmp, "strace.out")
    subprocess.run(["strace", "-f", "-qq", "-e", "trace=none", "-e", "signal=SIGSYS", "-o", out] +
                   rt.rt("run", "-b", rt.bundle, cid), stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, check=True, timeout=600)
    calls = {}
    with open(out) as f:
        for line in f:
            if "si_syscall=__NR_" in line:
                nr = line.split("si_syscall=__NR_")[1].split(",")[0]
                calls[nr] = calls.get(nr, 0) + 1
    return calls


def shift_owners(root, by):
    """Every file's owner and group under root moved up by `by` (the user namespace's base)."""
    for d, dirs, files in os.walk(root):
        # each directory once: as the walk's d (its parent's dirs would shift it twice)
        for n in [d] + [os.path.join(d, x) for x in files]:
            st = os.lstat(n)
            os.lchown(n, st.st_uid + by, st.st_gid + by)
            if not os.path.islink(n) and st.st_mode & 0o6000:  # chown drops set-id bits
                os.chmod(n, st.st_mode & 0o7777)


def median_ci(xs, level=0.90):
    """The order statistics that bound the median of xs with at least `level` confidence
    (distribution-free: the number of ratios below the true median is Binomial(n, 1/2)),
    as (lo, hi, coverage); (min, max, coverage) when n is too small to do better."""
    xs = sorted(xs)
    n = len(xs)
    cdf, j = 0.0, 0
    # the largest j with P(Bin(n, 1/2) <= j - 1) <= (1 - level) / 2: CI = (x_(j), x_(n-j+1))
    for i in range(n):
        p = cdf + math.comb(n, i) / 2 ** n
        if p > (1 - level) / 2:
            break
        cdf, j = p, i + 1
    if j == 0:  # too few for the level: (min, max), whose coverage is 1 - 2 P(Bin = 0)
        j, cdf = 1, 1 / 2 ** n
    return xs[j - 1], xs[n - j], 1 - 2 * cdf


def uptime():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def image_path(arg, quick):
    if arg:
        if not os.path.exists(arg):
            die("%s: no such image" % arg, 77)
        return arg
    cached = os.path.join(os.environ.get("LXZONE_TEST_CACHE", "/var/cache/lxzone-test"),
                          IMAGE_NAME + ".tar.zst")
    if quick:  # the smoke test never runs debootstrap
        if not os.path.exists(cached):
            die("no cached %s (make it with images/debian-image.sh --include %s --name %s)" %
                (cached, IMAGE_PACKAGES, IMAGE_NAME), 77)
        return cached
    p = subprocess.run([os.path.join(HERE, "../images/debian-image.sh"), "--include",
                        IMAGE_PACKAGES, "--name", IMAGE_NAME], stdout=subprocess.PIPE)
    if p.returncode != 0:
        die("could not make the image (images/debian-image.sh exited %d)" % p.returncode,
            77 if p.returncode == 77 else 1)
    return p.stdout.decode().strip()


def main():
    args = sys.argv[1:]
    rounds, k, only, go, quick, traps, filt = 7, zoneprograms.K, None, True, False, True, False
    userns, base_build, commands = False, None, []
    while args and args[0].startswith("--"):
        opt = args.pop(0)
        if opt == "--quick":
            rounds, k, only, go, quick, traps = 1, 2, ["sh", "python3"], False, True, False
        elif opt == "--no-go":
            go = False
        elif opt == "--no-traps":
            traps = False
        elif opt == "--filter":
            filt = True
        elif opt == "--userns":
            userns = True
        elif opt in ("--rounds", "--k", "--programs", "--base", "--command") and args:
            val = args.pop(0)
            if opt == "--rounds":
                rounds = int(val)
            elif opt == "--k":
                k = int(val)
            elif opt == "--base":
                base_build = os.path.abspath(val)
            elif opt == "--command":
                commands.append(val)
            else:
                only = val.split(",")
        else:
            sys.exit(__doc__)
    if len(args) not in (1, 2):
        sys.exit(__doc__)
    if os.geteuid() != 0:
        die("needs root", 77)
    for tool in ("runc", "zstd", "tar") + (("nsenter", "taskset") if go else ()):
        if not shutil.which(tool):
            die("%s not installed (Debian package %s)" % (tool, tool), 77)
    build = os.path.abspath(args[0])
    lxz = os.path.join(build, "bin/lxzone-oci")
    for b in (build, base_build) if base_build else (build,):
        if not os.access(os.path.join(b, "bin/lxzone-oci"), os.X_OK) or \
                not os.access(os.path.join(b, "bin/lxzone-brand"), os.X_OK):
            die("lxzone-oci or lxzone-brand not built in %s" % b)
    image = image_path(args[1] if len(args) == 2 else None, quick)
    parent = os.environ.get("LXZONE_CGROUP_PARENT", "lxzone-bench")
    os.environ["LXZONE_CGROUP_PARENT"] = parent
    tmp = tempfile.mkdtemp(prefix="lxzone-ociprograms.")
    rts = []
    try:
        rootfs = os.path.join(tmp, "rootfs")
        os.mkdir(rootfs)
        subprocess.run("zstd -dc '%s' | tar -x -C '%s'" % (image, rootfs), shell=True,
                       check=True)
        write_make_project(rootfs)
        if userns:
            shift_owners(rootfs, USERNS_BASE)
            os.chmod(tmp, 0o711)  # mkdtemp's 0700 would keep the containers' root out
        spec = os.path.join(tmp, "spec")
        os.mkdir(spec)
        subprocess.run([lxz, "spec"], cwd=spec, check=True)
        with open(os.path.join(spec, "config.json")) as f:
            base = json.load(f)
        rts = [Runtime("runc", shutil.which("runc"), tmp, base, rootfs, parent, None, userns),
               Runtime("lxzone-oci", lxz, tmp, base, rootfs, parent, None, userns)]
        if filt:
            rts.append(Runtime("runc+filter", shutil.which("runc"), tmp, base, rootfs, parent,
                               FILTER, userns))
        if base_build:
            rts.append(Runtime("lxzone-oci-base", os.path.join(base_build, "bin/lxzone-oci"),
                               tmp, base, rootfs, parent, None, userns))
        print("image %s; memory 1G, cpu quota 1 CPU, cpuset 0; K=%d runs per container, %d "
              "ABBA rounds%s" % (image, k, rounds,
                                 "; a user namespace of each container's own (ids 0-65535: "
                                 "host %d..)" % USERNS_BASE if userns else ""))
        print("start: " + uptime())
        for rt in rts:  # the brand check, printed (every container repeats it silently)
            cid = rt.configure(["/bin/sh", "-c", "grep MemTotal /proc/meminfo; "
                                "grep '^Seccomp:' /proc/self/status"])
            out = subprocess.run(rt.rt("run", "-b", rt.bundle, cid), capture_output=True,
                                 text=True, check=True).stdout.split()
            print("brand check, %s: MemTotal %s kB, Seccomp %s" % (rt.name, out[1], out[4]))
            rt.check(int(out[1]), int(out[4]), "the check")
        print()
        print("Wall time per run (the clock around the loop, inside the container):")
        print()
        head = ("| program | runc | lxzone-oci | x runc, paired median | its 90 % interval | "
                "min .. max |")
        rule = "|---|---:|---:|---:|---:|---:|"
        if filt:
            head += " runc+filter | x runc | lxzone-oci x runc+filter |"
            rule += "---:|---:|---:|"
        if base_build:
            head += " base | x runc | lxzone-oci x base, paired median | its 90 % interval |"
            rule += "---:|---:|---:|---:|"
        print(head)
        print(rule)
        sys.stdout.flush()
        cpu_rows = []
        todo = [(n, p, c) for n, p, c in OCI_PROGRAMS if not only or p in only]
        todo += [("`%s`" % c, c.split()[0], c) for c in commands]
        for name, probe, cmd in todo:
            if subprocess.run(["chroot", rootfs, "/bin/sh", "-c", "command -v " + probe],
                              stdout=subprocess.DEVNULL).returncode != 0:
                print("| %s | (not in the image) | | | | |" % name)
                continue
            for rt in rts:  # warm-up
                rt.loop(cmd, k)
            runs = [[] for _ in rts]  # per runtime, per round: (wall, cpu)
            for r in range(rounds):
                # two sides: ABBA; more: each goes first in turn, the others reversed every
                # other turn
                order = list(range(len(rts)))
                order = order[r % len(order):] + order[:r % len(order)]
                if len(order) > 2 and (r // len(order)) % 2:
                    order[1:] = order[:0:-1]
                for i in order:
                    runs[i].append(rts[i].loop(cmd, k))
            for what, rows in ((0, None), (1, cpu_rows)):
                t = [[x[what] for x in runs[i]] for i in range(len(rts))]
                rs = [y / x for x, y in zip(t[0], t[1])]
                lo, hi, cov = median_ci(rs)
                row = "| %s | %.1f ms | %.1f ms | %.3f | %.3f .. %.3f (%.0f %%) | %.3f .. %.3f |" % (
                    name, statistics.median(t[0]) * 1e3, statistics.median(t[1]) * 1e3,
                    statistics.median(rs), lo, hi, cov * 100, min(rs), max(rs))
                if filt:
                    row += " %.1f ms | %.3f | %.3f |" % (
                        statistics.median(t[2]) * 1e3,
                        statistics.median([y / x for x, y in zip(t[0], t[2])]),
                        statistics.median([y / x for x, y in zip(t[2], t[1])]))
                if base_build:
                    b = t[-1]
                    bs = [y / x for x, y in zip(b, t[1])]
                    blo, bhi, bcov = median_ci(bs)
                    row += " %.1f ms | %.3f | %.3f | %.3f .. %.3f (%.0f %%) |" % (
                        statistics.median(b) * 1e3,
                        statistics.median([y / x for x, y in zip(t[0], b)]),
                        statistics.median(bs), blo, bhi, bcov * 100)
                print(row) if rows is None else rows.append(row)
            sys.stdout.flush()
        if go and (not only or "go" in only):
            if not build_go_server(os.path.join(rootfs, "srv/.zp-gohttp")):
                print("| Go net/http under wrk | (no go or wrk installed) | | | | |")
            else:
                runc_rps, lxz_rps = go_rows(rts[:2], max(rounds, 4))
                rs = [a / b for a, b in zip(runc_rps, lxz_rps)]
                lo, hi, cov = median_ci(rs)
                print("| Go net/http under wrk (req/s; ratio runc's over lxzone-oci's) | %.0f "
                      "| %.0f | %.3f | %.3f .. %.3f (%.0f %%) | %.3f .. %.3f |" % (
                          statistics.median(runc_rps), statistics.median(lxz_rps),
                          statistics.median(rs), lo, hi, cov * 100, min(rs), max(rs)))
        print()
        print("CPU time per run (the loop's children's user + system time, bash's `times`):")
        print()
        print(head)
        print(rule)
        for row in cpu_rows:
            print(row)
        if traps and shutil.which("strace"):
            print()
            print("The brand's traps in one run (lxzone-oci; strace -f -e signal=SIGSYS from the "
                  "host; each under /bin/sh -c, whose own are the first row):")
            print()
            print("| program | traps | by call |")
            print("|---|---:|---|")
            for name, probe, cmd in [("(sh -c : alone)", "sh", ":")] + OCI_PROGRAMS:
                if only and probe not in only:
                    continue
                calls = trap_counts(rts[1], cmd, tmp)
                print("| %s | %d | %s |" % (name, sum(calls.values()), ", ".join(
                    "%s %d" % (c, n) for c, n in sorted(calls.items(), key=lambda x: -x[1]))))
        print()
        print("end: " + uptime())
    finally:
        for rt in rts:
            rt.stop()
        subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
