"""The eight states of a night and their transitions: one table, nothing else.

A failed or rejected candidate goes from APPLY/RUN/VALIDATE straight to NEXT_ITERATION (after a
rollback); only an accepted one reaches COMMIT_CHANGES.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    INITIALIZE = "INITIALIZE"
    ANALYZE_BASELINE = "ANALYZE_BASELINE"
    IDENTIFY_BOTTLENECKS = "IDENTIFY_BOTTLENECKS"
    APPLY_OPTIMIZATION = "APPLY_OPTIMIZATION"
    RUN_BENCHMARKS = "RUN_BENCHMARKS"
    VALIDATE = "VALIDATE"
    COMMIT_CHANGES = "COMMIT_CHANGES"
    NEXT_ITERATION = "NEXT_ITERATION"
    COMPLETE = "COMPLETE"


class Outcome(StrEnum):
    OK = "ok"  # the state did its work; go on
    REJECTED = "rejected"  # the candidate is out (refused, failed, slower, stalled...)
    EXHAUSTED = "exhausted"  # nothing left to try
    STOP = "stop"  # a budget ran out or a stopping rule fired


S, O = State, Outcome  # noqa: E741  (the table reads as a table with one-letter names)

TRANSITIONS: dict[tuple[State, Outcome], State] = {
    (S.INITIALIZE, O.OK): S.ANALYZE_BASELINE,
    (S.ANALYZE_BASELINE, O.OK): S.IDENTIFY_BOTTLENECKS,
    (S.IDENTIFY_BOTTLENECKS, O.OK): S.APPLY_OPTIMIZATION,
    (S.IDENTIFY_BOTTLENECKS, O.EXHAUSTED): S.COMPLETE,
    (S.IDENTIFY_BOTTLENECKS, O.STOP): S.COMPLETE,
    (S.APPLY_OPTIMIZATION, O.OK): S.RUN_BENCHMARKS,
    (S.APPLY_OPTIMIZATION, O.REJECTED): S.NEXT_ITERATION,
    (S.RUN_BENCHMARKS, O.OK): S.VALIDATE,
    (S.RUN_BENCHMARKS, O.REJECTED): S.NEXT_ITERATION,
    (S.VALIDATE, O.OK): S.COMMIT_CHANGES,
    (S.VALIDATE, O.REJECTED): S.NEXT_ITERATION,
    (S.COMMIT_CHANGES, O.OK): S.NEXT_ITERATION,
    (S.COMMIT_CHANGES, O.REJECTED): S.NEXT_ITERATION,
    (S.NEXT_ITERATION, O.OK): S.IDENTIFY_BOTTLENECKS,
    (S.NEXT_ITERATION, O.STOP): S.COMPLETE,
    (S.NEXT_ITERATION, O.EXHAUSTED): S.COMPLETE,
}

# States that work on a candidate: a stall there rejects the candidate and the night goes on.
CANDIDATE_STATES = frozenset({S.APPLY_OPTIMIZATION, S.RUN_BENCHMARKS, S.VALIDATE, S.COMMIT_CHANGES})

ORDER: tuple[State, ...] = tuple(State)


def next_state(state: State, outcome: Outcome) -> State:
    try:
        return TRANSITIONS[(state, outcome)]
    except KeyError:
        raise ValueError(f"no transition from {state} on {outcome}") from None
