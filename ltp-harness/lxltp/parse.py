"""LTP output -> result counts and a status.

Two output formats exist in runtest/syscalls:

  new library (tst_test.h)   ``fork01.c:52: TPASS: fork() returned 1234``
                             ends with ``Summary:`` / ``passed   1`` ... on stderr
  old library (test.h)       ``getpid01    1  TPASS  :  getpid() returned 1``

The exit status is the library's verdict, a bitmask: TFAIL 1, TBROK 2, TWARN 4, TCONF 32
(``tst_res_flags.h``; TCONF alone means every result was a skip). It is the authority; the line
counts are reported beside it. What the exit status cannot say is *how* a test died, so the
output is read for that: the library forks the test and turns its death into TBROK with a
fixed message (``Test killed by SIGSEGV!``, ``Test timeouted, sending SIGKILL!``), which this
module maps back to CRASH and TIMEOUT.
"""

import re
import signal as _signal

STATUSES = ("PASS", "FAIL", "BROK", "CONF", "TIMEOUT", "CRASH")
# Statuses that count as a failure of the target (CONF is a skip, not a failure).
FAILING = ("FAIL", "BROK", "TIMEOUT", "CRASH")

RESULT_TYPES = ("TPASS", "TFAIL", "TBROK", "TCONF", "TWARN")

# LTP exit-status bits (include/tst_res_flags.h).
TFAIL_BIT = 1
TBROK_BIT = 2
TWARN_BIT = 4
TCONF_BIT = 32

# The wrapper script exits 125 when it cannot set the test up (no tmpdir); a shell uses 126
# (found, not executable) and 127 (not found).
EXIT_SETUP = 125

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_NEW_LINE = re.compile(r"^[^\s:]+:\d+: (TPASS|TFAIL|TBROK|TCONF|TWARN|TINFO|TDEBUG): ")
_OLD_LINE = re.compile(r"^\S+\s+\d+\s+(TPASS|TFAIL|TBROK|TCONF|TWARN|TINFO|TRETR)\s+:")
_SUMMARY_KEYS = ("passed", "failed", "broken", "skipped", "warnings")
_SUMMARY_LINE = re.compile(r"^(passed|failed|broken|skipped|warnings)\s+(\d+)\s*$")

_LTP_TIMEOUT = "Test timeouted, sending SIGKILL!"
_TEST_KILLED_BY = re.compile(r"Test killed by (SIG[A-Z0-9]+)!")
_TEST_KILLED = "Test killed! (timeout?)"
_CHILD_KILLED = re.compile(r"Child \(\d+\) killed by signal (SIG[A-Z0-9]+)")


def strip_ansi(text):
    return _ANSI.sub("", text)


def count_results(text):
    """Counts of TPASS/TFAIL/TBROK/TCONF/TWARN result lines, in either library format."""
    counts = dict.fromkeys(RESULT_TYPES, 0)
    for line in strip_ansi(text).splitlines():
        m = _NEW_LINE.match(line) or _OLD_LINE.match(line)
        if m and m.group(1) in counts:
            counts[m.group(1)] += 1
    return counts


def parse_summary(text):
    """The new library's closing ``Summary:`` block as a dict, or None when absent.

    A test that runs several iterations (-i N) prints one; if more appear, the last wins.
    """
    lines = strip_ansi(text).splitlines()
    found = None
    for i, line in enumerate(lines):
        if line.strip() != "Summary:":
            continue
        block = {}
        for follow in lines[i + 1:i + 1 + len(_SUMMARY_KEYS)]:
            m = _SUMMARY_LINE.match(follow.strip())
            if not m:
                break
            block[m.group(1)] = int(m.group(2))
        if len(block) == len(_SUMMARY_KEYS):
            found = block
    return found


def signal_name(num):
    try:
        return _signal.Signals(num).name
    except ValueError:
        return "signal %d" % num


def classify(exit_code, text, timed_out=False, term_signal=None, timeout=None):
    """(status, note) for one test.

    exit_code    the wrapper shell's exit status (None if it did not exit)
    text         the test's combined stdout+stderr
    timed_out    the harness killed the test at its per-test timeout
    term_signal  the signal that killed the wrapper itself, if any
    """
    text = strip_ansi(text)
    if timed_out:
        return "TIMEOUT", "killed by the harness after %ss" % (timeout if timeout else "?")
    if term_signal:
        return "CRASH", "wrapper killed by %s" % signal_name(term_signal)
    if _LTP_TIMEOUT in text:
        return "TIMEOUT", "LTP's own timeout fired"
    if exit_code is not None and 128 < exit_code <= 128 + 64:
        return "CRASH", "killed by %s" % signal_name(exit_code - 128)
    m = _TEST_KILLED_BY.search(text)
    if m:
        return "CRASH", "test process killed by %s" % m.group(1)
    if _TEST_KILLED in text:
        return "CRASH", "test process killed by SIGKILL"
    m = _CHILD_KILLED.search(text)
    if m:
        return "CRASH", "child process killed by %s" % m.group(1)
    if exit_code is None:
        return "BROK", "no exit status"
    if exit_code == EXIT_SETUP:
        return "BROK", "harness could not set the test up (tmpdir)"
    if exit_code == 126:
        return "BROK", "test binary not executable"
    if exit_code == 127:
        return "BROK", "test binary not found"
    if exit_code == 0:
        return "PASS", ""
    if exit_code & ~(TFAIL_BIT | TBROK_BIT | TWARN_BIT | TCONF_BIT):
        return "BROK", "unexpected exit status %d" % exit_code
    if exit_code & TBROK_BIT:
        return "BROK", ""
    if exit_code & TFAIL_BIT:
        return "FAIL", ""
    if exit_code & TWARN_BIT:
        return "FAIL", "warnings"
    return "CONF", ""


def first_reason(text, status):
    """The first line that explains a non-PASS status (first TFAIL/TBROK/TCONF line)."""
    want = {"FAIL": ("TFAIL", "TBROK"), "BROK": ("TBROK", "TFAIL"), "CONF": ("TCONF",),
            "CRASH": ("TBROK", "TFAIL"), "TIMEOUT": ("TBROK",)}.get(status, ())
    lines = strip_ansi(text).splitlines()
    for kind in want:
        for line in lines:
            m = _NEW_LINE.match(line) or _OLD_LINE.match(line)
            if m and m.group(1) == kind:
                return line.strip()
    return ""


def tail(text, n=20):
    lines = strip_ansi(text).rstrip("\n").splitlines()
    return lines[-n:] if n > 0 else []
