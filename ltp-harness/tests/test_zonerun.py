"""The zone session of `ltprun conformance` / `make ltp`, and the LTP_DEV plumbing.

The session is driven against stand-ins: a recording `run` callable for the command lines it
builds and the order of set-up and tear-down (also after a failed boot and a Ctrl-C), and, end
to end, `ltprun conformance` with a shell-script lxzone on a fake LTPROOT.
"""

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

import common
from lxltp import runner, targets, zonerun

HELP_WITHOUT = """usage: lxzone create NAME [--KEY VALUE]... [--image SRC | --from ZONE[@SNAP]]
Configuration keys (create --KEY VALUE, configure NAME KEY=VALUE):
  mount           HOSTPATH:ZONEPATH[:ro] (default: none; repeatable)
                    Host directory bind-mounted into the zone (repeatable; read-only with `:ro`).
  golden          true|false (default: false)
"""
HELP_WITH = HELP_WITHOUT + """  device          HOSTDEV[:ZONEPATH] (default: none; repeatable)
                    Host block device the zone may use (and mount).
  boottime        zone|host (default: zone)
                    What the zone's CLOCK_BOOTTIME counts from.
"""


class Recorder:
    """A stand-in for every external command: records (argv, LXZONE_ROOT) and answers."""

    def __init__(self, answers=None, help_text=HELP_WITH, zone_exists=False):
        self.calls = []
        self.answers = dict(answers or {})
        self.help_text = help_text
        self.zone_exists = zone_exists

    def __call__(self, argv, env=None):
        self.calls.append((list(argv), (env or {}).get("LXZONE_ROOT")))
        verb = os.path.basename(argv[0])
        if verb == "debian-image.sh":
            return self.answers.get("image", (0, "debootstrap ...\n/cache/ltp-bookworm.tar.zst\n"))
        if verb == "losetup":
            if argv[1] == "--find":
                return self.answers.get("losetup", (0, "/dev/loop7\n"))
            return 0, ""
        sub = argv[1]
        if sub == "create" and argv[2] == "--help":
            return 0, self.help_text
        if sub == "info":
            return (0, "") if self.zone_exists else (1, "lxzone info: no such zone")
        if sub in self.answers:
            return self.answers[sub]
        if sub == "create":
            self.zone_exists = True
        if sub == "destroy":
            self.zone_exists = False
        return 0, ""

    def verbs(self):
        out = []
        for argv, _ in self.calls:
            name = os.path.basename(argv[0])
            if name == "lxzone":
                out.append(" ".join(argv[1:3]) if argv[1:3] != ["create", "--help"] else "help")
            elif name == "losetup":
                out.append("losetup " + argv[1])
            else:
                out.append("image")
        return out


