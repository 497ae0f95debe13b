"""How one LTP test is started on each target.

Every target runs the same wrapper script under ``/bin/sh -c``. The script, not the launcher,
sets the environment, the limits and the private TMPDIR, so ``native``, ``lxrun`` and
``zone:NAME`` differ only in the argv prefix and a test sees the same set-up on all three.

The test is never the last command of the script: the shell stays alive as its parent.
LTP's library aborts with "Main test process might have exit!" when the test runs as PID 1
(getppid() == 1 in its child), which is what a launcher that execs its program as the init
of a new pid namespace would give (ltp-notes.md, pitfall 1).
"""

import os
import resource
import shlex
import shutil

# The per-test tmpdir base inside the target. Native and lxrun see the host's /tmp.
DEFAULT_TMPBASE = "/tmp"
# Where a zone target gets the uncompressed kernel config (copied in at prepare time).
ZONE_KCONFIG = "/tmp/lxltp-kconfig"


def native_limits():
    """Soft limits the wrapper re-applies on every target: open files and core size.

    dup201 and friends probe RLIMIT_NOFILE; a launcher that changes it must not change the
    test's view (ltp-notes.md: "same limits as native").
    """
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    core = resource.getrlimit(resource.RLIMIT_CORE)[0]
    fmt = lambda v: "unlimited" if v == resource.RLIM_INFINITY else str(v)
    return {"nofile": fmt(nofile), "core": fmt(core)}


def wrapper_script(command, ltproot, tmpbase=DEFAULT_TMPBASE, kconfig=None, timeout_mul=None,
                   runtime_mul=None, limits=None, print_pid=False, extra_env=None, virt=None):
    """The /bin/sh script that runs one runtest command.

    extra_env: more variables for the test, e.g. LTP_DEV and LTP_DEV_FS_TYPE (what runltp's
    -b and -B set), in a stable order. virt: LTP_VIRT_OVERRIDE (runner.host_virt), or None.
    """
    q = shlex.quote
    env = ["LTPROOT=%s" % q(ltproot),
           'PATH=%s/testcases/bin:"$PATH"' % q(ltproot),
           "LTP_COLORIZE_OUTPUT=0"]
    if kconfig:
        env.append("KCONFIG_PATH=%s" % q(kconfig))
    if timeout_mul:
        env.append("LTP_TIMEOUT_MUL=%s" % q(str(timeout_mul)))
    if runtime_mul:
        env.append("LTP_RUNTIME_MUL=%s" % q(str(runtime_mul)))
    if virt is not None:
        env.append("LTP_VIRT_OVERRIDE=%s" % q(virt))
    for key in sorted(extra_env or {}):
        if not key.replace("_", "").isalnum() or key[0].isdigit():
            raise ValueError("bad environment variable name %r" % key)
        env.append("%s=%s" % (key, q(str(extra_env[key]))))
    lines = ["export " + " ".join(env)]
    for opt, key in (("-n", "nofile"), ("-c", "core")):
        if limits and key in limits:
            lines.append("ulimit -S %s %s 2>/dev/null" % (opt, q(limits[key])))
    if print_pid:
        lines.append('echo "lxltp: wrapper pid $$"')
    lines += [
        'd=$(mktemp -d %s/lxltp.XXXXXX) || exit 125' % q(tmpbase.rstrip("/") or "/"),
        # as /tmp: tests that drop to nobody make their own directories here (symlink03,
        # nftw01, prot_hsymlinks; ftok in semop02) and mktemp's 0700 refused them (EACCES)
        'chmod 1777 "$d"',
        'export TMPDIR="$d"',
        'cd "$d" || exit 125',
        command,
        "rc=$?",
        'cd / && rm -rf "$d"',
        "exit $rc",
    ]
    return "\n".join(lines) + "\n"


class Target:
    """A place to run tests. Subclasses give the argv prefix and any preparation."""

    kind = "native"
    print_pid = False

    def __init__(self, ltproot, tmpbase=DEFAULT_TMPBASE, env=None):
        self.ltproot = ltproot
        self.tmpbase = tmpbase
        self.kconfig = None
        self.env = dict(env or {})      # extra test environment (LTP_DEV ...)

    @property
    def name(self):
        return self.kind

    def prefix(self):
        return []

    def argv(self, script):
        return self.prefix() + ["/bin/sh", "-c", script]

    def prepare(self, host_kconfig, run):
        """Make the kernel config visible to the target; run(argv, stdin_bytes) -> (rc, out)."""
        self.kconfig = host_kconfig

    def check(self, run):
        """Return None if the target can run tests, else a one-line reason."""
        rc, out = run(self.argv("test -x %s/testcases/bin/getpid01 || exit 3"
                                % shlex.quote(self.ltproot)), None)
        if rc == 3:
            return "%s/testcases/bin/getpid01 is not executable on target %s" % (
                self.ltproot, self.name)
        if rc != 0:
            return "target %s cannot run /bin/sh (exit %s): %s" % (self.name, rc, out.strip()[-300:])
        return None

    def kill_argv(self, pid):
        return None


class Native(Target):
    kind = "native"


