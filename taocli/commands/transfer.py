"""`taocli wallet transfer` (also `taocli transfer`): send TAO from the coldkey to any address."""

from __future__ import annotations

from typing import Annotated

import typer

from taocli.commands.chainctx import open_chain, parse_amount
from taocli.errors import UsageProblem
from taocli.options import Debug, Json, Network, PasswordFd, PasswordFile, WalletName, WalletPath, Yes

Dest = Annotated[str, typer.Option("--dest", "-d", "--destination", help="Recipient SS58 address.")]
Amount = Annotated[str | None, typer.Option("--amount", "-a", help="TAO to send, e.g. 1.5.", show_default=False)]
All = Annotated[bool, typer.Option("--all", help="Send everything except the fee (the account is emptied).")]
AllowDeath = Annotated[bool, typer.Option(
    "--allow-death", help="Allow the sender's balance to fall below the existential deposit (account reaped).")]


def transfer(
    dest: Dest, amount: Amount = None, all_: All = False, allow_death: AllowDeath = False,
    name: WalletName = None, wallet_path: WalletPath = None, network: Network = None,
    password_file: PasswordFile = None, password_fd: PasswordFd = None, json_out: Json = False,
    yes: Yes = False, debug: Debug = False,
) -> None:
    """Send TAO from this wallet's coldkey; shows amount, fee and destination before signing."""
    from wallet.ss58 import is_valid_ss58

    if (amount is None) == (not all_):
        raise UsageProblem("give either --amount TAO or --all")
    if not is_valid_ss58(dest):
        raise UsageProblem(f"--dest {dest!r} is not a valid SS58 address; copy it again (it starts with 5)")
    with open_chain(name, None, wallet_path, network, json_out, yes, password_file, password_fd) as cs:
        coldkey = cs.coldkey_address()
        client = cs.client
        if all_:
            prepared, value = client.balances.prepare_transfer_all(coldkey, dest)
        else:
            value = parse_amount(amount or "")
            prepared = client.balances.prepare_transfer(coldkey, dest, value, keep_alive=not allow_death)
        cs.send(prepared, f"Transfer {value} to {dest}",
                [("from", f"{cs.wallet_session.name} {coldkey}"), ("to", dest), ("amount", str(value))],
                cs.unlock_coldkey, {"from": coldkey, "to": dest, "amount": value.to_json()},
                done=f"Sent {value} to {dest}")
