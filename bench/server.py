"""A server under load, capped, against the same server natively with the same caps.

    server.py [--rounds N] [--seconds S] [--memory SIZE] [--cpus N] [--sides LIST]
              [--open-file-cache on] BUILD_DIR IMAGE

nginx (1 worker, a 612-byte static file, access log off) from IMAGE (a root directory or a
.tar.zst made by images/debian-image.sh --include nginx-light, as bench/net.sh makes and caches
it: /var/cache/lxzone-test/net-bench-bookworm.tar.zst) serves
`wrk -t2 -c50` on loopback, pinned to the last CPU, in these set-ups (--sides, comma list):

  native   chroot IMAGE nginx in a cgroup with memory.max SIZE, cpu.max N CPUs, and
           cpuset.cpus the first ceil(N) CPUs (what lxrun --cpus and a zone's cpus= do),
           in a network namespace of its own (loopback only)
  lxrun    lxrun --root IMAGE --memory SIZE --cpus N -- nginx (its own network namespace)
  zone     a booted zone of IMAGE (memory=SIZE, cpus=N, net=none): lxzone exec Z -- nginx

wrk runs in the server's network namespace (nsenter -n), the same host binary for every
side.  All sides run every round, in an order that rotates per round; prints req/s medians
and the median of the per-round ratios to native.  Run as root; needs wrk, nsenter, zstd.
"""
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

PAGE = b"<!DOCTYPE html>\n<html><head><title>bench</title></head><body>" + b"x" * 520 + \
    b"</body></html>\n"
CONF = """worker_processes 1;
daemon off;
master_process on;
pid /tmp/nginx-bench-%(port)d.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    %(cache)s
    client_body_temp_path /tmp/nginx-bench-body;
    proxy_temp_path /tmp/nginx-bench-proxy;
    fastcgi_temp_path /tmp/nginx-bench-fcgi;
    server {
        listen 127.0.0.1:%(port)d;
        root /bench/www;
    }
}
"""
PORT = 18080
# --open-file-cache: nginx keeps the file open between requests (no open or fstat per
# request), to tell the cost of a trapped open from the rest
OPEN_FILE_CACHE = ""


def die(msg, code=1):
    print("server.py: " + msg, file=sys.stderr)
    sys.exit(code)


def sh(argv, **kw):
    return subprocess.run(argv, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, **kw).stdout


def prepare_root(image, tmp):
    if os.path.isdir(image):
        root = image
    else:
        root = os.path.join(tmp, "root")
        os.mkdir(root)
        subprocess.run("zstd -dc '%s' | tar -x -C '%s'" % (image, root), shell=True, check=True)
    if not os.access(os.path.join(root, "usr/sbin/nginx"), os.X_OK):
        die("%s has no /usr/sbin/nginx (make it with --include nginx-light)" % image, 77)
    os.makedirs(os.path.join(root, "bench/www"), exist_ok=True)
    with open(os.path.join(root, "bench/www/index.html"), "wb") as f:
        f.write(PAGE)
    with open(os.path.join(root, "bench/nginx.conf"), "w") as f:
        f.write(CONF % {"port": PORT, "cache": OPEN_FILE_CACHE})
    return root


