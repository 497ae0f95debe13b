"""Whole programs in a booted zone against the same files natively, in one run.

    zoneprograms.py [--rounds N] LXZONE ZONE

For each program, K=10 runs from one shell: `lxzone exec ZONE -- sh -c LOOP` (under the brand,
in the zone's namespaces and cgroup) and `chroot ROOT sh -c LOOP` natively (the zone's own
root, so the same binaries and page cache, seen as the zone sees it: mount and pid namespaces
of its own, a tmpfs /tmp, a /proc and a /dev), in a cgroup with the zone's caps: memory.max,
cpu.max and the cpuset of the first ceil(N) CPUs, as the zone's own (on a loaded machine a
capped zone and an uncapped native process do not get the same share of CPU 0: that, not the
brand, would be measured).  The root's bash reads the clock around the loop, so what entering
the zone or setting up the native side costs is left out, as in ociprograms.py.  Rounds
alternate which side goes first (ABBA), after one warm-up of each; prints the medians and the
median of the per-round ratios.  Programs that the zone lacks are skipped (all of them without
bash).  Run as root.

`make -j2` builds a small C project (16 files) the script writes into the zone's /srv.
The Go HTTP server (a static net/http binary built here with the host's go, copied into the
zone's /srv) serves `wrk -t1 -c20` on loopback, in the zone (lxzone exec) against the same
binary natively (the capped cgroup, chroot, its own network namespace); its row is native req/s
over the zone's, so that, like the others, above 1 is slower.
"""
import json
import os
import statistics
import subprocess
import sys

import server
from server import cgroup_native, remove_cgroups

PROGRAMS = [
    ("python3 -c 'import json, os'", "python3", "python3 -c 'import json, os'"),
    ("gcc -c hello.c", "gcc", "gcc -x c -c -o /tmp/.zp.o - <<'C'\nint main(void) { return 0; }\nC\n"),
    ("find /usr", "find", "find /usr >/dev/null"),
    ("sh -c true", "sh", "true"),
    # -B, not `clean all`: with -j2 make updates the goals clean and all at once, so every
    # other run found the objects up to date and compiled nothing
    ("make -j2 (16 C files)", "make", "make -s -j2 -B -C /srv/.zp-make all"),
]

GO_SERVER = """package main

import "net/http"

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hello\\n")) })
	http.ListenAndServe("127.0.0.1:18090", nil)
}
"""
K = 10


def loop(cmd, k=K):
    return "i=0; while [ $i -lt %d ]; do %s\ni=$((i+1)); done" % (k, cmd)


def write_make_project(root):
    d = os.path.join(root, "srv/.zp-make")
    os.makedirs(d, exist_ok=True)
    for i in range(16):
        with open(os.path.join(d, "f%d.c" % i), "w") as f:
            f.write("#include <stdio.h>\n#include <string.h>\n"
                    "int f%d(const char *s) { char b[64]; snprintf(b, sizeof b, \"%%s%d\", s);"
                    " return (int)strlen(b); }\n" % (i, i))
    with open(os.path.join(d, "Makefile"), "w") as f:
        f.write("OBJS = %s\nall: libp.a\nlibp.a: $(OBJS)\n\tar rcs $@ $(OBJS)\n"
                "%%.o: %%.c\n\tgcc -O2 -c -o $@ $<\nclean:\n\trm -f *.o libp.a\n"
                % " ".join("f%d.o" % i for i in range(16)))


def native_root(root, argv):
    """argv run natively in root as the zone sees it: its own mount and pid namespaces, a
    tmpfs /tmp (a zone's /tmp is one: gcc's temporary files on disk cost it 3 % in one run
    here), a /proc and the host's /dev (the root's /dev is empty on the host, where
    `>/dev/null` would write a file on disk)."""
    return ["unshare", "-m", "-p", "-f", "--mount-proc=" + os.path.join(root, "proc"),
            "sh", "-c",
            'mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs "$0/tmp" && '
            'mount --rbind /dev "$0/dev" && exec chroot "$0" "$@"', root] + argv


def in_cgroup(cg, argv):
    """argv run from a shell that first moves itself into the cgroups cg."""
    join = " && ".join('echo $$ > "%s/cgroup.procs"' % p for p in cg)
    return ["sh", "-c", join + ' && exec "$@"', "sh"] + argv


def build_go_server(dest):
    """The Go HTTP server, a static binary built with the host's go, at dest; False when go or
    wrk (which measures it) is not installed.  Also used by ociprograms.py."""
    import shutil
    import tempfile
    if not shutil.which("go") or not shutil.which("wrk"):
        return False
    src = tempfile.mkdtemp(prefix="zp-go.")
    with open(os.path.join(src, "main.go"), "w") as f:
        f.write(GO_SERVER)
    env = dict(os.environ, CGO_ENABLED="0", GOFLAGS="-mod=mod", GO111MODULE="off",
               GOCACHE=os.path.join(src, "cache"))
    try:
        subprocess.run(["go", "build", "-o", dest, "main.go"], cwd=src, env=env, check=True)
    finally:
        subprocess.run(["rm", "-rf", src])
    return True


