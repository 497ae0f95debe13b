"""A zone made for one LTP run and torn down after it (``ltprun conformance``, ``make ltp``).

The session, in order:

1. the image: a Debian minbase root with what LTP needs (images/debian-image.sh, cached and
   keyed by the package list), unless one is given;
2. a block device for the device tests: a file in the results directory, attached to a free
   loop device on the host (``losetup --find --show``) and handed to the zone with
   ``--device HOSTDEV:ZONEPATH``, when this lxzone accepts the ``device`` key; the tests get
   it as ``LTP_DEV`` (what ``runltp -b`` sets), and ``LTP_DEV_FS_TYPE`` when one is asked for;
3. ``lxzone create`` in a private store (LXZONE_ROOT) with LTP bind-mounted read-only at the
   same path and the host's kernel release (LTP's ``.min_kver`` gates then match the native
   run) and, where lxzone has the key, ``boottime=host`` (the time-namespace tests write
   offsets from the host's clocks and compare with their own), then ``lxzone boot``;
4. the run (a ``zone:NAME`` target). The tests' TMPDIRs are made under ZONE_TMPDIR, a private
   host directory in the results directory bind-mounted read-write: the zone's own /tmp is a
   tmpfs, the host's is a disk file system, and LTP tests look at the type of their tmpdir;
5. always, also after a failure, Ctrl-C, SIGTERM or SIGHUP: ``lxzone halt``, ``lxzone
   destroy``, ``losetup -d``, the backing file and the tmp directory removed.

Every external command goes through one ``run(argv, env) -> (status, output)`` callable, so
the tests drive a whole session against stand-ins and check the command lines it builds.
"""

import fcntl
import os
import platform
import re
import shutil
import signal
import subprocess

DEFAULT_PACKAGES = ("libaio1", "libcap2", "libnuma1", "libkeyutils1", "iproute2", "e2fsprogs",
                    "xfsprogs", "btrfs-progs", "dosfstools", "gzip", "procps")
DEFAULT_STORE = "/var/lib/lxzone-ltp-make"
DEFAULT_ZONE = "ltpmake"
DEFAULT_CGROUP_PARENT = "lxzone-ltp"
DEFAULT_DEV_MIB = 300       # LTP's DEV_SIZE_MB: a smaller LTP_DEV is skipped by the library
IMAGE_NAME = "ltp-bookworm"
ZONE_TMPDIR = "/var/tmp/ltp"


class SessionError(Exception):
    """A step of the session failed; the message is one line for the report."""


def _run(argv, env=None, timeout=900):
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, env=env, timeout=timeout)
        return p.returncode, p.stdout.decode("utf-8", "replace")
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, str(e)


def _last_line(text):
    lines = [ln for ln in (text or "").strip().splitlines() if ln.strip()]
    return lines[-1].strip() if lines else ""


def supports_key(help_text, key):
    """Whether ``lxzone create --help`` lists the configuration key."""
    return re.search(r"^\s*(--)?%s\b" % re.escape(key), help_text or "", re.M) is not None


def supports_device(help_text):
    """Whether ``lxzone create --help`` lists the ``device`` key (HOSTDEV[:ZONEPATH])."""
    return supports_key(help_text, "device")


def create_argv(lxzone, zone, image, ltproot, kernel_version, profile="default", device=None,
                extra=(), tmpdir=None, zone_tmpdir=ZONE_TMPDIR, boottime=None):
    """The ``lxzone create`` command line. device: (host path, zone path) or None; tmpdir: a
    host directory bind-mounted at zone_tmpdir, or None; boottime: the ``boottime`` key's
    value, or None (the lxzone has no such key)."""
    argv = [lxzone, "create", zone, "--image", image, "--profile", profile,
            "--kernel-version", kernel_version, "--mount", "%s:%s:ro" % (ltproot, ltproot)]
    if tmpdir:
        argv += ["--mount", "%s:%s" % (tmpdir, zone_tmpdir)]
    if device:
        argv += ["--device", "%s:%s" % device]
    if boottime:
        argv += ["--boottime", boottime]
    return argv + list(extra)


def test_env(device, fs_type=None):
    """What the tests get for a device: LTP_DEV (runltp -b) and, when asked for,
    LTP_DEV_FS_TYPE (runltp -B; LTP's default is ext2, as natively)."""
    if not device:
        return {}
    env = {"LTP_DEV": device}
    if fs_type:
        env["LTP_DEV_FS_TYPE"] = fs_type
    return env


