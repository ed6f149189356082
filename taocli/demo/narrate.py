"""How the demo talks: numbered sections, one line per step, and a record of every step for `--json`.

People read the lines; scripts read the record. With `--json` the lines go to stderr so that stdout holds
nothing but the final JSON document (the same rule every taocli command follows).
"""

from __future__ import annotations

import shlex
import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:  # pragma: no cover
    from chain.receipt import Receipt


def short(address: str) -> str:
    """`5F3sa2…hGqA`: enough of an SS58 address to tell the demo's keys apart on one line."""
    return f"{address[:6]}…{address[-4:]}" if len(address) > 12 else address


class Narrator:
    """Prints the demo's progress and keeps what each step did (block, fee, amounts) for the summary."""

    def __init__(self, json_mode: bool) -> None:
        self.json_mode = json_mode
        self.steps: list[dict[str, Any]] = []
        self.started = time.monotonic()
        self._section = 0
        self._title = ""

    @property
    def stream(self) -> TextIO:
        return sys.stderr if self.json_mode else sys.stdout

    def elapsed(self) -> float:
        """Seconds since the demo started."""
        return time.monotonic() - self.started

    def say(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()

    def section(self, title: str) -> None:
        """A numbered header, with the time so far (the demo promises to be quick; it shows it)."""
        self._section += 1
        self._title = title
        self.say(f"\n== {self._section}. {title}  [{self.elapsed():.1f} s]")

    def command(self, argv: list[str]) -> None:
        """The exact command line a step runs, ready to copy."""
        self.say("  $ " + shlex.join(["taocli", *argv]))

    def step(self, what: str, outcome: str, receipt: Receipt | None = None, **data: Any) -> None:
        """One line: what the step did and what came back; chain steps add their block and fee."""
        line = f"  • {what}: {outcome}"
        record: dict[str, Any] = {"section": self._title, "step": what, "result": outcome, **data}
        if receipt is not None:
            line += f" (block #{receipt.block_number}, fee {receipt.fee})"
            record.update(block=receipt.block_number, fee=receipt.fee.to_json(),
                          extrinsic_hash=receipt.extrinsic_hash)
        self.steps.append(record)
        self.say(line)