class Session(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="lxltp-zone.")
        self.store = os.path.join(self.dir, "store")
        self.logged = []
        self.saved_root = os.environ.get("LXZONE_ROOT")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)
        self.assertEqual(os.environ.get("LXZONE_ROOT"), self.saved_root,
                         "the session left LXZONE_ROOT changed")

    def session(self, rec, **kw):
        kw.setdefault("image_script", "/src/images/debian-image.sh")
        return zonerun.ZoneSession("/b/lxzone", "/opt/ltp", self.dir, zone="ltpt",
                                   store=self.store, kernel_version="6.1.0-test", run=rec,
                                   log=self.logged.append, **kw)

    def test_create_command_line(self):
        argv = zonerun.create_argv("lxzone", "z", "/i.tar.zst", "/opt/ltp", "6.18.4",
                                   device=("/dev/loop3", "/dev/loop3"))
        self.assertEqual(argv, ["lxzone", "create", "z", "--image", "/i.tar.zst",
                                "--profile", "default", "--kernel-version", "6.18.4",
                                "--mount", "/opt/ltp:/opt/ltp:ro",
                                "--device", "/dev/loop3:/dev/loop3"])
        self.assertNotIn("--device", zonerun.create_argv("lxzone", "z", "/i", "/l", "6.1"))
        self.assertEqual(zonerun.create_argv("lxzone", "z", "/i", "/l", "6.1",
                                             boottime="host")[-2:], ["--boottime", "host"])
        self.assertNotIn("--boottime", zonerun.create_argv("lxzone", "z", "/i", "/l", "6.1"))

    def test_device_key_detection(self):
        self.assertFalse(zonerun.supports_device(HELP_WITHOUT))
        self.assertTrue(zonerun.supports_device(HELP_WITH))
        self.assertTrue(zonerun.supports_device("  --device HOSTDEV[:ZONEPATH]  a device\n"))
        self.assertFalse(zonerun.supports_device("  mount   also a device-like thing\n"))

    def test_whole_session_with_a_device(self):
        rec = Recorder()
        s = self.session(rec)
        with s:
            self.assertEqual(os.environ.get("LXZONE_ROOT"), self.store)
            self.assertEqual(s.target, "zone:ltpt")
            self.assertEqual(s.env, {"LTP_DEV": "/dev/loop7"})
            backing = os.path.join(self.dir, "ltp-dev.img")
            self.assertEqual(os.path.getsize(backing), zonerun.DEFAULT_DEV_MIB << 20)
            tmp = os.path.join(self.dir, "zone-tmp")
            self.assertEqual(stat.S_IMODE(os.stat(tmp).st_mode), 0o1777)
        self.assertEqual(rec.verbs(), ["image", "info ltpt", "help", "losetup --find",
                                       "create ltpt", "boot ltpt", "halt ltpt", "destroy ltpt",
                                       "losetup -d"])
        image = rec.calls[0][0]
        self.assertEqual(image[image.index("--include") + 1], ",".join(zonerun.DEFAULT_PACKAGES))
        create = rec.calls[4][0]
        self.assertEqual(create[create.index("--image") + 1], "/cache/ltp-bookworm.tar.zst")
        self.assertEqual(create[create.index("--device") + 1], "/dev/loop7:/dev/loop7")
        self.assertEqual(create[create.index("--kernel-version") + 1], "6.1.0-test")
        # the host's CLOCK_BOOTTIME: the time-namespace tests write offsets from it
        self.assertEqual(create[create.index("--boottime") + 1], "host")
        tmp = os.path.join(self.dir, "zone-tmp")
        self.assertIn(tmp + ":/var/tmp/ltp", create)
        self.assertEqual(create[create.index(tmp + ":/var/tmp/ltp") - 1], "--mount")
        self.assertEqual(s.tmpbase, "/var/tmp/ltp")
        self.assertFalse(os.path.exists(tmp), "the private tmp directory was left behind")
        self.assertEqual(rec.calls[-1][0], ["losetup", "-d", "/dev/loop7"])
        # Every lxzone command ran in the private store.
        self.assertEqual({root for argv, root in rec.calls if argv[0] == "/b/lxzone"},
                         {self.store})
        self.assertFalse(os.path.exists(backing), "the backing file was left behind")
        self.assertEqual(s.stop(), [], "a second stop must do nothing")
        self.assertEqual(len(rec.calls), 9)

    def test_device_size_and_fs_type(self):
        rec = Recorder()
        with self.session(rec, dev_mib=64, dev_fs="xfs") as s:
            self.assertEqual(os.path.getsize(s.backing), 64 << 20)
            self.assertEqual(s.env, {"LTP_DEV": "/dev/loop7", "LTP_DEV_FS_TYPE": "xfs"})

    def test_without_the_device_key_no_loop_device(self):
        rec = Recorder(help_text=HELP_WITHOUT)
        with self.session(rec) as s:
            self.assertEqual(s.env, {})
            self.assertIsNone(s.device)
        self.assertNotIn("losetup --find", rec.verbs())
        self.assertNotIn("--device", rec.calls[3][0])
        self.assertTrue(any("no `device` key" in n for n in s.notes), s.notes)

    def test_device_none_and_force(self):
        rec = Recorder()
        with self.session(rec, device="none") as s:
            self.assertEqual(s.env, {})
        # asked once, for the boottime key only; no loop device
        self.assertEqual(rec.verbs().count("help"), 1)
        self.assertNotIn("losetup --find", rec.verbs())
        rec = Recorder(help_text=HELP_WITHOUT)
        with self.session(rec, device="force") as s:
            self.assertEqual(s.env, {"LTP_DEV": "/dev/loop7"})
        # an lxzone without the boottime key gets no --boottime
        self.assertNotIn("--boottime", [a for argv, _ in rec.calls for a in argv])

    def test_failed_boot_tears_everything_down(self):
        rec = Recorder(answers={"boot": (1, "lxzone boot: cgroup: EBUSY\n")})
        s = self.session(rec)
        with self.assertRaises(zonerun.SessionError) as cm:
            s.start()
        self.assertIn("lxzone boot failed (exit 1): lxzone boot: cgroup: EBUSY", str(cm.exception))
        self.assertEqual(rec.verbs()[-3:], ["boot ltpt", "destroy ltpt", "losetup -d"])
        self.assertNotIn("halt ltpt", rec.verbs())
        self.assertFalse(os.path.exists(os.path.join(self.dir, "ltp-dev.img")))

    def test_failed_create_is_not_a_teardown_problem(self):
        rec = Recorder(answers={"create": (1, "unknown option --device\n"),
                                "destroy": (1, "no such zone: ltpt\n")})
        s = self.session(rec)
        with self.assertRaises(zonerun.SessionError):
            s.start()
        self.assertEqual(s.stop(), [])
        self.assertEqual(rec.verbs()[-1], "losetup -d")

    def test_interrupt_during_the_run_tears_down(self):
        rec = Recorder()
        with self.assertRaises(KeyboardInterrupt):
            with self.session(rec):
                raise runner.Terminated("signal 15")
        self.assertEqual(rec.verbs()[-3:], ["halt ltpt", "destroy ltpt", "losetup -d"])

    def test_stale_zone_is_removed_first(self):
        rec = Recorder(zone_exists=True)
        with self.session(rec):
            pass
        self.assertEqual(rec.verbs()[:4], ["image", "info ltpt", "halt ltpt", "destroy ltpt"])

    def test_image_cannot_be_made(self):
        rec = Recorder(answers={"image": (77, "debian-image: mirror http://m unreachable\n")})
        with self.assertRaises(zonerun.SessionError) as cm:
            self.session(rec).start()
        self.assertEqual(str(cm.exception), "no zone image (mirror http://m unreachable)")
        self.assertEqual(rec.verbs(), ["image"])

    def test_given_image_skips_the_build(self):
        img = os.path.join(self.dir, "i.tar.zst")
        open(img, "w").close()
        rec = Recorder()
        with self.session(rec, image=img):
            pass
        self.assertNotIn("image", rec.verbs())
        with self.assertRaises(zonerun.SessionError):
            self.session(Recorder(), image=img + ".missing").start()

    def test_losetup_failure(self):
        rec = Recorder(answers={"losetup": (1, "losetup: cannot find an unused loop device\n")})
        with self.assertRaises(zonerun.SessionError) as cm:
            self.session(rec).start()
        self.assertIn("cannot find an unused loop device", str(cm.exception))
        self.assertNotIn("create ltpt", rec.verbs())
        self.assertFalse(os.path.exists(os.path.join(self.dir, "ltp-dev.img")))

    def test_one_session_per_store(self):
        with self.session(Recorder()):
            with self.assertRaises(zonerun.SessionError) as cm:
                self.session(Recorder()).start()
            self.assertIn("another ltprun", str(cm.exception))


