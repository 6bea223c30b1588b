"""The only door to subprocesses: argv, cwd, env, timeout in; exit code, output, times, peak RSS out.

The child runs in its own session (process group). On timeout the whole group is killed, so a
benchmark that forks helpers cannot leave them running. Peak RSS and CPU time come from
``wait4``, which on Linux covers the child and every descendant it reaped.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

OUTPUT_LIMIT = 64 * 1024  # bytes kept per stream (the tail); the rest is counted, not stored

# Peak RSS from wait4 is polluted by the parent: at exec, Linux folds the size of the memory the
# child was forked (or vforked) from into its high-water mark, so a command spawned from kaizen
# (numpy, scipy loaded) would report kaizen's size. A small launcher interpreter spawns the command
# instead and reports the command's own wait4 figures on a side pipe; its own few MiB are the floor.
_LAUNCHER = r"""
import os, signal, sys, time
fd = int(sys.argv[1]); argv = sys.argv[2:]
start = time.perf_counter()
try:
    pid = os.posix_spawnp(argv[0], argv, os.environ, setsigdef=(signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT))
except OSError as exc:
    sys.stderr.write(f"{argv[0]}: {exc.strerror}\n"); os.write(fd, b"x"); sys.exit(127)
signal.signal(signal.SIGINT, signal.SIG_IGN)
_, status, ru = os.wait4(pid, 0)
end = time.perf_counter()
os.write(fd, f"{end - start} {ru.ru_utime + ru.ru_stime} {ru.ru_maxrss}".encode())
os.close(fd)
if os.WIFSIGNALED(status):
    sig = os.WTERMSIG(status)
    try:
        signal.signal(sig, signal.SIG_DFL)
    except (OSError, ValueError):
        pass
    os.kill(os.getpid(), sig)
    sys.exit(128 + sig)
