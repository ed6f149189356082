"""Confirmations that never hang a script.

A prompt is shown only when a person can answer it: stdin is a terminal and `--yes` was not given.
Otherwise a confirmation either passes (`--yes`) or fails at once with a line naming the flag to add,
so automation under cron, systemd or CI can never block on a question nobody sees (btcli#589, #179).
Prompts are written to stderr so they never mix with `--json` output on stdout.
"""

from __future__ import annotations

import sys

from taocli.errors import Declined, MissingInput


def stdin_is_terminal() -> bool:
    """True when a person can type answers (stdin is a TTY)."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):  # closed stdin
        return False


def can_prompt(yes: bool) -> bool:
    """Whether we may ask the user anything at all."""
    return not yes and stdin_is_terminal()


def ask_line(question: str) -> str:
    """Read one visible line from the terminal (prompt on stderr)."""
    sys.stderr.write(question)
    sys.stderr.flush()
    line = sys.stdin.readline()
    if not line:
        raise Declined("no answer (end of input); nothing was changed")
    return line.rstrip("\r\n")


def confirm(question: str, *, yes: bool) -> None:
    """Ask `question` [y/N]; return on yes, raise `Declined` on anything else.

    With `--yes` this returns at once; with no terminal it raises `MissingInput` naming `--yes`.
    """
    if yes:
        return
    if not stdin_is_terminal():
        raise MissingInput(f"confirmation needed ({question}) but stdin is not a terminal; "
                           f"pass --yes to confirm")
    answer = ask_line(f"{question} [y/N]: ").strip().lower()
    if answer not in ("y", "yes"):
        raise Declined("cancelled; nothing was changed")
