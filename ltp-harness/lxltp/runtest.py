"""runtest files and subset lists.

A runtest file (``$LTPROOT/runtest/syscalls``) has one test a line: a tag, then a shell command
(``fork06 fork_procs -n 1000``); ``#`` starts a comment. Tags are unique within a file.

A subset file (``ltp-harness/subset.txt``) names tags, one a line, and records exclusions so
they carry their reason: ``!fork13  600 s of runtime``. Blank lines and ``#`` comments are
ignored.
"""

from . import families


def parse_runtest(text, origin="runtest"):
    """[(tag, command)] in file order."""
    tests, seen = [], set()
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 1)
        if len(parts) != 2:
            raise ValueError("%s:%d: a test needs a tag and a command: %r" % (origin, lineno, line))
        tag, cmd = parts
        if tag in seen:
            raise ValueError("%s:%d: duplicate tag %s" % (origin, lineno, tag))
        seen.add(tag)
        tests.append((tag, cmd.strip()))
    return tests


def load_runtest(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return parse_runtest(f.read(), path)


def parse_subset(text, origin="subset"):
    """(tags in order, {excluded tag: reason})."""
    tags, excluded = [], {}
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("!"):
            parts = line[1:].split(None, 1)
            if len(parts) != 2:
                raise ValueError("%s:%d: an exclusion needs a reason: %r" % (origin, lineno, line))
            excluded[parts[0]] = parts[1]
            continue
        if len(line.split()) != 1:
            raise ValueError("%s:%d: one tag a line: %r" % (origin, lineno, line))
        tags.append(line)
    dup = set(tags) & set(excluded)
    if dup:
        raise ValueError("%s: both included and excluded: %s" % (origin, " ".join(sorted(dup))))
    return tags, excluded


def load_subset(path):
    with open(path, encoding="utf-8") as f:
        return parse_subset(f.read(), path)


def select(tests, tags):
    """The runtest entries for tags, in the order of tags; raise on a tag the file lacks."""
    by_tag = dict(tests)
    missing = [t for t in tags if t not in by_tag]
    if missing:
        raise ValueError("not in the runtest file: %s (the subset is LTP 20260529's: build LTP "
                         "from that tag, ltp-harness/README.md)" % " ".join(missing))
    return [(t, by_tag[t]) for t in tags]


def make_subset(tests, excluded):
    """subset.txt text: the runtest entries of FAMILIES, grouped by family, exclusions kept."""
    groups = {}
    for tag, _ in tests:
        fam = families.subset_family(tag)
        if fam:
            groups.setdefault(fam, []).append(tag)
    out = ["# The default LTP subset: the syscall families lxzone's brand emulates or touches",
           "# (ltp-harness/lxltp/families.py), taken from runtest/syscalls in file order.",
           "# Regenerate: ltp-harness/ltprun subset --runtest $LTPROOT/runtest/syscalls",
           "# One tag a line; '!TAG reason' excludes a test and says why.", ""]
    n = 0
    for fam in families.FAMILIES:
        if fam not in groups:
            continue
        out.append("# %s" % fam)
        for tag in groups[fam]:
            if tag in excluded:
                out.append("!%s %s" % (tag, excluded[tag]))
            else:
                out.append(tag)
                n += 1
        out.append("")
    out.insert(4, "# %d tests, %d excluded." % (n, sum(1 for t in excluded
                                                     if families.subset_family(t))))
    return "\n".join(out).rstrip("\n") + "\n"
