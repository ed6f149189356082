"""Command groups are named up front and imported on first use, without changing what users see.

The root (and the wallet group) list their commands from a table, so these tests hold the table to the
real commands: every name builds a command of that name, and every stored help line is the command's own.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import typer.main

from taocli._click import click
from taocli.aliases import LazyGroup
from taocli.boundary import run
from taocli.commands.wallet import WalletGroup
from taocli.main import RootGroup, app


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAOCLI_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr("sys.stdin", io.StringIO(""))


def fresh_root() -> LazyGroup:
    root = typer.main.get_command(app)
    assert isinstance(root, RootGroup)
    return root


@pytest.mark.parametrize("group_cls", [RootGroup, WalletGroup])
def test_every_lazy_name_builds_the_command_of_that_name(group_cls: type[LazyGroup]) -> None:
    group = group_cls(name="probe")
    ctx = click.Context(group)
    for name in group_cls.LAZY:
        command = group.get_command(ctx, name)
        assert command is not None and command.name == name
        assert not command.hidden  # the table's names are what --help lists


def test_stored_help_lines_are_the_commands_own() -> None:
    root = fresh_root()
    ctx = click.Context(root)
    for name, entry in RootGroup.LAZY.items():
        assert entry.help is not None, name  # the root must list its groups without importing them
        built = root.get_command(ctx, name)
        assert click.utils.make_default_short_help(entry.help, 1000) == built.get_short_help_str(1000), name


def test_root_help_is_the_same_before_and_after_the_groups_are_built() -> None:
    root = fresh_root()
    ctx = click.Context(root, info_name="taocli", terminal_width=100, max_content_width=100)
    lazy_help = root.get_help(ctx)
    assert root.commands == {}  # listing needed no import
    for name in root.list_commands(ctx):
        root.get_command(ctx, name)
    assert root.get_help(ctx) == lazy_help
    listed = [line.split()[0] for line in lazy_help.split("Commands:")[1].splitlines() if line.strip()]
    assert listed == list(RootGroup.LAZY)  # the alias `subnet` stays out of the listing


def test_aliases_and_suggestions_reach_commands_not_built_yet(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(fresh_root(), ["subnet", "--help"]) == 0
    assert "lock-cost" in capsys.readouterr().out
    assert run(fresh_root(), ["w", "regen_coldkeypub", "--help"]) == 0
    assert "--ss58" in capsys.readouterr().out
    assert run(fresh_root(), ["walet"]) == 2
    assert "Did you mean 'wallet'" in capsys.readouterr().err


def test_a_group_builds_only_the_command_it_runs() -> None:
    group = WalletGroup(name="wallet")
    ctx = click.Context(group)
    assert group.get_command(ctx, "new_hotkey") is not None  # a 2024 spelling, resolved to new-hotkey
    assert list(group.commands) == ["new-hotkey"]
