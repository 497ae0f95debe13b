"""Two result sets (a baseline, usually native, and a target) -> what the target lost.

Parity is the share of baseline passes that also pass on the target. A *regression* is a test
that passes on the baseline and does anything else on the target, CONF included: a test the
brand makes skip (a missing /proc file, a lower kernel version) is lost coverage. Regressions
are grouped by syscall family, and each says whether known-failures.tsv explains it.
"""

from dataclasses import dataclass, field

from . import known as known_mod


@dataclass
class Comparison:
    base_pass: int = 0
    both_pass: int = 0
    regressions: list = field(default_factory=list)   # (base Result, target Result or None)
    gains: list = field(default_factory=list)         # target passes, baseline did not
    missing: list = field(default_factory=list)       # baseline passes, target never ran it

    @property
    def parity(self):
        return 100.0 * self.both_pass / self.base_pass if self.base_pass else 0.0

    def by_family(self):
        groups = {}
        for b, t in self.regressions:
            groups.setdefault(b.family, []).append((b, t))
        return dict(sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])))

    def unexpected(self):
        """Regressions that known-failures.tsv does not explain."""
        return [(b, t) for b, t in self.regressions if not t.known]


def compare(base_rows, target_rows, entries=(), profiles=()):
    """Compare; rows of the target are marked known against entries for profiles."""
    target = {r.tag: r for r in target_rows}
    if entries:
        known_mod.apply(target_rows, entries, profiles)
    c = Comparison()
    seen = set()
    for b in base_rows:
        seen.add(b.tag)
        t = target.get(b.tag)
        if b.status != "PASS":
            if t is not None and t.status == "PASS":
                c.gains.append((b, t))
            continue
        if t is None:
            c.missing.append(b)
            continue
        c.base_pass += 1
        if t.status == "PASS":
            c.both_pass += 1
        else:
            c.regressions.append((b, t))
    return c


def format_text(c, base_name="native", target_name="target"):
    out = ["%d of %d tests passing on %s also pass on %s: parity %.1f%%"
           % (c.both_pass, c.base_pass, base_name, target_name, c.parity)]
    if c.regressions:
        out.append("")
        out.append("passing on %s but not on %s, by family:" % (base_name, target_name))
        for fam, items in c.by_family().items():
            out.append("  %s (%d)" % (fam, len(items)))
            for _, t in items:
                mark = " [known: %s]" % t.known if t.known else ""
                out.append("    %-24s %-7s%s %s" % (t.tag, t.status, mark, t.note[:100]))
    if c.missing:
        out.append("")
        out.append("passing on %s, not run on %s: %s"
                   % (base_name, target_name, " ".join(b.tag for b in c.missing)))
    if c.gains:
        out.append("")
        out.append("passing on %s only: %s"
                   % (target_name, " ".join(t.tag for _, t in c.gains)))
    return "\n".join(out) + "\n"
