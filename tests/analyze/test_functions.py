"""Function spans: the join between a profiler's (file, first line, code name) and a finding's name."""

from __future__ import annotations

import textwrap

from kaizen.analyze.functions import MODULE, exact_span, innermost, span_of_code, spans_of_source

SOURCE = textwrap.dedent(
    """\
    import functools

    def outer(xs):
        def inner(x):
            return x + 1
        return [inner(x) for x in xs]

    class Shop:
        @functools.cache
        @staticmethod
        def price(item):
            return item * 2

        async def fetch(self):
            return 1
    """
)


def test_qualified_names_and_decorated_first_lines() -> None:
    spans = {s.qualname: s for s in spans_of_source(SOURCE)}
    assert set(spans) == {"outer", "outer.inner", "Shop.price", "Shop.fetch", MODULE}
    price = spans["Shop.price"]
    assert (price.first_line, price.line, price.end_line) == (9, 11, 12)
    assert spans[MODULE].end_line == SOURCE.count("\n") + 1


def test_code_objects_map_to_their_function_and_comprehensions_to_the_enclosing_one() -> None:
    spans = spans_of_source(SOURCE)
    assert span_of_code(spans, "price", 9).qualname == "Shop.price"  # co_firstlineno of decorated code
    assert span_of_code(spans, "inner", 4).qualname == "outer.inner"
    listcomp = span_of_code(spans, "<listcomp>", 6)
    assert listcomp is not None and listcomp.qualname == "outer"
    assert span_of_code(spans, MODULE, 1).qualname == MODULE
    assert exact_span(spans, "<listcomp>", 6) is None  # call counts never go to the enclosing function
    assert exact_span(spans, "fetch", 14).qualname == "Shop.fetch"


def test_innermost_prefers_the_nested_function_and_falls_back_to_module() -> None:
    spans = spans_of_source(SOURCE)
    assert innermost(spans, 5).qualname == "outer.inner"
    assert innermost(spans, 6).qualname == "outer"
    assert innermost(spans, 1).qualname == MODULE


def test_unparsable_module_is_one_module_span() -> None:
    spans = spans_of_source("def broken(:\n    pass\n")
    assert [s.qualname for s in spans] == [MODULE]