class DevicePlumbing(unittest.TestCase):
    def test_wrapper_exports_ltp_dev(self):
        script = targets.wrapper_script("t", "/opt/ltp", extra_env={
            "LTP_DEV_FS_TYPE": "ext4", "LTP_DEV": "/dev/loop3"})
        export = script.splitlines()[0]
        self.assertIn(" LTP_DEV=/dev/loop3 LTP_DEV_FS_TYPE=ext4", export)
        self.assertTrue(export.startswith("export "))
        with self.assertRaises(ValueError):
            targets.wrapper_script("t", "/opt/ltp", extra_env={"A;rm": "x"})
        self.assertNotIn("LTP_DEV", targets.wrapper_script("t", "/opt/ltp"))

    def test_targets_carry_the_environment(self):
        for name in ("native", "lxrun", "zone:z"):
            t = targets.make(name, "/opt/ltp", lxrun="/bin/true", env={"LTP_DEV": "/dev/x"})
            self.assertEqual(t.env, {"LTP_DEV": "/dev/x"}, name)


def _script(path, body):
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + body)
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


# A stand-in lxzone: keeps the zone's state in $LXZONE_ROOT/NAME, logs every call, runs exec'd
# commands on the host (so the fake tests see the LTP_DEV the harness passed). Like the real
# one, `boot` leaves a daemon behind (the zone's supervisor, a sleep here) and `exec` refuses
# a zone whose daemon is gone.
FAKE_LXZONE = r'''
echo "$LXZONE_ROOT $*" >> "$LOG"
case "$1" in
create)
	[ "$2" = --help ] && { echo "  device   HOSTDEV[:ZONEPATH]"; exit 0; }
	mkdir -p "$LXZONE_ROOT/$2" && echo installed > "$LXZONE_ROOT/$2/state" ;;
info) [ -e "$LXZONE_ROOT/$2/state" ] ;;
boot)
	sleep 1000 </dev/null >/dev/null 2>&1 &
	echo $! > "$LXZONE_ROOT/$2/daemon"
	echo running > "$LXZONE_ROOT/$2/state" ;;
halt)
	kill "$(cat "$LXZONE_ROOT/$2/daemon" 2>/dev/null)" 2>/dev/null
	echo installed > "$LXZONE_ROOT/$2/state" ;;
destroy) rm -rf "$LXZONE_ROOT/$2" ;;
exec)
	grep -q running "$LXZONE_ROOT/$2/state" 2>/dev/null || { echo "no such zone: $2" >&2; exit 1; }
	kill -0 "$(cat "$LXZONE_ROOT/$2/daemon")" 2>/dev/null ||
		{ echo "lxzone exec: zone $2 is installed, not running" >&2; exit 1; }
	export IN_ZONE=1; shift 3; exec "$@" ;;
*) exit 2 ;;
esac
'''

