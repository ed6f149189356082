"""`taocli root register | list | weights`: the root network (netuid 0) that splits emission."""

from __future__ import annotations

from typing import Annotated

import typer

from taocli.aliases import AliasGroup
from taocli.commands.chainctx import open_chain, table, tao
from taocli.commands.weights import parse_list, send_weights
from taocli.options import Debug, Hotkey, Json, Network, PasswordFd, PasswordFile, WalletName, WalletPath, Yes

app = typer.Typer(help="The root network: register, list members, set subnet weights.", cls=AliasGroup,
                  no_args_is_help=True, rich_markup_mode=None)

Netuids = Annotated[str, typer.Option("--netuids", help="Comma-separated subnet ids, e.g. 1,2,3.")]
Weights = Annotated[str, typer.Option("--weights", help="Comma-separated weights (any scale; normalised).")]


@app.command("register")
def register(name: WalletName = None, hotkey: Hotkey = None, wallet_path: WalletPath = None,
             network: Network = None, password_file: PasswordFile = None, password_fd: PasswordFd = None,
             json_out: Json = False, yes: Yes = False, debug: Debug = False) -> None:
    """Register the wallet's hotkey on the root network (it also becomes a delegate)."""
    with open_chain(name, hotkey, wallet_path, network, json_out, yes, password_file, password_fd) as cs:
        coldkey = cs.coldkey_address()
        hot = cs.hotkey_address()
        prepared = cs.client.registration.prepare_root_register(coldkey, hot)
        cs.send(prepared, "Register on the root network", [("coldkey (signs)", coldkey), ("hotkey", hot)],
                cs.unlock_coldkey, {"coldkey": coldkey, "hotkey": hot}, done="Registered on root",
                after=lambda _r: {"uid": cs.client.registration.uid_of(0, hot)})


@app.command("list")
def list_(network: Network = None, json_out: Json = False, yes: Yes = False, debug: Debug = False) -> None:
    """List the root network's members with their stake."""
    with open_chain(None, None, None, network, json_out, yes) as cs:
        if cs.client.era == "dtao":
            from taocli.commands.subnets import dtao_show

            dtao_show(cs, 0)  # root is subnet 0: its members and their root stake in τ
            return
        neurons = cs.client.subnets.neurons_lite(0)
    render = table(f"Root network on {cs.network}", ["uid", "hotkey", "coldkey", "stake"],
                   [[str(n.uid), n.hotkey, n.coldkey, tao(n.total_stake)] for n in neurons])
    cs.out.result({"network": cs.network, "members": [
        {"uid": n.uid, "hotkey": n.hotkey, "coldkey": n.coldkey, "stake": n.total_stake} for n in neurons]}, render)


@app.command("weights")
def weights(netuids: Netuids, weights: Weights, name: WalletName = None, hotkey: Hotkey = None,
            wallet_path: WalletPath = None, network: Network = None, password_file: PasswordFile = None,
            password_fd: PasswordFd = None, json_out: Json = False, yes: Yes = False, debug: Debug = False) -> None:
    """Set this root member's weights over subnets (set_weights on netuid 0)."""
    dests = parse_list(netuids, "--netuids", int)
    values = parse_list(weights, "--weights", float)
    with open_chain(name, hotkey, wallet_path, network, json_out, yes, password_file, password_fd) as cs:
        send_weights(cs, 0, dests, values, None)
