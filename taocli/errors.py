"""Errors the command line raises on purpose.

Each carries exactly one line for the user (what went wrong and what to do about it) and an exit code,
so the error boundary in `taocli.boundary` can print it without a traceback.
"""

from __future__ import annotations

EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class CliError(Exception):
    """A failure the user can fix; `str()` is the single line shown on stderr."""

    exit_code: int = EXIT_FAILURE

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class UsageProblem(CliError):
    """The command line itself is wrong or incomplete (a missing flag, two exclusive flags)."""

    exit_code = EXIT_USAGE


class MissingInput(UsageProblem):
    """A secret or confirmation is needed but we may not prompt (stdin is not a terminal, or --yes)."""


class Declined(CliError):
    """The user answered no to a confirmation: nothing was changed."""
