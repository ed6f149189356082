"""Command-name aliases resolved at lookup time instead of registered as duplicate commands.

btcli users type `btcli w list` and 2024-era `regen_coldkey`; registering every alias as a second
command doubled the tree Typer builds on each start (47 commands instead of 26, ~15 ms). A group that
maps the alias when a name is looked up costs nothing until an alias is actually used, and keeps
aliases out of `--help` and shell completion.
"""

from __future__ import annotations

from typing import Any, ClassVar

from typer.core import TyperGroup


class AliasGroup(TyperGroup):
    """A Typer group that also accepts snake_case spellings and the names in `ALIASES`."""

    ALIASES: ClassVar[dict[str, str]] = {"w": "wallet", "wallets": "wallet", "wal": "wallet"}

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        canonical = self.ALIASES.get(cmd_name, cmd_name.replace("_", "-"))
        return super().get_command(ctx, canonical) if canonical != cmd_name else None
