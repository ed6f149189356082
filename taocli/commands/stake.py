"""`taocli stake add | remove | list`: stake the coldkey's TAO on a hotkey (own or delegate) and back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from taocli.aliases import AliasGroup
from taocli.commands import stake_moves
from taocli.commands.chainctx import ChainSession, open_chain, parse_amount, ss58_argument, table, tao
from taocli.commands.dtao_trades import Netuid, OriginNetuid, Partial, RateTolerance, SafeStaking, Tolerance
from taocli.commands.stake_child import app as child_app
from taocli.errors import CliError, UsageProblem
from taocli.options import Debug, Hotkey, Json, Network, PasswordFd, PasswordFile, WalletName, WalletPath, Yes

if TYPE_CHECKING:  # pragma: no cover
    from fractions import Fraction

app = typer.Typer(help="Stake TAO on hotkeys and remove it.", cls=AliasGroup, no_args_is_help=True,
                  rich_markup_mode=None)

Amount = Annotated[str | None, typer.Option("--amount", "-a", help="add: TAO; remove: TAO, or on a dTAO chain the "
                                            "subnet's alpha; e.g. 10 or 0.5.", show_default=False)]
All = Annotated[bool, typer.Option("--all", help="add: all free TAO but the existential deposit; "
                                                 "remove: all stake on the hotkey (on --netuid on a dTAO chain).")]
AlphaAmount = Annotated[str | None, typer.Option("--amount", "-a", help="Alpha of the origin subnet, e.g. 2.5.",
                                                 show_default=False)]
AllAlpha = Annotated[bool, typer.Option("--all", help="All the alpha held there.")]
app.add_typer(child_app, name="child")

HotkeyAddress = Annotated[str | None, typer.Option(
    "--hotkey-ss58", "--hotkey-address", "--delegate", help="Stake on this hotkey address instead of the "
    "wallet's own hotkey (a delegate).", show_default=False)]

def _target(cs: ChainSession, hotkey_ss58: str | None) -> str:
    if hotkey_ss58 is None:
        return cs.hotkey_address()
    return ss58_argument(hotkey_ss58, "--hotkey-ss58")


def _amount(amount: str | None, all_: bool) -> None:
    if (amount is None) == (not all_):
        raise UsageProblem("give either --amount TAO or --all")


def stake_change(adding: bool, amount: str | None, all_: bool, cs: ChainSession, hotkey_ss58: str | None,
                 netuid: int | None = None, tolerance: Fraction | None = None, partial: bool = False) -> None:
    """Shared by `stake add/remove` and `delegate add/remove`; a dTAO chain trades on subnet `netuid`."""
    _amount(amount, all_)
    if netuid is not None or cs.client.era == "dtao":
        if cs.client.era != "dtao":
            raise UsageProblem("--netuid applies to dTAO chains only: this chain's stake is plain TAO per hotkey")
        dtao_stake_change(adding, amount, all_, cs, hotkey_ss58, netuid, tolerance, partial)
        return
    coldkey = cs.coldkey_address()
    hot = _target(cs, hotkey_ss58)
    client = cs.client
    if adding:
        value = client.staking.max_stakeable(coldkey) if all_ else parse_amount(amount or "")
        prepared = client.staking.prepare_add_stake(coldkey, hot, value)
        verb = "Stake"
    else:
        value = client.staking.stake(hot, coldkey) if all_ else parse_amount(amount or "")
        if all_ and value.rao == 0:
            raise CliError(f"coldkey {coldkey} has no stake on hotkey {hot}")
        prepared = client.staking.prepare_remove_stake(coldkey, hot, value)
        verb = "Unstake"
    before = client.staking.stake(hot, coldkey)
    cs.send(prepared, f"{verb} {value} {'on' if adding else 'from'} hotkey {hot}",
            [("coldkey", f"{cs.wallet_session.name} {coldkey}"), ("hotkey", hot), ("amount", str(value)),
             ("stake now", str(before))],
            cs.unlock_coldkey, {"coldkey": coldkey, "hotkey": hot, "amount": value.to_json(),
                                "stake_before": before.to_json()},
            done=f"{'Staked' if adding else 'Unstaked'} {value}")


def dtao_stake_change(adding: bool, amount: str | None, all_: bool, cs: ChainSession, hotkey_ss58: str | None,
                      netuid: int | None, tolerance: Fraction | None, partial: bool = False) -> None:
    """Buy a subnet's alpha with TAO (add) or sell it back (remove), previewed before signing."""
    from taocli.commands.dtao_trades import alpha_amount, need_netuid, send_trade

    coldkey = cs.coldkey_address()
    hot = _target(cs, hotkey_ss58)
    staking = cs.client.dtao_staking
    netuid = need_netuid(netuid, "stake add" if adding else "stake remove")
    head = [("coldkey", f"{cs.wallet_session.name} {coldkey}"), ("hotkey", hot), ("subnet", str(netuid))]
    result = {"coldkey": coldkey, "hotkey": hot, "netuid": netuid}
    if adding:
        value = staking.max_stakeable(coldkey) if all_ else parse_amount(amount or "")
        trade = staking.prepare_stake(coldkey, hot, netuid, value, tolerance, partial)
        send_trade(cs, trade, f"Stake {value} on hotkey {hot} in subnet {netuid}", head,
                   {**result, "amount": value.to_json()}, done=f"Staked {value} in subnet {netuid}")
        return
    alpha = None if all_ else alpha_amount(amount or "")
    trade = staking.prepare_unstake(coldkey, hot, netuid, alpha, tolerance, partial)
    sold = trade.plan.legs[0]
    send_trade(cs, trade, f"Unstake {sold.line().split(' →')[0]} from hotkey {hot}", head,
               {**result, "alpha": trade.plan.legs[0].to_json()["amount_in"]}, done=f"Unstaked from subnet {netuid}")


