"""Delivery routes over the depot graph."""

from __future__ import annotations


def reachable(start: int, roads: dict[int, list[int]]) -> list[int]:
    """Depots reachable from ``start``, nearest first (breadth-first)."""
    order = []
    seen = {start}
    queue = [start]
    while queue:
        depot = queue.pop(0)
        order.append(depot)
        for nxt in roads.get(depot, []):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return order
