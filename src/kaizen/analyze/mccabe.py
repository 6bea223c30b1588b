"""McCabe's cyclomatic complexity of a function: how many independent paths a test suite must walk."""

from __future__ import annotations

import ast

from kaizen.analyze.functions import FunctionNode, own_nodes


def cyclomatic(function: FunctionNode) -> int:
    """McCabe's number: 1 + decision points (if/elif, loops, except, boolean operators,
    comprehension ``for``/``if``, conditional expressions, match cases, assert) of the function's
    own body."""
    count = 1
    for node in own_nodes(function):
        if isinstance(node, ast.If | ast.IfExp | ast.For | ast.AsyncFor | ast.While | ast.ExceptHandler | ast.Assert):
            count += 1
        elif isinstance(node, ast.BoolOp):
            count += len(node.values) - 1
        elif isinstance(node, ast.comprehension):
            count += 1 + len(node.ifs)
        elif isinstance(node, ast.match_case):
            count += 1
    return count