sys.exit(os.WEXITSTATUS(status))
"""


@dataclass(frozen=True)
class ProcResult:
    argv: tuple[str, ...]
    returncode: int  # negative: killed by that signal
    stdout: str
    stderr: str
    wall: float  # seconds, start to reap
    cpu: float  # user + system seconds of the child tree
    peak_rss: int  # bytes, largest resident set among the child and its reaped descendants
    timed_out: bool
    stdout_truncated: bool = False
    stderr_truncated: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def stderr_tail(self, lines: int = 5) -> str:
        tail = (self.stderr or self.stdout).strip().splitlines()[-lines:]
        return " | ".join(line.strip() for line in tail)


class CommandNotFound(Exception):
    def __init__(self, program: str) -> None:
        super().__init__(program)
        self.program = program


class _Tail:
    """Reads a pipe to the end, keeping only the last ``limit`` bytes."""

    def __init__(self, stream: object, limit: int) -> None:
        self.chunks: deque[bytes] = deque()
        self.size = 0
        self.total = 0
        self.limit = limit
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream: object) -> None:
        read = getattr(stream, "read1", None) or stream.read  # type: ignore[attr-defined]
        while True:
            chunk = read(65536)
            if not chunk:
                break
            self.chunks.append(chunk)
            self.size += len(chunk)
            self.total += len(chunk)
            while self.size - len(self.chunks[0]) >= self.limit:
                self.size -= len(self.chunks.popleft())
        with contextlib.suppress(OSError):
            stream.close()  # type: ignore[attr-defined]

    def text(self) -> str:
        data = b"".join(self.chunks)[-self.limit :]
        return data.decode("utf-8", errors="replace")


def resolve_program(program: str, env: Mapping[str, str] | None) -> str | None:
    if os.sep in program:
        return program if os.access(program, os.X_OK) else None
    path = (env or os.environ).get("PATH", os.defpath)
    return shutil.which(program, path=path)


def run(
    argv: Sequence[str] | str,
    *,
    cwd: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    shell: bool = False,
    stdin_data: bytes | None = None,
    output_limit: int = OUTPUT_LIMIT,
    measure: bool = False,
) -> ProcResult:
    """Run one command to completion (or until ``timeout`` seconds, then kill its group).

    ``argv`` is a list (no shell) or, with ``shell=True``, a string given to ``/bin/sh -c``.
    Raises ``CommandNotFound`` when the program does not exist; every other outcome,
    including a timeout, is a ``ProcResult``. ``measure=True`` runs the command under the launcher
    so that wall time, CPU time and peak RSS are the command's own (used for benchmark runs).
    """
    if shell:
        assert isinstance(argv, str)
        args: list[str] = ["/bin/sh", "-c", argv]
    else:
        args = [argv] if isinstance(argv, str) else list(argv)
        if not args:
            raise CommandNotFound("")
        if resolve_program(args[0], env) is None:
            raise CommandNotFound(args[0])
    report_r = report_w = -1
    popen_args = args
    if measure:
        report_r, report_w = os.pipe()
        popen_args = [sys.executable, "-S", "-E", "-c", _LAUNCHER, str(report_w), *args]
    start = time.perf_counter()
    try:
        child = subprocess.Popen(
            popen_args,
            pass_fds=(report_w,) if measure else (),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.PIPE if stdin_data is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except (FileNotFoundError, PermissionError) as exc:
        if measure:
            os.close(report_r)
            os.close(report_w)
        raise CommandNotFound(args[0]) from exc
    if measure:
        os.close(report_w)
    out = _Tail(child.stdout, output_limit)
    err = _Tail(child.stderr, output_limit)
    if stdin_data is not None and child.stdin is not None:
        threading.Thread(target=_feed, args=(child.stdin, stdin_data), daemon=True).start()

    reaped: dict[str, object] = {}

    def reap() -> None:
        _, status, usage = os.wait4(child.pid, 0)
        reaped["end"] = time.perf_counter()
        reaped["status"] = status
        reaped["usage"] = usage

    waiter = threading.Thread(target=reap, daemon=True)
    waiter.start()
    timed_out = False
    try:
        waiter.join(timeout)
        if waiter.is_alive():
            timed_out = True
            _kill_group(child.pid)
            waiter.join()
    except BaseException:
        # Ctrl-C while waiting: the group must not outlive us.
        _kill_group(child.pid)
        waiter.join(5)
        raise
    finally:
        child.returncode = 0  # reaped by wait4 above; keep Popen from waiting again
    # Leftover grandchildren of a finished command would hold our pipes open.
    _kill_group(child.pid)
    out.thread.join(5)
    err.thread.join(5)

    status = int(reaped["status"])  # type: ignore[call-overload]
    usage = reaped["usage"]
    code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    wall = float(reaped["end"]) - start  # type: ignore[arg-type]
    cpu = usage.ru_utime + usage.ru_stime  # type: ignore[attr-defined]
    peak_rss = int(usage.ru_maxrss) * 1024  # type: ignore[attr-defined]
    if measure:
        report = _read_all(report_r).split()
        if code == 127 and report == [b"x"]:
            raise CommandNotFound(args[0])
        if len(report) == 3:
            wall, cpu, peak_rss = float(report[0]), float(report[1]), int(report[2]) * 1024
    return ProcResult(
        argv=tuple(args),
        returncode=code,
        stdout=out.text(),
        stderr=err.text(),
        wall=wall,
        cpu=cpu,
        peak_rss=peak_rss,
        timed_out=timed_out,
        stdout_truncated=out.total > output_limit,
        stderr_truncated=err.total > output_limit,
    )


def _read_all(fd: int) -> bytes:
    chunks = []
    with contextlib.suppress(OSError):
        while chunk := os.read(fd, 4096):
            chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


def _feed(stream: object, data: bytes) -> None:
    with contextlib.suppress(OSError):
        stream.write(data)  # type: ignore[attr-defined]
        stream.close()  # type: ignore[attr-defined]


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


# A double fork: the launcher forks the command and exits at once, so the command belongs to init
# (never our zombie, never killed with our session) and the launcher reports its pid on stdout.
_DETACH = r"""
import os, sys
pid = os.fork()
if pid:
    sys.stdout.write(str(pid)); sys.stdout.flush(); os._exit(0)
os.setsid()
os.dup2(2, 1)  # the command's stdout joins its stderr in the log
try:
    os.execvp(sys.argv[1], sys.argv[1:])
except OSError as exc:
    sys.stderr.write(f"{sys.argv[1]}: {exc.strerror}\n"); os._exit(127)
"""


def spawn_detached(argv: Sequence[str], *, cwd: Path | str, log: Path, env: Mapping[str, str] | None = None) -> int:
    """Start ``argv`` in the background, detached: its own session, stdin from /dev/null, stdout and
    stderr appended to ``log``. It outlives the caller and its terminal. Returns its pid."""
    args = list(argv)
    if not args or resolve_program(args[0], env) is None:
        raise CommandNotFound(args[0] if args else "")
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        launcher = subprocess.Popen(
            [sys.executable, "-S", "-E", "-c", _DETACH, *args],
            cwd=cwd, env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=out, start_new_session=True,
        )
        pid_text, _ = launcher.communicate(timeout=30)
    return int(pid_text.decode().strip())
