"""`taocli delegate list | show | become | add | remove | mine`: nominate stake to validators."""

from __future__ import annotations

from typing import Annotated

import typer

from taocli.aliases import AliasGroup
from taocli.commands.chainctx import open_chain, ss58_argument, table, take_u16, tao
from taocli.commands.stake import All, Amount, stake_change
from taocli.errors import CliError
from taocli.options import Debug, Hotkey, Json, Network, PasswordFd, PasswordFile, WalletName, WalletPath, Yes

app = typer.Typer(help="Delegates: list them, nominate stake, or make your hotkey one.", cls=AliasGroup,
                  no_args_is_help=True, rich_markup_mode=None)

DelegateSs58 = Annotated[str, typer.Option("--delegate", "--delegate-ss58", "--hotkey-ss58",
                                           help="The delegate's hotkey address.")]


def _check(address: str) -> str:
    return ss58_argument(address, "--delegate")


@app.command("list")
def list_(network: Network = None, json_out: Json = False, yes: Yes = False, debug: Debug = False) -> None:
    """List every delegate with its take, total stake, nominators and subnets."""
    with open_chain(None, None, None, network, json_out, yes) as cs:
        if cs.client.era == "dtao":
            from taocli.commands import dtao_delegates

            dtao_delegates.list_(cs)
            return
        delegates = sorted(cs.client.delegation.delegates(), key=lambda d: -d.total_stake)
    render = table(f"Delegates on {cs.network}", ["hotkey", "owner", "take", "total", "nominators", "subnets",
                                                   "return/1000"],
                   [[d.hotkey, d.owner, f"{d.take_ratio:.2%}", tao(d.total_stake), str(len(d.nominators)),
                     ",".join(map(str, d.registrations)), tao(d.return_per_1000)] for d in delegates])
    cs.out.result({"network": cs.network, "delegates": [d.to_json() for d in delegates]}, render)


@app.command("show")
def show(delegate: DelegateSs58, network: Network = None, json_out: Json = False, yes: Yes = False,
         debug: Debug = False) -> None:
    """Show one delegate and its nominators."""
    with open_chain(None, None, None, network, json_out, yes) as cs:
        if cs.client.era == "dtao":
            from taocli.commands import dtao_delegates

            dtao_delegates.show(cs, _check(delegate))
            return
        info = cs.client.delegation.delegate(_check(delegate))
    if info is None:
        raise CliError(f"{delegate} is not a delegate; list delegates with `taocli delegate list`")
    render = table(f"Delegate {info.hotkey} (take {info.take_ratio:.2%}, total {tao(info.total_stake)})",
                   ["nominator", "stake"], [[c, tao(s)] for c, s in info.nominators])
    cs.out.result({"network": cs.network, "delegate": info.to_json()}, render)


@app.command("become")
def become(name: WalletName = None, hotkey: Hotkey = None, wallet_path: WalletPath = None, network: Network = None,
           password_file: PasswordFile = None, password_fd: PasswordFd = None, json_out: Json = False,
           yes: Yes = False, debug: Debug = False) -> None:
    """Make the wallet's hotkey a delegate (take 18%), so others can nominate stake to it."""
    with open_chain(name, hotkey, wallet_path, network, json_out, yes, password_file, password_fd) as cs:
        coldkey = cs.coldkey_address()
        hot = cs.hotkey_address()
        prepared = cs.client.delegation.prepare_become_delegate(coldkey, hot)
        cs.send(prepared, f"Make hotkey {hot} a delegate", [("coldkey (owner)", coldkey), ("hotkey", hot),
                                                            ("take", "18% (11796/65535)")],
                cs.unlock_coldkey, {"coldkey": coldkey, "hotkey": hot}, done="Hotkey is now a delegate")


@app.command("take")
def take(take_percent: Annotated[str, typer.Option("--take", help="The new take in percent, e.g. 9 or 11.5.")],
         name: WalletName = None, hotkey: Hotkey = None, wallet_path: WalletPath = None, network: Network = None,
         password_file: PasswordFile = None, password_fd: PasswordFd = None, json_out: Json = False,
         yes: Yes = False, debug: Debug = False) -> None:
    """Raise or lower the wallet hotkey's delegate take (dTAO chains: increase_take / decrease_take)."""
    from fractions import Fraction

    value = take_u16(take_percent)
    with open_chain(name, hotkey, wallet_path, network, json_out, yes, password_file, password_fd) as cs:
        if cs.client.era != "dtao":
            raise CliError("delegate take needs a dTAO chain (increase_take / decrease_take); this chain's "
                           "take is set once by `delegate become`")
        coldkey = cs.coldkey_address()
        hot = cs.hotkey_address()
        before = cs.client.delegation.take_of(hot)  # type: ignore[attr-defined]
        prepared = cs.client.delegation.prepare_set_take(coldkey, hot, value)  # type: ignore[attr-defined]
        cs.send(prepared, f"Set the take of hotkey {hot} to {value}/65535",
                [("coldkey (owner)", coldkey), ("hotkey", hot), ("take now", f"{before}/65535"),
                 ("new take", f"{value}/65535 ({float(Fraction(value, 65535) * 100):.2f} %)")],
                cs.unlock_coldkey, {"coldkey": coldkey, "hotkey": hot, "take_before": before, "take": value},
                done="Take set")


@app.command("add")
def add(delegate: DelegateSs58, amount: Amount = None, all_: All = False, name: WalletName = None,
        wallet_path: WalletPath = None, network: Network = None, password_file: PasswordFile = None,
        password_fd: PasswordFd = None, json_out: Json = False, yes: Yes = False, debug: Debug = False) -> None:
    """Nominate (stake) TAO to a delegate."""
    with open_chain(name, None, wallet_path, network, json_out, yes, password_file, password_fd) as cs:
        stake_change(True, amount, all_, cs, _check(delegate))


@app.command("remove")
def remove(delegate: DelegateSs58, amount: Amount = None, all_: All = False, name: WalletName = None,
           wallet_path: WalletPath = None, network: Network = None, password_file: PasswordFile = None,
           password_fd: PasswordFd = None, json_out: Json = False, yes: Yes = False, debug: Debug = False) -> None:
    """Take nominated stake back from a delegate."""
    with open_chain(name, None, wallet_path, network, json_out, yes, password_file, password_fd) as cs:
        stake_change(False, amount, all_, cs, _check(delegate))


@app.command("mine")
def mine(name: WalletName = None, wallet_path: WalletPath = None, network: Network = None, json_out: Json = False,
         yes: Yes = False, debug: Debug = False) -> None:
    """The delegates this wallet's coldkey nominates, with its stake on each."""
    with open_chain(name, None, wallet_path, network, json_out, yes) as cs:
        coldkey = cs.coldkey_address()
        if cs.client.era == "dtao":
            from taocli.commands import dtao_delegates

            dtao_delegates.mine(cs, coldkey)
            return
        delegated = cs.client.delegation.delegated(coldkey)
    rows = [{"delegate": d.to_json(), "stake": s} for d, s in delegated]
    render = table(f"Delegations of {coldkey} on {cs.network}", ["delegate", "take", "my stake", "total"],
                   [[d.hotkey, f"{d.take_ratio:.2%}", tao(s), tao(d.total_stake)] for d, s in delegated])
    cs.out.result({"network": cs.network, "coldkey": coldkey, "delegations": rows}, render)
