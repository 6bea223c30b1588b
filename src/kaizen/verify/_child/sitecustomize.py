"""Starts call capture or line coverage in every Python process of a test run.

kaizen puts this folder first on PYTHONPATH, so ``site`` imports this file at start-up in the test
runner and in every Python process the tests start. With neither ``KAIZEN_VERIFY_CAPTURE`` nor
``KAIZEN_VERIFY_COVER`` set it does nothing but hand over. Then, as the profiler's bootstrap does
(``kaizen/measure/_bootstrap``), it imports the project's own ``sitecustomize``, which it shadows,
and takes its folder off ``sys.path`` so that the project cannot import anything else from it.
"""

from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))


def _start() -> None:
    cover = os.environ.get("KAIZEN_VERIFY_COVER")
    capture = os.environ.get("KAIZEN_VERIFY_CAPTURE")
    try:
        if cover:
            import _kaizen_cover  # type: ignore[import-not-found]  # a sibling on PYTHONPATH

            _kaizen_cover.start(cover)
        if capture:
            import _kaizen_capture  # type: ignore[import-not-found]

            _kaizen_capture.start(capture)
    except Exception:  # never break the tests: the parent finds no data and says so
        pass


def _chain() -> None:
    """Import the project's own sitecustomize, which this file shadows, as if it were the only one."""
    ours = sys.modules.pop("sitecustomize", None)
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]
    try:
        __import__("sitecustomize")  # the next one on sys.path, if there is one
    except ImportError as exc:
        if exc.name != "sitecustomize":
            raise
        if ours is not None:
            sys.modules["sitecustomize"] = ours


_start()
_chain()
