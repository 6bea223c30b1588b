"""``kaizen patterns``: the catalogue with descriptions, a before/after example and the hazards checked."""

from __future__ import annotations

import sys

from kaizen.analyze.detect import select_patterns
from kaizen.commands.scan import parse_select
from kaizen.present import catalogue
from kaizen.present import console as out


def run(*, select: str | None) -> int:
    patterns = select_patterns(parse_select(select))
    con = out.console()
    if out.plain(con):
        sys.stdout.write(catalogue.render_plain(patterns))
    else:
        catalogue.render_rich(con, patterns)
    return 0
