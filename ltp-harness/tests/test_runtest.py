"""runtest files, subset files, the family table, and the checked-in default subset."""

import os
import unittest

import common
from common import HARNESS, fixture, read_fixture
from lxltp import families, runtest


class Runtest(unittest.TestCase):
    def test_recorded_runtest_excerpt(self):
        tests = runtest.parse_runtest(read_fixture("runtest-syscalls-excerpt"))
        d = dict(tests)
        self.assertEqual(d["fork06"], "fork_procs -n 1000")
        self.assertEqual(d["getpid01"], "getpid01")
        self.assertNotIn("#", " ".join(d))

    def test_errors(self):
        with self.assertRaisesRegex(ValueError, ":2: duplicate tag a01"):
            runtest.parse_runtest("a01 a01\na01 a01\n")
        with self.assertRaisesRegex(ValueError, ":1: a test needs"):
            runtest.parse_runtest("lonely\n")

    def test_select_keeps_order_and_refuses_unknown(self):
        tests = [("a01", "a01"), ("b01", "b01 -x")]
        self.assertEqual(runtest.select(tests, ["b01", "a01"]), [("b01", "b01 -x"), ("a01", "a01")])
        with self.assertRaisesRegex(ValueError, "zz01"):
            runtest.select(tests, ["zz01"])

    def test_subset_format(self):
        tags, excl = runtest.parse_subset("# c\nfork01\n!fork13 600 s\n\nfork14\n")
        self.assertEqual(tags, ["fork01", "fork14"])
        self.assertEqual(excl, {"fork13": "600 s"})
        with self.assertRaisesRegex(ValueError, "needs a reason"):
            runtest.parse_subset("!fork13\n")
        with self.assertRaisesRegex(ValueError, "both included and excluded"):
            runtest.parse_subset("fork13\n!fork13 long\n")


class Families(unittest.TestCase):
    def test_number_rule(self):
        cases = {
            "fork01": "fork", "dup201": "dup", "dup3_01": "dup", "pipe2_04": "pipe",
            "pipeio_3": "pipe", "epoll_ctl03": "epoll", "epoll_pwait06": "epoll",
            "epoll01": "epoll", "futex_wait_bitset01": "futex", "inotify_init1_02": "inotify",
            "rt_sigaction03": "rt_sig", "openat01": "openat", "openat203": "openat",
            "open14": "open", "stat01_64": "stat", "lstat03": "stat", "fstat02_64": "fstat",
            "clone301": "clone", "signalfd4_01": "signalfd", "timer_create01": "timer",
            "timerfd_settime02": "timerfd", "time01": "time", "times03": "time",
            "readlinkat02": "readlink", "wait401": "wait", "waitid11": "wait",
            "close_range02": "close_range", "close01": "close", "exit_group01": "exit",
            "sigprocmask01": "signal",
        }
        for tag, fam in cases.items():
            with self.subTest(tag=tag):
                self.assertEqual(families.subset_family(tag), fam)

    def test_outside_the_subset(self):
        for tag in ("open_tree01", "statfs01", "fstatfs02_64", "readahead01", "statmount01",
                    "sendfile02", "socketcall01", "timens01"):
            with self.subTest(tag=tag):
                self.assertIsNone(families.subset_family(tag))
        self.assertEqual(families.family_of("sendfile02_64"), "sendfile")
        self.assertEqual(families.family_of("fchownat03"), "fchownat")
        self.assertEqual(families.family_of("mallinfo2_01"), "mallinfo2")


class DefaultSubset(unittest.TestCase):
    def setUp(self):
        self.tags, self.excluded = runtest.load_subset(os.path.join(HARNESS, "subset.txt"))

    def test_size_and_families(self):
        self.assertTrue(400 <= len(self.tags) <= 500, len(self.tags))
        self.assertEqual(len(set(self.tags)), len(self.tags))
        for tag in self.tags:
            self.assertIsNotNone(families.subset_family(tag), tag)
        covered = {families.subset_family(t) for t in self.tags}
        self.assertEqual(covered, set(families.FAMILIES))

    def test_long_tests_are_excluded_with_a_reason(self):
        for tag in ("fork13", "inotify06"):
            self.assertNotIn(tag, self.tags)
            self.assertIn("600 s", self.excluded[tag])

    def test_subset_is_regenerated_identically(self):
        # make_subset over the recorded excerpt keeps the exclusion lines it is given.
        tests = runtest.parse_runtest(read_fixture("runtest-syscalls-excerpt"))
        text = runtest.make_subset(tests, {"fork13": "600 s runtime"})
        tags, excl = runtest.parse_subset(text)
        self.assertIn("fork01", tags)
        self.assertEqual(excl, {"fork13": "600 s runtime"})
        self.assertNotIn("statfs01", tags)


if __name__ == "__main__":
    common.main()
