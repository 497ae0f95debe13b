"""Which tests run in the privileged zone of `ltprun conformance`, and the report of a zone run
made in two zones (a user-namespaced one and a privileged one).

Device tests are told apart on recorded real logs (tests/fixtures/ltp/devices): natively LTP
attaches a loop device of its own, with LTP_DEV it uses that one; open11 makes its device node
with mknod and acquires no device.
"""

import os
import shutil
import tempfile
import unittest

import common
from common import read_fixture
from lxltp import known, privileged, report, runtest
from lxltp.results import Result


class DeviceTests(unittest.TestCase):
    def test_native_log_of_a_device_test(self):
        why = privileged.device_reason(read_fixture("devices", "statx04-native.log"))
        self.assertIn("device test", why)
        self.assertIn("Found free device 0 '/dev/loop0'", why)

    def test_log_with_ltp_dev(self):
        why = privileged.device_reason(read_fixture("devices", "statx04-ltp-dev.log"))
        self.assertIn("Using test device LTP_DEV='/dev/loop0'", why)

    def test_old_library_log(self):
        # the old API's tst_res lines (linkat02, mknodat02, rename11, renameat01, umount2_01)
        why = privileged.device_reason(
            "linkat02    0  TINFO  :  Found free device 0 '/dev/loop0'\n"
            "linkat02    0  TINFO  :  Formatting /dev/loop0 with ext2 opts='' extra opts=''\n")
        self.assertIn("Found free device 0 '/dev/loop0'", why)
        self.assertIsNone(privileged.device_reason(
            "linkat02    4  TPASS  :  linkat failed as expected: Found free device 0 'x'\n"))

    def test_not_a_device_test(self):
        self.assertIsNone(privileged.device_reason(read_fixture("devices", "open11-native.log")))
        self.assertIsNone(privileged.device_reason(""))
        # A test's own words about a device are not LTP's library acquiring one.
        self.assertIsNone(privileged.device_reason(
            "open11.c:271: TPASS: open device special file O_RDONLY returned fd 3\n"))

    def test_device_tests_from_a_results_directory(self):
        d = tempfile.mkdtemp(prefix="lxltp-priv.")
        self.addCleanup(shutil.rmtree, d)
        os.makedirs(os.path.join(d, "logs"))
        for tag, name in (("statx04", "statx04-native.log"), ("open11", "open11-native.log")):
            with open(os.path.join(d, "logs", tag + ".log"), "w") as f:
                f.write(read_fixture("devices", name))
        found = privileged.device_tests(d, ["statx04", "open11", "nolog01"])
        self.assertEqual(list(found), ["statx04"])


class List(unittest.TestCase):
    def test_parse(self):
        got = privileged.parse_list("# comment\n\nopen11\tmknod of a device node\n")
        self.assertEqual(got, [("open11", "mknod of a device node")])

    def test_bad_line(self):
        with self.assertRaisesRegex(ValueError, r"x.tsv:2: want 2 tab-separated fields"):
            privileged.parse_list("# c\nopen11 no tab\n", "x.tsv")

    def test_checked_in_list(self):
        """Every entry says why, and names a test of the default subset."""
        entries = privileged.load_list(os.path.join(common.HARNESS, "privileged-tests.tsv"))
        self.assertEqual(sorted(t for t, _ in entries), ["open11", "statx01"])
        tags, _ = runtest.load_subset(os.path.join(common.HARNESS, "subset.txt"))
        for tag, why in entries:
            self.assertIn(tag, tags)
            self.assertIn("user namespace", why)

    def test_missing_list_is_empty(self):
        self.assertEqual(privileged.load_list("/nonexistent/privileged.tsv"), [])
        self.assertEqual(privileged.load_list(""), [])

    def test_split_keeps_order_and_reasons(self):
        tests = [("fork01", "fork01"), ("statx01", "statx01"), ("open11", "open11"),
                 ("statx04", "statx04")]
        unpriv, priv, why = privileged.split(tests, {"statx04": "device test: ..."},
                                             [("open11", "mknod"), ("statx01", "mknod")])
        self.assertEqual(unpriv, [("fork01", "fork01")])
        self.assertEqual([t for t, _ in priv], ["statx01", "open11", "statx04"])
        self.assertEqual(why, {"statx01": "mknod", "open11": "mknod",
                               "statx04": "device test: ..."})


