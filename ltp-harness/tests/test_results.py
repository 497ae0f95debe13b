"""Result files: TSV and JSON round trips, the recorded native run, the totals line."""

import os
import tempfile
import unittest

import common
from common import fixture
from lxltp import results
from lxltp.results import Result


def sample():
    return [
        Result("fork01", "PASS", tpass=2, exit=0, seconds=0.03),
        Result("kill11", "TIMEOUT", tpass=2, tbrok=1, exit=2, seconds=120.0,
               note="LTP's own timeout fired",
               tail=["Test timeouted, sending SIGKILL!", "a\tb \\ c"]),
        Result("mmap05", "CRASH", exit=139, note="killed by SIGSEGV"),
        Result("fork05", "CONF", tconf=1, exit=32, known="obsolete"),
        Result("dup201", "FAIL", tfail=1, exit=1),
        Result("uname04", "BROK", tbrok=1, exit=2),
        Result("getpid01", "PASS", tpass=100, exit=None),
    ]


class RoundTrip(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.dir.cleanup()

    def test_tsv(self):
        path = os.path.join(self.dir.name, "r.tsv")
        with open(path, "w") as f:
            f.write(results.tsv_header())
            for r in sample():
                f.write(results.tsv_row(r))
        _, back = results.load(path)
        for a, b in zip(sample(), back):
            self.assertEqual((a.tag, a.status, a.known, a.tpass, a.tbrok, a.exit, a.note, a.tail,
                              a.family),
                             (b.tag, b.status, b.known, b.tpass, b.tbrok, b.exit, b.note, b.tail,
                              b.family))
        # One physical line per test, whatever the tail held.
        with open(path) as f:
            self.assertEqual(len(f.read().splitlines()), 1 + len(sample()))

    def test_json(self):
        path = os.path.join(self.dir.name, "r.json")
        results.write_json(path, {"target": "native"}, sample())
        meta, back = results.load(path)
        self.assertEqual(meta["target"], "native")
        self.assertEqual([r.__dict__ for r in back], [r.__dict__ for r in sample()])

    def test_run_directory_prefers_json(self):
        results.write_json(os.path.join(self.dir.name, "results.json"), {"target": "x"}, sample())
        meta, rows = results.load(self.dir.name)
        self.assertEqual(meta["target"], "x")

    def test_rejects_other_files(self):
        path = os.path.join(self.dir.name, "bad.tsv")
        with open(path, "w") as f:
            f.write("name\tresult\nfoo\tok\n")
        with self.assertRaises(ValueError):
            results.load(path)
        with open(path, "w") as f:
            f.write("tag\tstatus\nfoo\tOK\n")
        with self.assertRaisesRegex(ValueError, "unknown status"):
            results.load(path)


class Merge(unittest.TestCase):
    def test_parts_of_one_run(self):
        import subprocess
        import sys
        with tempfile.TemporaryDirectory() as d:
            rows = sample()
            a, b, out = (os.path.join(d, n) for n in ("a.json", "b.json", "out"))
            results.write_json(a, {"target": "lxrun", "timeout": 120, "seconds": 10}, rows[:3])
            results.write_json(b, {"target": "lxrun", "timeout": 45, "seconds": 5}, rows[3:])
            ltprun = os.path.join(common.HARNESS, "ltprun")
            p = subprocess.run([sys.executable, "-B", ltprun, "merge", a, b, "-o", out],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("2 passed, 2 failed, 2 broken, 1 conf", p.stdout)
            meta, merged = results.load(out)
            self.assertEqual([r.tag for r in merged], [r.tag for r in rows])
            self.assertEqual((meta["timeout"], meta["seconds"]), ("120/45", 15))
            # The same test twice, or two targets, is refused.
            p = subprocess.run([sys.executable, "-B", ltprun, "merge", a, a, "-o", out],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 2)
            self.assertIn("already in an earlier part", p.stderr)
            results.write_json(b, {"target": "native"}, rows[3:])
            p = subprocess.run([sys.executable, "-B", ltprun, "merge", a, b, "-o", out],
                               capture_output=True, text=True)
            self.assertIn("different targets", p.stderr)


class Totals(unittest.TestCase):
    def test_every_test_in_one_bucket(self):
        line = results.totals_line(sample())
        self.assertEqual(line, "2 passed, 2 failed, 2 broken, 1 conf "
                               "(1 crashed, 1 timed out, 7 tests)")

    def test_recorded_native_run(self):
        # The real native run of the default subset on this project's machine.
        meta, rows = results.load(fixture("results", "native-subset.tsv"))
        self.assertGreater(len(rows), 400)
        t = results.totals(rows)
        self.assertEqual(sum(t[s] for s in ("PASS", "FAIL", "BROK", "CONF", "TIMEOUT", "CRASH")),
                         t["total"])
        self.assertGreater(t["PASS"] / t["total"], 0.9)
        by_tag = {r.tag: r for r in rows}
        self.assertEqual(by_tag["fork05"].status, "CONF")      # i386-only test
        self.assertEqual(by_tag["getpid01"].status, "PASS")
        self.assertEqual(by_tag["getpid01"].family, "getpid")


if __name__ == "__main__":
    common.main()
