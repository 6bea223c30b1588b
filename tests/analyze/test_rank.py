"""Candidate ranking: expected seconds saved, with hot findings before cold ones."""

from __future__ import annotations

import pytest

from kaizen.analyze.complexity import analyze_source
from kaizen.analyze.rank import DEFAULT_PRIORS, Weights, combine, rank
from kaizen.measure.hotspots import FunctionStats, Profile
from kaizen.patterns.base import Finding

SOURCE = """\
def hot(items, wanted):
    found = []
    for w in wanted:
        if w in items:
            found.append(w)
    return found


def cold(items):
    return [x for x in items]


def flat(a, b):
    return a + b
"""


def finding(pattern: str, line: int, function: str | None, *, fixable: bool = True, path: str = "pkg/core.py") -> Finding:
    return Finding(pattern, pattern.lower(), path, line, 4, line, "msg", function, fixable, None if fixable else "unsafe")


def stats(qualname: str, line: int, end: int, share: float, path: str = "pkg/core.py", calls: int | None = None) -> FunctionStats:
    return FunctionStats(path, line, end, qualname, share * 2.0, share * 2.0, share, share, calls)


def profile(*functions: FunctionStats, wall: float = 2.0, name: str = "main") -> Profile:
    return Profile(name, "python bench.py", "2026-01-01T00:00:00+00:00", wall, wall, 1, "stat_profile", 0.001, functions)


SHAPES = {"pkg/core.py": analyze_source(SOURCE)}


def test_score_is_expected_seconds_saved_and_hot_ranks_first() -> None:
    findings = [finding("KZ113", 10, "cold"), finding("KZ102", 4, "hot")]
    ranked = rank(findings, profile(stats("hot", 1, 6, 0.75), stats("cold", 9, 10, 0.0)), shapes=SHAPES)
    assert [c.finding.function for c in ranked] == ["hot", "cold"]
    top = ranked[0]
    assert top.hot_share == 0.75 and top.growth == "O(n²)"
    # prior 0.6 raised by the O(n²) growth: 0.6 × (1 + 0.5 × (2 - 1)) = 0.9; fixable → 0.9 confidence
    assert top.expected_gain == pytest.approx(0.9)
    assert top.score == pytest.approx(2.0 * 0.75 * 0.9 * 0.9)
    assert ranked[1].score == 0.0 and not ranked[1].hot


def test_a_small_prior_on_a_hot_path_can_still_beat_a_large_prior_on_a_cold_one() -> None:
    findings = [finding("KZ106", 13, "flat"), finding("KZ113", 10, "cold")]
    ranked = rank(findings, profile(stats("cold", 9, 10, 0.9)), shapes=SHAPES)
    assert ranked[0].finding.pattern_id == "KZ113" and ranked[0].score > 0
    assert ranked[1].finding.pattern_id == "KZ106" and ranked[1].hot_share == 0.0  # cold: listed, last


def test_without_a_profile_the_static_part_orders_and_scores_are_zero() -> None:
    findings = [finding("KZ113", 10, "cold"), finding("KZ101", 4, "hot"), finding("KZ102", 4, "hot", fixable=False)]
    ranked = rank(findings, None, shapes=SHAPES)
    assert [c.finding.pattern_id for c in ranked] == ["KZ101", "KZ102", "KZ113"]
    assert all(c.score == 0.0 and c.hot_share is None for c in ranked)
    assert ranked[1].confidence == Weights().report_only_confidence


def test_weights_change_the_order() -> None:
    # a cache (KZ106) costs memory; dropping a big import (KZ112) frees it
    findings = [finding("KZ106", 13, "flat"), finding("KZ112", 1, None)]
    hot_both = profile(stats("flat", 13, 14, 0.5), stats("<module>", 1, 14, 0.5))
    by_time = rank(findings, hot_both, shapes=SHAPES)
    assert by_time[0].finding.pattern_id == "KZ106"
    by_memory = rank(findings, hot_both, Weights(memory=2.0), shapes=SHAPES)
    assert by_memory[0].finding.pattern_id == "KZ112"
    # frequency: a bigger exponent shrinks a lukewarm function's score more than a hot one's
    warm = rank([finding("KZ113", 10, "cold")], profile(stats("cold", 9, 10, 0.3)), Weights(frequency=2.0))
    assert warm[0].score == pytest.approx(2.0 * 0.3**2 * 0.05 * 0.9)
    # complexity: with weight 0 an O(n²) function gets the plain prior
    flat = rank([finding("KZ102", 4, "hot")], None, Weights(complexity=0.0), shapes=SHAPES)
    assert flat[0].expected_gain == DEFAULT_PRIORS["KZ102"]


def test_custom_priors_unknown_patterns_and_wall_override() -> None:
    ranked = rank([finding("KZ999", 4, "hot")], profile(stats("hot", 1, 6, 0.5)), priors={}, wall=10.0)
    assert ranked[0].expected_gain == pytest.approx(0.2 * 1.0)  # the default gain; no shapes → no growth factor
    assert ranked[0].score == pytest.approx(10.0 * 0.5 * 0.2 * 0.9)
    assert ranked[0].growth is None


def test_innermost_profiled_function_wins_and_module_level_findings_use_module_time() -> None:
    p = profile(stats("outer", 1, 20, 0.9), stats("outer.inner", 5, 8, 0.1), stats("<module>", 1, 30, 1.0))
    ranked = rank([finding("KZ113", 6, "outer.inner"), finding("KZ112", 25, None)], p)
    assert {c.finding.function: c.hot_share for c in ranked} == {None: 1.0, "outer.inner": 0.1}


def test_combine_adds_seconds_over_benchmarks() -> None:
    f = finding("KZ102", 4, "hot")
    a = rank([f], profile(stats("hot", 1, 6, 0.5, calls=3), name="a"))
    b = rank([f], profile(stats("hot", 1, 6, 0.25, calls=4), name="b"))
    (merged,) = combine([a, b])
    assert merged.score == pytest.approx(a[0].score + b[0].score)
    assert merged.hot_share == 0.5 and merged.calls == 7
    assert merged.key == "KZ102:pkg/core.py:hot:4"


def test_unsampled_functions_are_cold_and_lambdas_and_class_bodies_use_what_encloses_them() -> None:
    source = "import re\n\n\nclass Rules:\n    PATTERN = re.compile('x')\n\n\ndef outer(xs):\n    def inner(x):\n        return x\n    return sorted(xs, key=lambda x: -x)\n"
    shapes = {"pkg/core.py": analyze_source(source)}
    p = profile(stats("outer", 8, 11, 0.6), stats("<module>", 1, 11, 0.9))
    findings = [
        finding("KZ113", 10, "outer.inner"),  # a nested function the profile never sampled
        finding("KZ105", 11, "outer.<lambda>"),  # a lambda: timed as part of outer
        finding("KZ112", 5, "Rules"),  # a class body: runs at import, as module-level code
    ]
    shares = {c.finding.function: c.hot_share for c in rank(findings, p, shapes=shapes)}
    assert shares == {"outer.inner": 0.0, "outer.<lambda>": 0.6, "Rules": 0.9}
    # without shapes a lambda is still shortened; an unknown name is cold, never the module's time
    shares = {c.finding.function: c.hot_share for c in rank(findings, p)}
    assert shares == {"outer.inner": 0.0, "outer.<lambda>": 0.6, "Rules": 0.0}
