"""Result rows, their TSV and JSON forms, and the totals line.

TSV is for people and shell tools (one row per test, ``cut``/``sort``-able, the tail escaped onto
one line); JSON carries the same rows plus the run's metadata. Either file can be read back.
"""

import json
import os
from dataclasses import dataclass, field, asdict

from . import parse
from .families import family_of

FORMAT = "lxltp-results/1"
TSV_COLUMNS = ("tag", "status", "known", "tpass", "tfail", "tbrok", "tconf", "twarn", "exit",
               "seconds", "family", "note", "tail")


@dataclass
class Result:
    tag: str
    status: str
    known: str = ""          # reason code of the matching known-failures.tsv entry, or ""
    tpass: int = 0
    tfail: int = 0
    tbrok: int = 0
    tconf: int = 0
    twarn: int = 0
    exit: object = None      # the wrapper's exit status, None if it never exited
    seconds: float = 0.0
    family: str = ""
    note: str = ""
    tail: list = field(default_factory=list)
    command: str = ""

    def __post_init__(self):
        if self.status not in parse.STATUSES:
            raise ValueError("%s: unknown status %r" % (self.tag, self.status))
        if not self.family:
            self.family = family_of(self.tag)


def from_output(tag, text, exit_code, seconds, timed_out=False, term_signal=None,
                timeout=None, command="", tail_lines=20):
    """Build a Result from a finished (or killed) test's output."""
    status, note = parse.classify(exit_code, text, timed_out=timed_out,
                                  term_signal=term_signal, timeout=timeout)
    reason = parse.first_reason(text, status)
    if reason:
        note = "%s; %s" % (note, reason) if note else reason
    counts = parse.count_results(text)
    return Result(tag=tag, status=status, tpass=counts["TPASS"], tfail=counts["TFAIL"],
                  tbrok=counts["TBROK"], tconf=counts["TCONF"], twarn=counts["TWARN"],
                  exit=exit_code, seconds=round(seconds, 2), note=note,
                  tail=parse.tail(text, tail_lines), command=command)


# --- TSV -----------------------------------------------------------------------------------

def _esc(s):
    return str(s).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _unesc(s):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            out.append({"n": "\n", "t": "\t", "r": "\r", "\\": "\\"}.get(s[i + 1], s[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def tsv_header():
    return "\t".join(TSV_COLUMNS) + "\n"


def tsv_row(r):
    vals = []
    for col in TSV_COLUMNS:
        v = getattr(r, col)
        if col == "tail":
            v = "\n".join(v)
        elif col == "exit":
            v = "" if v is None else v
        vals.append(_esc(v))
    return "\t".join(vals) + "\n"


def read_tsv(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        header = f.readline().rstrip("\n").split("\t")
        if header[:2] != ["tag", "status"]:
            raise ValueError("%s: not an lxltp results TSV (header %r)" % (path, header[:3]))
        rows = []
        for lineno, line in enumerate(f, 2):
            line = line.rstrip("\n")
            if not line:
                continue
            cells = dict(zip(header, line.split("\t")))
            try:
                rows.append(Result(
                    tag=cells["tag"], status=cells["status"], known=_unesc(cells.get("known", "")),
                    tpass=int(cells.get("tpass") or 0), tfail=int(cells.get("tfail") or 0),
                    tbrok=int(cells.get("tbrok") or 0), tconf=int(cells.get("tconf") or 0),
                    twarn=int(cells.get("twarn") or 0),
                    exit=int(cells["exit"]) if cells.get("exit") else None,
                    seconds=float(cells.get("seconds") or 0), family=cells.get("family", ""),
                    note=_unesc(cells.get("note", "")),
                    tail=_unesc(cells.get("tail", "")).split("\n") if cells.get("tail") else []))
            except (KeyError, ValueError) as e:
                raise ValueError("%s:%d: %s" % (path, lineno, e)) from None
    return {}, rows


# --- JSON ----------------------------------------------------------------------------------

def write_json(path, meta, rows):
    doc = {"format": FORMAT, "meta": meta, "totals": totals(rows),
           "results": [asdict(r) for r in rows]}
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, sort_keys=False)
        f.write("\n")
    os.replace(tmp, path)


def read_json(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if doc.get("format") != FORMAT:
        raise ValueError("%s: not an %s file" % (path, FORMAT))
    return doc.get("meta", {}), [Result(**r) for r in doc["results"]]


def load(path):
    """(meta, rows) from a results .json or .tsv file, or from a run directory."""
    if os.path.isdir(path):
        for name in ("results.json", "results.tsv"):
            if os.path.exists(os.path.join(path, name)):
                return load(os.path.join(path, name))
        raise ValueError("%s: no results.json or results.tsv in it" % path)
    with open(path, encoding="utf-8", errors="replace") as f:
        head = f.read(1)
    return read_json(path) if head == "{" else read_tsv(path)


# --- totals --------------------------------------------------------------------------------

def totals(rows):
    t = dict.fromkeys(parse.STATUSES, 0)
    for r in rows:
        t[r.status] += 1
    t["total"] = len(rows)
    return t


def totals_line(rows):
    """``N passed, N failed, N broken, N conf`` — every test in exactly one bucket.

    A crash counts as failed and a timeout as broken; both are also named on their own so
    the line still says what happened.
    """
    t = totals(rows)
    line = "%d passed, %d failed, %d broken, %d conf" % (
        t["PASS"], t["FAIL"] + t["CRASH"], t["BROK"] + t["TIMEOUT"], t["CONF"])
    extra = []
    if t["CRASH"]:
        extra.append("%d crashed" % t["CRASH"])
    if t["TIMEOUT"]:
        extra.append("%d timed out" % t["TIMEOUT"])
    extra.append("%d tests" % t["total"])
    return "%s (%s)" % (line, ", ".join(extra))