@app.command("add")
def add(amount: Amount = None, all_: All = False, hotkey_ss58: HotkeyAddress = None, netuid: Netuid = None,
        tolerance: Tolerance = None, rate_tolerance: RateTolerance = None, safe: SafeStaking = True,
        partial: Partial = False, name: WalletName = None, hotkey: Hotkey = None, wallet_path: WalletPath = None,
        network: Network = None, password_file: PasswordFile = None, password_fd: PasswordFd = None,
        json_out: Json = False, yes: Yes = False, debug: Debug = False) -> None:
    """Stake TAO from the coldkey on the wallet's hotkey (or --hotkey-ss58); on a dTAO chain it buys subnet
    --netuid's alpha, shown with its slippage before signing."""
    from taocli.commands.dtao_trades import tolerance_of

    limit = tolerance_of(tolerance, rate_tolerance, safe)
    with open_chain(name, hotkey, wallet_path, network, json_out, yes, password_file, password_fd) as cs:
        stake_change(True, amount, all_, cs, hotkey_ss58, netuid, limit, partial)


@app.command("remove")
def remove(amount: Amount = None, all_: All = False, hotkey_ss58: HotkeyAddress = None, netuid: Netuid = None,
           tolerance: Tolerance = None, rate_tolerance: RateTolerance = None, safe: SafeStaking = True,
           partial: Partial = False, name: WalletName = None, hotkey: Hotkey = None, wallet_path: WalletPath = None,
           network: Network = None, password_file: PasswordFile = None, password_fd: PasswordFd = None,
           json_out: Json = False, yes: Yes = False, debug: Debug = False) -> None:
    """Move stake from a hotkey back to the coldkey's free balance; on a dTAO chain --amount is the subnet's
    alpha, sold for TAO."""
    from taocli.commands.dtao_trades import tolerance_of

    limit = tolerance_of(tolerance, rate_tolerance, safe)
    with open_chain(name, hotkey, wallet_path, network, json_out, yes, password_file, password_fd) as cs:
        stake_change(False, amount, all_, cs, hotkey_ss58, netuid, limit, partial)


