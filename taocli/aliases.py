"""Command groups that resolve names at lookup time: aliases, and subcommands imported only when used.

btcli users type `btcli w list` and 2024-era `regen_coldkey`; registering every alias as a second
command doubled the tree Typer builds on each start (47 commands instead of 26, ~15 ms). A group that
maps the alias when a name is looked up costs nothing until an alias is actually used, and keeps
aliases out of `--help` and shell completion. btcli 9's names and flag spellings (`taocli/btcli.py`) are
resolved the same way: the table is imported only when a name is unknown or a flag is one the command does
not take, so commands typed with taocli's own spellings never load it.

The same idea keeps start-up flat as command groups are added: `LazyGroup` knows each subcommand's
name, module and one-line help, so `taocli --help` lists them without importing any, and
`taocli wallet list` imports and builds only the wallet group (each chain group costs 1-5 ms of imports
plus the Typer-to-click conversion of all its commands).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from typer.core import TyperGroup

# commands where btcli's `--hotkey` may carry an address (taocli's is a name): see taocli/btcli.py
BTCLI_HOTKEY_ADDRESS = frozenset({"stake move", "stake transfer", "stake swap"})


class AliasGroup(TyperGroup):
    """A Typer group that also accepts snake_case spellings and the names in `ALIASES`."""

    ALIASES: ClassVar[dict[str, str]] = {"w": "wallet", "wallets": "wallet", "wal": "wallet"}

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = self.lookup(ctx, cmd_name)
        if command is not None:
            return command
        canonical = self.ALIASES.get(cmd_name, cmd_name.replace("_", "-"))
        command = self.lookup(ctx, canonical) if canonical != cmd_name else None
        return command if command is not None else self.btcli_command(ctx, cmd_name)

    def btcli_command(self, ctx: Any, cmd_name: str) -> Any:
        """btcli 9's name for a taocli command (`st` → `stake`), or a one-line refusal for a btcli command
        taocli lacks; None for any other name (click then says "No such command")."""
        from taocli import btcli
        from taocli._click import UsageError

        group = self.name or "taocli"
        target = btcli.COMMANDS.get(group, {}).get(cmd_name.replace("_", "-"))
        if target is not None:
            return self.lookup(ctx, target)
        instead = btcli.absent(group, cmd_name)
        if instead is not None:
            raise UsageError(instead, ctx)
        return None

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """click's resolution, then btcli 9's flag spellings rewritten for a command (not a group), where
        the command itself does not declare them."""
        name, command, rest = super().resolve_command(ctx, args)
        if command is None or hasattr(command, "commands") or not any(a.startswith("-") for a in rest):
            return name, command, rest
        declared = {opt for p in command.params for opt in (*p.opts, *getattr(p, "secondary_opts", ()))}
        path = f"{self.name} {name}"
        # the table loads only for a spelling the command does not take (or btcli's --hotkey ADDRESS)
        if path in BTCLI_HOTKEY_ADDRESS or any(a.startswith("-") and a.split("=")[0] not in declared for a in rest):
            from taocli import btcli
            from taocli._click import UsageError

            try:
                rest = btcli.rewrite(path, rest, declared)
            except btcli.Refused as exc:
                raise UsageError(str(exc), ctx) from None
        return name, command, rest

    def lookup(self, ctx: Any, name: str) -> Any:
        """The command registered under exactly `name`, or None (a lazy group may import it here)."""
        return super().get_command(ctx, name)


@dataclass(frozen=True)
class LazyCommand:
    """Where a subcommand lives and what `--help` says about it before it is imported.

    `attr` names either a `typer.Typer` (a command group) or a plain command function. `help`, when
    given, must match the command's own help (tests/unit/test_cli_lazy_groups.py checks that it does);
    without it, the group's `--help` imports the command to ask.
    """

    module: str
    attr: str
    help: str | None = None


class LazyGroup(AliasGroup):
    """An alias group whose subcommands in `LAZY` are imported and built on first lookup."""

    LAZY: ClassVar[dict[str, LazyCommand]] = {}
    on_load: Callable[[Any], None] | None = None  # run on each command as it is built (compact --help)

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *(name for name in self.LAZY if name not in self.commands)]

    def lookup(self, ctx: Any, name: str) -> Any:
        if name in self.LAZY and name not in self.commands:
            command = build_command(self.LAZY[name], name)
            if self.on_load is not None:
                if isinstance(command, LazyGroup):
                    command.on_load = self.on_load  # and on to the commands it builds later
                self.on_load(command)
            self.commands[name] = command
        return super().lookup(ctx, name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        from taocli._click import UsageError

        try:
            return super().resolve_command(ctx, args)
        except UsageError as exc:
            # Typer suggests only among built commands; offer the lazy names too, without building them.
            if self.suggest_commands and args and "Did you mean" not in exc.message and "(btcli 9)" not in exc.message:
                from difflib import get_close_matches

                matches = get_close_matches(args[0], self.list_commands(ctx))
                if matches:
                    exc.message = f"{exc.message.rstrip('.')}. Did you mean {', '.join(map(repr, matches))}?"
            raise

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """click's command list, with the stored help for subcommands not imported yet."""
        from taocli._click import click

        shown: list[tuple[str, Any]] = []  # (name, the built command or its stored help)
        for name in self.list_commands(ctx):
            entry = self.LAZY.get(name)
            if entry is not None and entry.help is not None and name not in self.commands:
                shown.append((name, entry.help))
                continue
            command = self.lookup(ctx, name)
            if command is not None and not command.hidden:
                shown.append((name, command))
        if not shown:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in shown)
        rows = [(name, click.utils.make_default_short_help(what, limit) if isinstance(what, str)
                 else what.get_short_help_str(limit)) for name, what in shown]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def build_command(entry: LazyCommand, name: str) -> Any:
    """Import `entry` and turn it into the click command Typer would have built for `add_typer`/`command`."""
    import typer
    import typer.main

    target = getattr(importlib.import_module(entry.module), entry.attr)
    if isinstance(target, typer.Typer):
        command = typer.main.get_group(target)
    else:  # a single command function: a one-command app, as `app.command(name)(func)` would register it
        single = typer.Typer(rich_markup_mode=None, add_completion=False)
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    return command
