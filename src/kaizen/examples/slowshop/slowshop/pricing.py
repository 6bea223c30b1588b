"""Price tables."""

from __future__ import annotations


def bundle_count(n: int, sizes: tuple[int, ...]) -> int:
    """Ways to make a bundle of ``n`` items from pack sizes (order matters)."""
    if n == 0:
        return 1
    return sum(bundle_count(n - s, sizes) for s in sizes if s <= n)
