"""Every pattern in the catalogue, in id order. Add a pattern here and the registry test covers it."""

from __future__ import annotations

from kaizen.patterns.append_comprehension import AppendComprehension
from kaizen.patterns.base import Pattern
from kaizen.patterns.dedup_seen_set import DedupSeenSet
from kaizen.patterns.heavy_import import HeavyImport
from kaizen.patterns.index_count_in_loop import IndexCountInLoop
from kaizen.patterns.list_as_queue import ListAsQueue
from kaizen.patterns.loop_invariant_hoist import LoopInvariantHoist
from kaizen.patterns.membership_in_loop import MembershipInLoop
from kaizen.patterns.nested_loop_join import NestedLoopJoin
from kaizen.patterns.quadratic_accumulation import QuadraticAccumulation
from kaizen.patterns.recursion_cache import RecursionCache
from kaizen.patterns.resort_insort import ResortInsort
from kaizen.patterns.sorted_min_max import SortedMinMax
from kaizen.patterns.sum_of_lists import SumOfLists

PATTERNS: tuple[Pattern, ...] = (
    NestedLoopJoin(),
    MembershipInLoop(),
    DedupSeenSet(),
    IndexCountInLoop(),
    LoopInvariantHoist(),
    RecursionCache(),
    ListAsQueue(),
    QuadraticAccumulation(),
    SortedMinMax(),
    SumOfLists(),
    ResortInsort(),
    HeavyImport(),
    AppendComprehension(),
)


def all_patterns() -> tuple[Pattern, ...]:
    return tuple(sorted(PATTERNS, key=lambda p: p.id))


def get(pattern_id: str) -> Pattern:
    for pattern in PATTERNS:
        if pattern_id in (pattern.id, pattern.name):
            return pattern
    raise KeyError(pattern_id)
