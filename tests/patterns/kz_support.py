"""Test support for the KZ106–KZ113 pattern tests: drive one pattern detect → refuse → rewrite,
and run before/after code side by side for differential checks."""

from __future__ import annotations

import ast
import copy
import textwrap
from collections.abc import Callable
from typing import Any

import libcst as cst
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaizen.patterns.base import Evidence, Example, Pattern, Site


def sites(pattern: Pattern, source: str) -> list[Site]:
    source = textwrap.dedent(source)
    return pattern.detect(ast.parse(source), source)


def verdicts(pattern: Pattern, source: str, evidence: Evidence | None = None) -> list[str | None]:
    """The refusal reason of every site (None: fixable)."""
    return [pattern.refuse(s, evidence) for s in sites(pattern, source)]


def fix(pattern: Pattern, source: str, evidence: Evidence | None = None) -> str:
    """Rewrite every fixable site, one at a time, re-detecting after each (as `kaizen fix` does)."""
    source = textwrap.dedent(source)
    for _ in range(20):
        fixable = [s for s in pattern.detect(ast.parse(source), source) if pattern.refuse(s, evidence) is None]
        if not fixable:
            return source
        new = pattern.rewrite(cst.parse_module(source), fixable[0]).code
        compile(new, "<rewritten>", "exec")
        if new == source:
            raise AssertionError(f"rewrite of {fixable[0]} changed nothing but stays fixable")
        source = new
    raise AssertionError("rewrites did not converge")


def outcome(fn: Callable[..., Any], *args: Any) -> tuple[str, Any]:
    """What a call does: its result, or the type of the exception it raises."""
    try:
        return "ok", fn(*args)
    except Exception as exc:  # the exception type is part of the behaviour under test
        return "raised", type(exc).__name__


def load(source: str, name: str) -> Callable[..., Any]:
    namespace: dict[str, Any] = {"__name__": "kz_test_module"}
    exec(compile(textwrap.dedent(source), "<test>", "exec"), namespace)
    fn = namespace[name]
    assert callable(fn)
    return fn


def check_differential(example: Example, max_examples: int = 60) -> None:
    """Run an example's before and after code on generated arguments: same result or exception
    type, and the same changes to the (copied) arguments."""
    assert example.call, "example has no differential spec"
    strategies = eval(f"({example.args})", {"st": st})  # the spec format Example documents
    before, after = load(example.before, example.call), load(example.after, example.call)

    @settings(max_examples=max_examples, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.tuples(*strategies))
    def run(args: tuple[Any, ...]) -> None:
        args_before, args_after = copy.deepcopy(args), copy.deepcopy(args)
        assert outcome(before, *args_before) == outcome(after, *args_after)
        assert args_before == args_after

    run()
