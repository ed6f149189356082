"""The `taocli` root command: wires the command groups together and runs them inside the error boundary.

Start-up time is a feature (btcli's `--help` takes ~1 s; the 2024 one ~3 s because it imported torch),
so this module and every group module import only Typer and our own light helpers. Crypto, substrate,
numpy and rich load inside the command that needs them.
"""

from __future__ import annotations

import os
import sys

import typer

from taocli import __version__
from taocli.aliases import AliasGroup
from taocli.commands import axon as axon_cmd
from taocli.commands import config as config_cmd
from taocli.commands import delegate as delegate_cmd
from taocli.commands import demo as demo_cmd
from taocli.commands import localnet as localnet_cmd
from taocli.commands import root as root_cmd
from taocli.commands import stake as stake_cmd
from taocli.commands import subnets as subnets_cmd
from taocli.commands import sudo as sudo_cmd
from taocli.commands import transfer as transfer_cmd
from taocli.commands import wallet as wallet_cmd
from taocli.commands import weights as weights_cmd
from taocli.options import Debug

HELP = (
    "A fast wallet, local chain and operator toolkit for Bittensor-style networks.\n\n"
    "Secrets are never taken from the command line: use --password-file/--password-fd, "
    "--mnemonic-file, or the prompt."
)

COMPLETE_VAR = "_TAOCLI_COMPLETE"  # what click derives from prog_name "taocli"

app = typer.Typer(
    name="taocli",
    help=HELP,
    cls=AliasGroup,  # `taocli w ...` = `taocli wallet ...`, resolved on lookup
    no_args_is_help=True,
    add_completion=False,  # completion scripts are generated into completions/ instead
    pretty_exceptions_enable=False,  # the error boundary decides what users see
    # Plain click help, inherited by every group: rich-formatted help costs ~90 ms per `--help`,
    # more than all the rest of start-up together.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        sys.stdout.write(f"taocli {__version__}\n")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", "-V", is_eager=True, callback=_show_version, help="Print the version and exit."
    ),
    debug: Debug = False,
) -> None:
    """Options given before the command group apply to the whole run."""


app.add_typer(wallet_cmd.app, name="wallet")
app.add_typer(localnet_cmd.app, name="localnet")
app.add_typer(config_cmd.app, name="config")
app.command("demo")(demo_cmd.demo)
app.add_typer(subnets_cmd.app, name="subnets")
app.add_typer(subnets_cmd.app, name="subnet", hidden=True)
app.add_typer(stake_cmd.app, name="stake")
app.add_typer(delegate_cmd.app, name="delegate")
app.add_typer(root_cmd.app, name="root")
app.add_typer(weights_cmd.app, name="weights")
app.add_typer(sudo_cmd.app, name="sudo")
app.add_typer(axon_cmd.app, name="axon")
app.command("transfer")(transfer_cmd.transfer)


def run(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the app and exit with its code."""
    from taocli.boundary import run as run_boundary

    if os.environ.get(COMPLETE_VAR):
        # A shell is asking for completions (see completions/): register Typer's shell classes,
        # which `add_completion=False` skipped to keep ordinary start-up fast.
        from typer.completion import completion_init

        completion_init()
    args = sys.argv[1:] if argv is None else argv
    command = typer.main.get_command(app)
    from taocli.helpfmt import compact_option_help, wants_help

    if wants_help(args):
        compact_option_help(command)
    code = run_boundary(command, args)
    sys.stdout.flush()
    raise SystemExit(code)
