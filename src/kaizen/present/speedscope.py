"""A Profile as a speedscope file (https://www.speedscope.app/file-format-schema.json).

One "sampled" profile per Python process, all sharing one frame table. Identical stacks were merged
when sampled, so speedscope's time-order view shows them grouped; the left-heavy and sandwich
views, which are what one reads a profile for, are exact.
"""

from __future__ import annotations

from typing import Any

from kaizen import __version__
from kaizen.measure.hotspots import Profile

SCHEMA = "https://www.speedscope.app/file-format-schema.json"


def to_speedscope(profile: Profile) -> dict[str, Any]:
    profiles = []
    for number, process in enumerate(profile.process_stacks, start=1):
        weights = [seconds for _, seconds in process.stacks]
        profiles.append(
            {
                "type": "sampled",
                "name": f"{profile.benchmark} · process {number}: {process.argv}"[:200],
                "unit": "seconds",
                "startValue": 0,
                "endValue": sum(weights),
                "samples": [list(stack) for stack, _ in process.stacks],
                "weights": weights,
            }
        )
    document: dict[str, Any] = {
        "$schema": SCHEMA,
        "name": f"kaizen profile of {profile.benchmark} ({profile.command})",
        "exporter": f"kaizen {__version__}",
        "shared": {"frames": [{"name": f.name, "file": f.file, "line": f.line} for f in profile.frames]},
        "profiles": profiles,
    }
    if profiles:
        document["activeProfileIndex"] = 0
    return document
