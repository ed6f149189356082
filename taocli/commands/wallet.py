"""`taocli wallet ...`: create, restore, inspect and use keys.

This module only registers commands; each lives in `taocli.walletcmd.<job>`. Those modules, like this
one, import nothing heavy at the top, so `taocli wallet --help` stays fast.
"""

from __future__ import annotations

import typer

from taocli.aliases import AliasGroup
from taocli.commands import wallet_chain
from taocli.walletcmd import create, inspect, password, regen, signing

app = typer.Typer(
    help="Create, restore, list and use wallets (coldkeys and hotkeys).",
    cls=AliasGroup,  # the 2024 snake_case names (regen_coldkey, new_hotkey, ...) resolve on lookup
    no_args_is_help=True,
    rich_markup_mode=None,
)

# Registered under btcli's kebab-case names.
_COMMANDS = [
    ("list", inspect.list_),
    ("show", inspect.show),
    ("create", create.create),
    ("new-coldkey", create.new_coldkey),
    ("new-hotkey", create.new_hotkey),
    ("regen-coldkey", regen.regen_coldkey),
    ("regen-coldkeypub", regen.regen_coldkeypub),
    ("regen-hotkey", regen.regen_hotkey),
    ("regen-hotkeypub", regen.regen_hotkeypub),
    ("sign", signing.sign),
    ("verify", signing.verify),
    ("change-password", password.change_password),
]

for _name, _func in _COMMANDS:
    app.command(_name)(_func)
wallet_chain.register(app)  # balance, overview, transfer, faucet (chain commands)