@app.command("move")
def move(amount: AlphaAmount = None, all_: AllAlpha = False, origin_netuid: OriginNetuid = None,
         destination_netuid: Annotated[int | None, typer.Option("--dest-netuid", "--destination-netuid",
                                                               show_default=False)] = None,
         origin_hotkey: HotkeyAddress = None,
         destination_hotkey: Annotated[str | None, typer.Option(
             "--dest-hotkey", "--destination-hotkey", "--dest", help="Destination hotkey [default: the origin].",
             show_default=False)] = None,
         tolerance: Tolerance = None, rate_tolerance: RateTolerance = None, safe: SafeStaking = True,
         name: WalletName = None, hotkey: Hotkey = None, wallet_path: WalletPath = None, network: Network = None,
         password_file: PasswordFile = None, password_fd: PasswordFd = None, json_out: Json = False,
         yes: Yes = False, debug: Debug = False) -> None:
    """Move alpha between subnets and/or hotkeys (dTAO chains): sold on --netuid, bought on --dest-netuid,
    both legs shown before signing."""
    from taocli.commands.dtao_trades import alpha_amount, need_netuid, send_trade, tolerance_of

    limit = tolerance_of(tolerance, rate_tolerance, safe)
    _amount(amount, all_)
    with open_chain(name, hotkey, wallet_path, network, json_out, yes, password_file, password_fd) as cs:
        if cs.client.era != "dtao":
            raise CliError("stake move needs a dTAO chain: this chain's stake is plain TAO per hotkey; use "
                           "`stake remove` then `stake add`")
        coldkey = cs.coldkey_address()
        origin = _target(cs, origin_hotkey)
        dest = origin if destination_hotkey is None else ss58_argument(destination_hotkey, "--dest-hotkey")
        source = need_netuid(origin_netuid, "stake move")
        target = source if destination_netuid is None else destination_netuid
        trade = cs.client.dtao_staking.prepare_move(
            coldkey, origin, dest, source, target, None if all_ else alpha_amount(amount or ""), limit)
        send_trade(cs, trade, f"Move stake from subnet {source} to subnet {target}",
                   [("coldkey", f"{cs.wallet_session.name} {coldkey}"), ("from", f"{origin} on subnet {source}"),
                    ("to", f"{dest} on subnet {target}")],
                   {"coldkey": coldkey, "origin_hotkey": origin, "destination_hotkey": dest,
                    "origin_netuid": source, "destination_netuid": target}, done="Stake moved")


app.command("transfer")(stake_moves.transfer)
app.command("swap")(stake_moves.swap)


@app.command("list")
def list_(name: WalletName = None, wallet_path: WalletPath = None, network: Network = None,
          json_out: Json = False, yes: Yes = False, debug: Debug = False) -> None:
    """List the coldkey's stake on every hotkey."""
    from chain.balance import Balance

    with open_chain(name, None, wallet_path, network, json_out, yes) as cs:
        coldkey = cs.coldkey_address()
        if cs.client.era == "dtao":
            dtao_stake_list(cs, coldkey)
            return
        stakes = cs.client.staking.stake_for_coldkey(coldkey)
        free = cs.client.balances.balance(coldkey)
    total = sum(s.stake for s in stakes)
    data = {"network": cs.network, "coldkey": coldkey, "free": free.to_json(),
            "stakes": [s.to_json() for s in stakes], "total_staked": Balance(total).to_json()}
    render = table(f"Stake of {coldkey} on {cs.network} (free {free}, staked {tao(total)})", ["hotkey", "stake"],
                   [[s.hotkey, tao(s.stake)] for s in stakes])
    cs.out.result(data, render)


def dtao_stake_list(cs: ChainSession, coldkey: str) -> None:
    """Stake per (hotkey, netuid) in the subnet's alpha, each valued in TAO at spot."""
    from taocli.commands import dtao_display as show

    held = cs.client.staking.holdings(coldkey)
    free = cs.client.balances.balance(coldkey)
    staked = show.units(held.staked_tao, "τ")
    cs.out.result({"network": cs.network, "coldkey": coldkey, "free": free.to_json(), **show.holdings_json(held)},
                  show.stake_rows(f"Stake of {coldkey} on {cs.network} (free {free}, staked {staked})", held))
    if show.unpriced(held) and not cs.out.json_mode:
        cs.out.note(show.UNPRICED_NOTE)