def _row(tag, status, note=""):
    return Result(tag=tag, status=status, note=note)


class PartsReport(unittest.TestCase):
    """docs/conformance.md of a zone run made in a user-namespaced and a privileged zone."""

    def setUp(self):
        native = ({"target": "native", "seconds": 10},
                  [_row(t, "PASS") for t in ("fork01", "getpid01", "openat03", "statx04",
                                             "open11", "inotify07")])
        userns = ({"target": "zone:lz", "seconds": 3, "timeout": 300},
                  [_row("fork01", "PASS"), _row("getpid01", "PASS"),
                   _row("openat03", "FAIL", "file mode read 1755, but expected 7755")])
        priv = ({"target": "zone:lzp", "seconds": 2, "timeout": 300,
                 "env": {"LTP_DEV": "/dev/loop9"}},
                [_row("statx04", "PASS"), _row("open11", "PASS"),
                 _row("inotify07", "BROK", "drop_caches: EROFS (30)")])
        entries = known.parse_text(
            "inotify07\tzone\thost-state\t/proc/sys is read-only in every zone.\n")
        self.why = {"open11": "mknod of a device node", "statx04": "device test: mounts it",
                    "inotify07": "device test: mounts it"}
        self.md = report.render(native, None, entries, command="ltprun conformance",
                                parts=[{"label": "user-namespaced", "results": userns,
                                        "setup": ["user-namespaced: no test device"]},
                                       {"label": "privileged", "results": priv,
                                        "setup": ["zone: `lxzone create lzp --privileged`"]}],
                                privileged=self.why)

    def test_totals_per_zone_and_together(self):
        self.assertIn("| zone:lz (user-namespaced) | 3 | 2 | 1 | 0 |", self.md)
        self.assertIn("| zone:lzp (privileged) | 3 | 2 | 0 | 1 |", self.md)
        self.assertIn("| zones together | 6 | 4 | 1 | 1 |", self.md)
        self.assertIn("test environment: LTP_DEV=/dev/loop9.", self.md)
        self.assertIn("- zone: `lxzone create lzp --privileged`", self.md)

    def test_parity_per_zone(self):
        self.assertIn("**66.7%** under zone:lz (user-namespaced) (2 of the 3", self.md)
        self.assertIn("**66.7%** under zone:lzp (privileged) (2 of the 3 tests it ran that pass "
                      "natively; 1 of the 1 regressions explained", self.md)
        self.assertIn("**66.7%** under both zones together (4 of the 6", self.md)
        self.assertIn("| openat | openat03 | user-namespaced | FAIL | **unexpected** |", self.md)
        self.assertIn("| inotify | inotify07 | privileged | BROK | host-state |", self.md)
        self.assertNotIn("Partial zone run", self.md)

    def test_privileged_tests_and_why(self):
        self.assertIn("except these 3 tests", self.md)
        self.assertIn("| open11 | PASS | mknod of a device node |", self.md)
        self.assertIn("| inotify07 | BROK | device test: mounts it |", self.md)

    def test_unexpected_per_zone(self):
        section = self.md.split("### zone:lz (user-namespaced)")[1].split("### ")[0]
        self.assertIn("| openat03 | openat | FAIL |", section)
        section = self.md.split("### zone:lzp (privileged)")[1]
        self.assertIn("No unexpected failures.", section)
        self.assertIn("Known failures hit: inotify07 (BROK, host-state)", section)


if __name__ == "__main__":
    common.main()
