"""The targets of ``ltprun conformance`` (``make ltp``), their parity thresholds, the install
check, and whether a run is a result.

Every target runs the same tests as the native run and is compared with it:

- ``zone``: the default-profile zone (a user-namespaced zone, and a privileged one for the
  device tests and privileged-tests.tsv: lxltp/privileged.py);
- ``hardened``: the same two zones made with ``profile=hardened`` and the default zone's
  capability set (``capabilities=default-profile``): the hardened profile's emulations and
  filter, measured apart from its capability policy (issue 14's target figure);
- ``hardened-shipped``: the hardened zones as shipped (the profile's own capability set, Docker's
  default without mknod): a comparison row with no threshold, whose losses to that policy are
  known-failures.tsv rows of profile ``hardened-shipped``;
- ``lxrun``: the zone-less brand on the host's file system (``lxrun -- /bin/sh -c ...``);
- ``runsc``: gVisor (``runsc do``), a comparison column with no threshold; not a default
  target (runsc is a separate Debian package).

A run is a *result* only when every target ran and was torn down: otherwise ``conformance``
says why in one line, exits non-zero and leaves the report it was asked for alone (the partial
report goes to the results directory). A result below a target's threshold is written (it is
true) and the command exits 1.
"""

import os
import shlex

# name: (kind, brand profile, label in the report)
TARGETS = {
    "zone": ("zone", "default", "default zone"),
    "hardened": ("zone", "hardened", "hardened zone, default caps (target)"),
    "hardened-shipped": ("zone", "hardened-shipped", "hardened zone as shipped (cap policy)"),
    "lxrun": ("lxrun", "default", "lxrun (zone-less)"),
    "runsc": ("runsc", "runsc", "gVisor runsc (comparison)"),
}
DEFAULT_TARGETS = ("zone", "hardened", "hardened-shipped", "lxrun")
# Parity thresholds in percent of the natively passing tests (issue 15's targets).
THRESHOLDS = {
    "subset": {"zone": 98.0, "hardened": 95.0, "hardened-shipped": None, "lxrun": 98.0,
               "runsc": None},
    "full": {"zone": 97.0, "hardened": 94.0, "hardened-shipped": None, "lxrun": 97.0,
             "runsc": None},
}
# The suffix of a target's zone names after --zone-name (ltpmake, ltpmakeh; +p privileged).
ZONE_SUFFIX = {"zone": "", "hardened": "h", "hardened-shipped": "hs"}
# A zone target's `lxzone create --profile` (its report profile, where they differ) and the
# configuration it adds.
ZONE_PROFILE = {"hardened-shipped": "hardened"}
ZONE_CREATE_EXTRA = {"hardened": ("--capabilities", "default-profile")}


def parse_targets(text):
    """'zone,lxrun' -> ['zone', 'lxrun'] in the given order; ValueError on an unknown name."""
    names = [t for t in (text or "").replace(",", " ").split() if t]
    if not names:
        raise ValueError("no target given (choose from %s)" % ", ".join(TARGETS))
    for n in names:
        if n not in TARGETS:
            raise ValueError("unknown target %r (choose from %s)" % (n, ", ".join(TARGETS)))
    if len(set(names)) != len(names):
        raise ValueError("a target is named twice: %s" % text)
    return names


def parse_thresholds(text, scope):
    """The scope's thresholds, overridden by 'zone=90,lxrun=97.5'; ValueError when bad."""
    out = dict(THRESHOLDS[scope])
    for item in [i for i in (text or "").replace(",", " ").split() if i]:
        name, sep, value = item.partition("=")
        if not sep or name not in TARGETS:
            raise ValueError("bad threshold %r (want TARGET=PERCENT, TARGET one of %s)"
                             % (item, ", ".join(TARGETS)))
        try:
            out[name] = float(value)
        except ValueError:
            raise ValueError("bad threshold %r: %r is not a number" % (item, value)) from None
        if not 0 <= out[name] <= 100:
            raise ValueError("bad threshold %r: not between 0 and 100" % item)
    return out


def missing_programs(ltproot, tests):
    """[(tag, program)] of the tests whose program (the command's first word) is not an
    executable in LTPROOT/testcases/bin (or at its path, when it has one)."""
    bindir = os.path.join(ltproot, "testcases", "bin")
    out = []
    for tag, command in tests:
        try:
            prog = shlex.split(command)[0]
        except (ValueError, IndexError):
            out.append((tag, command))
            continue
        path = prog if os.sep in prog else os.path.join(bindir, prog)
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            out.append((tag, prog))
    return out


def install_problem(ltproot, tests):
    """One line saying what is missing from the LTP install for these tests, or None."""
    missing = missing_programs(ltproot, tests)
    if not missing:
        return None
    names = [p for _, p in missing]
    shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
    return ("LTP at %s is incomplete: %d of the %d tests have no executable in %s (%s); "
            "install them (ltp-harness/README.md)" % (
                ltproot, len(missing), len(tests),
                os.path.join(ltproot, "testcases", "bin"), shown))


def verdict(outcomes, comparisons):
    """outcomes as report.render_targets takes them; comparisons: {name: Comparison or None}.
    Returns (exit status, [one line per problem]): 1 when a target did not run or is below its
    threshold, else 0."""
    problems = []
    for o in outcomes:
        c = comparisons.get(o["name"])
        if o.get("pending") or c is None:
            problems.append("%s: not run: %s" % (o["label"], o.get("pending") or "no results"))
        elif o["threshold"] is not None and c.parity < o["threshold"]:
            problems.append("%s: parity %.1f%% (%d of %d) is below its threshold %g%%" % (
                o["label"], c.parity, c.both_pass, c.base_pass, o["threshold"]))
    return (1 if problems else 0), problems
