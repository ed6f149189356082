"""`taocli wallet ...`: create, restore, inspect and use keys.

This module only names the commands; each lives in `taocli.walletcmd.<job>` (or, for the commands that
touch a chain, `taocli.commands.wallet_chain` / `transfer`) and is imported when it is invoked, so
`taocli wallet list` pays neither for the key-writing commands nor for the chain client's helpers.
`taocli wallet --help` imports them all to show their own help lines.
"""

from __future__ import annotations

from typing import ClassVar

import typer

from taocli.aliases import LazyCommand, LazyGroup

# btcli's kebab-case names, in `--help` order: (name, module, function).
_COMMANDS = [
    ("list", "taocli.walletcmd.inspect", "list_"),
    ("show", "taocli.walletcmd.inspect", "show"),
    ("create", "taocli.walletcmd.create", "create"),
    ("new-coldkey", "taocli.walletcmd.create", "new_coldkey"),
    ("new-hotkey", "taocli.walletcmd.create", "new_hotkey"),
    ("regen-coldkey", "taocli.walletcmd.regen", "regen_coldkey"),
    ("regen-coldkeypub", "taocli.walletcmd.regen", "regen_coldkeypub"),
    ("regen-hotkey", "taocli.walletcmd.regen", "regen_hotkey"),
    ("regen-hotkeypub", "taocli.walletcmd.regen", "regen_hotkeypub"),
    ("sign", "taocli.walletcmd.signing", "sign"),
    ("verify", "taocli.walletcmd.signing", "verify"),
    ("change-password", "taocli.walletcmd.password", "change_password"),
    ("balance", "taocli.commands.wallet_chain", "balance"),
    ("overview", "taocli.commands.wallet_chain", "overview"),
    ("faucet", "taocli.commands.wallet_chain", "faucet"),
    ("transfer", "taocli.commands.transfer", "transfer"),
]


class WalletGroup(LazyGroup):
    """The wallet commands, each imported on first use; 2024 snake_case names resolve on lookup."""

    LAZY: ClassVar[dict[str, LazyCommand]] = {name: LazyCommand(module, attr) for name, module, attr in _COMMANDS}


app = typer.Typer(
    help="Create, restore, list and use wallets (coldkeys and hotkeys).",
    cls=WalletGroup,
    no_args_is_help=True,
    rich_markup_mode=None,
)
