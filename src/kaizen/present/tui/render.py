"""What each pane of ``kaizen watch`` shows, as rich renderables: functions of a night, a clock
reading and a system sample, so a pane can be tested without a terminal.

Every level and every highlight is also written as a word or a marker (RED, ▶, ⚠), because
colour is gone under NO_COLOR, in a screenshot pasted as text, and for some eyes.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from kaizen.decide.andon import Level, Signal
from kaizen.present.review import board, figures
from kaizen.present.review.snapshot import STATES, Night
from kaizen.present.review.system import SystemSample

LEVEL_STYLE = {Level.GREEN: "bold green", Level.YELLOW: "bold yellow", Level.RED: "bold red"}
LEVEL_MARK = {Level.GREEN: "●", Level.YELLOW: "▲", Level.RED: "■"}
VERDICT_STYLE = {"faster": "green", "slower": "red", "no-change": "dim", "inconclusive": "yellow", "stalled": "yellow"}


def state_machine(night: Night, now: float, paused: bool) -> RenderableType:
    run = night.run
    lines = Text()
    current = STATES.index(run.state) if run.state in STATES else -1
    for k, state in enumerate(STATES):
        if k == current:
            lines.append(f"▶ {state}\n", style="bold reverse")
        else:
            lines.append(f"  {state}\n", style="dim" if k < current else "")
    spent = figures.time_in_state(run, now)
    lines.append(f"iteration {run.iteration} of {run.max_iterations} · {figures.duration(spent)} in state\n")
    if run.running:
        left = figures.time_left(run, now)
        lines.append(f"{figures.duration(left)} left · {figures.duration(figures.elapsed(run, now))} elapsed")
    else:
        lines.append(f"{run.status} after {figures.duration(figures.elapsed(run, now))}", style="bold")
    # One line for a warning: the stall matters more than a pause the reader asked for.
    stalled = board.stall(night, now)
    if stalled:
        lines.append(f"\n⚠ STALLED: {figures.duration(spent)} > limit {figures.duration(figures.stall_limit(run))}", style="bold red")
    elif paused and run.running:
        lines.append("\n⏸ PAUSED at the next safe point", style="bold yellow")
    return lines


def andon(signals: tuple[Signal, ...]) -> RenderableType:
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for s in signals:
        body = Text()
        body.append(s.name, style="bold")
        if s.figure:
            body.append(f"  {s.figure}")
        body.append(f"\n{s.rule}")
        grid.add_row(Text(f"{LEVEL_MARK[s.level]} {s.level.value}", style=LEVEL_STYLE[s.level]), body)
    return grid


def performance(night: Night) -> RenderableType:
    gains = figures.gains(night)
    if not gains:
        return Text("measuring the baseline…" if night.run.running else "no benchmark was measured", style="dim")
    out = Text()
    for k, g in enumerate(gains):
        out.append(f"{g.benchmark}", style="bold")
        how = "confirmed" if g.confirmed else f"{g.steps} kept" if g.steps else "nothing kept"
        out.append(f"  ({how})\n", style="dim")
        best = f"{g.best_s * 1000:.1f} ms" if g.best_s is not None else "—"
        base = f"{g.baseline_s * 1000:.1f} ms" if g.baseline_s is not None else "—"
        out.append(f"  {base} → {best}\n")
        style = "green" if g.ci_low > 1 else "red" if g.ci_high < 1 else ""
        out.append(f"  {1 / g.speedup - 1:+.1%}".replace("-", "−"), style=style)
        out.append(f" time · {g.speedup:.2f}× [{g.ci_low:.2f}, {g.ci_high:.2f}]\n")
        noise = f"±{g.noise_floor:.1%}" if g.noise_floor is not None else "—"
        out.append(f"  noise floor {noise}", style="dim")
        if k < len(gains) - 1:
            out.append("\n")
    return out


def bottlenecks(night: Night, rows: int) -> RenderableType:
    t = figures.tally(night)
    head = Text()
    head.append(f"found {t.found} · tried {t.tried} · ")
    head.append(f"kept {t.kept}", style="green")
    head.append(" · ")
    head.append(f"rej. {t.rejected}", style="red" if t.rejected else "")
    trying = figures.under_evaluation(night)
    now = Text("▶ ", style="bold")
    if trying is not None:
        now.append(f"{trying.pattern_name} at {_place(trying.path, trying.line, trying.function)}")
        if trying.growth:
            now.append(f" {trying.growth}", style="bold magenta")
    else:
        now.append("no candidate under evaluation", style="dim")
    table = Table(box=None, show_header=True, header_style="dim", pad_edge=False, expand=True)
    table.add_column("hot spot", ratio=1, no_wrap=True, overflow="ellipsis")
    table.add_column("time", justify="right", no_wrap=True)
    table.add_column("growth", no_wrap=True)
    for h in night.hotspots[: max(0, rows - 3)]:
        table.add_row(_place(h.path, h.line, h.function), f"{h.total_share:.0%}", h.growth or "—")
    if not night.hotspots:
        return Group(head, now)
    return Group(head, now, table)


def kaizen_log(night: Night, rows: int, width: int) -> RenderableType:
    attempts = figures.attempts(night)[-max(1, rows - 1):]  # the newest that fit; the report has them all
    if not attempts:
        return Text("no candidate tried yet", style="dim")
    cells = []
    for a in attempts:
        rest = a.reason[len(a.verdict):].lstrip(" :") if a.reason.startswith(a.verdict) else a.reason
        cells.append((
            str(a.iteration), a.pattern,
            _place(a.candidate.path, a.candidate.line, a.candidate.function) if a.candidate else a.location,
            Text(("✔ " if a.outcome == "kept" else "✘ ") + a.verdict, style=VERDICT_STYLE.get(a.verdict, "red")),
            f"{a.speedup:.2f}×" if a.speedup is not None else "—",
            f"{a.p:.2g}" if a.p is not None else "—",
            rest or (f"commit {a.commit_sha[:10]}" if a.commit_sha else ""),
        ))
    # Fixed columns get what they need; the place and the reason share the rest (rich's own
    # sharing starves them in favour of padding).
    fixed = [max(len(str(c[k])) for c in cells) for k in (0, 1, 3, 4, 5)]
    fixed[1] = min(fixed[1], 16)
    fixed = [max(w, len(h)) for w, h in zip(fixed, ("#", "pattern", "verdict", "speedup", "p"), strict=True)]
    spare = max(16, width - sum(fixed) - 6)
    place, reason = spare * 3 // 5, spare - spare * 3 // 5
    table = Table(box=None, pad_edge=False, header_style="dim", padding=(0, 1, 0, 0))
    for header, w, justify in zip(("#", "pattern", "place", "verdict", "speedup", "p", "reason"),
                                  (fixed[0], fixed[1], place, fixed[2], fixed[3], fixed[4], reason),
                                  ("right", "left", "left", "left", "right", "right", "left"), strict=True):
        table.add_column(header, width=w, no_wrap=True, overflow="ellipsis", justify=justify)  # type: ignore[arg-type]
    for row in cells:
        table.add_row(*row)
    return table


def _rate(bps: float) -> str:
    return f"{bps / 2**20:.1f} MiB/s"


def _place(path: str, line: int, function: str | None) -> str:
    """``orders.py:14 match_orders``: the file name is enough in a pane; the report has the path."""
    name = f"{path.rsplit('/', 1)[-1]}:{line}"
    return f"{name} {function}" if function else name


def system(sample: SystemSample | None, live: bool) -> RenderableType:
    if sample is None or not live:
        return Text("not live: the night is over (replay)" if not live else "sampling…", style="dim")
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(ratio=1)
    grid.add_row("machine", f"CPU {sample.cpu_percent:.0f}% · mem {sample.mem_percent:.0f}% of {sample.mem_total / 2**30:.0f} GiB")
    grid.add_row("disk I/O", f"r {_rate(sample.disk_read_bps)} · w {_rate(sample.disk_write_bps)}")
    if sample.disk_free is not None:
        grid.add_row("", Text(f"{sample.disk_free / 2**30:.0f} GiB free on the repo's disk", style="dim"))
    if sample.loop_alive is False:
        grid.add_row("kaizen", Text("the loop process is gone", style="bold red"))
        return grid
    grid.add_row("kaizen", f"{len(sample.tree)} proc · CPU {sample.tree_cpu:.0f}% · {sample.tree_rss / 2**20:.0f} MiB")
    grid.add_row("others", Text(f"CPU {sample.others_cpu:.0f}% of the machine", style="dim"))
    for p in sorted(sample.tree[1:], key=lambda p: -p.cpu_percent)[:3]:
        grid.add_row("", Text(f"{p.pid} {p.name[:14]} {p.cpu_percent:.0f}% {p.rss / 2**20:.0f} MiB", style="dim"))
    return grid


def header(night: Night | None, paused: bool, replay: bool, stalled: bool = False) -> Text:
    if night is None:
        return Text(" kaizen watch · waiting for a night to start (kaizen run)…", style="bold")
    run = night.run
    out = Text(" kaizen watch", style="bold")
    out.append(f" · night {run.id} · {run.branch} · ")
    out.append(run.status.upper(), style="bold green" if run.status in ("running", "complete") else "bold red")
    if replay:
        out.append(" · replay", style="bold cyan")
    if paused and run.running:
        out.append(" · PAUSED", style="bold yellow")
    if stalled:
        out.append(" · ⚠ STALL", style="bold red")
    return out
