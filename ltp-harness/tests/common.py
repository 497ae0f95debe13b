"""Shared set-up for the harness's unit tests: import path and the recorded fixtures."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
HARNESS = os.path.dirname(HERE)
REPO = os.path.dirname(HARNESS)
FIXTURES = os.environ.get("LXLTP_FIXTURES", os.path.join(REPO, "tests", "fixtures", "ltp"))

sys.path.insert(0, HARNESS)


def fixture(*parts):
    return os.path.join(FIXTURES, *parts)


def read_fixture(*parts):
    with open(fixture(*parts), encoding="utf-8", errors="replace") as f:
        return f.read()


def main():
    """unittest.main, but exit 77 (ctest SKIP) when every test was skipped, so a missing
    prerequisite shows as a skip with its printed reason, never as a silent pass."""
    import unittest
    prog = unittest.main(exit=False)
    res = prog.result
    if not res.wasSuccessful():
        sys.exit(1)
    if res.testsRun and len(res.skipped) == res.testsRun:
        for _, reason in res.skipped[:1]:
            print("SKIP: %s" % reason)
        sys.exit(77)
    sys.exit(0)
