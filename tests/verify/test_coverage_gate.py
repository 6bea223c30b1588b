"""Which executed lines prove that a changed line ran."""

from __future__ import annotations

from kaizen.verify.coverage_gate import statement_spans

SOURCE = '''import functools


@functools.cache
def f(x,
      y):
    """Doc."""
    total = (x +
             y)  # a continuation line
    if total:
        return 1
    else:
        return 2
    # a comment
'''


def test_a_continuation_line_belongs_to_its_statement() -> None:
    assert statement_spans(SOURCE, [9]) == {9: (8, 9)}


def test_a_changed_decorator_or_def_line_needs_the_function_to_run() -> None:
    # @functools.cache runs at import; only the first real statement shows the function was called
    assert statement_spans(SOURCE, [4, 5, 6]) == {4: (8, 9), 5: (8, 9), 6: (8, 9)}


def test_a_compound_statement_owns_its_header_only() -> None:
    assert statement_spans(SOURCE, [10, 11]) == {10: (10, 10), 11: (11, 11)}


def test_lines_outside_statements_do_not_count() -> None:
    assert statement_spans(SOURCE, [2, 12, 14]) == {}


def test_an_import_line_counts_as_itself() -> None:
    assert statement_spans(SOURCE, [1]) == {1: (1, 1)}
