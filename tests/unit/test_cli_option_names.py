"""Every spelling of an option must belong to one option only.

btcli users type `--name` for the wallet; a second option that also answered to `--name` (as `sudo set
--param` once did) silently swallowed the wallet name. click does not complain about such clashes, so walk
the whole command tree and fail on any.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import typer.main

from taocli._click import click
from taocli.main import app


def _commands(group: Any, path: str = "taocli") -> Iterator[tuple[str, Any]]:
    """Every command under `group`, asking each group by name so lazily imported ones are built too."""
    yield path, group
    if not hasattr(group, "list_commands"):
        return
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        yield from _commands(group.get_command(ctx, name), f"{path} {name}")


def test_no_option_spelling_is_shared_by_two_options() -> None:
    root = typer.main.get_command(app)
    clashes = []
    for path, command in _commands(root):
        owner: dict[str, str] = {}
        for param in command.params:
            for spelling in [*getattr(param, "opts", []), *getattr(param, "secondary_opts", [])]:
                if spelling in owner and owner[spelling] != param.name:
                    clashes.append(f"{path}: {spelling} is both --{owner[spelling]} and --{param.name}")
                owner[spelling] = param.name or ""
    assert clashes == []
    assert len(list(_commands(root))) > 40  # the walk really reached the command groups
