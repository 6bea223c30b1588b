"""Walks the state table. The work of each state lives elsewhere (``Work``); the driver only asks
for an outcome, looks up the next state and records the transition.

Stalls: each state gets a ``Deadline``; the work passes ``deadline.timeout(limit)`` to every
subprocess it starts, so a stuck benchmark or test is killed when the state's time is up and the
state reports ``Stalled``. A stalled candidate state rejects the candidate and the night moves on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from kaizen.engine.states import CANDIDATE_STATES, Outcome, State, next_state


class Clock(Protocol):
    def __call__(self) -> float: ...


@dataclass(frozen=True)
class Deadline:
    """When the current state must be done by (clock seconds)."""

    at: float
    clock: Clock

    def remaining(self) -> float:
        return max(0.0, self.at - self.clock())

    def timeout(self, own_limit: float) -> float:
        """A subprocess timeout that respects both its own limit and the state's deadline."""
        return max(0.1, min(own_limit, self.remaining()))

    @property
    def passed(self) -> bool:
        return self.clock() >= self.at


class Stalled(Exception):
    """A state made no progress within its limit."""


class Work(Protocol):
    def do(self, state: State, deadline: Deadline) -> Outcome: ...

    def stalled(self, state: State) -> None: ...


def drive(
    work: Work,
    start: State,
    *,
    clock: Clock,
    stall_seconds: float,
    on_transition: Callable[[State, State, Outcome], None],
) -> State:
    """Run states from ``start`` until COMPLETE has been done; returns COMPLETE."""
    state = start
    while True:
        deadline = Deadline(clock() + stall_seconds, clock)
        try:
            outcome = work.do(state, deadline)
        except Stalled:
            work.stalled(state)
            if state not in CANDIDATE_STATES:
                raise
            outcome = Outcome.REJECTED
        if state is State.COMPLETE:
            return state
        following = next_state(state, outcome)
        on_transition(state, following, outcome)
        state = following
