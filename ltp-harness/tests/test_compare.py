"""Comparison of a baseline and a target run: parity, regressions by family, known marks.

The fixtures are a native run and a brand run of the same small set of tests
(tests/fixtures/ltp/results/compare-*.tsv); the brand side was made by editing a real native
run to cover every case: a crash, a CONF the brand caused, a known failure, a gain, a test the
target never ran.
"""

import unittest

import common
from common import fixture
from lxltp import compare, known, report, results
from lxltp.results import Result


class Compare(unittest.TestCase):
    def setUp(self):
        _, self.native = results.load(fixture("results", "compare-native.tsv"))
        _, self.brand = results.load(fixture("results", "compare-lxrun.tsv"))
        self.known = known.load(fixture("known-failures.tsv"))
        self.c = compare.compare(self.native, self.brand, self.known,
                                 known.run_profiles("lxrun"))

    def test_parity(self):
        # 10 native passes, one of which (exit02) lxrun never ran: 9 compared, 5 pass on both.
        self.assertEqual((self.c.base_pass, self.c.both_pass), (9, 5))
        self.assertAlmostEqual(self.c.parity, 100 * 5 / 9)
        self.assertEqual([b.tag for b in self.c.missing], ["exit02"])

    def test_regressions_grouped_by_family(self):
        groups = {fam: [t.tag for _, t in items] for fam, items in self.c.by_family().items()}
        self.assertEqual(groups, {"futex": ["futex_wait01", "futex_waitv01"],
                                  "clone": ["clone301"], "uname": ["uname04"]})
        # Largest family first.
        self.assertEqual(next(iter(self.c.by_family())), "futex")

    def test_conf_on_the_target_is_a_regression(self):
        statuses = {t.tag: t.status for _, t in self.c.regressions}
        self.assertEqual(statuses["uname04"], "CONF")
        self.assertEqual(statuses["clone301"], "CRASH")

    def test_known_marks_and_unexpected(self):
        self.assertEqual(sorted(t.tag for _, t in self.c.unexpected()),
                         ["clone301", "futex_wait01", "uname04"])
        marked = {t.tag: t.known for _, t in self.c.regressions}
        self.assertEqual(marked["futex_waitv01"], "not-yet")

    def test_gains(self):
        self.assertEqual([t.tag for _, t in self.c.gains], ["kill11"])

    def test_text_output(self):
        text = compare.format_text(self.c, "native", "lxrun")
        self.assertIn("parity 55.6%", text)
        self.assertIn("  futex (2)", text)
        self.assertIn("[known: not-yet]", text)

    def test_no_baseline_passes(self):
        c = compare.compare([Result("a01", "FAIL")], [Result("a01", "PASS")])
        self.assertEqual(c.parity, 0.0)
        self.assertEqual(len(c.gains), 1)


class Report(unittest.TestCase):
    def test_conformance_markdown(self):
        native = results.load(fixture("results", "compare-native.tsv"))
        brand_rows = results.load(fixture("results", "compare-lxrun.tsv"))[1]
        brand = ({"target": "lxrun", "seconds": 12.0}, brand_rows)
        md = report.render(native, brand, known.load(fixture("known-failures.tsv")))
        self.assertIn("| lxrun | 10 | 6 |", md)
        self.assertIn("**55.6%**", md)
        self.assertIn("| clone | clone301 | CRASH | **unexpected** |", md)
        self.assertIn("Passing under lxrun only: kill11", md)

    def test_pending_brand_run(self):
        native = results.load(fixture("results", "compare-native.tsv"))
        md = report.render(native, None, [], pending_reason="lxrun does not build yet")
        self.assertIn("Brand run pending: lxrun does not build yet", md)
        self.assertIn("native: 10 passed", md)


if __name__ == "__main__":
    common.main()
