"""The two places taocli leans on Typer/click beyond their documented API, checked so that a Typer upgrade
that moves them fails here, loudly, instead of quietly changing exit codes or the help layout.

* `taocli._click` takes click's exception classes from `typer._click` (Typer >= 0.16 vendors click and
  exports only Abort/Exit/BadParameter): the error boundary must catch exactly what the parser raises.
* `taocli.helpfmt` wraps each option's `get_help_record` on the instance: click must still call it
  through the instance when it formats help.
"""

from __future__ import annotations

import pytest
import typer

from taocli._click import ClickException, NoArgsIsHelpError, UsageError, click
from taocli.helpfmt import compact_option_help


def _probe() -> typer.Typer:
    app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)  # as taocli: plain click help

    @app.command()
    def one(wallet: str = typer.Option("x", "-w", "--wallet-name", "--name", "--wallet.name", help="Wallet.")) -> None:
        pass

    @app.command()
    def two() -> None:
        pass

    return app


def test_the_parser_raises_the_exception_classes_the_boundary_catches() -> None:
    command = typer.main.get_command(_probe())
    with pytest.raises(UsageError):
        command.main(args=["one", "--no-such-flag"], prog_name="probe", standalone_mode=False)
    assert issubclass(UsageError, ClickException) and issubclass(typer.BadParameter, UsageError)
    assert NoArgsIsHelpError is not None, "click no longer has NoArgsIsHelpError: taocli's bare-group help breaks"
    with pytest.raises(NoArgsIsHelpError):
        command.main(args=[], prog_name="probe", standalone_mode=False)


def test_help_records_are_read_through_the_option_instance() -> None:
    command = typer.main.get_command(_probe())
    compact_option_help(command)
    sub = command.commands["one"]  # type: ignore[attr-defined]
    option = next(p for p in sub.params if getattr(p, "param_type_name", "") == "option")
    assert "get_help_record" in vars(option), "helpfmt could not wrap the option: the help would list every alias"
    ctx = click.Context(sub, info_name="one")
    help_text = sub.get_help(ctx)
    assert "-w, --wallet-name <str>" in help_text and "Also: --name, --wallet.name." in " ".join(help_text.split())
