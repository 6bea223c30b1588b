"""The click group: each verb is a few lines that call ``commands/<verb>.py``.

One handler at the top turns a ``KaizenError`` into a one-line message and exit code 2, Ctrl-C into
130, and any other exception (a bug) into a one-line pointer to a crash log with the traceback.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

import click

from kaizen import __version__
from kaizen.errors import ExitCode, KaizenError


class KaizenGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.commands)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
        except KaizenError as exc:
            _error(exc.message)
            sys.exit(int(exc.exit_code))
        except click.exceptions.Abort:
            _error("interrupted")
            sys.exit(int(ExitCode.INTERRUPTED))
        except KeyboardInterrupt:
            _error("interrupted")
            sys.exit(int(ExitCode.INTERRUPTED))
        except click.ClickException as exc:
            exc.show()
            sys.exit(int(ExitCode.USAGE))
        except SystemExit:
            raise
        except Exception as exc:  # a bug: keep the traceback out of the user's face
            log = _crash_log()
            _error(f"internal error ({type(exc).__name__}: {exc}); this is a bug in kaizen, the traceback is in {log}")
            sys.exit(int(ExitCode.USAGE))
        if isinstance(result, int):
            sys.exit(result)
        return result


def _error(message: str) -> None:
    click.echo(f"kaizen: error: {message}", err=True)


def _crash_log() -> Path:
    folder = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "kaizen"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.gettempdir())
    path = folder / f"crash-{dt.datetime.now():%Y%m%d-%H%M%S}.log"
    path.write_text(f"kaizen {__version__}\nargv: {sys.argv}\n\n{traceback.format_exc()}", encoding="utf-8")
    return path


@click.group(cls=KaizenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="kaizen")
def cli() -> None:
    """kaizen makes Python code faster overnight, keeping only verified, significant gains."""


@cli.command()
@click.option("--base", required=True, help="Revision to compare against (branch, tag, commit).")
@click.option("--head", default="HEAD", show_default=True, help="Revision to measure.")
@click.option("--benchmark", "benchmarks", multiple=True, help="Only this benchmark (repeatable).")
@click.option("--max-pairs", type=click.IntRange(4, 1000), default=None, help="Most A/B pairs per benchmark [config: max_pairs, 24].")
@click.option("--alpha", type=click.FloatRange(0.0001, 0.5), default=None, help="Significance level [config: alpha, 0.01].")
@click.option("--threshold", type=click.FloatRange(0.0, 10.0), default=None, help="Smallest change that matters, as a fraction [config: improvement_threshold, 0.05].")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def bench(base: str, head: str, benchmarks: tuple[str, ...], max_pairs: int | None, alpha: float | None, threshold: float | None, fmt: str) -> int:
    """Is HEAD really faster than BASE? Interleaved A/B runs of each benchmark, and a verdict."""
    from kaizen.commands import bench as command

    return command.run(Path.cwd(), base=base, head=head, names=benchmarks, max_pairs=max_pairs, alpha=alpha, threshold=threshold, fmt=fmt)


@cli.command()
@click.option("--base", default=None, help="Revision to compare against, measured interleaved with head (e.g. origin/main).")
@click.option("--head", default="HEAD", show_default=True, help="Revision to guard.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write the board in --format here (the text board still goes to stdout).")
@click.option("--baseline-file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Compare head with results stored by --save-baseline instead of measuring base (less trustworthy: not interleaved).")
@click.option("--save-baseline", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Store head's results here for later --baseline-file runs.")
def gate(base: str | None, head: str, fmt: str, output: Path | None, baseline_file: Path | None, save_baseline: Path | None) -> int:
    """Fail CI on a real regression: tests, benchmarks, memory, import time, new findings as a RED/YELLOW/GREEN board.

    Exit 0 when green or yellow, 1 when red, 2 on an error. Thresholds: [tool.kaizen.gate].
    """
    from kaizen.commands import gate as command

    return command.run(Path.cwd(), base=base, head=head, fmt=fmt, output=output, baseline_file=baseline_file, save_baseline=save_baseline)


@cli.command()
@click.option("--benchmark", "benchmarks", multiple=True, help="Only this benchmark (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "speedscope"]), default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write to this file instead of stdout.")
@click.option("--growth", is_flag=True, help="Also run sized benchmarks across their sizes and fit the growth exponent.")
@click.option("--calls", is_flag=True, help="Count calls exactly (a second run under cProfile).")
@click.option("--limit", type=click.IntRange(1, 10000), default=20, show_default=True, help="Rows of the table.")
def profile(benchmarks: tuple[str, ...], fmt: str, output: Path | None, growth: bool, calls: bool, limit: int) -> int:
    """Where each benchmark's time goes: the hot functions of the source paths."""
    from kaizen.commands import profile as command

    return command.run(Path.cwd(), names=benchmarks, fmt=fmt, output=output, growth=growth, calls=calls, limit=limit)


@cli.command()
@click.option("--benchmark", "benchmarks", multiple=True, help="Only this benchmark (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--limit", type=click.IntRange(1, 10000), default=30, show_default=True, help="Rows of the table.")
def candidates(benchmarks: tuple[str, ...], fmt: str, limit: int) -> int:
    """Findings ranked by the benchmark time their rewrite is expected to save."""
    from kaizen.commands import candidates as command

    return command.run(Path.cwd(), names=benchmarks, fmt=fmt, limit=limit)


