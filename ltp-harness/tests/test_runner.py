"""The runner on a fake LTPROOT: real processes, real timeouts, real crashes and leaks.

The fake "tests" are shell scripts that behave the way LTP tests misbehave: hang with a child,
hang with a grandchild in another session (as LTP's library puts the test in its own process
group), die of SIGSEGV, leave a daemon behind, exit 32. Each must end up with the right status,
and no process of any of them may outlive its test.
"""

import json
import os
import shutil
import signal
import stat
import tempfile
import time
import unittest

import common  # noqa: F401  (import path)
from lxltp import known, runner, targets

FAKE_TESTS = {
    "t_pass": 'echo "t_pass.c:1: TPASS: fine"\nexit 0\n',
    "t_conf": 'echo "t_conf.c:1: TCONF: not here"\nexit 32\n',
    "t_fail": 'echo "t_fail.c:1: TFAIL: wrong"\nexit 1\n',
    "t_segv": 'echo "t_segv.c:1: TINFO: about to crash"\nkill -SEGV $$\n',
    # A child and a grandchild in a new session: killing the wrapper's process group misses it.
    "t_hang": 'sleep 1000 &\necho $! > "$LTPROOT/pids"\n'
              'setsid sh -c \'echo $$ >> "$LTPROOT/pids"; exec sleep 1000\' &\nwait\n',
    # Passes, but leaves a daemon (double fork, new session) running.
    "t_leak": '(setsid sh -c \'echo $$ > "$LTPROOT/pids"; exec sleep 1000\' &)\n'
              'sleep 0.2\necho "t_leak.c:1: TPASS: done"\nexit 0\n',
    # Checks what the wrapper promises: a parent shell (never PID 1, never init), a private
    # writable TMPDIR that is also the cwd, LTPROOT and PATH, the native open-file limit.
    "t_env": 'fail() { echo "t_env.c:1: TFAIL: $1"; exit 1; }\n'
             '[ "$PPID" -ne 1 ] || fail "parent is pid 1"\n'
             '[ -d "$TMPDIR" ] && [ -w "$TMPDIR" ] || fail "no TMPDIR"\n'
             '[ "$(stat -c %a "$TMPDIR")" = 1777 ] || fail "TMPDIR mode, not as /tmp"\n'
             '[ "$(pwd -P)" = "$(cd "$TMPDIR" && pwd -P)" ] || fail "cwd is not TMPDIR"\n'
             'case "$TMPDIR" in "$EXPECT_TMPBASE"/lxltp.*) ;; *) fail "TMPDIR $TMPDIR";; esac\n'
             '[ "$(ulimit -n)" = "$EXPECT_NOFILE" ] || fail "nofile $(ulimit -n)"\n'
             'command -v t_pass >/dev/null || fail "LTP not on PATH"\n'
             'echo "$TMPDIR" > "$LTPROOT/tmpdir"\n'
             'echo "t_env.c:1: TPASS: environment as promised"\nexit 0\n',
    # What LTP's tst_is_virt() would be told (LTP_VIRT_OVERRIDE), and whether it is set.
    "t_virt": 'echo "${LTP_VIRT_OVERRIDE-unset}" > "$LTPROOT/virt"\n'
              'echo "t_virt.c:1: TPASS: ok"\nexit 0\n',
}

RUNTEST = {"pass01": "t_pass", "conf01": "t_conf", "fail01": "t_fail", "segv01": "t_segv",
           "hang01": "t_hang", "leak01": "t_leak", "env01": "t_env", "virt01": "t_virt",
           "missing01": "t_does_not_exist -x"}


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


