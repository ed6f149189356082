"""The error boundary: every failure becomes one line on stderr and a meaningful exit code.

- Our own `CliError`, the wallet library's `WalletError` and the chain client's `ChainError` carry a
  complete user-facing line; it is printed in red with no traceback (exit 1, or 2 for usage problems).
- click usage errors (unknown option, missing argument) become one line naming `--help` (exit 2).
- Ctrl-C exits 130 with "Interrupted."; a closed pipe (`taocli ... | head`) exits quietly.
- Anything unexpected still prints one line, naming `--debug`; only `--debug` (or TAOCLI_DEBUG=1)
  shows tracebacks. Nothing is ever written to a log file, so secrets cannot leak through one.
- With `--json` a failure also writes `{"error": {"message", "kind", "exit_code"}}` on stdout, so a
  script that parses stdout gets a document instead of nothing (the stderr line stays for people).

Known error types are recognised through `sys.modules`: if a `WalletError` was raised, `wallet.errors`
is already imported, so the boundary never pays to import a library just to check an exception.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

from taocli._click import Abort, NoArgsIsHelpError, UsageError
from taocli.errors import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_USAGE, CliError
from taocli.options import JSON_FLAGS
from taocli.output import emit_json, error_line, json_documents

# (module, class name) of library errors whose str() is already a complete user-facing line.
USER_ERROR_TYPES: tuple[tuple[str, str], ...] = (
    ("wallet.errors", "WalletError"),
    ("chain.errors", "ChainError"),
    ("localnet.process", "LocalnetError"),
)


def _flag_given(argv: list[str], flags: tuple[str, ...]) -> bool:
    """One of `flags` anywhere before a bare `--` (read from argv, so it works when parsing failed)."""
    for arg in argv:
        if arg == "--":
            return False
        if arg in flags:
            return True
    return False


def debug_requested(argv: list[str]) -> bool:
    """`--debug` anywhere before a bare `--`, or TAOCLI_DEBUG set to a true value."""
    if os.environ.get("TAOCLI_DEBUG", "").lower() in ("1", "true", "yes"):
        return True
    return _flag_given(argv, ("--debug",))


def json_requested(argv: list[str]) -> bool:
    """`--json` (or a btcli spelling of it) anywhere before a bare `--`."""
    return _flag_given(argv, JSON_FLAGS)


def _is_user_error(exc: BaseException) -> bool:
    if isinstance(exc, CliError):
        return True
    for module_name, class_name in USER_ERROR_TYPES:
        module = sys.modules.get(module_name)
        cls = getattr(module, class_name, None) if module is not None else None
        if isinstance(cls, type) and isinstance(exc, cls):
            return True
    return False


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def describe(exc: BaseException) -> tuple[str, int]:
    """The line to show for an exception and the exit code to leave with."""
    if _is_user_error(exc):
        return _one_line(str(exc)), getattr(exc, "exit_code", EXIT_FAILURE)
    if isinstance(exc, PermissionError):
        where = f" {exc.filename}" if exc.filename else ""
        return f"permission denied{where}; check the file's owner and mode", EXIT_FAILURE
    if isinstance(exc, OSError) and exc.strerror:
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror}{where}", EXIT_FAILURE
    name = type(exc).__name__
    return (f"unexpected {name}: {_one_line(str(exc)) or 'no details'} (rerun with --debug for a traceback "
            f"and please report it)", EXIT_FAILURE)


def _usage_line(exc: Any) -> str:
    ctx = getattr(exc, "ctx", None)
    path = ctx.command_path if ctx is not None else "taocli"
    return f"{_one_line(exc.format_message())} (see '{path} --help')"


def run(command: Any, argv: list[str], prog_name: str = "taocli") -> int:
    """Run the click command with `argv` and return the process exit code."""
    debug = debug_requested(argv)
    # with --json, the count of documents written before the command runs; None without --json
    json_before = json_documents() if json_requested(argv) else None
    try:
        result = command.main(args=argv, prog_name=prog_name, standalone_mode=False)
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_FAILURE
    except KeyboardInterrupt as exc:
        return fail("interrupted", EXIT_INTERRUPTED, type(exc).__name__, json_before)
    except Abort as exc:
        return fail("aborted (end of input); nothing was changed", EXIT_FAILURE, type(exc).__name__, json_before)
    except BaseException as exc:
        if NoArgsIsHelpError is not None and isinstance(exc, NoArgsIsHelpError):
            sys.stdout.write(exc.format_message().rstrip("\n") + "\n")
            return 0
        if isinstance(exc, UsageError):
            return fail(_usage_line(exc), EXIT_USAGE, type(exc).__name__, json_before)
        if isinstance(exc, SystemExit):
            raise
        if debug:
            traceback.print_exc(file=sys.stderr)
        message, code = describe(exc)
        return fail(message, code, type(exc).__name__, json_before)
    if result == EXIT_INTERRUPTED:
        return fail("interrupted", EXIT_INTERRUPTED, "KeyboardInterrupt", json_before)
    return result if isinstance(result, int) else 0


def fail(message: str, code: int, kind: str, json_before: int | None) -> int:
    """Report a failure: the line on stderr and, with --json, the error document on stdout; return `code`.

    `json_before` is None without --json, else the number of JSON documents written before the command
    ran: a command that already wrote its own (`wallet verify` writes `{"valid": false}` before it
    fails) keeps stdout to that one document.
    """
    error_line(message)
    if json_before is not None and json_documents() == json_before:
        emit_json({"error": {"message": message, "kind": kind, "exit_code": code}})
    return code


def _silence_stdout() -> None:
    """After EPIPE, point stdout at /dev/null so the interpreter's final flush does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
