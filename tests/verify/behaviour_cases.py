"""Tiny projects whose own tests pass both before and after a deliberately wrong rewrite.

Each case: the project (``files``), the function rewritten, a wrong rewrite the behaviour check
must reject, and a correct rewrite of the same function it must accept. The tests are unittest
(fast to start); pytest runs them too, as one test shows.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    name: str
    module: str  # "shop.orders"
    qualname: str
    files: dict[str, str]
    wrong: str  # the module's text after the wrong rewrite
    right: str  # ... after a correct one

    @property
    def path(self) -> str:
        return self.module.replace(".", "/") + ".py"


def _d(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


JOIN = Case(
    name="join-last-duplicate-wins",
    module="shop.orders",
    qualname="attach_names",
    files={
        "shop/__init__.py": "",
        "shop/orders.py": _d('''
            def attach_names(orders, customers):
                """Each order (id, customer id) with the name of the first matching customer."""
                out = []
                for order_id, customer_id in orders:
                    for cid, name in customers:
                        if cid == customer_id:
                            out.append((order_id, name))
                            break
                return out
        '''),
        "tests/__init__.py": "",
        "tests/test_orders.py": _d('''
            import unittest
            from shop.orders import attach_names

            class T(unittest.TestCase):
                def test_attach(self):
                    orders = [(1, "c1"), (2, "c2"), (3, "c9")]
                    customers = [("c1", "Ann"), ("c2", "Bob")]
                    self.assertEqual(attach_names(orders, customers), [(1, "Ann"), (2, "Bob")])

                def test_none(self):
                    self.assertEqual(attach_names([], [("c1", "Ann")]), [])
        '''),
    },
    wrong=_d('''
        def attach_names(orders, customers):
            """Each order (id, customer id) with the name of the first matching customer."""
            index = {cid: name for cid, name in customers}  # the LAST duplicate wins
            return [(order_id, index[customer_id]) for order_id, customer_id in orders if customer_id in index]
    '''),
    right=_d('''
        def attach_names(orders, customers):
            """Each order (id, customer id) with the name of the first matching customer."""
            index = {}
            for cid, name in customers:
                index.setdefault(cid, name)
            return [(order_id, index[customer_id]) for order_id, customer_id in orders if customer_id in index]
    '''),
)

MUTATED_SET = Case(
    name="set-of-a-list-the-loop-mutates",
    module="dedupe",
    qualname="add_new",
    files={
        "dedupe.py": _d('''
            def add_new(items, seen):
                """Append to ``seen`` the items not in it yet; return those, in order."""
                added = []
                for item in items:
                    if item not in seen:
                        seen.append(item)
                        added.append(item)
                return added
        '''),
        "tests/__init__.py": "",
        "tests/test_dedupe.py": _d('''
            import unittest
            from dedupe import add_new

            class T(unittest.TestCase):
                def test_adds(self):
                    seen = ["a"]
                    self.assertEqual(add_new(["a", "b", "c"], seen), ["b", "c"])
                    self.assertEqual(seen, ["a", "b", "c"])
        '''),
    },
    wrong=_d('''
        def add_new(items, seen):
            """Append to ``seen`` the items not in it yet; return those, in order."""
            known = set(seen)  # built once, but the loop appends to seen
            added = []
            for item in items:
                if item not in known:
                    seen.append(item)
                    added.append(item)
            return added
    '''),
    right=_d('''
        def add_new(items, seen):
            """Append to ``seen`` the items not in it yet; return those, in order."""
            known = set(seen)
            added = []
            for item in items:
                if item not in known:
                    known.add(item)
                    seen.append(item)
                    added.append(item)
            return added
    '''),
)

CACHED_GLOBAL = Case(
    name="cache-on-a-function-reading-a-global",
    module="tiles",
    qualname="ways",
    files={
        "tiles.py": _d('''
            WEIGHT = 1  # changed by callers between calls

            def ways(n):
                """Weighted number of ways to tile a 1 x n strip with 1- and 2-tiles."""
                if n < 2:
                    return WEIGHT
                return ways(n - 1) + ways(n - 2)
        '''),
        "tests/__init__.py": "",
        "tests/test_tiles.py": _d('''
            import unittest
            import tiles

            class T(unittest.TestCase):
                def test_plain(self):
                    self.assertEqual(tiles.ways(5), 8)

                def test_weighted_base_case(self):
                    tiles.WEIGHT = 2
                    try:
                        self.assertEqual(tiles.ways(-1), 2)
                    finally:
                        tiles.WEIGHT = 1
        '''),
    },
    wrong=_d('''
        import functools

        WEIGHT = 1  # changed by callers between calls

        @functools.cache
        def ways(n):
            """Weighted number of ways to tile a 1 x n strip with 1- and 2-tiles."""
            if n < 2:
                return WEIGHT
            return ways(n - 1) + ways(n - 2)
    '''),
    right=_d('''
        import functools

        WEIGHT = 1  # changed by callers between calls

        def ways(n):
            """Weighted number of ways to tile a 1 x n strip with 1- and 2-tiles."""
            return WEIGHT * _count(n)

        @functools.cache
        def _count(n):
            if n < 2:
                return 1
            return _count(n - 1) + _count(n - 2)
    '''),
)

MAX_TIES = Case(
    name="max-instead-of-sorted-last-with-ties",
    module="league",
    qualname="champion",
    files={
        "league.py": _d('''
            def champion(results):
                """The (team, points) with the most points; the last listed wins a tie."""
                return sorted(results, key=lambda r: r[1])[-1]
        '''),
        "tests/__init__.py": "",
        "tests/test_league.py": _d('''
            import unittest
            from league import champion

            class T(unittest.TestCase):
                def test_champion(self):
                    self.assertEqual(champion([("ajax", 3), ("psv", 7), ("az", 5)]), ("psv", 7))
        '''),
    },
    wrong=_d('''
        def champion(results):
            """The (team, points) with the most points; the last listed wins a tie."""
            return max(results, key=lambda r: r[1])
    '''),
    right=_d('''
        def champion(results):
            """The (team, points) with the most points; the last listed wins a tie."""
            return max(reversed(results), key=lambda r: r[1]) if results else sorted(results)[-1]
    '''),
)

EQ_HASH = Case(
    name="set-over-objects-whose-eq-and-hash-disagree",
    module="stock",
    qualname="available",
    files={
        "stock.py": _d('''
            class Sku:
                def __init__(self, code, batch):
                    self.code = code
                    self.batch = batch

                def __eq__(self, other):  # the same product, whatever the batch
                    return isinstance(other, Sku) and self.code == other.code

                def __hash__(self):  # ...but the batch is hashed too: disagrees with __eq__
                    return hash((self.code, self.batch))

                def __repr__(self):
                    return f"Sku({self.code!r}, {self.batch})"

            def available(wanted, shelf):
                """The wanted products that are on the shelf, in the order wanted."""
                return [w for w in wanted if w in shelf]
        '''),
        "tests/__init__.py": "",
        "tests/test_stock.py": _d('''
            import unittest
            from stock import Sku, available

            class T(unittest.TestCase):
                def test_found(self):
                    a, b = Sku("a", 1), Sku("b", 1)
                    self.assertEqual(available([a], [a, b]), [a])

                def test_missing(self):
                    self.assertEqual(available([Sku("a", 2)], [Sku("c", 1)]), [])
        '''),
    },
    wrong=_d('''
        class Sku:
            def __init__(self, code, batch):
                self.code = code
                self.batch = batch

            def __eq__(self, other):  # the same product, whatever the batch
                return isinstance(other, Sku) and self.code == other.code

            def __hash__(self):  # ...but the batch is hashed too: disagrees with __eq__
                return hash((self.code, self.batch))

            def __repr__(self):
                return f"Sku({self.code!r}, {self.batch})"

        def available(wanted, shelf):
            """The wanted products that are on the shelf, in the order wanted."""
            on_shelf = set(shelf)
            return [w for w in wanted if w in on_shelf]
    '''),
    right=_d('''
        class Sku:
            def __init__(self, code, batch):
                self.code = code
                self.batch = batch

            def __eq__(self, other):  # the same product, whatever the batch
                return isinstance(other, Sku) and self.code == other.code

            def __hash__(self):  # ...but the batch is hashed too: disagrees with __eq__
                return hash((self.code, self.batch))

            def __repr__(self):
                return f"Sku({self.code!r}, {self.batch})"

        def available(wanted, shelf):
            """The wanted products that are on the shelf, in the order wanted."""
            codes = {s.code for s in shelf}
            return [w for w in wanted if w.code in codes]
    '''),
)

CASES = (JOIN, MUTATED_SET, CACHED_GLOBAL, MAX_TIES, EQ_HASH)
