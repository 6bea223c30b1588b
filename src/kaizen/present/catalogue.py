"""``kaizen patterns``: the catalogue, with rich panels in a terminal and plain text in a pipe."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.syntax import Syntax
from rich.text import Text

from kaizen.patterns.base import Pattern


def render_plain(patterns: Sequence[Pattern]) -> str:
    blocks = []
    for p in patterns:
        example = p.examples[0] if p.examples else None
        lines = [f"{p.id} {p.name}: {p.title}", "", p.description, "", "Hazards checked before rewriting:"]
        lines += [f"  - {h}" for h in p.hazards]
        if example is not None:
            lines += ["", "Before:", *_indent(example.before), "After:", *_indent(example.after)]
            if example.evidence is not None:
                lines.append(f"  (rewritten only with runtime evidence: {example.evidence.describe()})")
        blocks.append("\n".join(lines))
    return "\n\n\n".join(blocks) + "\n"


def _indent(code: str) -> list[str]:
    return [f"    {line}" if line else "" for line in code.rstrip("\n").splitlines()]


def render_rich(console: Console, patterns: Sequence[Pattern]) -> None:
    for p in patterns:
        parts: list[RenderableType] = [Text(p.description), Text("")]
        parts.append(Text("Hazards checked before rewriting:", style="bold"))
        parts += [Text(f"  • {h}") for h in p.hazards]
        if p.examples:
            example = p.examples[0]
            parts += [Text(""), Text("Before", style="bold red"), Syntax(example.before.rstrip("\n"), "python")]
            parts += [Text("After", style="bold green"), Syntax(example.after.rstrip("\n"), "python")]
            if example.evidence is not None:
                parts.append(Text(f"(rewritten only with runtime evidence: {example.evidence.describe()})", style="dim"))
        title = f"[bold]{p.id}[/bold] {p.name}: {p.title}"
        console.print(Panel(Group(*parts), title=title, title_align="left", expand=True))
