"""Run tests one after another, so that no test can stop the run.

- Each test's wrapper starts in a new session (its own process group) with stdout and stderr
  going to a log file, never a pipe: a grandchild that keeps the pipe open cannot hang the
  runner, and nothing is lost if the runner itself dies.
- The runner is a child subreaper (PR_SET_CHILD_SUBREAPER). LTP's library puts the test in a
  process group of its own, and tests fork daemons and orphans; all of them reparent to the
  runner, never to init, so after every test — finished, crashed or timed out — the runner finds
  every leftover process as its own descendant and kills it. Killing a process group would miss
  LTP's.
- The per-test timeout is the runner's backstop behind LTP's own (30 s x LTP_TIMEOUT_MUL plus the
  test's runtime); it fires when the library itself is stuck.
"""

import ctypes
import gzip
import os
import platform
import shutil
import signal
import subprocess
import sys
import time

from . import results, known as known_mod, targets

PR_SET_CHILD_SUBREAPER = 36
MAX_LOG_PARSE = 8 << 20     # parse at most the last 8 MiB of a test's output


def set_subreaper(on=True):
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1 if on else 0, 0, 0, 0) == 0
    except OSError:
        return False


def _proc_table():
    """{pid: (ppid, state)} of every process, from /proc/*/stat."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name, "rb") as f:
                data = f.read().decode("ascii", "replace")
        except OSError:
            continue
        rest = data.rsplit(")", 1)[-1].split()
        if len(rest) >= 2:
            table[int(name)] = (int(rest[1]), rest[0])
    return table


def descendants(root):
    """[(pid, state)] of every descendant of root."""
    table = _proc_table()
    children = {}
    for pid, (ppid, state) in table.items():
        children.setdefault(ppid, []).append(pid)
    out, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        out.append((pid, table[pid][1]))
        todo.extend(children.get(pid, []))
    return out


def kill_descendants(root=None, rounds=100):
    """SIGKILL every live descendant of root (default: this process) until none is left.

    Returns how many distinct processes were killed, and whether some survived (a process in
    uninterruptible sleep can outlive every round).
    """
    root = root or os.getpid()
    killed = set()
    for _ in range(rounds):
        live = [pid for pid, state in descendants(root) if state not in ("Z", "X")]
        if not live:
            return len(killed), False
        for pid in live:
            try:
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
            except ProcessLookupError:
                pass
        time.sleep(0.02)
    return len(killed), True


def reap_orphans():
    """Collect the exit status of orphans that reparented to the subreaper."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _read_log(path):
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        size = f.tell()
        f.seek(max(0, size - MAX_LOG_PARSE))
        return f.read().decode("utf-8", "replace")


def _capture(argv, stdin_data=None, timeout=60):
    """Run a short helper command; (exit status or None, output)."""
    try:
        p = subprocess.run(argv, input=stdin_data, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout,
                           stdin=None if stdin_data is not None else subprocess.DEVNULL)
        return p.returncode, p.stdout.decode("utf-8", "replace")
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, str(e)


def host_kconfig(out_dir):
    """An uncompressed kernel config for KCONFIG_PATH, or None.

    Without it the library pipes /proc/config.gz through zcat about once per test, and a target
    without /proc/config.gz turns kconfig-gated tests into TBROK (ltp-notes.md, pitfall 4).
    """
    if os.path.exists("/proc/config.gz"):
        dest = os.path.join(out_dir, "kconfig")
        try:
            with gzip.open("/proc/config.gz", "rb") as src, open(dest, "wb") as dst:
                shutil.copyfileobj(src, dst)
            return dest
        except OSError:
            pass
    boot = "/boot/config-" + platform.release()
    return boot if os.path.exists(boot) else None


