"""Classification and counting, on real LTP output recorded on this project's machine.

tests/fixtures/ltp/outputs.tsv lists each recorded log with the exit status the test had and
what the harness must make of it.
"""

import csv
import unittest

import common
from common import fixture, read_fixture
from lxltp import parse, results


def _cases():
    with open(fixture("outputs.tsv"), encoding="utf-8") as f:
        rows = [r for r in csv.DictReader((l for l in f if not l.startswith("#")),
                                          delimiter="\t")]
    return rows


class RecordedOutputs(unittest.TestCase):
    def test_fixture_table_is_not_empty(self):
        cases = _cases()
        self.assertGreaterEqual(len(cases), 10)
        # Every status the harness can give is exercised by at least one recording.
        self.assertEqual(set(parse.STATUSES), {c["status"] for c in cases})

    def test_each_recording(self):
        for c in _cases():
            with self.subTest(log=c["log"]):
                text = read_fixture("outputs", c["log"])
                exit_code = int(c["exit"]) if c["exit"] != "-" else None
                r = results.from_output(c["log"].split(".")[0], text, exit_code, 1.0,
                                        timed_out=c["timed_out"] == "yes", timeout=5)
                self.assertEqual(r.status, c["status"], r.note)
                got = "%d/%d/%d/%d/%d" % (r.tpass, r.tfail, r.tbrok, r.tconf, r.twarn)
                self.assertEqual(got, c["counts"])
                if c["note"] != "-":
                    self.assertIn(c["note"], r.note)


class Counting(unittest.TestCase):
    def test_new_library_lines(self):
        text = ("tst_test.c:2042: TINFO: LTP version: 20260529\n"
                "fork01.c:52: TPASS: fork() returned 1\n"
                "fork01.c:60: TFAIL: wrong pid\n"
                "tst_test.c:1414: TCONF: Test only supports Intel 32 bits\n"
                "foo.c:1: TWARN: odd\n")
        self.assertEqual(parse.count_results(text),
                         {"TPASS": 1, "TFAIL": 1, "TBROK": 0, "TCONF": 1, "TWARN": 1})

    def test_old_library_lines(self):
        text = ("clone02     0  TINFO  :  Using /tmp/x as tmpdir\n"
                "clone02     1  TPASS  :  Test Passed\n"
                "clone02     2  TBROK  :  clone02.c:1: no\n")
        self.assertEqual(parse.count_results(text)["TPASS"], 1)
        self.assertEqual(parse.count_results(text)["TBROK"], 1)

    def test_message_text_is_not_a_result(self):
        # A TPASS inside a message, or a line that merely mentions TFAIL, is not counted.
        text = ("foo.c:10: TINFO: expecting TPASS: later\n"
                "random output TFAIL: here\n"
                "  indented.c:1: TPASS: no\n")
        self.assertEqual(sum(parse.count_results(text).values()), 0)

    def test_colour_codes_are_ignored(self):
        text = "fork01.c:52: \x1b[1;32mTPASS: \x1b[0mok\n"
        self.assertEqual(parse.count_results(text)["TPASS"], 1)

    def test_summary_block(self):
        text = "x\n\nSummary:\npassed   3\nfailed   1\nbroken   0\nskipped  2\nwarnings 0\n"
        self.assertEqual(parse.parse_summary(text),
                         {"passed": 3, "failed": 1, "broken": 0, "skipped": 2, "warnings": 0})
        self.assertIsNone(parse.parse_summary("Summary:\npassed 1\n"))


class Classify(unittest.TestCase):
    def c(self, code, text="", **kw):
        return parse.classify(code, text, **kw)[0]

    def test_exit_status_bits(self):
        self.assertEqual(self.c(0), "PASS")
        self.assertEqual(self.c(1), "FAIL")
        self.assertEqual(self.c(2), "BROK")
        self.assertEqual(self.c(3), "BROK")       # broken wins over failed
        self.assertEqual(self.c(4), "FAIL")       # warnings are a failure
        self.assertEqual(self.c(32), "CONF")
        self.assertEqual(self.c(33), "FAIL")      # failed and skipped, nothing passed
        self.assertEqual(self.c(34), "BROK")

    def test_launcher_and_shell_statuses(self):
        self.assertEqual(parse.classify(127, "")[1], "test binary not found")
        self.assertEqual(self.c(126), "BROK")
        self.assertEqual(self.c(125), "BROK")
        self.assertEqual(self.c(64), "BROK")      # not an LTP bit pattern
        self.assertEqual(self.c(None), "BROK")

    def test_signals(self):
        self.assertEqual(parse.classify(139, ""), ("CRASH", "killed by SIGSEGV"))
        self.assertEqual(parse.classify(159, ""), ("CRASH", "killed by SIGSYS"))
        self.assertEqual(self.c(None, term_signal=9), "CRASH")
        self.assertEqual(parse.classify(2, "tst_test.c:1948: TBROK: Test killed by SIGBUS!\n"),
                         ("CRASH", "test process killed by SIGBUS"))
        self.assertEqual(self.c(2, "tst_test.c:536: TBROK: Child (77) killed by signal "
                                   "SIGSEGV\n"), "CRASH")

    def test_timeouts(self):
        self.assertEqual(self.c(None, timed_out=True), "TIMEOUT")
        text = ("Test timeouted, sending SIGKILL!\n"
                "tst_test.c:1944: TBROK: Test killed! (timeout?)\n")
        self.assertEqual(self.c(2, text), "TIMEOUT")
        # SIGKILL without LTP's own timeout message is someone else's kill: a crash.
        self.assertEqual(self.c(2, "tst_test.c:1944: TBROK: Test killed! (timeout?)\n"),
                         "CRASH")

    def test_first_reason(self):
        text = ("a.c:1: TINFO: x\na.c:2: TCONF: no foo\na.c:3: TFAIL: bad bar\n")
        self.assertEqual(parse.first_reason(text, "FAIL"), "a.c:3: TFAIL: bad bar")
        self.assertEqual(parse.first_reason(text, "CONF"), "a.c:2: TCONF: no foo")
        self.assertEqual(parse.first_reason(text, "PASS"), "")


if __name__ == "__main__":
    common.main()
