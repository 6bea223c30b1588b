"""The behaviour check of VALIDATE, and the runtime evidence the patterns' safety checks read.

``check_behaviour`` answers one question about a candidate: does every function it rewrote still
do what the current best version did? Four steps, each a fresh process of the project's own
interpreter: the tests run on the best checkout with capture on for the changed functions (their
inputs), the tests run on the candidate under coverage (are the changed lines exercised at all?),
then the captured inputs plus generated ones go through the old version and the new one, and the
first difference stops the check. The coverage run overlaps with the rest (its own thread; the
processes do the work).

``collect_evidence`` is the first step alone, on the current best, before a rewrite is chosen:
the element types the tests passed let ``refuse()`` allow a rewrite it cannot prove statically.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kaizen.config import Command
from kaizen.patterns.base import Evidence
from kaizen.verify import coverage_gate
from kaizen.verify.bootstrap import capture_unsupported
from kaizen.verify.capture import CaptureRun, run_capture
from kaizen.verify.evidence import to_evidence
from kaizen.verify.fuzz import generate
from kaizen.verify.replay import Comparison, compare_versions
from kaizen.verify.report import BehaviourReport, ChangedFunction

GENERATE_SHARE = 0.4  # of fuzz_seconds, for hypothesis to make inputs; the rest to run them


def collect_evidence(checkout: Path, tests: Command, functions: Sequence[tuple[str, str]], timeout: float) -> dict[str, Evidence]:
    """Run the tests once on ``checkout`` with capture on for these (module, qualname) pairs.

    The result is keyed by qualname and also by "module.qualname" (two modules may both have a
    ``load``). A function the tests never called, or a nested one, has no entry; the result is
    empty when the test command does not allow capture.
    """
    if capture_unsupported(tests) is not None or not functions:
        return {}
    with tempfile.TemporaryDirectory(prefix="kaizen-evidence-") as tmp:
        run = run_capture(checkout, tests, list(dict.fromkeys(functions)), timeout, Path(tmp))
    found: dict[str, Evidence] = {}
    for (module, qualname), captured in run.functions.items():
        if not captured.seen or not captured.exact:
            continue  # never called, or a nested function: its enclosing one's arguments prove nothing
        evidence = to_evidence(captured)
        found.setdefault(qualname, evidence)
        found[f"{module}.{qualname}"] = evidence
    return found


def check_behaviour(best: Path, candidate: Path, tests: Command, changed: Sequence[ChangedFunction], *,
                    timeout: float, fuzz_seconds: float = 3.0, allow_unverified: bool = False) -> BehaviourReport:  # fmt: skip
    unsupported = capture_unsupported(tests)
    targets = list(dict.fromkeys((c.module, c.qualname) for c in changed))
    with tempfile.TemporaryDirectory(prefix="kaizen-verify-") as tmp, ThreadPoolExecutor(1) as pool:
        work = Path(tmp)
        lines_future = pool.submit(coverage_gate.measure, candidate, tests, changed, timeout, work)
        capture: CaptureRun | None = None
        comparisons: list[Comparison] = []
        if unsupported is None:
            capture = run_capture(best, tests, targets, timeout, work)
            comparisons = _compare(best, candidate, capture, targets, work, timeout, fuzz_seconds)
        lines = lines_future.result()
    notes = [*(capture.notes if capture else ()), *lines.notes, *(n for c in comparisons for n in c.notes)]
    captured = list(capture.functions.values()) if capture else []
    notes += [f"{c.name}: {c.status}" for c in captured if c.status != "patched"]
    notes += [f"{c.module}.{c.requested} is nested: recorded the calls of {c.qualname}" for c in captured if not c.exact]
    replayed = sum(c.replayed for c in comparisons)
    fuzzed = sum(c.fuzzed for c in comparisons)
    difference = next((c.difference for c in comparisons if c.difference), None)
    status = _status(unsupported, difference, lines, replayed + fuzzed, allow_unverified, notes)
    return BehaviourReport(
        status=status,
        calls_captured=sum(len(c.calls) for c in captured),
        calls_replayed=replayed,
        inputs_fuzzed=fuzzed,
        skipped_values=sum(c.skipped for c in captured) + sum(c.skipped for c in comparisons),
        difference=difference,
        changed_lines_covered=lines.fraction,
        uncovered_lines=lines.uncovered,
        evidence=tuple(to_evidence(c) for c in captured if c.seen and c.exact),
        notes=tuple(dict.fromkeys(notes)),
    )


def _compare(best: Path, candidate: Path, capture: CaptureRun, targets: list[tuple[str, str]], work: Path,
             timeout: float, fuzz_seconds: float) -> list[Comparison]:  # fmt: skip
    share = fuzz_seconds / max(1, len(targets))
    comparisons = []
    for i, target in enumerate(targets):
        captured = capture.functions[target]
        if captured.status != "patched" or not captured.seen:
            continue
        inputs = generate(captured, share * GENERATE_SHARE)
        run_share = share * (1 - GENERATE_SHARE) / 2  # the old run; the new one runs the same inputs
        comparison = compare_versions(best, candidate, captured, inputs, workdir=work / f"replay{i}", timeout=timeout, fuzz_seconds=run_share)
        comparisons.append(comparison)
        if comparison.difference:
            break  # the first difference decides; the rest would only cost time
    return comparisons


def _status(unsupported: str | None, difference: str | None, lines: coverage_gate.LineCoverage, compared: int,
            allow_unverified: bool, notes: list[str]) -> str:  # fmt: skip
    if difference:
        return "different"
    gaps = []
    if lines.uncovered:
        gaps.append(f"changed lines {', '.join(map(str, lines.uncovered))} are not run by the tests")
    if unsupported is not None:
        notes.append(unsupported)
        if not gaps:
            return "unavailable"
    elif compared == 0:
        gaps.append("no call of the changed functions could be captured and compared")
    if not gaps:
        return "same"
    if allow_unverified:
        notes.append(f"unverified, accepted (--allow-unverified): {'; '.join(gaps)}")
        return "same"
    notes.extend(gaps)
    return "unverified"
