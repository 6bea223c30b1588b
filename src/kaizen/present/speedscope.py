"""A Profile as a speedscope file (https://www.speedscope.app/file-format-schema.json).

One "sampled" profile per Python process, all sharing one frame table. Identical stacks were merged
when sampled, so speedscope's time-order view shows them grouped; the left-heavy and sandwich
views, which are what one reads a profile for, are exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kaizen import __version__
from kaizen.measure.hotspots import Frame, Profile

SCHEMA = "https://www.speedscope.app/file-format-schema.json"


def to_speedscope(profiles: Sequence[Profile]) -> dict[str, Any]:
    """Every process of every profile as one speedscope profile, over one shared frame table."""
    frames: dict[Frame, int] = {}
    documents = []
    for profile in profiles:
        remap = [frames.setdefault(frame, len(frames)) for frame in profile.frames]
        for number, process in enumerate(profile.process_stacks, start=1):
            weights = [seconds for _, seconds in process.stacks]
            documents.append(
                {
                    "type": "sampled",
                    "name": f"{profile.benchmark} · process {number}: {process.argv}"[:200],
                    "unit": "seconds",
                    "startValue": 0,
                    "endValue": sum(weights),
                    "samples": [[remap[i] for i in stack] for stack, _ in process.stacks],
                    "weights": weights,
                }
            )
    names = ", ".join(p.benchmark for p in profiles)
    document: dict[str, Any] = {
        "$schema": SCHEMA,
        "name": f"kaizen profile: {names}",
        "exporter": f"kaizen {__version__}",
        "shared": {"frames": [{"name": f.name, "file": f.file, "line": f.line} for f in frames]},
        "profiles": documents,
    }
    if documents:
        document["activeProfileIndex"] = 0
    return document
