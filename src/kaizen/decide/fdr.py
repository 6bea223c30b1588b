"""False-discovery control over a night of many decisions (LOND, Javanmard & Montanari 2018).

The i-th tested candidate is held to ``alpha_i = alpha * gamma_i * (discoveries so far + 1)`` with
``gamma_i = 1 / (i (i + 1))``, which sums to 1 over an unbounded night. Early candidates (ranked
best) get most of the budget; every kept change earns the next ones more. On top of this every
kept change is measured again, on fresh runs, at COMPLETE.
"""

from __future__ import annotations


def gamma(index: int) -> float:
    if index < 1:
        raise ValueError("tests are numbered from 1")
    return 1.0 / (index * (index + 1))


def lond_alpha(alpha: float, index: int, discoveries: int) -> float:
    """The level for the ``index``-th test (1-based) after ``discoveries`` kept changes."""
    return min(alpha, alpha * gamma(index) * (discoveries + 1))
