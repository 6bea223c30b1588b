"""The state table and the driver, with a fake night: a whole night walked in microseconds."""

from __future__ import annotations

import pytest

from kaizen.engine.driver import Deadline, Stalled, drive
from kaizen.engine.states import CANDIDATE_STATES, ORDER, TRANSITIONS, Outcome, State, next_state


def test_every_state_but_complete_has_a_way_on() -> None:
    for state in ORDER:
        if state is not State.COMPLETE:
            assert any(s is state for s, _ in TRANSITIONS), state
    assert len(ORDER) == 9  # the eight working states and COMPLETE


def test_rejections_never_reach_commit() -> None:
    for (state, outcome), target in TRANSITIONS.items():
        if outcome is Outcome.REJECTED:
            assert target is State.NEXT_ITERATION, state
    sources = {s for (s, o), t in TRANSITIONS.items() if t is State.COMMIT_CHANGES}
    assert sources == {State.VALIDATE}


def test_happy_iteration_order() -> None:
    path = [State.INITIALIZE]
    while path[-1] is not State.NEXT_ITERATION:
        path.append(next_state(path[-1], Outcome.OK))
    assert path == [State.INITIALIZE, State.ANALYZE_BASELINE, State.IDENTIFY_BOTTLENECKS, State.APPLY_OPTIMIZATION,
                    State.RUN_BENCHMARKS, State.VALIDATE, State.COMMIT_CHANGES, State.NEXT_ITERATION]
    assert next_state(State.NEXT_ITERATION, Outcome.OK) is State.IDENTIFY_BOTTLENECKS
    assert next_state(State.NEXT_ITERATION, Outcome.STOP) is State.COMPLETE


def test_unknown_transition_is_an_error() -> None:
    with pytest.raises(ValueError):
        next_state(State.INITIALIZE, Outcome.REJECTED)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class ScriptedNight:
    """Outcomes per visit of a state; a script entry 'stall' raises Stalled."""

    def __init__(self, script: dict[State, list[object]], clock: FakeClock) -> None:
        self.script = script
        self.clock = clock
        self.visits: list[State] = []
        self.stalls: list[State] = []

    def do(self, state: State, deadline: Deadline) -> Outcome:
        self.visits.append(state)
        self.clock.now += 1
        todo = self.script.get(state, [])
        item = todo.pop(0) if todo else Outcome.OK
        if item == "stall":
            raise Stalled()
        assert isinstance(item, Outcome)
        return item

    def stalled(self, state: State) -> None:
        self.stalls.append(state)


def test_driver_walks_a_night_with_a_rejection_and_a_stall() -> None:
    clock = FakeClock()
    night = ScriptedNight(
        {
            State.VALIDATE: [Outcome.REJECTED, Outcome.OK],
            State.RUN_BENCHMARKS: [Outcome.OK, "stall", Outcome.OK],
            State.NEXT_ITERATION: [Outcome.OK, Outcome.OK, Outcome.STOP],
        },
        clock,
    )
    seen: list[tuple[State, State, Outcome]] = []
    final = drive(night, State.INITIALIZE, clock=clock, stall_seconds=600, on_transition=lambda a, b, o: seen.append((a, b, o)))
    assert final is State.COMPLETE
    assert night.visits.count(State.APPLY_OPTIMIZATION) == 3
    assert night.visits.count(State.COMMIT_CHANGES) == 1
    assert night.stalls == [State.RUN_BENCHMARKS]
    assert (State.RUN_BENCHMARKS, State.NEXT_ITERATION, Outcome.REJECTED) in seen
    assert seen[-1] == (State.NEXT_ITERATION, State.COMPLETE, Outcome.STOP)
    assert night.visits[-1] is State.COMPLETE


def test_a_stall_outside_a_candidate_state_stops_the_night() -> None:
    clock = FakeClock()
    night = ScriptedNight({State.ANALYZE_BASELINE: ["stall"]}, clock)
    assert State.ANALYZE_BASELINE not in CANDIDATE_STATES
    with pytest.raises(Stalled):
        drive(night, State.INITIALIZE, clock=clock, stall_seconds=600, on_transition=lambda a, b, o: None)


def test_deadline_caps_subprocess_timeouts() -> None:
    clock = FakeClock()
    deadline = Deadline(100.0, clock)
    assert deadline.timeout(600) == 100.0
    assert deadline.timeout(30) == 30
    clock.now = 100.0
    assert deadline.passed and deadline.timeout(30) == pytest.approx(0.1)
