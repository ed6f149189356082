"""Where command results go: rich tables and trees for people, plain JSON for scripts.

Rules, so `taocli ... --json | jq` always works:
- In JSON mode the only thing on stdout is one `json.dumps` document plus a newline. It never passes
  through rich, so it is never wrapped, coloured or truncated at the terminal width (btcli's
  `--json-output` goes through rich and breaks JSON on narrow terminals).
- Notes and warnings go to stderr in JSON mode, and to stdout (notes) / stderr (warnings) otherwise.
- A command that fails in JSON mode still leaves one document: the error boundary writes
  `{"error": {...}}` with `emit_json`, unless the command had already written its own (`verify`).
- rich is imported only when a table or tree is actually drawn, which keeps start-up fast.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console


def _colour_ok(stream: Any) -> bool:
    """Colour only on a terminal and only when NO_COLOR is unset (https://no-color.org)."""
    return "NO_COLOR" not in os.environ and bool(getattr(stream, "isatty", lambda: False)())


def _paint(text: str, code: str, stream: Any) -> str:
    return f"\033[{code}m{text}\033[0m" if _colour_ok(stream) else text


def error_line(message: str) -> None:
    """Print one red error line on stderr (the error boundary's only output)."""
    sys.stderr.write(_paint(f"Error: {message}", "31", sys.stderr) + "\n")
    sys.stderr.flush()


class Output:
    """Writes one command's results in the mode the user asked for."""

    def __init__(self, json_mode: bool = False) -> None:
        self.json_mode = json_mode

    @property
    def _note_stream(self) -> Any:
        return sys.stderr if self.json_mode else sys.stdout

    def note(self, message: str) -> None:
        """Say what is happening (kept off stdout in JSON mode)."""
        stream = self._note_stream
        stream.write(message + "\n")
        stream.flush()

    def success(self, message: str) -> None:
        """A green confirmation that something was done."""
        stream = self._note_stream
        stream.write(_paint(message, "32", stream) + "\n")
        stream.flush()

    def done(self, message: str, data: dict[str, Any]) -> None:
        """The end of a command that wrote something: the green line, and in JSON mode `data` as the result."""
        self.success(message)
        if self.json_mode:
            self.result(data)

    def working(self, message: str) -> None:
        """Announce a pause a person would otherwise mistake for a hang (argon2 takes ~3 s).

        Only on an interactive stderr: scripts and logs get no progress chatter.
        """
        if bool(getattr(sys.stderr, "isatty", lambda: False)()):
            sys.stderr.write(_paint(message, "2", sys.stderr) + "\n")
            sys.stderr.flush()

    def warn(self, message: str) -> None:
        """A yellow warning on stderr, in both modes."""
        sys.stderr.write(_paint(f"Warning: {message}", "33", sys.stderr) + "\n")
        sys.stderr.flush()

    def result(self, data: Any, render: Callable[[Console], None] | None = None) -> None:
        """Emit a command's result: `data` as JSON, or `render(console)` for people.

        With no `render`, people get the same data as indented JSON, which is still readable.
        """
        if self.json_mode:
            emit_json(data)
            return
        if render is None:
            sys.stdout.write(json.dumps(data, indent=2) + "\n")
            sys.stdout.flush()
            return
        render(console())

    def secret_block(self, title: str, secret: str, warning: str) -> None:
        """Show a secret (a new mnemonic) once, to the person at the terminal, never in JSON mode."""
        out = sys.stdout
        out.write("\n" + _paint(title, "1", out) + "\n")
        out.write("    " + _paint(secret, "1;36", out) + "\n")
        out.write(_paint(warning, "33", out) + "\n\n")
        out.flush()


# JSON documents written per stdout stream. Per stream, not per process: the demo runs wallet commands
# in-process with stdout captured, and their documents must not count as the demo's own.
_documents: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()


def emit_json(data: Any) -> None:
    """Write one JSON document to stdout: plain `json.dumps`, never through rich."""
    out = sys.stdout
    out.write(json.dumps(data, ensure_ascii=False, sort_keys=False) + "\n")
    out.flush()
    with contextlib.suppress(TypeError):  # a stream that cannot be weakly referenced is not counted
        _documents[out] = _documents.get(out, 0) + 1


def json_documents() -> int:
    """How many JSON documents the current stdout has received, so the error boundary can tell whether
    a command wrote its own."""
    try:
        return _documents.get(sys.stdout, 0)
    except TypeError:
        return 0


def console() -> Console:
    """A rich console on stdout, created on first use (importing rich costs ~40 ms)."""
    from rich.console import Console

    # Piped output gets a wide virtual terminal: rich's default of 80 columns would cut SS58
    # addresses (48 characters) in tables, and a truncated address is worse than a long line.
    width = None if _colour_ok(sys.stdout) or sys.stdout.isatty() else 200
    return Console(highlight=False, soft_wrap=False, width=width)