FAKE_LOSETUP = r'''
echo "losetup $*" >> "$LOG"
case "$1" in --find) echo /dev/loop9 ;; -d) ;; *) exit 1 ;; esac
'''


class Conformance(unittest.TestCase):
    """`ltprun conformance` end to end: native run, zone made, run, torn down, report."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="lxltp-conf.")
        self.root = os.path.join(self.dir, "ltp")
        bindir = os.path.join(self.root, "testcases", "bin")
        os.makedirs(bindir)
        _script(os.path.join(bindir, "getpid01"), 'echo "g.c:1: TPASS: ok"\n')
        # A .needs_device test: LTP_DEV when given, natively a loop device of its own (what
        # the harness reads in the native log), in a zone without LTP_DEV none.
        _script(os.path.join(bindir, "dev01"),
                'if [ -n "$LTP_DEV" ]; then echo "tst_device.c:403: TINFO: Using test device '
                'LTP_DEV=\'$LTP_DEV\'"\nelif [ -z "$IN_ZONE" ]; then echo "tst_device.c:98: '
                'TINFO: Found free device 0 \'/dev/loop0\'"\nelse echo "tst_device.c:440: TBROK: '
                'Failed to acquire device"; exit 2; fi\necho "d.c:1: TPASS: on $LTP_DEV"\n')
        # Listed in a privileged-tests file: it makes a device node.
        _script(os.path.join(bindir, "mknod01"), 'echo "m.c:1: TPASS: mknod"\n')
        self.privlist = os.path.join(self.dir, "privileged.tsv")
        with open(self.privlist, "w") as f:
            f.write("# why\nmknod01\tmknod of a device node, refused in any user namespace\n")
        _script(os.path.join(bindir, "hang01"), 'touch "$LTPROOT/started"\nexec sleep 1000\n')
        with open(os.path.join(self.root, "runtest"), "w") as f:
            f.write("getpid01 getpid01\ndev01 dev01\nmknod01 mknod01\nhang01 hang01\n")
        self.tools = os.path.join(self.dir, "tools")
        os.makedirs(self.tools)
        self.lxzone = os.path.join(self.tools, "lxzone")
        _script(self.lxzone, FAKE_LXZONE)
        _script(os.path.join(self.tools, "losetup"), FAKE_LOSETUP)
        self.image = os.path.join(self.dir, "image.tar.zst")
        open(self.image, "w").close()
        self.log = os.path.join(self.dir, "calls.log")
        # A stand-in lxrun: logs its options, runs the command after "--" on the host.
        self.lxrun = os.path.join(self.tools, "lxrun")
        _script(self.lxrun, 'echo "lxrun $*" >> "$LOG"\nwhile [ "$1" != -- ]; do shift; done\n'
                'shift\nexport IN_LXRUN=1\nexec "$@"\n')
        # Passes natively and under lxrun, fails in a zone: what a brand regression looks like.
        _script(os.path.join(bindir, "zonefail01"),
                'if [ -n "$IN_ZONE" ]; then echo "z.c:1: TFAIL: in a zone"; exit 1; fi\n'
                'echo "z.c:1: TPASS: ok"\n')
        with open(os.path.join(self.root, "runtest"), "a") as f:
            f.write("zonefail01 zonefail01\n")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def conformance(self, *extra, popen=False, targets="zone", tags=None):
        env = dict(os.environ, LOG=self.log, PATH=self.tools + ":" + os.environ["PATH"])
        env.pop("LXZONE_ROOT", None)
        tags = tags or ("hang01" if popen else "getpid01,dev01,mknod01")
        argv = [sys.executable, "-B", os.path.join(common.HARNESS, "ltprun"), "conformance",
                "--ltproot", self.root, "--runtest", os.path.join(self.root, "runtest"),
                "--tags", tags, "--known", "", "--kconfig", "none",
                "--lxzone", self.lxzone, "--zone-image", self.image,
                "--zone-store", os.path.join(self.dir, "store"), "--zone-name", "lz",
                "--privileged-list", self.privlist,
                # The stand-in runs "zone" commands on the host: the same path on both sides.
                "--zone-tmpdir", os.path.join(self.dir, "out", "zone-tmp"),
                "--out", os.path.join(self.dir, "out"),
                "--report", os.path.join(self.dir, "conformance.md"),
                "--targets", targets, "--lxrun", self.lxrun] + list(extra)
        if popen:
            return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    env=env)
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                           timeout=60)
        calls = []
        if os.path.exists(self.log):
            with open(self.log) as f:
                calls = f.read().splitlines()
        return p.returncode, p.stdout.decode(), calls

    def report(self):
        with open(os.path.join(self.dir, "conformance.md")) as f:
            return f.read()

    def test_native_then_two_zones(self):
        """The device test and the listed one run in a privileged zone with the device, the
        rest in a user-namespaced zone without one; each zone is made, run and torn down."""
        rc, out, calls = self.conformance()
        self.assertEqual(rc, 0, out)
        store = os.path.join(self.dir, "store")
        text = "\n".join(calls)
        self.assertIn("1 tests in a user-namespaced zone, 2 in a privileged zone (1 device "
                      "tests, 1 from privileged.tsv)", out)
        creates = [c for c in calls if c.startswith(store + " create lz")]
        self.assertEqual(len(creates), 2, calls)
        self.assertNotIn("--device", creates[0])
        self.assertNotIn("--privileged", creates[0])
        self.assertTrue(creates[1].startswith("%s create lzp --image %s" % (store, self.image)))
        self.assertIn("--device /dev/loop9:/dev/loop9", creates[1])
        self.assertTrue(creates[1].endswith(" --privileged"), creates[1])
        verbs = [" ".join(c.split()[1:3]) for c in calls if c.startswith(store + " ")]
        # each zone: stale check, --help, create, boot, (execs), halt, destroy; lz first
        self.assertEqual([v for v in verbs if not v.startswith("exec")],
                         ["info lz", "create --help", "create lz", "boot lz", "halt lz",
                          "destroy lz", "info lzp", "create --help", "create lzp", "boot lzp",
                          "halt lzp", "destroy lzp"])
        self.assertEqual(calls[-1], "losetup -d /dev/loop9")
        self.assertEqual(text.count("losetup --find"), 1)
        for z in ("lz", "lzp"):
            self.assertFalse(os.path.exists(os.path.join(store, z)), "zone left behind")
        with open(os.path.join(self.dir, "out", "lz", "results.json")) as f:
            doc = json.load(f)
        self.assertNotIn("env", doc["meta"])
        self.assertEqual({r["tag"]: r["status"] for r in doc["results"]}, {"getpid01": "PASS"})
        with open(os.path.join(self.dir, "out", "lzp", "results.json")) as f:
            doc = json.load(f)
        self.assertEqual(doc["meta"]["env"], {"LTP_DEV": "/dev/loop9"})
        # Both pass: the privileged zone's daemon outlived the first test run in it (the
        # runner is no subreaper once a run is over, so it is not a leftover of the next run).
        self.assertEqual({r["tag"]: r["status"] for r in doc["results"]},
                         {"dev01": "PASS", "mknod01": "PASS"})
        md = self.report()
        self.assertIn("| native | 3 | 3 | 0 | 0 |", md)
        self.assertIn("| zone:lz (user-namespaced) | 1 | 1 |", md)
        self.assertIn("| zone:lzp (privileged) | 2 | 2 |", md)
        self.assertIn("test environment: LTP_DEV=/dev/loop9", md)
        self.assertIn("- user-namespaced (lxzone's default): no test device", md)
        self.assertIn("- zone: `lxzone create lzp --image", md)
        self.assertIn("**100.0%** under both zones together (3 of the 3", md)
        self.assertIn("| dev01 | PASS | device test (native log: "
                      "\"Found free device 0 '/dev/loop0'\")", md)
        self.assertIn("| mknod01 | PASS | mknod of a device node, refused in any user "
                      "namespace |", md)

    def test_native_device_option(self):
        rc, out, _ = self.conformance("--device", "/dev/loop5", "--zone-device", "none",
                                      "--min-parity", "zone=60")
        self.assertEqual(rc, 0, out)
        with open(os.path.join(self.dir, "out", "native", "results.json")) as f:
            doc = json.load(f)
        self.assertEqual(doc["meta"]["env"], {"LTP_DEV": "/dev/loop5"})
        self.assertEqual({r["tag"]: r["status"] for r in doc["results"]}["dev01"], "PASS")
        # Natively the test used LTP_DEV: still a device test. The privileged zone got no
        # device (--zone-device none), so there it cannot acquire one.
        md = self.report()
        self.assertIn("| dev01 | BROK | device test (native log: "
                      "\"Using test device LTP_DEV='/dev/loop5'\")", md)
        self.assertIn("| zone:lzp (privileged) | 2 | 1 | 0 | 1 |", md)

    def test_native_results_reused_and_failed_boot_reported(self):
        rc, out, _ = self.conformance("--zone-device", "none", "--min-parity", "zone=60")
        self.assertEqual(rc, 0, out)
        before = self.report()
        native = os.path.join(self.dir, "out", "native")
        keep = os.path.join(self.dir, "native-keep")
        shutil.copytree(native, keep)
        # Boot now fails: one line says why, the zones are destroyed, exit 1, and the report
        # asked for is left alone (the incomplete one is kept beside the results).
        with open(self.lxzone) as f:
            body = f.read()
        _script(self.lxzone, body.replace('boot)\n', 'boot) echo "boot: no cgroup" >&2; exit 1\n'))
        rc, out, calls = self.conformance("--native-results", keep, "--zone-device", "none")
        self.assertEqual(rc, 1, out)
        self.assertIn("native results from %s" % keep, out)
        # The native logs were reused too: dev01 is still known as a device test.
        self.assertIn("1 tests in a user-namespaced zone, 2 in a privileged zone", out)
        self.assertIn("ltprun: default zone: not run: user-namespaced zone: lxzone boot failed "
                      "(exit 1): boot: no cgroup; privileged zone: lxzone boot failed (exit 1): "
                      "boot: no cgroup\n", out)
        self.assertIn("conformance.md not written: the run is incomplete", out)
        self.assertEqual(self.report(), before)
        with open(os.path.join(self.dir, "out", "conformance-incomplete.md")) as f:
            self.assertTrue(f.read().startswith("**INCOMPLETE RUN, not a result:** default "
                                                "zone: not run: user-namespaced zone: lxzone "
                                                "boot failed"))
        self.assertEqual([" ".join(c.split()[1:3]) for c in calls if c.startswith(self.dir)][-2:],
                         ["boot lzp", "destroy lzp"])

    def test_three_targets_one_report(self):
        """The default zone, the hardened zone (with the default zone's capabilities: the
        target), the hardened zone as shipped (no threshold) and lxrun, each against the same
        native run; the hardened zones are made with profile=hardened, lxrun gets the host's
        release."""
        rc, out, calls = self.conformance("--min-parity", "zone=60,hardened=60",
                                          targets="zone,hardened,hardened-shipped,lxrun",
                                          tags="getpid01,dev01,mknod01,zonefail01")
        self.assertEqual(rc, 0, out)
        self.assertEqual(out.count("tests on native"), 1)
        store = os.path.join(self.dir, "store")
        creates = [c.split()[2:7] for c in calls if c.startswith(store + " create l")]
        self.assertEqual(creates, [["lz", "--image", self.image, "--profile", "default"],
                                   ["lzp", "--image", self.image, "--profile", "default"],
                                   ["lzh", "--image", self.image, "--profile", "hardened"],
                                   ["lzhp", "--image", self.image, "--profile", "hardened"],
                                   ["lzhs", "--image", self.image, "--profile", "hardened"],
                                   ["lzhsp", "--image", self.image, "--profile", "hardened"]])
        caps = [c for c in calls if c.startswith(store + " create l")
                and "--capabilities default-profile" in c]
        self.assertEqual([c.split()[2] for c in caps], ["lzh", "lzhp"])
        lx = [c for c in calls if c.startswith("lxrun ") and " -c export " in c]
        self.assertEqual(len(lx), 4, calls)     # one per test
        self.assertTrue(lx[-1].startswith("lxrun --kernel-version %s -- /bin/sh -c"
                                          % os.uname().release), lx[-1])
        for z in ("lz", "lzp", "lzh", "lzhp", "lzhs", "lzhsp"):
            self.assertFalse(os.path.exists(os.path.join(store, z)), "zone left behind")
        md = self.report()
        self.assertIn("| native | – | 4 | 4 | 0 | 0 | 0 | 0 | 0 |", md)
        self.assertIn("| default zone | default | 4 | 3 | 1 |", md)
        self.assertIn("| 75.0% (3 of 4) | ≥ 60%: met |", md)
        self.assertIn("| hardened zone, default caps (target) | hardened | 4 | 3 | 1 |", md)
        self.assertIn("| hardened zone as shipped (cap policy) | hardened-shipped | 4 | 3 | 1 |",
                      md)
        self.assertIn("| 75.0% (3 of 4) | comparison only |", md)
        self.assertIn("| lxrun (zone-less) | default | 4 | 4 | 0 | 0 | 0 | 0 | 0 |", md)
        # dev01 is a device test (native log): run under lxrun, left out of its parity.
        self.assertIn("| 100.0% (3 of 3); 1 device tests left out | ≥ 98%: met |", md)
        self.assertIn("Left out of the parity figure: the 1 device tests", md)
        self.assertIn("Here: dev01 PASS.", md)
        for heading in ("## default zone (profile default)", "## hardened zone, default caps "
                        "(target) (profile hardened)", "## hardened zone as shipped (cap "
                        "policy) (profile hardened-shipped)",
                        "## lxrun (zone-less) (profile default)"):
            self.assertIn(heading, md)
        self.assertIn("ltprun: default zone: parity 75.0% (3 of 4 natively passing), "
                      "threshold 60%", out)

    def test_runsc_comparison_column(self):
        """runsc (a stand-in) beside lxrun: its parity is shown with no threshold, so a low
        figure does not fail the run; the device test is left out as under lxrun; a missing
        runsc is a target that could not run (exit 1, no report)."""
        runsc = os.path.join(self.tools, "runsc")
        _script(runsc, 'echo "runsc $*" >> "$LOG"\nwhile [ "$1" != do ]; do shift; done\n'
                'shift\nexport IN_ZONE=1\nexec "$@"\n')
        rc, out, calls = self.conformance("--runsc", runsc, targets="lxrun,runsc",
                                          tags="getpid01,dev01,zonefail01")
        self.assertEqual(rc, 0, out)
        self.assertEqual(len([c for c in calls if c.startswith("runsc --network=none do "
                                                                "/bin/sh -c export")]), 3)
        md = self.report()
        self.assertIn("| gVisor runsc (comparison) | runsc | 3 | 1 | 1 | 1 |", md)
        self.assertIn("| 50.0% (1 of 2); 1 device tests left out | comparison only |", md)
        self.assertIn("runsc gives the sandbox no block device", md)
        self.assertIn("ltprun: gVisor runsc (comparison): parity 50.0% (1 of 2 natively "
                      "passing), no threshold", out)
        rc, out, _ = self.conformance("--runsc", os.path.join(self.tools, "nope"),
                                      targets="runsc", tags="getpid01")
        self.assertEqual(rc, 1, out)
        self.assertIn("apt-get install runsc", out)

    def test_target_results_reused(self):
        """--target-results takes a target's results from an earlier run instead of running it
        (the zones are not made again), with the same rows in the report."""
        rc, out, _ = self.conformance("--min-parity", "zone=60", targets="zone,lxrun",
                                      tags="getpid01,dev01,mknod01,zonefail01")
        self.assertEqual(rc, 0, out)
        first = os.path.join(self.dir, "first")
        shutil.copytree(os.path.join(self.dir, "out"), first)
        os.unlink(self.log)
        rc, out, calls = self.conformance(
            "--min-parity", "zone=60", "--native-results", os.path.join(first, "native"),
            "--target-results", "zone=" + first, targets="zone,lxrun",
            tags="getpid01,dev01,mknod01,zonefail01")
        self.assertEqual(rc, 0, out)
        self.assertIn("ltprun: default zone: results from %s" % first, out)
        self.assertFalse([c for c in calls if " create " in c], calls)
        md = self.report()
        self.assertIn("| default zone | default | 4 | 3 | 1 |", md)
        self.assertIn("| dev01 | PASS | device test (native log: ", md)
        self.assertIn("LTP_TARGETS=zone,lxrun LTP_ARGS='--target-results zone=%s'" % first, md)

    def test_subset_report_from_a_larger_run(self):
        """A subset report from a full run's results: native and target rows are cut down to
        this run's tests; native results lacking one of them are refused in one line."""
        rc, out, _ = self.conformance("--min-parity", "zone=60", targets="zone,lxrun",
                                      tags="getpid01,dev01,mknod01,zonefail01")
        self.assertEqual(rc, 0, out)
        first = os.path.join(self.dir, "first")
        shutil.copytree(os.path.join(self.dir, "out"), first)
        rc, out, _ = self.conformance(
            "--native-results", os.path.join(first, "native"), "--target-results",
            "zone=" + first, "--target-results", "lxrun=" + first, targets="zone,lxrun",
            tags="getpid01,dev01")
        self.assertEqual(rc, 0, out)
        md = self.report()
        self.assertIn("| native | – | 2 | 2 | 0 |", md)
        self.assertIn("| default zone | default | 2 | 2 | 0 |", md)
        self.assertIn("| 100.0% (2 of 2) | ≥ 98%: met |", md)
        self.assertIn("results: 2 of the 4 tests of %s" % os.path.join(first, "native"), md)
        self.assertIn("- subset: tags (2 tests)", md)
        rc, out, _ = self.conformance(
            "--native-results", os.path.join(first, "native"), targets="lxrun",
            tags="getpid01,hang01")
        self.assertEqual(rc, 2, out)
        self.assertIn("lacks 1 of the 2 tests of this run (hang01)", out)

    def test_below_threshold_is_a_failure(self):
        rc, out, _ = self.conformance(targets="zone", tags="getpid01,zonefail01")
        self.assertEqual(rc, 1, out)
        self.assertIn("ltprun: default zone: parity 50.0% (1 of 2) is below its threshold 98%",
                      out)
        # A true result below the bar is still written, and says so.
        self.assertIn("| 50.0% (1 of 2) | ≥ 98%: **below** |", self.report())

    def test_missing_ltp_install(self):
        shutil.rmtree(os.path.join(self.root, "testcases"))
        rc, out, _ = self.conformance()
        self.assertEqual(rc, 2, out)
        self.assertEqual(out.strip().splitlines(),
                         ["ltprun: %s does not look like an installed LTP (no testcases/bin)"
                          % self.root])
        self.assertFalse(os.path.exists(os.path.join(self.dir, "conformance.md")))

    def test_partial_ltp_install(self):
        os.unlink(os.path.join(self.root, "testcases", "bin", "mknod01"))
        rc, out, calls = self.conformance()
        self.assertEqual(rc, 2, out)
        self.assertEqual(out.strip().splitlines(), [
            "ltprun: LTP at %s is incomplete: 1 of the 3 tests have no executable in "
            "%s/testcases/bin (mknod01); install them (ltp-harness/README.md)"
            % (self.root, self.root)])
        self.assertEqual(calls, [])
        self.assertFalse(os.path.exists(os.path.join(self.dir, "conformance.md")))

    def test_loop_device_cannot_be_made(self):
        _script(os.path.join(self.tools, "losetup"),
                'echo "losetup $*" >> "$LOG"\necho "losetup: cannot find an unused loop '
                'device" >&2\nexit 1\n')
        rc, out, calls = self.conformance("--min-parity", "zone=10")
        self.assertEqual(rc, 1, out)
        self.assertIn("ltprun: default zone: not run: privileged zone: losetup --find --show "
                      "%s/out/ltp-dev.img failed (exit 1): losetup: cannot find an unused loop "
                      "device\n" % self.dir, out)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "conformance.md")))
        self.assertFalse(os.path.exists(os.path.join(self.dir, "out", "ltp-dev.img")))
        self.assertNotIn("create lzp", "\n".join(calls))

    def test_bad_targets_and_thresholds(self):
        for extra, msg in (((), "unknown target 'lxzone'"),
                           (("--min-parity", "zone=x"), "bad threshold 'zone=x'")):
            rc, out, _ = self.conformance(*extra, targets="lxzone" if not extra else "zone")
            self.assertEqual(rc, 2, out)
            self.assertIn(msg, out)
            self.assertEqual(len(out.strip().splitlines()), 1, out)

    def test_sigterm_during_the_zone_run_tears_down(self):
        import signal
        import time
        p = self.conformance("--native-results", self.native_results(), popen=True)
        started = os.path.join(self.root, "started")
        for _ in range(400):
            if os.path.exists(started):
                break
            time.sleep(0.05)
        self.assertTrue(os.path.exists(started), "hang01 never started")
        p.send_signal(signal.SIGTERM)
        out = p.communicate(timeout=60)[0].decode()
        self.assertEqual(p.returncode, 130, out)
        with open(self.log) as f:
            calls = f.read().splitlines()
        store = os.path.join(self.dir, "store")
        verbs = [c.split()[1] for c in calls if c.startswith(store + " ")]
        self.assertEqual(verbs[-2:], ["halt", "destroy"], calls)
        self.assertEqual(calls[-1], "losetup -d /dev/loop9")
        self.assertFalse(os.path.exists(os.path.join(self.dir, "out", "ltp-dev.img")))
        self.assertFalse(os.path.exists(os.path.join(self.dir, "out", "zone-tmp")))

    def native_results(self):
        d = os.path.join(self.dir, "native")
        os.makedirs(d)
        with open(os.path.join(d, "results.json"), "w") as f:
            json.dump({"format": "lxltp-results/1", "meta": {"target": "native"},
                       "results": [{"tag": "hang01", "status": "PASS"}]}, f)
        # A device test natively: it runs in the privileged zone, the one with the device.
        os.makedirs(os.path.join(d, "logs"))
        with open(os.path.join(d, "logs", "hang01.log"), "w") as f:
            f.write("tst_device.c:98: TINFO: Found free device 0 '/dev/loop0'\n")
        return d


if __name__ == "__main__":
    common.main()
