"""known-failures.tsv: tests that are expected not to pass, each with a reason.

Format: tab-separated ``tag  profile  reason  sentence``; ``#`` comments and blank lines are
ignored. ``tag`` may be a shell glob (``futex_waitv*``). ``profile`` names who the entry is for,
comma-separated: ``native``, ``lxrun``, ``zone``, ``runsc`` (a target kind), ``default`` / ``hardened``
(a brand profile, for lxrun and zones), ``brand`` (any brand target) or ``*`` (everyone).
``reason`` is one of REASONS — the same codes the brand's syscall table uses for unsupported
calls, plus ``flaky-host`` for tests this machine makes unreliable, ``userns`` for what Linux
refuses to the root of any user namespace (the user-namespaced zone's root is not the host's)
and ``policy`` for what a brand profile refuses by design (e.g. a capability outside the
hardened profile's set).

A known entry turns a failure (or a CONF) into an expected one. A run then reports what is
*unexpected*: failures without an entry, and passes of tests that have one (the entry is stale
and should go).
"""

import fnmatch
from dataclasses import dataclass

from . import parse

REASONS = ("not-yet", "no-host-equivalent", "host-state", "obsolete", "flaky-host", "userns",
           "policy")


@dataclass
class Known:
    tag: str
    profiles: tuple
    reason: str
    sentence: str
    lineno: int = 0

    def matches(self, tag, run_profiles):
        if not fnmatch.fnmatchcase(tag, self.tag):
            return False
        return "*" in self.profiles or bool(set(self.profiles) & set(run_profiles))


def parse_text(text, origin="known-failures.tsv"):
    entries = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t") if c.strip()]
        if len(cells) != 4:
            raise ValueError("%s:%d: want 4 tab-separated fields (tag, profile, reason, "
                             "sentence), got %d" % (origin, lineno, len(cells)))
        tag, profile, reason, sentence = cells
        if reason not in REASONS:
            raise ValueError("%s:%d: reason %r is not one of %s"
                             % (origin, lineno, reason, ", ".join(REASONS)))
        profiles = tuple(p.strip() for p in profile.split(",") if p.strip())
        entries.append(Known(tag, profiles, reason, sentence, lineno))
    return entries


def load(path):
    with open(path, encoding="utf-8") as f:
        return parse_text(f.read(), path)


def run_profiles(target, brand_profile="default"):
    """The profile names a run answers to. target: native, lxrun, runsc or zone:NAME."""
    if target in ("native", "runsc"):
        # runsc is gVisor, not the brand: only its own and everyone's ("*") entries
        return (target,)
    kind = "zone" if target.startswith("zone:") else target
    if brand_profile == "hardened-shipped":
        # the hardened profile with its own capability set: the hardened entries and the
        # capability policy's
        return (kind, "brand", "hardened", "hardened-shipped")
    return (kind, "brand", brand_profile)


def find(entries, tag, profiles):
    for e in entries:
        if e.matches(tag, profiles):
            return e
    return None


def apply(rows, entries, profiles):
    """Mark rows with their known reason; return (unexpected_failures, unexpected_passes).

    Only a non-PASS row is marked known. A PASS that has an entry is an unexpected pass.
    """
    bad, good = [], []
    for r in rows:
        e = find(entries, r.tag, profiles)
        if r.status == "PASS":
            r.known = ""
            if e:
                good.append((r, e))
            continue
        r.known = e.reason if e else ""
        if r.status in parse.FAILING and not e:
            bad.append(r)
    return bad, good
