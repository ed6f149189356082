"""The options every command shares, spelled the way btcli users type them.

btcli 9 uses kebab-case but keeps the dotted and snake_case spellings of 2024 (`--wallet.name`,
`--wallet_name`, `--no_prompt`) as aliases; scripts and docs in the wild use all three, so we accept all
of them. Each alias is an `Annotated` type so a command declares `name: WalletName = None` and gets the
same flags, help and defaults as every other command.

Defaults are `None` here on purpose: the real default comes from `taocli.settings` (flag > env > config >
built-in), which can only tell "not given" from "given" if the flag's own default is None.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from taocli.roothelp import DEBUG_HELP

WALLET = "Wallet"
SECRETS = "Secret input (never from the command line)"
OUTPUT = "Output and prompts"


def value_option(*names: str, help: str, panel: str, hidden: bool = False) -> Any:
    """A flag that takes a value and shows no default: the default is resolved elsewhere (settings), or
    there is none (a file or descriptor to read a secret from)."""
    return typer.Option(*names, help=help, rich_help_panel=panel, show_default=False, hidden=hidden)


NETWORK_FLAGS = ("--network", "-n", "--subtensor.network", "--chain", "--subtensor.chain_endpoint")

WalletName = Annotated[str | None, value_option(
    "--wallet-name", "-w", "--name", "--wallet.name", "--wallet_name", panel=WALLET,
    help="Wallet name [env TAOCLI_WALLET_NAME, BT_WALLET_NAME; default 'default'].")]
Hotkey = Annotated[str | None, value_option(
    "--hotkey", "-H", "--wallet-hotkey", "--wallet.hotkey", "--wallet_hotkey", panel=WALLET,
    help="Hotkey name [env TAOCLI_WALLET_HOTKEY, BT_WALLET_HOTKEY; default 'default'].")]
WalletPath = Annotated[str | None, value_option(
    "--wallet-path", "-p", "--wallet.path", "--wallet_path", panel=WALLET,
    help="Directory of wallets [env TAOCLI_WALLET_PATH, BT_WALLET_PATH; default ~/.bittensor/wallets].")]
Network = Annotated[str | None, value_option(
    *NETWORK_FLAGS, panel=OUTPUT,
    help="Network name (local, test, finney, archive) or ws:// URL [env TAOCLI_NETWORK; default local].")]
# The same flag on commands that never touch a chain (wallet ...): accepted, so scripts that pass
# --network everywhere keep working, but hidden from their help.
IgnoredNetwork = Annotated[str | None, value_option(
    *NETWORK_FLAGS, panel=OUTPUT, hidden=True,
    help="Accepted for btcli compatibility; wallet commands do not use a network.")]

JSON_FLAGS = ("--json", "--json-output", "--json-out")  # the boundary looks for these in argv too

Json = Annotated[
    bool,
    typer.Option(
        *JSON_FLAGS,
        help="Print one JSON document on stdout instead of tables.", rich_help_panel=OUTPUT,
    ),
]
Yes = Annotated[
    bool,
    typer.Option(
        "--yes", "-y", "--no-prompt", "--no_prompt",
        help="Answer yes to confirmations and never prompt (fail instead if input is missing).",
        rich_help_panel=OUTPUT,
    ),
]
Debug = Annotated[
    bool,
    typer.Option("--debug", help=DEBUG_HELP, rich_help_panel=OUTPUT),
]
PasswordFile = Annotated[Path | None, value_option(
    "--password-file", panel=SECRETS,
    help="Read the password from the first line of this file (must be mode 0600).")]
PasswordFd = Annotated[int | None, value_option(
    "--password-fd", panel=SECRETS, help="Read the password from this open file descriptor (first line).")]
AllowWeak = Annotated[
    bool,
    typer.Option(
        "--allow-weak-password", help="Accept a new password the strength check rejects.",
        rich_help_panel=SECRETS,
    ),
]
NoPassword = Annotated[
    bool,
    typer.Option(
        "--no-password", "--no_password",
        help="Store the new coldkey unencrypted (anyone who can read the file can spend).",
        rich_help_panel=SECRETS,
    ),
]
Overwrite = Annotated[
    bool,
    typer.Option(
        "--overwrite", help="Replace existing keys (the old file is kept as <file>.bak).",
        rich_help_panel=WALLET,
    ),
]
NWords = Annotated[
    int,
    typer.Option("--n-words", "--n_words", help="Mnemonic length: 12, 15, 18, 21 or 24 words.",
                 rich_help_panel=WALLET),
]
ShowMnemonic = Annotated[
    bool,
    typer.Option("--show-mnemonic", rich_help_panel=OUTPUT,
                 help="Print the new mnemonic even when stdout is not a terminal (and in --json output)."),
]