def host_virt():
    """LTP_VIRT_OVERRIDE for every target: the host's virtualization as LTP sees it natively,
    or None (leave LTP to look for itself).

    LTP's tst_is_virt() asks systemd-detect-virt first: natively it answers for the machine
    (here "docker"), and the timer tests then skip their oversleep checks, clock_gettime03/04
    widen their deltas and getrusage04 skips. A zone image without systemd-detect-virt (or a
    brand target that hides the host's markers) answers "no virtualization" and would run
    stricter checks than native on the same machine, so every target gets the native answer.
    """
    if "LTP_VIRT_OVERRIDE" in os.environ:
        return os.environ["LTP_VIRT_OVERRIDE"]
    try:
        p = subprocess.run(["systemd-detect-virt"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    # exit 0: a VM or container, named on stdout; otherwise none ("" makes LTP say so too)
    return p.stdout.decode(errors="replace").strip() if p.returncode == 0 else ""


def ltp_version(ltproot):
    try:
        with open(os.path.join(ltproot, "Version")) as f:
            return f.read().strip()
    except OSError:
        return "unknown"


class Options:
    def __init__(self, timeout=300, timeout_mul=None, runtime_mul=None, tail=20,
                 kconfig="auto", virt=None):
        self.timeout = timeout
        self.virt = virt      # LTP_VIRT_OVERRIDE for the tests, None: unset
        self.timeout_mul = timeout_mul
        self.runtime_mul = runtime_mul
        self.tail = tail
        self.kconfig = kconfig


def run_one(target, tag, command, opts, log_path, limits):
    script = targets.wrapper_script(command, target.ltproot, tmpbase=target.tmpbase,
                                    kconfig=target.kconfig, timeout_mul=opts.timeout_mul, virt=opts.virt,
                                    runtime_mul=opts.runtime_mul, limits=limits,
                                    print_pid=target.print_pid, extra_env=target.env)
    argv = target.argv(script)
    timed_out = False
    start = time.monotonic()
    with open(log_path, "wb") as log:
        try:
            p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                 stderr=subprocess.STDOUT, start_new_session=True, cwd="/")
        except OSError as e:
            msg = "lxltp: cannot start %s: %s" % (argv[0], e)
            log.write((msg + "\n").encode())
            return results.Result(tag=tag, status="BROK", note=msg, tail=[msg], command=command)
        try:
            p.wait(timeout=opts.timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_in_target(target, log_path)
        except BaseException:
            kill_descendants()
            p.wait()
            reap_orphans()
            raise
        seconds = time.monotonic() - start
        nkilled, stuck = kill_descendants()
        p.wait()
        reap_orphans()
    rc = p.returncode
    term = -rc if rc is not None and rc < 0 else None
    text = _read_log(log_path)
    r = results.from_output(tag, text, None if term else rc, seconds, timed_out=timed_out,
                            term_signal=None if timed_out else term, timeout=opts.timeout,
                            command=command, tail_lines=opts.tail)
    leftovers = nkilled - (1 if timed_out else 0)
    if leftovers > 0 and not timed_out:
        r.note = ("%s; " % r.note if r.note else "") + "killed %d leftover processes" % leftovers
    if stuck:
        r.note = ("%s; " % r.note if r.note else "") + "some processes survived SIGKILL"
    return r


def _kill_in_target(target, log_path):
    if not target.print_pid:
        return
    try:
        head = _read_log(log_path).splitlines()[:5]
    except OSError:
        return
    for line in head:
        if line.startswith("lxltp: wrapper pid "):
            argv = target.kill_argv(int(line.split()[-1]))
            if argv:
                _capture(argv, timeout=30)
            return


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP: handled like Ctrl-C, so the current test's tree is killed and the
    partial results are written before the runner exits."""


def _terminate(signum, frame):
    raise Terminated("signal %d" % signum)


def run(tests, target, opts, out_dir, entries=(), profiles=(), progress=None, meta_extra=None):
    """Run [(tag, command)] on target; write out_dir/{results.tsv,results.json,logs/}.

    Returns (meta, rows). Rows are marked against the known-failure entries.
    """
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _terminate)
    os.makedirs(os.path.join(out_dir, "logs"), exist_ok=True)
    if not set_subreaper():
        print("lxltp: warning: cannot become a child subreaper; orphans may escape",
              file=sys.stderr)
    niced = os.getpriority(os.PRIO_PROCESS, 0)
    if niced and os.environ.get("LXLTP_KEEP_NICE"):
        # A shared machine: the run stays niced (getpriority01 then fails natively too).
        print("lxltp: running at nice %d (LXLTP_KEEP_NICE); getpriority01 will fail" % niced,
              file=sys.stderr)
    elif niced:
        # getpriority01 expects priority 0 (ltp-notes.md, pitfall 8).
        try:
            os.setpriority(os.PRIO_PROCESS, 0, 0)
        except OSError:
            print("lxltp: warning: running niced; getpriority01 will fail", file=sys.stderr)
    kconf = opts.kconfig
    if kconf == "auto":
        kconf = host_kconfig(out_dir)
    target.prepare(kconf or None, _capture)
    limits = targets.native_limits()
    meta = {
        "target": target.name, "ltproot": target.ltproot,
        "ltp_version": ltp_version(target.ltproot), "kernel": platform.release(),
        "host": platform.node(), "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "timeout": opts.timeout, "ltp_timeout_mul": opts.timeout_mul,
        "ltp_runtime_mul": opts.runtime_mul, "kconfig": target.kconfig, "limits": limits,
        "nice": os.getpriority(os.PRIO_PROCESS, 0), "virt": opts.virt,
        "profiles": list(profiles), "tests": len(tests),
    }
    if target.env:
        meta["env"] = dict(target.env)
    meta.update(meta_extra or {})
    rows = []
    tsv_path = os.path.join(out_dir, "results.tsv")
    json_path = os.path.join(out_dir, "results.json")
    t0 = time.monotonic()
    try:
        with open(tsv_path, "w", encoding="utf-8") as tsv:
            tsv.write(results.tsv_header())
            for i, (tag, command) in enumerate(tests, 1):
                r = run_one(target, tag, command, opts, os.path.join(out_dir, "logs", tag + ".log"),
                            limits)
                e = known_mod.find(entries, tag, profiles)
                if e and r.status != "PASS":
                    r.known = e.reason
                rows.append(r)
                tsv.write(results.tsv_row(r))
                tsv.flush()
                if progress:
                    progress(i, len(tests), r, e)
    except KeyboardInterrupt:
        meta["interrupted"] = True
        raise
    finally:
        meta["seconds"] = round(time.monotonic() - t0, 1)
        known_mod.apply(rows, entries, profiles)
        results.write_json(json_path, meta, rows)
        # No longer a subreaper once the run is over: a daemon started afterwards by this
        # process (`lxzone boot` of the next zone of `ltprun conformance`) would otherwise
        # reparent to it and be killed as a leftover after the next run's first test.
        set_subreaper(False)
    return meta, rows
