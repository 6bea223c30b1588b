"""The one user-facing error type and the exit codes of the interface contract."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1  # gate red, or findings with --exit-code
    USAGE = 2  # usage or user error, with a one-line message
    INTERRUPTED = 130


class KaizenError(Exception):
    """Something the user can fix. The message is one line: what happened, why, what to do."""

    def __init__(self, message: str, exit_code: ExitCode = ExitCode.USAGE) -> None:
        super().__init__(message)
        self.message = " ".join(message.split())  # guarantee a single line
        self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message