def cgroup_native(parent, memory, cpus, name="bench-native-nginx"):
    """Cgroups with the zone's caps, beside the zones' own (under parent), so that the native
    side is scheduled as a group of the same level and weight: memory limit, a CFS quota of N
    CPUs and the cpuset of the first ceil(N) CPUs.  cgroup2 or the v1 hierarchies (cpu,
    cpuset, memory), as the host has them.  Returns the directories to join (cgroup.procs).
    Also used by zoneprograms.py."""
    ncpu = int(-(-float(cpus) // 1))
    cpuset = "0" if ncpu == 1 else "0-%d" % (ncpu - 1)
    quota = "%d" % int(float(cpus) * 100000)

    def put(path, fname, value):
        with open(os.path.join(path, fname), "w") as f:
            f.write(value)

    def mkpath(base, v1_cpuset=False):
        path = base
        for part in parent.split("/") + [name]:
            if not v1_cpuset and not os.path.exists(os.path.join(base, "cpu")):
                try:  # cgroup2: the controllers must be enabled on the way down
                    put(path, "cgroup.subtree_control", "+cpu +cpuset +memory")
                except OSError:
                    pass
            up, path = path, os.path.join(path, part)
            os.makedirs(path, exist_ok=True)
            if v1_cpuset:  # v1 cpuset: a new group starts with no CPUs and no nodes
                for f in ("cpuset.cpus", "cpuset.mems"):
                    if not open(os.path.join(path, f)).read().strip():
                        put(path, f, open(os.path.join(up, f)).read().strip())
        return path

    if os.path.exists("/sys/fs/cgroup/cgroup.controllers"):
        path = mkpath("/sys/fs/cgroup")
        put(path, "cpuset.cpus", cpuset)
        put(path, "cpu.max", "%s 100000" % quota)
        put(path, "memory.max", memory)
        return [path]
    cpu = mkpath("/sys/fs/cgroup/cpu")
    put(cpu, "cpu.cfs_period_us", "100000")
    put(cpu, "cpu.cfs_quota_us", quota)
    cs = mkpath("/sys/fs/cgroup/cpuset", v1_cpuset=True)
    put(cs, "cpuset.cpus", cpuset)
    mem = mkpath("/sys/fs/cgroup/memory")
    put(mem, "memory.limit_in_bytes", memory if memory != "max" else "-1")
    return [cpu, cs, mem]


def join_cgroups(paths):
    for p in paths:
        with open(os.path.join(p, "cgroup.procs"), "w") as f:
            f.write(str(os.getpid()))


def remove_cgroups(paths):
    for p in paths or []:
        try:
            os.rmdir(p)
        except OSError:
            pass


def netns_pid(pid, timeout=10):
    """The server's pid whose network namespace differs from ours (lxrun's and the zone's
    nginx sit below a launcher): pid itself or a descendant named nginx."""
    mine = os.readlink("/proc/self/ns/net")
    end = time.time() + timeout
    while time.time() < end:
        for p in os.listdir("/proc"):
            if not p.isdigit():
                continue
            try:
                comm = open("/proc/%s/comm" % p).read().strip()
                ns = os.readlink("/proc/%s/ns/net" % p)
                if comm == "nginx" and ns != mine and is_below(int(p), pid):
                    return int(p)
            except OSError:
                continue
        time.sleep(0.05)
    return None


def is_below(p, anc):
    while p > 1:
        if p == anc:
            return True
        try:
            stat = open("/proc/%d/stat" % p).read()
        except OSError:
            return False
        p = int(stat.rsplit(")", 1)[1].split()[1])
    return False


def wait_ready(pid, timeout=15):
    probe = ("import socket,time,sys\nend=time.time()+%d\nwhile time.time()<end:\n"
             " try:\n  socket.create_connection(('127.0.0.1',%d),1).close(); sys.exit(0)\n"
             " except OSError: time.sleep(0.05)\nsys.exit(1)\n" % (timeout, PORT))
    return subprocess.run(["nsenter", "-n", "-t", str(pid), "python3", "-c", probe]).returncode == 0


def wrk(pid, seconds, cpu):
    out = sh(["nsenter", "-n", "-t", str(pid), "taskset", "-c", str(cpu), "wrk", "-t2", "-c50",
              "-d%ds" % seconds, "http://127.0.0.1:%d/index.html" % PORT])
    m = re.search(r"Requests/sec:\s+([0-9.]+)", out)
    if not m or "Non-2xx" in out or "Socket errors" in out:
        die("wrk: unexpected output:\n" + out)
    return float(m.group(1))


class Side:
    def __init__(self, name, argv, env=None, cgroup=None, nspid=None):
        self.name, self.argv, self.env, self.cgroup = name, argv, env, cgroup
        self.nspid = nspid  # a process in the server's network namespace, when known
        self.proc, self.pid, self.rps = None, None, []

    def start(self):
        pre = None
        if self.cgroup:
            cg = self.cgroup

            def pre():
                join_cgroups(cg)
        self.proc = subprocess.Popen(self.argv, env=self.env, preexec_fn=pre,
                                     stdout=subprocess.DEVNULL, start_new_session=True)
        self.pid = self.nspid or netns_pid(self.proc.pid)
        if self.pid is None or not wait_ready(self.pid):
            self.stop()
            die("%s: nginx did not come up (%s)" % (self.name, " ".join(self.argv)))

    def stop(self):
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except OSError:
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def main():
    args = sys.argv[1:]
    rounds, seconds, memory, cpus = 5, 4, "512M", "1"
    sides = ["native", "lxrun", "zone"]
    while len(args) > 2 and args[0].startswith("--"):
        opt, val, args = args[0], args[1], args[2:]
        if opt == "--rounds":
            rounds = int(val)
        elif opt == "--seconds":
            seconds = int(val)
        elif opt == "--memory":
            memory = val
        elif opt == "--cpus":
            cpus = val
        elif opt == "--sides":
            sides = val.split(",")
        elif opt == "--open-file-cache":
            global OPEN_FILE_CACHE
            OPEN_FILE_CACHE = "open_file_cache max=64 inactive=60s;" if val == "on" else ""
        else:
            sys.exit(__doc__)
    if len(args) != 2:
        sys.exit(__doc__)
    if os.geteuid() != 0:
        die("needs root", 77)
    for tool in ("wrk", "nsenter", "zstd", "unshare"):
        if not shutil.which(tool):
            die("%s not installed" % tool, 77)
    build, image = os.path.abspath(args[0]), args[1]
    lxrun, lxzone = os.path.join(build, "bin/lxrun"), os.path.join(build, "bin/lxzone")
    tmp = tempfile.mkdtemp(prefix="lxzone-server.")
    parent = os.environ.get("LXZONE_CGROUP_PARENT", "lxzone-bench")
    env = dict(os.environ, LXZONE_ROOT=os.path.join(tmp, "store"))
    wrk_cpu = os.cpu_count() - 1
    zone = "srvbench%d" % os.getpid()
    objs, cg = [], None
    try:
        root = prepare_root(image, tmp)
        nginx = ["/usr/sbin/nginx", "-c", "/bench/nginx.conf"]
        for s in sides:
            if s == "native":
                cg = cgroup_native(parent, memory, cpus)
                objs.append(Side("native", ["unshare", "-n", "sh", "-c",
                                            "ip link set lo up 2>/dev/null || "
                                            "busybox ip link set lo up; exec chroot '%s' %s"
                                            % (root, " ".join(nginx))], cgroup=cg))
            elif s == "lxrun":
                objs.append(Side("lxrun", [lxrun, "--root", root, "--memory", memory, "--cpus",
                                           cpus, "--"] + nginx))
            elif s == "zone":
                sh([lxzone, "create", zone, "--memory", memory, "--cpus", cpus, "--image", root],
                   env=env)
                sh([lxzone, "boot", zone], env=env)
                with open(os.path.join(env["LXZONE_ROOT"], zone, "state.json")) as f:
                    init = json.load(f)["init-pid"]
                objs.append(Side("zone", [lxzone, "exec", zone, "--"] + nginx, env=env,
                                 nspid=init))
            else:
                die("unknown side %s" % s, 2)
        for o in objs:
            o.start()
            wrk(o.pid, 1, wrk_cpu)  # warm-up
        load0 = open("/proc/loadavg").read().split()[:3]
        for r in range(rounds):
            order = objs[r % len(objs):] + objs[:r % len(objs)]
            for o in order:
                o.rps.append(wrk(o.pid, seconds, wrk_cpu))
            print("round %d/%d: %s" % (r + 1, rounds, ", ".join(
                "%s %.0f" % (o.name, o.rps[-1]) for o in objs)), file=sys.stderr)
        load1 = open("/proc/loadavg").read().split()[:3]
    finally:
        for o in objs:
            o.stop()
        if "zone" in sides:
            subprocess.run([lxzone, "halt", zone], env=env, capture_output=True)
            subprocess.run([lxzone, "destroy", zone], env=env, capture_output=True)
        remove_cgroups(cg)
        subprocess.run(["rm", "-rf", tmp])
    print("nginx%s + wrk -t2 -c50 -d%ds on loopback, memory %s, cpus %s; %d rotating rounds; "
          "load %s -> %s" % (" (open_file_cache)" if OPEN_FILE_CACHE else "", seconds, memory,
                             cpus, rounds, " ".join(load0), " ".join(load1)))
    print()
    print("| side | req/s, median | x native, paired median | min .. max |")
    print("|---|---:|---:|---:|")
    native = next((o for o in objs if o.name == "native"), None)
    for o in objs:
        if native and o is not native:
            rs = [a / b for a, b in zip(o.rps, native.rps)]
            print("| %s | %.0f | %.3f | %.3f .. %.3f |" % (
                o.name, statistics.median(o.rps), statistics.median(rs), min(rs), max(rs)))
        else:
            print("| %s | %.0f | | |" % (o.name, statistics.median(o.rps)))


if __name__ == "__main__":
    main()