class FakeLtp(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists("/proc/self/stat"):
            raise unittest.SkipTest("no /proc: the runner needs it to find leftover processes")

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="lxltp-test.")
        self.root = os.path.join(self.dir, "ltp")
        self.tmpbase = os.path.join(self.dir, "tmp")
        os.makedirs(os.path.join(self.root, "testcases", "bin"))
        os.makedirs(self.tmpbase)
        for name, body in FAKE_TESTS.items():
            path = os.path.join(self.root, "testcases", "bin", name)
            with open(path, "w") as f:
                f.write("#!/bin/sh\n" + body)
            os.chmod(path, 0o755)
        # getpid01 is what Target.check probes for.
        shutil.copy(os.path.join(self.root, "testcases", "bin", "t_pass"),
                    os.path.join(self.root, "testcases", "bin", "getpid01"))
        os.environ["EXPECT_TMPBASE"] = self.tmpbase
        os.environ["EXPECT_NOFILE"] = targets.native_limits()["nofile"]

    def tearDown(self):
        runner.kill_descendants()
        runner.reap_orphans()
        shutil.rmtree(self.dir, ignore_errors=True)

    def pids(self):
        try:
            with open(os.path.join(self.root, "pids")) as f:
                return [int(x) for x in f.read().split()]
        except OSError:
            return []

    def run_tags(self, tags, target=None, timeout=3, entries=(), profiles=("native",),
                 virt=None):
        target = target or targets.Native(self.root, tmpbase=self.tmpbase)
        opts = runner.Options(timeout=timeout, kconfig=None, virt=virt)
        out = os.path.join(self.dir, "out")
        _, rows = runner.run([(t, RUNTEST[t]) for t in tags], target, opts, out, entries,
                             profiles)
        return {r.tag: r for r in rows}

    def test_statuses(self):
        r = self.run_tags(["pass01", "conf01", "fail01", "segv01", "missing01"])
        self.assertEqual({t: x.status for t, x in r.items()},
                         {"pass01": "PASS", "conf01": "CONF", "fail01": "FAIL",
                          "segv01": "CRASH", "missing01": "BROK"})
        self.assertEqual(r["segv01"].note, "killed by SIGSEGV")
        self.assertEqual(r["pass01"].tpass, 1)
        self.assertEqual(r["fail01"].tfail, 1)
        self.assertIn("not found", r["missing01"].note)
        out = os.path.join(self.dir, "out")
        for name in ("results.tsv", "results.json", "logs/segv01.log"):
            self.assertTrue(os.path.exists(os.path.join(out, name)), name)

    def test_timeout_kills_the_whole_tree(self):
        t0 = time.monotonic()
        r = self.run_tags(["hang01", "pass01"], timeout=1)
        self.assertLess(time.monotonic() - t0, 20)
        self.assertEqual(r["hang01"].status, "TIMEOUT")
        self.assertEqual(r["pass01"].status, "PASS")       # the run went on
        pids = self.pids()
        self.assertEqual(len(pids), 2, "the fake test did not start its children")
        for pid in pids:
            self.assertFalse(alive(pid), "pid %d survived the timeout" % pid)

    def test_leftover_daemon_is_killed(self):
        r = self.run_tags(["leak01"])
        self.assertEqual(r["leak01"].status, "PASS")
        self.assertIn("leftover", r["leak01"].note)
        (pid,) = self.pids()
        self.assertFalse(alive(pid))

    def test_wrapper_environment(self):
        r = self.run_tags(["env01"])
        self.assertEqual(r["env01"].status, "PASS", r["env01"].tail)
        with open(os.path.join(self.root, "tmpdir")) as f:
            used = f.read().strip()
        self.assertFalse(os.path.exists(used), "the private TMPDIR was not removed")

    def read_virt(self):
        with open(os.path.join(self.root, "virt")) as f:
            return f.read().strip()

    def test_virt_override_reaches_the_test(self):
        # The host's answer goes to every target, so a zone without systemd-detect-virt runs
        # LTP's timer checks as loosely as native on the same machine.
        self.run_tags(["virt01"], virt="docker")
        self.assertEqual(self.read_virt(), "docker")
        self.run_tags(["virt01"], virt="")
        self.assertEqual(self.read_virt(), "")
        self.run_tags(["virt01"])
        self.assertEqual(self.read_virt(), "unset")
        with open(os.path.join(self.dir, "out", "results.json")) as f:
            self.assertIsNone(json.load(f)["meta"]["virt"])

    def test_host_virt_asks_systemd_detect_virt(self):
        bindir = os.path.join(self.dir, "bin")
        os.makedirs(bindir)
        tool = os.path.join(bindir, "systemd-detect-virt")
        saved = dict(os.environ)
        try:
            os.environ.pop("LTP_VIRT_OVERRIDE", None)
            os.environ["PATH"] = bindir
            self.assertIsNone(runner.host_virt())            # no tool: LTP looks itself
            for body, want in (("echo kvm; exit 0", "kvm"), ("echo none; exit 1", "")):
                with open(tool, "w") as f:
                    f.write("#!/bin/sh\n" + body + "\n")
                os.chmod(tool, 0o755)
                self.assertEqual(runner.host_virt(), want)
            os.environ["LTP_VIRT_OVERRIDE"] = "xen"           # the caller's own choice wins
            self.assertEqual(runner.host_virt(), "xen")
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def test_known_failures_are_marked(self):
        entries = known.parse_text("fail01\tnative\tflaky-host\tFails here.\n"
                                   "pass01\tnative\tnot-yet\tShould fail.\n")
        r = self.run_tags(["fail01", "pass01"], entries=entries)
        self.assertEqual(r["fail01"].known, "flaky-host")
        self.assertEqual(r["pass01"].known, "")

    def fake_launcher(self, name, body):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write("#!/bin/sh\n" + body)
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
        return path

    def test_lxrun_target(self):
        # A pass-through stand-in for lxrun: `lxrun [opts] -- PROGRAM ARGS`.
        lxrun = self.fake_launcher("lxrun", 'while [ "$1" != "--" ]; do shift; done\n'
                                            'shift\nexec "$@"\n')
        tgt = targets.Lxrun(self.root, lxrun, ["--kernel-version", "5.15.0"], self.tmpbase)
        self.assertEqual(tgt.argv("x")[:4], [lxrun, "--kernel-version", "5.15.0", "--"])
        self.assertIsNone(tgt.check(runner._capture))
        r = self.run_tags(["pass01", "segv01", "env01"], target=tgt)
        self.assertEqual([r[t].status for t in ("pass01", "segv01", "env01")],
                         ["PASS", "CRASH", "PASS"])

    def test_unusable_lxrun_is_refused_with_a_reason(self):
        broken = self.fake_launcher("lxrun-broken", 'echo "lxrun: no brand image" >&2\nexit 126\n')
        why = targets.Lxrun(self.root, broken).check(runner._capture)
        self.assertIn("no brand image", why)
        why = targets.Lxrun(self.root, os.path.join(self.dir, "nope")).check(runner._capture)
        self.assertIn("not found", why)

    def test_runsc_target(self):
        # A pass-through stand-in for gVisor: `runsc [opts] do PROGRAM ARGS`.
        runsc = self.fake_launcher("runsc", 'while [ "$1" != "do" ]; do shift; done\n'
                                            'shift\nexec "$@"\n')
        tgt = targets.make("runsc", self.root, runsc=runsc, tmpbase=self.tmpbase)
        self.assertEqual(tgt.argv("x")[:3], [runsc, "--network=none", "do"])
        self.assertIsNone(tgt.check(runner._capture))
        r = self.run_tags(["pass01", "fail01", "env01"], target=tgt)
        self.assertEqual([r[t].status for t in ("pass01", "fail01", "env01")],
                         ["PASS", "FAIL", "PASS"])
        # gVisor is not the brand: brand entries do not explain its failures
        self.assertEqual(known.run_profiles("runsc"), ("runsc",))
        why = targets.Runsc(self.root, os.path.join(self.dir, "nope")).check(runner._capture)
        self.assertIn("apt-get install runsc", why)
        broken = self.fake_launcher("runsc-broken", 'echo "cannot create sandbox" >&2\nexit 128\n')
        self.assertIn("cannot create sandbox", targets.Runsc(self.root, broken).check(
            runner._capture))

    def test_zone_target_command_line(self):
        lxzone = self.fake_launcher("lxzone", 'shift 3\nexec "$@"\n')  # exec NAME -- CMD
        tgt = targets.Zone(self.root, "ltp1", lxzone, self.tmpbase)
        self.assertEqual(tgt.name, "zone:ltp1")
        self.assertEqual(tgt.argv("s"), [lxzone, "exec", "ltp1", "--", "/bin/sh", "-c", "s"])
        self.assertEqual(known.run_profiles(tgt.name, "hardened"), ("zone", "brand", "hardened"))
        kill = tgt.kill_argv(1234)
        self.assertEqual(kill[:5], [lxzone, "exec", "ltp1", "--", "/bin/sh"])
        self.assertIn("k 1234", kill[-1])
        r = self.run_tags(["pass01", "env01"], target=tgt)
        self.assertEqual(r["pass01"].status, "PASS")
        self.assertEqual(r["env01"].status, "PASS", r["env01"].tail)

    def test_sigterm_kills_the_running_test_and_keeps_partial_results(self):
        # ltprun itself, as `timeout` or a CI job would stop it.
        import subprocess
        import sys
        out = os.path.join(self.dir, "cli")
        with open(os.path.join(self.root, "runtest"), "w") as f:
            f.write("".join("%s %s\n" % kv for kv in RUNTEST.items()))
        p = subprocess.Popen([sys.executable, "-B", os.path.join(common.HARNESS, "ltprun"), "run",
                              "--ltproot", self.root, "--runtest",
                              os.path.join(self.root, "runtest"), "--tags", "pass01,hang01",
                              "--known", "", "--kconfig", "none", "--out", out],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(200):
            if len(self.pids()) == 2:
                break
            time.sleep(0.05)
        self.assertEqual(len(self.pids()), 2, "hang01 did not start")
        p.send_signal(signal.SIGTERM)
        text = p.communicate(timeout=30)[0].decode()
        self.assertEqual(p.returncode, 130, text)
        for pid in self.pids():
            self.assertFalse(alive(pid), "pid %d outlived the runner" % pid)
        with open(os.path.join(out, "results.json")) as f:
            doc = json.load(f)
        self.assertTrue(doc["meta"]["interrupted"])
        self.assertEqual([r["tag"] for r in doc["results"]], ["pass01"])

    def test_wrapper_keeps_a_parent_shell(self):
        script = targets.wrapper_script("t_pass", "/opt/ltp")
        lines = script.strip().splitlines()
        self.assertIn("t_pass", lines)
        self.assertGreater(len(lines), lines.index("t_pass") + 1)
        self.assertEqual(lines[-1], "exit $rc")


class KillHelpers(unittest.TestCase):
    def test_kill_descendants_without_children(self):
        self.assertEqual(runner.kill_descendants(), (0, False))

    def test_signal_names(self):
        from lxltp import parse
        self.assertEqual(parse.signal_name(signal.SIGSYS), "SIGSYS")
        self.assertEqual(parse.signal_name(99), "signal 99")


if __name__ == "__main__":
    common.main()
