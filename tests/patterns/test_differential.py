"""Every example of every pattern, run before and after on generated inputs: the same result (or
the same exception, type and message) and the same changes to the arguments.

An example takes part when it names the function to call and the argument strategies (see the
docstring of ``kaizen.patterns.base``); one that does not fails here with a pointer to that spec.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaizen.patterns.base import Example, Pattern
from kaizen.patterns.registry import all_patterns

EXAMPLES = [pytest.param(p, ex, id=f"{p.id}-example{i}") for p in all_patterns() for i, ex in enumerate(p.examples)]


def load(source: str, name: str) -> Callable[..., Any]:
    namespace: dict[str, Any] = {"__name__": "kaizen_differential"}
    exec(compile(source, "<example>", "exec", dont_inherit=True), namespace)
    return namespace[name]  # type: ignore[no-any-return]


def outcome(fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[str, Any]:
    try:
        return "returned", fn(*args)
    except Exception as exc:  # the exception is part of the behaviour being compared
        return "raised", (type(exc).__name__, str(exc))


def same(a: Any, b: Any) -> bool:
    """Equal, counting NaN equal to NaN (a rewrite must not be blamed for NaN != NaN)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b) or repr(a) == repr(b)


@pytest.mark.parametrize(("pattern", "example"), EXAMPLES)
def test_before_and_after_behave_the_same(pattern: Pattern, example: Example) -> None:
    assert example.call and example.args, (
        f"{pattern.id}: give this example call= and args= so it can be run (see kaizen.patterns.base)"
    )
    spec = example.args.strip().rstrip(",")  # "a, b" and "a," both name a tuple of strategies
    strategies = eval(f"({spec},)", {"st": st})  # the spec format Example documents
    before, after = load(example.before, example.call), load(example.after, example.call)

    @settings(max_examples=50, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st.tuples(*strategies))
    def run(args: tuple[Any, ...]) -> None:
        args_before, args_after = copy.deepcopy(args), copy.deepcopy(args)
        expected, actual = outcome(before, args_before), outcome(after, args_after)
        assert expected[0] == actual[0] and same(expected[1], actual[1]), (args, expected, actual)
        assert same(list(args_before), list(args_after)), "the rewrite changed what happens to the arguments"

    run()
