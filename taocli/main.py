"""The `taocli` root command: wires the command groups together and runs them inside the error boundary.

Start-up time is a feature (btcli's `--help` takes ~1 s; the 2024 one ~3 s because it imported torch),
so this module imports no command group at all: `RootGroup` names each one with its module and one-line
help, and a group is imported only when it is invoked (see `taocli.aliases.LazyGroup`). Group modules in
turn import only Typer and our own light helpers; crypto, substrate, numpy and rich load inside the
command that needs them.
"""

from __future__ import annotations

import os
import sys
from typing import ClassVar

import typer

from taocli import __version__
from taocli.aliases import AliasGroup, LazyCommand, LazyGroup
from taocli.options import Debug

HELP = (
    "A fast wallet, local chain and operator toolkit for Bittensor-style networks.\n\n"
    "Secrets are never taken from the command line: use --password-file/--password-fd, "
    "--mnemonic-file, or the prompt."
)

COMPLETE_VAR = "_TAOCLI_COMPLETE"  # what click derives from prog_name "taocli"


def _lazy(module: str, attr: str, help_text: str) -> LazyCommand:
    return LazyCommand(f"taocli.commands.{module}", attr, help_text)


class RootGroup(LazyGroup):
    """The top-level commands, in `--help` order; each help line must equal the command's own."""

    # `taocli subnet ...` (btcli 8's spelling) resolves to `subnets` without a second, hidden group.
    ALIASES: ClassVar[dict[str, str]] = {**AliasGroup.ALIASES, "subnet": "subnets"}
    LAZY: ClassVar[dict[str, LazyCommand]] = {
        "demo": _lazy("demo", "demo", "Run the main job: wallets, a local chain, a subnet with a validator, "
                      "miners and a nominator, an epoch."),
        "transfer": _lazy("transfer", "transfer", "Send TAO from this wallet's coldkey; shows amount, fee and "
                          "destination before signing."),
        "wallet": _lazy("wallet", "app", "Create, restore, list and use wallets (coldkeys and hotkeys)."),
        "localnet": _lazy("localnet", "app", "Run the local chain that ships inside taocli."),
        "config": _lazy("config", "app", "Show or change default settings (wallet name, hotkey, wallet path, "
                        "network)."),
        "subnets": _lazy("subnets", "app", "Subnets: list, metagraph, hyperparameters, create and register."),
        "stake": _lazy("stake", "app", "Stake TAO on hotkeys and remove it."),
        "delegate": _lazy("delegate", "app", "Delegates: list them, nominate stake, or make your hotkey one."),
        "root": _lazy("root", "app", "The root network: register, list members, set subnet weights."),
        "weights": _lazy("weights", "app", "Set and read weights on a subnet."),
        "sudo": _lazy("sudo", "app", "Subnet hyperparameters (or, without --netuid, network-wide values such as "
                      "tx_rate_limit): read one, or set it with the sudo key or as the owner."),
        "axon": _lazy("axon", "app", "Publish the hotkey's axon endpoint on chain."),
        "miner": _lazy("miner", "app", "Run a miner: serve a subnet template on an axon, published on chain."),
        "validator": _lazy("validator", "app", "Run a validator: query miners with a subnet template, score them, "
                           "set weights."),
    }


app = typer.Typer(
    name="taocli",
    help=HELP,
    cls=RootGroup,  # groups imported on first use; `taocli w ...` = `taocli wallet ...`, resolved on lookup
    no_args_is_help=True,
    add_completion=False,  # completion scripts are generated into completions/ instead
    pretty_exceptions_enable=False,  # the error boundary decides what users see
    # Plain click help (every group module asks for the same): rich-formatted help costs ~90 ms per
    # `--help`, more than all the rest of start-up together.
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
        command.on_load = compact_option_help  # groups built later, while the arguments are parsed
    code = run_boundary(command, args)
    sys.stdout.flush()
    raise SystemExit(code)
