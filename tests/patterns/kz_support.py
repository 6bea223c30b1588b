"""Test support for the KZ106–KZ113 pattern tests: drive one pattern detect → refuse → rewrite,
and run before/after code side by side for differential checks."""

from __future__ import annotations

import ast
import copy
import textwrap
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaizen.patterns.base import Evidence, Example, Finding, Pattern, Site
from kaizen.transform.apply import fix_source


def sites(pattern: Pattern, source: str) -> list[Site]:
    source = textwrap.dedent(source)
    return pattern.detect(ast.parse(source), source)


def verdicts(pattern: Pattern, source: str, evidence: Evidence | None = None) -> list[str | None]:
    """The refusal reason of every site (None: fixable)."""
    return [pattern.refuse(s, evidence) for s in sites(pattern, source)]


def fix(pattern: Pattern, source: str, evidence: Evidence | None = None) -> str:
    """What `kaizen fix --select <pattern>` makes of ``source`` (every safe site, re-detecting
    after each rewrite); a site whose rewrite refuses stays as it was."""
    return fix_report(pattern, source, evidence)[0]


def fix_report(pattern: Pattern, source: str, evidence: Evidence | None = None) -> tuple[str, tuple[Finding, ...]]:
    """The fixed text and the findings left unfixed, with their reasons."""
    new, _, refused = fix_source(textwrap.dedent(source), {pattern.id}, evidence)
    return new, refused


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
