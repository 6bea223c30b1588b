"""The ``?`` screen: the keys, and what each pane shows and where its numbers come from."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

HELP = """\
[b]Keys[/b]
  q   quit the dashboard; the night goes on in the background
  p   pause or resume the night: it waits at its next safe point (between candidates)
  r   the report's path (copied; opened in a browser when there is a desktop)
  ?   this help;  esc closes it
  ↑ ↓ PgUp PgDn  scroll the panes when the terminal is small

[b]Panes[/b]
  State machine   the eight states, ▶ the current one, time in it, iteration k of N,
                  budget left; ⚠ STALL when a state runs past its limit (stall_minutes)
  Andon           TESTS, PERFORMANCE, RESOURCES, PROGRESS: GREEN / YELLOW / RED and the
                  rule that set each. The loop's own signals win when they are worse.
  Performance     per benchmark: start commit → current best, change of the run time,
                  speedup with its 99 % interval, noise floor. Composed from the kept
                  steps until COMPLETE measures the whole branch (then: confirmed).
  Bottlenecks     candidates found, tried, kept, rejected; ▶ the one under evaluation;
                  the hottest functions with the growth their shape suggests
  Kaizen log      every try: pattern, place, verdict, speedup, p, why it was rejected
  System          machine CPU, memory, disk I/O; kaizen's process tree (the loop and the
                  benchmarks and tests it runs); CPU used by everything else
  Trend           share of the run time saved so far, per benchmark, over the night
  Activity        the loop's log, newest last
"""


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    #help { width: 90%; max-width: 92; height: 90%; max-height: 32; border: round $primary; padding: 0 1; background: $surface; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "close"),
        Binding("question_mark", "dismiss", "close", key_display="?"),
        Binding("q", "dismiss", "close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help") as box:
            box.border_title = "kaizen watch: help"
            yield Static(HELP)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
