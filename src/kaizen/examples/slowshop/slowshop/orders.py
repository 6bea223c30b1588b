"""Orders and customers."""

from __future__ import annotations


def attach_customers(orders: list[tuple[int, int]], customers: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Pair each order (order id, customer id) with its customer's name."""
    result = []
    for order in orders:
        for customer in customers:
            if customer[0] == order[1]:
                result.append((order[0], customer[1]))
                break
    return result


def count_flagged(order_ids: list[int], flagged: list[int]) -> int:
    """How many orders are on the fraud team's list."""
    count = 0
    for order_id in order_ids:
        if order_id in flagged:
            count += 1
    return count


def unique_skus(lines: list[str]) -> list[str]:
    """SKUs in first-seen order."""
    seen = []
    for sku in lines:
        if sku not in seen:
            seen.append(sku)
    return seen