def go_wrk(pid):
    """req/s of `wrk -t1 -c20 -d3s` (pinned to the last CPU) against the Go server in the
    network namespace of pid.  Also used by ociprograms.py."""
    o = subprocess.run(["nsenter", "-n", "-t", str(pid), "taskset", "-c",
                        str(os.cpu_count() - 1), "wrk", "-t1", "-c20", "-d3s",
                        "http://127.0.0.1:18090/"], capture_output=True, text=True).stdout
    return float(o.split("Requests/sec:")[1].split()[0])


def go_server(lxzone, zone, root, rounds, cg):
    """Native req/s over the zone's, per round (ABBA), for the Go server; None if no go/wrk."""
    import signal
    if not build_go_server(os.path.join(root, "srv/.zp-gohttp")):
        return None
    store = os.environ.get("LXZONE_ROOT", "/var/lib/lxzone")
    init = json.load(open(os.path.join(store, zone, "state.json")))["init-pid"]
    zp = subprocess.Popen([lxzone, "exec", zone, "--", "/srv/.zp-gohttp"],
                          start_new_session=True)
    npr = subprocess.Popen(in_cgroup(cg, ["unshare", "-n", "sh", "-c", "ip link set lo up; exec "
                                          "chroot %s /srv/.zp-gohttp" % root]),
                           start_new_session=True)
    server.PORT = 18090
    for pid in (init, npr.pid):
        if not server.wait_ready(pid):
            for p in (zp, npr):
                os.killpg(p.pid, signal.SIGTERM)
            sys.exit("zoneprograms: the Go server did not come up")

    try:
        go_wrk(init), go_wrk(npr.pid)
        zs, ns = [], []
        for r in range(rounds):
            if r % 2:
                zs.append(go_wrk(init)), ns.append(go_wrk(npr.pid))
            else:
                ns.append(go_wrk(npr.pid)), zs.append(go_wrk(init))
    finally:
        for p in (zp, npr):
            os.killpg(p.pid, signal.SIGTERM)
            p.wait()
    return ns, zs


# The clock is read inside, around `sh -c LOOP`, by the root's bash: what it takes to enter
# the zone (lxzone exec) or to set up the native side (namespaces, mounts) is not the program's.
TIMED = 't0=$EPOCHREALTIME; /bin/sh -c "$1" >/dev/null; t1=$EPOCHREALTIME; echo "$t0 $t1"'


def timed_argv(cmd):
    """The argv, in the root, that runs LOOP of cmd and prints the clock around it."""
    return ["/bin/bash", "-c", TIMED, "bash", loop(cmd)]


def timed(argv):
    out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout.split()
    return (float(out[-1]) - float(out[-2])) / K


def main():
    args = sys.argv[1:]
    rounds = 9
    if len(args) >= 2 and args[0] == "--rounds":
        rounds, args = int(args[1]), args[2:]
    if len(args) != 2:
        sys.exit(__doc__)
    lxzone, zone = args
    out = subprocess.run([lxzone, "list"], check=True, capture_output=True, text=True).stdout
    path = [l.split()[-1] for l in out.splitlines()[1:] if l.split()[:2] == [zone, "running"]]
    if not path:
        sys.exit("zoneprograms: zone %s is not running" % zone)
    root = os.path.join(path[0], "root")
    conf = json.loads(subprocess.run([lxzone, "config", zone, "--json"], check=True,
                                     capture_output=True, text=True).stdout)
    mem = conf["memory"] if conf["memory"] != "unlimited" else "max"
    cpus = conf["cpus"] if conf["cpus"] != "unlimited" else str(os.cpu_count())
    cg = cgroup_native(os.environ.get("LXZONE_CGROUP_PARENT", "lxzone-bench"), mem, cpus,
                       "bench-native-programs")
    print("zone %s: memory %s, cpus %s; native in a cgroup with the same caps" % (zone, mem, cpus))
    print()
    try:
        print("| program | native (chroot) | zone | x native, paired median | min .. max |")
        print("|---|---:|---:|---:|---:|")
        write_make_project(root)
        for name, probe, cmd in PROGRAMS:
            if subprocess.run(["chroot", root, "/bin/sh", "-c",
                               "command -v bash && command -v " + probe],
                              stdout=subprocess.DEVNULL).returncode != 0:
                continue
            z = [lxzone, "exec", zone, "--"] + timed_argv(cmd)
            n = in_cgroup(cg, native_root(root, timed_argv(cmd)))
            timed(z), timed(n)
            zs, ns, rs = [], [], []
            for r in range(rounds):
                if r % 2:
                    zt, nt = timed(z), timed(n)
                else:
                    nt, zt = timed(n), timed(z)
                zs.append(zt), ns.append(nt), rs.append(zt / nt)
            print("| %s | %.1f ms | %.1f ms | %.3f | %.3f .. %.3f |" % (
                name, statistics.median(ns) * 1e3, statistics.median(zs) * 1e3,
                statistics.median(rs), min(rs), max(rs)))
        g = go_server(lxzone, zone, root, max(rounds, 4), cg)
        if g:
            ns, zs = g
            rs = [n / z for n, z in zip(ns, zs)]
            print("| Go net/http under wrk (req/s) | %.0f | %.0f | %.3f | %.3f .. %.3f |" % (
                statistics.median(ns), statistics.median(zs), statistics.median(rs), min(rs),
                max(rs)))

    finally:
        remove_cgroups(cg)

if __name__ == "__main__":
    main()