_RUN_OPTIONS = [
    click.option("--hours", type=click.FloatRange(0.001, 168), default=None, help="Time budget [config: hours, 8]."),
    click.option("--max-iterations", type=click.IntRange(1, 100000), default=None, help="Candidates to try at most [config: max_iterations, 50]."),
    click.option("--allow-unverified", is_flag=True, help="Keep rewrites whose changed lines the tests never run."),
    click.option("--seed", type=int, default=0, show_default=True, help="Seed for pair orders and candidate sampling."),
    click.option("-q", "--quiet", is_flag=True, help="Only errors and the final summary."),
    click.option("-v", "--verbose", is_flag=True, help="Also every state transition."),
]


def _run_options(f: Any) -> Any:
    for option in reversed(_RUN_OPTIONS):
        f = option(f)
    return f


@cli.command()
@_run_options
@click.option("--yes", is_flag=True, help="Don't ask before starting (kaizen never asks when not in a terminal).")
@click.option("--dashboard/--no-dashboard", default=False, help="Run the night in the background and watch it here.")
@click.option("--tmux", is_flag=True, help="Start tmux session `kaizen_monitor` with the night and the dashboard.")
def run(hours: float | None, max_iterations: int | None, allow_unverified: bool, seed: int, quiet: bool, verbose: bool, yes: bool, dashboard: bool, tmux: bool) -> int:
    """The overnight loop: find slow code, rewrite it one place at a time, keep only verified gains.

    Works on a new branch perf/kaizen-YYYYMMDD in worktrees under .kaizen/; your working tree,
    index and current branch are never touched. Prints the branch name.
    """
    from kaizen.commands import run as command

    if dashboard or tmux:
        from kaizen.commands import night_ui

        argv = command.night_argv(hours, max_iterations, allow_unverified, seed)
        return night_ui.run_in_tmux(Path.cwd(), argv) if tmux else night_ui.run_with_dashboard(Path.cwd(), argv)
    return command.run(Path.cwd(), hours=hours, max_iterations=max_iterations, allow_unverified=allow_unverified, quiet=quiet, verbose=verbose, seed=seed)


@cli.command()
@_run_options
def resume(hours: float | None, max_iterations: int | None, allow_unverified: bool, seed: int, quiet: bool, verbose: bool) -> int:
    """Continue the last night after Ctrl-C, a kill or a power cut, from its history."""
    from kaizen.commands import run as command

    return command.run(Path.cwd(), hours=hours, max_iterations=max_iterations, resume=True, allow_unverified=allow_unverified, quiet=quiet, verbose=verbose, seed=seed)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def status(fmt: str) -> int:
    """State, iteration, elapsed time, kept/rejected counts and branch of the current or last night."""
    from kaizen.commands import status as command

    return command.run(Path.cwd(), fmt)


@cli.command()
@click.option("--run", "run_id", default=None, help="Replay this finished night instead of attaching to the current one.")
@click.option("--wait", is_flag=True, hidden=True, help="A night is starting: wait for its history instead of failing.")
def watch(run_id: str | None, wait: bool) -> int:
    """Live dashboard of the night in this repository: q quits (the night goes on), p pauses, ? helps."""
    from kaizen.commands import watch as command

    return command.run(Path.cwd(), run_id=run_id, wait=wait)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True)
@click.option("--run", "run_id", default=None, help="Night to report on [default: the latest].")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write only this format here ('-' for stdout) instead of both into .kaizen/reports/<run>/.")
def report(fmt: str, run_id: str | None, output: Path | None) -> int:
    """The morning report of a night: summary, trend, every try and its evidence, kept diffs."""
    from kaizen.commands import report as command

    return command.run(Path.cwd(), fmt=fmt, run_id=run_id, output=output)


@cli.command()
@click.option("--max-iterations", type=click.IntRange(1, 1000), default=12, show_default=True, help="Candidates to try.")
@click.option("--keep", type=click.Path(file_okay=False, path_type=Path), default=None, help="Put the demo repository here instead of a temp dir.")
def demo(max_iterations: int, keep: Path | None) -> int:
    """Run a short night on a bundled slow example project (a copy in a temp dir)."""
    from kaizen.commands import demo as command

    return command.run(max_iterations=max_iterations, where=keep)


@cli.command()
@click.option("--force", is_flag=True, help="Write kaizen.toml even when a configuration exists.")
def init(force: bool) -> int:
    """Write a [tool.kaizen] table for this repository (source, tests, benchmarks) to check and edit."""
    from kaizen.commands import init as command

    return command.run(Path.cwd(), force=force)


_SELECT_HELP = "Only these pattern ids or names, comma-separated (see `kaizen patterns`)."


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True)
@click.option("--exit-code", is_flag=True, help="Exit 1 when there are findings.")
@click.option("--select", default=None, help=_SELECT_HELP)
def scan(paths: tuple[str, ...], fmt: str, exit_code: bool, select: str | None) -> int:
    """Find slow code shapes (default paths: the configured `source`, else the current folder)."""
    from kaizen.commands import scan as command

    return command.run(Path.cwd(), paths=paths, fmt=fmt, exit_code=exit_code, select=select)


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("--diff", is_flag=True, help="Print the rewrites as a unified diff and write nothing.")
@click.option("--select", default=None, help=_SELECT_HELP)
def fix(paths: tuple[str, ...], diff: bool, select: str | None) -> int:
    """Apply the rewrites the safety checks prove safe (files are replaced atomically)."""
    from kaizen.commands import fix as command

    return command.run(Path.cwd(), paths=paths, diff=diff, select=select)


@cli.command()
@click.option("--select", default=None, help=_SELECT_HELP)
def patterns(select: str | None) -> int:
    """The pattern catalogue: what each rewrite does, an example, and the hazards it checks."""
    from kaizen.commands import patterns as command

    return command.run(select=select)


def main() -> None:
    cli.main(prog_name="kaizen")
