"""Shorter option names in `--help`: the main spelling first, btcli's aliases as a note.

Every wallet option accepts up to five spellings (`-w, --wallet-name, --name, --wallet.name,
--wallet_name`) so old scripts keep working, but listing them all makes the help hard to read. Only
when help is being shown, each option's help record is rewritten to its short flag and first long
name, and "Also: ..." is appended to its description. Parsing is untouched. Typer has no public hook for
an option's help line, so each option instance gets a wrapped `get_help_record`;
tests/unit/test_cli_click_internals.py fails loudly if click stops reading it through the instance.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def compact_record(record: tuple[str, str]) -> tuple[str, str]:
    """('-w, --wallet-name, --name <str>', 'Wallet.') -> ('-w, --wallet-name <str>', 'Wallet. Also: --name.')"""
    names, text = record
    parts = names.split(", ")
    metavar = ""
    if " " in parts[-1]:
        parts[-1], metavar = parts[-1].split(" ", 1)
    shorts = [p for p in parts if not p.startswith("--")]
    longs = [p for p in parts if p.startswith("--")]
    if len(longs) <= 1 or any("/" in p for p in parts):  # nothing to fold, or a --x/--no-x pair
        return record
    head = ", ".join([*shorts, longs[0]]) + (f" {metavar}" if metavar else "")
    return head, f"{text} Also: {', '.join(longs[1:])}.".strip()


def _compacting(original: Callable[[Any], tuple[str, str] | None]) -> Callable[[Any], tuple[str, str] | None]:
    def get_help_record(ctx: Any) -> tuple[str, str] | None:
        record = original(ctx)
        return compact_record(record) if record is not None else None

    return get_help_record


def compact_option_help(command: Any) -> None:
    """Give every option in the click command tree the compact help record (best effort)."""
    for param in getattr(command, "params", []):
        if getattr(param, "param_type_name", "") != "option" or getattr(param, "_taocli_compact", False):
            continue
        try:
            param.get_help_record = _compacting(param.get_help_record)
            param._taocli_compact = True
        except AttributeError:  # an option class without an instance __dict__: keep the long form
            continue
    for sub in getattr(command, "commands", {}).values():
        compact_option_help(sub)


def wants_help(argv: list[str]) -> bool:
    """True when the run will print help (so the rewrite is worth its few milliseconds)."""
    return any(arg in ("--help", "-h") for arg in argv) or not argv
