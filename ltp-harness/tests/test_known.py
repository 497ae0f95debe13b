"""known-failures.tsv: parsing, validation, matching by tag glob and profile."""

import os
import unittest

import common
from common import HARNESS, fixture
from lxltp import known
from lxltp.results import Result

TEXT = (
    "# tag\tprofile\treason\tsentence\n"
    "\n"
    "kill11\tnative,brand\tflaky-host\tSIGQUIT core dump hangs on this host.\n"
    "futex_waitv*\thardened\tnot-yet\tfutex_waitv is not emulated in the hardened profile.\n"
    "uname04\tlxrun\thost-state\tlxrun without --root shares the host uts name.\n"
    "fork05\t*\tobsolete\ti386 only.\n"
)


class Parsing(unittest.TestCase):
    def test_entries(self):
        e = known.parse_text(TEXT)
        self.assertEqual([x.tag for x in e], ["kill11", "futex_waitv*", "uname04", "fork05"])
        self.assertEqual(e[0].profiles, ("native", "brand"))
        self.assertEqual(e[0].lineno, 3)
        self.assertEqual(e[1].reason, "not-yet")

    def test_bad_reason_names_the_line(self):
        with self.assertRaisesRegex(ValueError, r":2: reason 'later'"):
            known.parse_text("# x\nfoo\tnative\tlater\tsometime.\n")

    def test_missing_field(self):
        with self.assertRaisesRegex(ValueError, ":1: want 4"):
            known.parse_text("foo\tnative\tnot-yet\n")

    def test_checked_in_file_is_valid(self):
        entries = known.load(os.path.join(HARNESS, "known-failures.tsv"))
        for e in entries:
            self.assertTrue(e.sentence.endswith("."), "line %d: one sentence" % e.lineno)
            for p in e.profiles:
                self.assertIn(p, ("native", "lxrun", "zone", "brand", "default", "hardened",
                                   "hardened-shipped", "*"),
                              "line %d" % e.lineno)


class Matching(unittest.TestCase):
    def setUp(self):
        self.e = known.parse_text(TEXT)

    def test_profiles_of_targets(self):
        self.assertEqual(known.run_profiles("native"), ("native",))
        self.assertEqual(known.run_profiles("lxrun"), ("lxrun", "brand", "default"))
        self.assertEqual(known.run_profiles("zone:web", "hardened"),
                         ("zone", "brand", "hardened"))
        # as shipped: the hardened entries and the capability policy's
        self.assertEqual(known.run_profiles("zone:web", "hardened-shipped"),
                         ("zone", "brand", "hardened", "hardened-shipped"))

    def test_glob_and_profile(self):
        native, lxrun = known.run_profiles("native"), known.run_profiles("lxrun")
        hard = known.run_profiles("zone:z", "hardened")
        self.assertIsNotNone(known.find(self.e, "kill11", native))
        self.assertIsNotNone(known.find(self.e, "kill11", lxrun))       # via "brand"
        self.assertIsNone(known.find(self.e, "futex_waitv01", lxrun))   # default profile
        self.assertIsNotNone(known.find(self.e, "futex_waitv02", hard))
        self.assertIsNone(known.find(self.e, "futex_wait01", hard))     # glob is exact
        self.assertIsNone(known.find(self.e, "uname04", hard))          # zones are not lxrun
        self.assertIsNotNone(known.find(self.e, "fork05", hard))        # '*'

    def test_apply_marks_and_reports_the_unexpected(self):
        rows = [Result("kill11", "TIMEOUT"), Result("uname04", "PASS"),
                Result("dup201", "FAIL"), Result("fork05", "CONF"), Result("fork01", "PASS"),
                Result("clone01", "CRASH")]
        bad, good = known.apply(rows, self.e, known.run_profiles("lxrun"))
        self.assertEqual([r.tag for r in bad], ["dup201", "clone01"])
        self.assertEqual([(r.tag, e.lineno) for r, e in good], [("uname04", 5)])
        marks = {r.tag: r.known for r in rows}
        self.assertEqual(marks, {"kill11": "flaky-host", "uname04": "", "dup201": "",
                                 "fork05": "obsolete", "fork01": "", "clone01": ""})

    def test_recorded_fixture(self):
        e = known.load(fixture("known-failures.tsv"))
        self.assertTrue(any(x.tag.endswith("*") for x in e))


if __name__ == "__main__":
    common.main()
