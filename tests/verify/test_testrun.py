"""Reading test runners' output: which tests failed, how many ran."""

from __future__ import annotations

import sys
from pathlib import Path

from kaizen.config import Command
from kaizen.verify.testrun import parse_count, parse_failures, run_tests

UNITTEST_311 = """F.
======================================================================
FAIL: test_work (test_pkg.WorkTest.test_work)
----------------------------------------------------------------------
AssertionError: 18 != 14

----------------------------------------------------------------------
Ran 2 tests in 0.001s

FAILED (failures=1)
"""

PYTEST = """F.                                                    [100%]
=========================== short test summary info ============================
FAILED tests/test_a.py::test_one - assert 1 == 2
ERROR tests/test_b.py::test_two
1 failed, 1 passed, 1 error in 0.12s
"""


def test_unittest_names_on_python_311_and_before() -> None:
    assert parse_failures(UNITTEST_311) == ("test_pkg.WorkTest.test_work",)
    assert parse_failures("ERROR: test_x (pkg.T)\n") == ("pkg.T.test_x",)
    assert parse_count(UNITTEST_311) == 2


def test_pytest_names_and_counts() -> None:
    assert parse_failures(PYTEST) == ("tests/test_a.py::test_one", "tests/test_b.py::test_two")
    assert parse_count(PYTEST) == 3


def test_real_unittest_run_names_the_failing_test(tmp_path: Path) -> None:
    (tmp_path / "test_it.py").write_text("import unittest\nclass T(unittest.TestCase):\n    def test_bad(self):\n        self.assertEqual(1, 2)\n    def test_ok(self):\n        pass\n")
    outcome = run_tests(Command(argv=(sys.executable, "-m", "unittest", "-q")), tmp_path, 60)
    assert not outcome.passed and outcome.failed == ("test_it.T.test_bad",) and outcome.tests_run == 2
    assert outcome.describe() == "tests failed: test_it.T.test_bad"
