"""The behaviour check on real tiny projects: wrong rewrites that the projects' own tests let
through are rejected with the difference shown; correct rewrites of the same functions pass."""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path

import pytest

from kaizen.config import Command
from kaizen.patterns.base import Evidence
from kaizen.patterns.registry import get
from kaizen.verify.behaviour import check_behaviour, collect_evidence
from kaizen.verify.capture import run_capture
from kaizen.verify.report import BehaviourReport, ChangedFunction
from kaizen.verify.testrun import run_tests
from tests.conftest import MakeRepo
from tests.patterns.kz_support import sites
from tests.verify.behaviour_cases import CACHED_GLOBAL, CASES, JOIN, Case

pytestmark = pytest.mark.e2e

COMMANDS = {
    "unittest": Command(argv=(sys.executable, "-m", "unittest", "-q")),
    "pytest": Command(argv=(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests")),
}
FUZZ_SECONDS = 2.0


def changed_lines(before: str, after: str) -> tuple[int, ...]:
    """Line numbers, in ``after``, of the lines a rewrite inserted or replaced."""
    matcher = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    return tuple(j + 1 for tag, _, _, j1, j2 in matcher.get_opcodes() if tag != "equal" for j in range(j1, j2))


def rewrite(make_repo: MakeRepo, case: Case, text: str) -> tuple[Path, Path, ChangedFunction]:
    best = make_repo(case.files)
    candidate = make_repo({**case.files, case.path: text})
    lines = changed_lines(case.files[case.path], text)
    return best, candidate, ChangedFunction(case.path, case.qualname, case.module, lines)


def check(make_repo: MakeRepo, case: Case, text: str, **options: object) -> BehaviourReport:
    best, candidate, changed = rewrite(make_repo, case, text)
    return check_behaviour(best, candidate, COMMANDS["unittest"], [changed], timeout=120,
                           fuzz_seconds=FUZZ_SECONDS, **options)  # type: ignore[arg-type]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_a_wrong_rewrite_that_passes_the_tests_is_rejected(make_repo: MakeRepo, case: Case) -> None:
    best, candidate, changed = rewrite(make_repo, case, case.wrong)
    assert run_tests(COMMANDS["unittest"], candidate, 120).passed, "the premise: the project's tests miss it"
    report = check_behaviour(best, candidate, COMMANDS["unittest"], [changed], timeout=120, fuzz_seconds=FUZZ_SECONDS)
    assert report.status == "different", json.dumps(report.to_json())
    assert report.difference is not None and case.qualname in report.difference
    assert " on " in report.difference and f"{case.qualname}(" in report.difference  # the input is shown
    assert report.calls_captured >= 1 and report.changed_lines_covered == 1.0


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_a_correct_rewrite_of_the_same_function_passes(make_repo: MakeRepo, case: Case) -> None:
    report = check(make_repo, case, case.right)
    assert report.status == "same", report.to_json()
    assert report.difference is None
    assert report.calls_replayed >= 1 and report.inputs_fuzzed >= 10
    assert report.changed_lines_covered == 1.0 and report.uncovered_lines == ()


def test_capture_works_under_pytest_and_the_join_difference_shows_the_input(make_repo: MakeRepo) -> None:
    best, candidate, changed = rewrite(make_repo, JOIN, JOIN.wrong)
    report = check_behaviour(best, candidate, COMMANDS["pytest"], [changed], timeout=120, fuzz_seconds=FUZZ_SECONDS)
    assert report.status == "different" and report.calls_captured == 2
    assert report.difference is not None
    assert report.difference.startswith("shop.orders.attach_names: result[")
    assert "on a generated input: attach_names([(" in report.difference


def test_the_cache_difference_shows_the_global_changing_between_calls(make_repo: MakeRepo) -> None:
    report = check(make_repo, CACHED_GLOBAL, CACHED_GLOBAL.wrong)
    assert report.difference is not None
    assert "call 2" in report.difference and "WEIGHT=" in report.difference


UNTESTED = {
    "calc.py": "def tested(x):\n    return x + 1\n\n\ndef untested(xs):\n    out = []\n    for x in xs:\n        out.append(x * 2)\n    return out\n",
    "tests/__init__.py": "",
    "tests/test_calc.py": "import unittest\nfrom calc import tested\n\n\nclass T(unittest.TestCase):\n    def test_it(self):\n        self.assertEqual(tested(1), 2)\n",
}
UNTESTED_REWRITE = UNTESTED["calc.py"].replace(
    "    out = []\n    for x in xs:\n        out.append(x * 2)\n    return out\n", "    return [x * 2 for x in xs]\n"
)


def test_a_rewrite_the_tests_never_run_is_unverified_unless_allowed(make_repo: MakeRepo) -> None:
    case = Case("untested", "calc", "untested", UNTESTED, UNTESTED_REWRITE, UNTESTED_REWRITE)
    best, candidate, changed = rewrite(make_repo, case, UNTESTED_REWRITE)
    assert changed.lines == (6,)
    report = check_behaviour(best, candidate, COMMANDS["unittest"], [changed], timeout=120, fuzz_seconds=1.0)
    assert report.status == "unverified"
    assert report.changed_lines_covered == 0.0 and report.uncovered_lines == (6,)
    assert any("not run by the tests" in n for n in report.notes)
    allowed = check_behaviour(best, candidate, COMMANDS["unittest"], [changed], timeout=120, fuzz_seconds=1.0, allow_unverified=True)
    assert allowed.status == "same" and any("--allow-unverified" in n for n in allowed.notes)


def test_capture_is_unavailable_for_other_test_commands_but_coverage_still_counts(make_repo: MakeRepo) -> None:
    case = CASES[1]
    best, candidate, changed = rewrite(make_repo, case, case.right)
    shell = Command(shell=f"{sys.executable} -m unittest -q && echo done")
    report = check_behaviour(best, candidate, shell, [changed], timeout=120, fuzz_seconds=1.0)
    assert report.status == "unavailable"
    assert report.calls_captured == 0 and any("capture unavailable" in n for n in report.notes)
    assert report.changed_lines_covered == 1.0


MEMBERSHIP = {
    "tags.py": (
        "def common(words, allowed):\n"
        "    out = []\n"
        "    for w in words:\n"
        "        if w in allowed:\n"
        "            out.append(w)\n"
        "    return out\n"
    ),
    "tests/__init__.py": "",
    "tests/test_tags.py": (
        "import unittest\nfrom tags import common\n\n\nclass T(unittest.TestCase):\n"
        "    def test_common(self):\n"
        "        self.assertEqual(common(['a', 'b'], ['b', 'c']), ['b'])\n"
        "        self.assertEqual(common([1, 2], [2]), [2])\n"
    ),
}


def test_runtime_evidence_lets_the_membership_pattern_decide(make_repo: MakeRepo) -> None:
    repo = make_repo(MEMBERSHIP)
    evidence = collect_evidence(repo, COMMANDS["unittest"], [("tags", "common"), ("tags", "never_called")], timeout=120)
    assert set(evidence) == {"common", "tags.common"}  # nothing for a function the tests never called
    seen = evidence["common"]
    assert evidence["tags.common"] is seen
    assert seen.calls_seen == 2
    assert seen.element_types["allowed"] == frozenset({"str", "int"})
    assert seen.value_types["words"] == frozenset({"list"})
    kz102 = get("KZ102")
    (site,) = sites(kz102, MEMBERSHIP["tags.py"])
    assert kz102.refuse(site, None) is not None  # nothing proves the elements hashable statically
    assert kz102.refuse(site, seen) is None  # the tests only ever passed str and int elements
    dicts = Evidence("tags.common", {"allowed": frozenset({"dict"}), "words": frozenset({"dict"})}, 1, {"allowed": frozenset({"list"})})
    assert kz102.refuse(site, dicts) is not None


CHAINED = {
    "sitecustomize.py": "import builtins\nbuiltins.PROJECT_SITE_RAN = True\n",
    "mod.py": "def plain(x):\n    return x * 2\n\n\ndef outer(x):\n    def inner(y):\n        return y + 1\n    return inner(x)\n",
    "tests/__init__.py": "",
    "tests/test_mod.py": (
        "import builtins\nimport unittest\nfrom mod import outer, plain\n\n\nclass T(unittest.TestCase):\n"
        "    def test_site(self):\n        self.assertTrue(getattr(builtins, 'PROJECT_SITE_RAN', False))\n"
        "    def test_mod(self):\n        self.assertEqual(plain(2), 4)\n        self.assertEqual(outer(1), 2)\n"
    ),
}


def test_the_projects_own_sitecustomize_still_runs_and_nested_functions_are_recorded_through_their_outer(make_repo: MakeRepo, tmp_path: Path) -> None:
    repo = make_repo(CHAINED)
    run = run_capture(repo, COMMANDS["unittest"], [("mod", "plain"), ("mod", "outer.inner")], 120, tmp_path)
    assert run.notes == ()  # the tests passed: the project's sitecustomize was imported after ours
    assert run.functions[("mod", "plain")].seen == 1
    nested = run.functions[("mod", "outer.inner")]
    assert (nested.status, nested.qualname, nested.requested, nested.seen) == ("patched", "outer", "outer.inner", 1)
    assert not nested.exact and run.functions[("mod", "plain")].exact