class Lxrun(Target):
    """Zone-less brand: ``lxrun -- /bin/sh -c SCRIPT``; the host's filesystem, the brand's calls."""

    kind = "lxrun"

    def __init__(self, ltproot, lxrun, extra_args=(), tmpbase=DEFAULT_TMPBASE, env=None):
        super().__init__(ltproot, tmpbase, env)
        self.lxrun = lxrun
        self.extra_args = list(extra_args)

    def prefix(self):
        return [self.lxrun] + self.extra_args + ["--"]

    def check(self, run):
        if not (os.path.isfile(self.lxrun) and os.access(self.lxrun, os.X_OK)):
            return "lxrun not found at %s (set --lxrun or $LXRUN)" % self.lxrun
        rc, out = run(self.prefix() + ["/bin/true"], None)
        if rc != 0:
            return "%s -- /bin/true exits %s: %s" % (self.lxrun, rc, out.strip()[-300:])
        return super().check(run)


class Runsc(Target):
    """gVisor, for comparison only: ``runsc --network=none do /bin/sh -c SCRIPT``.

    ``runsc do`` shows the host's root read-only under an in-memory overlay, so LTP, the
    kernel config and a writable /tmp are there without mounts; the environment and the cwd
    carry over (ltp-notes.md, pitfalls 1-2). The wrapper's shell stays the test's parent, so
    the test is never the sandbox's PID 1. ``--platform`` is runsc's default (ptrace here).
    """

    kind = "runsc"

    def __init__(self, ltproot, runsc="runsc", extra_args=(), tmpbase=DEFAULT_TMPBASE, env=None):
        super().__init__(ltproot, tmpbase, env)
        self.runsc = runsc
        self.extra_args = list(extra_args)

    def prefix(self):
        return [self.runsc, "--network=none"] + self.extra_args + ["do"]

    def check(self, run):
        found = (os.path.isfile(self.runsc) and os.access(self.runsc, os.X_OK)
                 if os.sep in self.runsc else shutil.which(self.runsc))
        if not found:
            return ("%s not found (gVisor: apt-get install runsc, or set --runsc)"
                    % self.runsc)
        rc, out = run(self.prefix() + ["/bin/true"], None)
        if rc != 0:
            return "%s do /bin/true exits %s: %s" % (self.runsc, rc, out.strip()[-300:])
        return super().check(run)


class Zone(Target):
    """A running zone: ``lxzone exec NAME -- /bin/sh -c SCRIPT``.

    The zone must have LTP at the same path, bind-mounted read-only
    (``lxzone create NAME ... --mount $LTPROOT:$LTPROOT:ro``); the wrapper makes a private
    writable TMPDIR under the zone's /tmp per test. The exec'd processes live in the zone's
    pid namespace and need not be descendants of the local ``lxzone exec`` client, so a timeout
    also kills the wrapper's tree from inside the zone, by the pid the wrapper prints.
    """

    kind = "zone"
    print_pid = True

    def __init__(self, ltproot, zone, lxzone="lxzone", tmpbase=DEFAULT_TMPBASE, env=None):
        super().__init__(ltproot, tmpbase, env)
        self.zone = zone
        self.lxzone = lxzone

    @property
    def name(self):
        return "zone:" + self.zone

    def prefix(self):
        return [self.lxzone, "exec", self.zone, "--"]

    def prepare(self, host_kconfig, run):
        self.kconfig = None
        if not host_kconfig:
            return
        with open(host_kconfig, "rb") as f:
            data = f.read()
        rc, _ = run(self.argv("cat > %s" % ZONE_KCONFIG), data)
        if rc == 0:
            self.kconfig = ZONE_KCONFIG

    def kill_argv(self, pid):
        # Walk /proc/PID/task/*/children depth-first and SIGKILL the tree inside the zone.
        script = ('k() { for c in $(cat /proc/$1/task/*/children 2>/dev/null); do k $c; done; '
                  'kill -KILL $1 2>/dev/null; }; k %d' % int(pid))
        return self.argv(script)


def _abs_if_path(prog):
    """Tests start with cwd /: a relative launcher path must be made absolute first; a bare
    name is left to PATH."""
    return os.path.abspath(prog) if os.sep in prog else prog


def make(target, ltproot, lxrun=None, lxzone=None, lxrun_args=(), tmpbase=DEFAULT_TMPBASE,
         env=None, runsc=None):
    """env: extra test environment, the same on every target (LTP_DEV, LTP_DEV_FS_TYPE)."""
    if target == "native":
        return Native(ltproot, tmpbase, env)
    if target == "runsc":
        return Runsc(ltproot, _abs_if_path(runsc or os.environ.get("RUNSC") or "runsc"),
                     tmpbase=tmpbase, env=env)
    if target == "lxrun":
        return Lxrun(ltproot, _abs_if_path(lxrun or os.environ.get("LXRUN") or "build/bin/lxrun"),
                     lxrun_args, tmpbase, env)
    if target.startswith("zone:") and len(target) > 5:
        return Zone(ltproot, target[5:], _abs_if_path(lxzone or os.environ.get("LXZONE") or "lxzone"),
                    tmpbase, env)
    raise ValueError("unknown target %r (native, lxrun, runsc or zone:NAME)" % target)