class ZoneSession:
    """Set up with ``start()``, tear down with ``stop()`` (idempotent; also a context manager).

    After ``start()``: ``target`` is the ``zone:NAME`` target string, ``env`` the extra test
    environment, ``device`` the zone path of the block device (or None) and ``notes`` what a
    report should say about the set-up (e.g. why there is no device).
    """

    def __init__(self, lxzone, ltproot, out_dir, image=None, zone=DEFAULT_ZONE,
                 store=DEFAULT_STORE, profile="default", kernel_version=None,
                 packages=DEFAULT_PACKAGES, image_script=None, device="auto",
                 dev_mib=DEFAULT_DEV_MIB, dev_fs=None, losetup="losetup",
                 create_extra=(), zone_tmpdir=ZONE_TMPDIR, run=_run, log=print):
        self.lxzone = lxzone
        self.ltproot = ltproot
        self.out_dir = out_dir
        self.image = image
        self.zone = zone
        self.store = store
        self.profile = profile
        self.kernel_version = kernel_version or platform.release()
        self.packages = tuple(packages)
        self.image_script = image_script
        self.want_device = device          # "auto", "none" or "force"
        self.dev_mib = dev_mib
        self.dev_fs = dev_fs
        self.losetup = losetup
        self.create_extra = tuple(create_extra)
        self.zone_tmpdir = zone_tmpdir
        self._run = run
        self.log = log
        # The store and cgroup parent, for our lxzone commands and (exported while the session
        # lives) for the runner's `lxzone exec`.
        self.zone_env = {"LXZONE_ROOT": store, "LXZONE_CGROUP_PARENT":
                         os.environ.get("LXZONE_CGROUP_PARENT") or DEFAULT_CGROUP_PARENT}
        self.env_base = dict(os.environ, **self.zone_env)
        self._saved_env = None
        self.tmp_host = None      # host side of ZONE_TMPDIR
        self.tmpbase = None       # TMPDIR base for the tests, inside the zone
        self.loop = None          # host loop device we attached
        self.backing = None       # its backing file
        self.created = False
        self._help = None         # `lxzone create --help`, once asked
        self.boottime = None      # the zone's boottime key, when this lxzone has it
        self.booted = False
        self.device = None
        self.env = {}
        self.notes = []
        self._lock = None

    # --- helpers ----------------------------------------------------------------------------

    def run(self, argv, check=True, what=None):
        rc, out = self._run(argv, self.env_base)
        if check and rc != 0:
            raise SessionError("%s failed (exit %s): %s" % (what or " ".join(argv[:3]), rc,
                                                           _last_line(out)))
        return rc, out

    @property
    def target(self):
        return "zone:" + self.zone

    # --- set-up -----------------------------------------------------------------------------

    def build_image(self):
        if self.image:
            if not os.path.isfile(self.image):
                raise SessionError("zone image %s does not exist" % self.image)
            return self.image
        argv = [self.image_script, "--suite", "bookworm", "--name", IMAGE_NAME,
                "--include", ",".join(self.packages)]
        self.log("ltprun: zone image: %s" % " ".join(argv))
        rc, out = self._run(argv, self.env_base)
        if rc != 0:
            reason = _last_line(out).replace("debian-image: ", "")
            raise SessionError("no zone image (%s)" % reason if rc == 77 else
                               "the zone image could not be made (exit %s): %s" % (rc, reason))
        self.image = _last_line(out)
        return self.image

    def _attach_loop(self):
        self.backing = os.path.join(os.path.abspath(self.out_dir), "ltp-dev.img")
        with open(self.backing, "wb") as f:
            f.truncate(self.dev_mib << 20)
        rc, out = self._run([self.losetup, "--find", "--show", self.backing], self.env_base)
        dev = _last_line(out)
        if rc != 0 or not dev.startswith("/dev/"):
            msg = "losetup --find --show %s failed (exit %s): %s" % (self.backing, rc, dev)
            os.unlink(self.backing)
            self.backing = None
            raise SessionError(msg)
        self.loop = dev
        self.log("ltprun: %d MiB test device %s (backed by %s)" % (self.dev_mib, dev,
                                                                    self.backing))
        return dev

    def _device_for_zone(self):
        if self.want_device == "none":
            self.notes.append("no test device (--zone-device none): device tests cannot "
                              "acquire one in the zone")
            return None
        if not supports_device(self._create_help()) and self.want_device != "force":
            self.notes.append("no test device: this lxzone has no `device` key "
                              "(`lxzone create --help`), so LTP_DEV is not set in the zone")
            self.log("ltprun: " + self.notes[-1])
            return None
        dev = self._attach_loop()
        return (dev, dev)

    def _create_help(self):
        """``lxzone create --help``, asked once: which configuration keys this lxzone has."""
        if self._help is None:
            _, self._help = self._run([self.lxzone, "create", "--help"], self.env_base)
        return self._help

    def _boottime(self):
        """boottime=host where this lxzone has the key: Linux takes the offsets a test writes
        for a time namespace of its own from the host's clocks, so the zone's own boottime
        offset would add to what clock_gettime03, sysinfo03 and timerfd04 measure."""
        if not supports_key(self._create_help(), "boottime"):
            return None
        self.notes.append("boottime=host: the zone's CLOCK_BOOTTIME is the host's, as the "
                          "time-namespace tests expect of their parent namespace")
        return "host"

    def _lock_store(self):
        os.makedirs(self.store, exist_ok=True)
        self._lock = open(os.path.join(self.store, ".ltprun.lock"), "w")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._lock.close()
            self._lock = None
            raise SessionError("another ltprun uses the zone store %s" % self.store)

    def _remove_stale(self):
        """A zone of our name left by a killed run: halt and destroy it first."""
        rc, _ = self._run([self.lxzone, "info", self.zone], self.env_base)
        if rc == 0:
            self.log("ltprun: removing the stale zone %s from %s" % (self.zone, self.store))
            self._run([self.lxzone, "halt", self.zone], self.env_base)
            self.run([self.lxzone, "destroy", self.zone], what="lxzone destroy (stale zone)")

    def _export(self):
        self._saved_env = {k: os.environ.get(k) for k in self.zone_env}
        os.environ.update(self.zone_env)

    def _unexport(self):
        for k, v in (self._saved_env or {}).items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        self._saved_env = None

    def start(self):
        try:
            self._export()
            self._lock_store()
            image = self.build_image()
            self._remove_stale()
            device = self._device_for_zone()
            self.tmp_host = os.path.join(os.path.abspath(self.out_dir), "zone-tmp")
            os.makedirs(self.tmp_host, exist_ok=True)
            os.chmod(self.tmp_host, 0o1777)
            self.boottime = self._boottime()
            argv = create_argv(self.lxzone, self.zone, image, self.ltproot, self.kernel_version,
                               self.profile, device, self.create_extra, self.tmp_host,
                               self.zone_tmpdir, self.boottime)
            self.log("ltprun: " + " ".join(argv))
            self.created = True     # a half-made zone is destroyed too
            self.run(argv, what="lxzone create")
            self.run([self.lxzone, "boot", self.zone], what="lxzone boot")
            self.booted = True
            self.tmpbase = self.zone_tmpdir
            if device:
                self.device = device[1]
                self.env = test_env(self.device, self.dev_fs)
        except BaseException:
            self.stop()
            raise
        return self

    # --- tear-down --------------------------------------------------------------------------

    def stop(self):
        """Halt and destroy the zone, detach the loop device. Signals are held off meanwhile,
        so a second Ctrl-C cannot leave a loop device or a zone behind. Returns the problems
        met (one line each); never raises."""
        problems = []
        old = {}
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            try:
                old[sig] = signal.signal(sig, signal.SIG_IGN)
            except ValueError:      # not the main thread
                pass
        try:
            if self.booted:
                rc, out = self._run([self.lxzone, "halt", self.zone], self.env_base)
                if rc != 0:
                    problems.append("lxzone halt: " + _last_line(out))
                self.booted = False
            if self.created:
                # After a failed create there may be nothing (or half a zone) to destroy.
                rc, out = self._run([self.lxzone, "destroy", self.zone], self.env_base)
                if rc != 0 and self._run([self.lxzone, "info", self.zone], self.env_base)[0] == 0:
                    problems.append("lxzone destroy: " + _last_line(out))
                self.created = False
            if self.loop:
                rc, out = self._run([self.losetup, "-d", self.loop], self.env_base)
                if rc != 0:
                    problems.append("losetup -d %s: %s" % (self.loop, _last_line(out)))
                self.loop = None
            if self.backing:
                try:
                    os.unlink(self.backing)
                except OSError:
                    pass
                self.backing = None
            if self.tmp_host and not self.created:
                # Only once the zone (and its bind mount) is gone.
                shutil.rmtree(self.tmp_host, ignore_errors=True)
                self.tmp_host = None
            if self._lock:
                self._lock.close()
                self._lock = None
            self._unexport()
        finally:
            for sig, h in old.items():
                signal.signal(sig, h)
        for p in problems:
            self.log("ltprun: teardown: " + p)
        return problems

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False
