"""Histories for the report tests: a finished night, a running one, one that failed at the start."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.present.nightfixture import write_night


@pytest.fixture(scope="session")
def nights(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``{"complete" | "running" | "baseline-failed": kaizen_dir}``, each with one night in it."""
    out = {}
    for upto in ("complete", "running", "baseline-failed"):
        kaizen_dir = tmp_path_factory.mktemp(upto) / ".kaizen"
        write_night(kaizen_dir, upto=upto)
        out[upto] = kaizen_dir
    return out
