"""The gate's small pure helpers: which changed files count, and what of a failing test run is shown."""

from __future__ import annotations

import pytest

from kaizen.commands.gate import failing_tail
from kaizen.commands.gate_checks import in_source

UNITTEST = """F
======================================================================
FAIL: test_work (test_pkg.WorkTest.test_work)
----------------------------------------------------------------------
Traceback (most recent call last):
  File "/tmp/x/test_pkg.py", line 7, in test_work
    self.assertEqual(pkg.work(4), 18)
AssertionError: 18 != 14

----------------------------------------------------------------------
Ran 1 test in 0.001s

FAILED (failures=1)"""
PYTEST = """..F
=========================== short test summary info ============================
FAILED test_x.py::test_a - AssertionError: assert 15 == 14
1 failed, 2 passed in 0.05s"""


def test_failing_tail_keeps_the_reason_and_the_summary() -> None:
    assert failing_tail(UNITTEST) == (
        "FAIL: test_work (test_pkg.WorkTest.test_work) | self.assertEqual(pkg.work(4), 18) | AssertionError: 18 != 14 | FAILED (failures=1)"
    )
    assert failing_tail(PYTEST) == "FAILED test_x.py::test_a - AssertionError: assert 15 == 14 | 1 failed, 2 passed in 0.05s"
    assert failing_tail("Segmentation fault") == "Segmentation fault"
    assert failing_tail("\n=====\n\n") == ""


@pytest.mark.parametrize(
    ("path", "source", "inside"),
    [
        ("pkg/a.py", ("pkg",), True),
        ("pkg2/a.py", ("pkg",), False),  # a prefix of the name is not the folder
        ("src/pkg/a.py", ("src",), True),
        ("tests/test_a.py", ("src", "pkg"), False),
        ("anything.py", (".",), True),
        ("anything.py", (), True),
        ("pkg/a.py", ("pkg/",), True),
    ],
)
def test_in_source(path: str, source: tuple[str, ...], inside: bool) -> None:
    assert in_source(path, source) is inside
