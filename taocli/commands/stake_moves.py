"""`taocli stake transfer | swap` (dTAO chains that declare transfer_stake / swap_stake): alpha to another
coldkey, or to another subnet on the same hotkey, with both legs shown before signing. Argument parsing and
display only; the checks, the quote and the call are the staking room's (`prepare_transfer` / `prepare_swap`)."""

from __future__ import annotations

from typing import Annotated

import typer

from taocli.commands.chainctx import ChainSession, open_chain, ss58_argument
from taocli.commands.dtao_trades import OriginNetuid, Partial, RateTolerance, SafeStaking, Tolerance
from taocli.errors import CliError, UsageProblem
from taocli.options import Debug, Hotkey, Json, Network, PasswordFd, PasswordFile, WalletName, WalletPath, Yes

Amount = Annotated[str | None, typer.Option("--amount", "-a", help="Alpha of the origin subnet, e.g. 2.5.",
                                            show_default=False)]
All = Annotated[bool, typer.Option("--all", "--stake-all", "--swap-all", help="All the alpha held there.")]
DestNetuid = Annotated[int | None, typer.Option("--dest-netuid", "--destination-netuid", "-d",
                                                help="Destination subnet [default: the origin].", show_default=False)]
HotkeyAddress = Annotated[str | None, typer.Option(
    "--hotkey-ss58", "--hotkey-address", help="The hotkey the stake is on [default: the wallet's hotkey].",
    show_default=False)]


def _needs_dtao(cs: ChainSession, command: str, instead: str) -> None:
    if cs.client.era != "dtao":
        raise CliError(f"`taocli stake {command}` needs a dTAO chain: this chain's stake is plain TAO per hotkey; "
                       f"{instead}")


def _alpha(amount: str | None, all_: bool) -> int | None:
    from taocli.commands.dtao_trades import alpha_amount

    if (amount is None) == (not all_):
        raise UsageProblem("give either --amount ALPHA or --all")
    return None if all_ else alpha_amount(amount or "")


def destination_coldkey(cs: ChainSession, text: str) -> str:
    """An SS58 address as given, or the coldkey of the wallet of that name (btcli's `--dest` takes either)."""
    from wallet.ss58 import is_valid_ss58

    if is_valid_ss58(text.strip()):
        return text.strip()
    from wallet.wallet import Wallet

    try:
        wallet = Wallet(text, path=str(cs.wallet_session.path))
    except ValueError:
        raise UsageProblem(f"--dest {text!r} is neither an SS58 address nor a wallet name") from None
    if not wallet.coldkeypub_file.exists:
        raise UsageProblem(f"--dest {text!r} is not an SS58 address and no wallet of that name has a public "
                           f"coldkey under {cs.wallet_session.path} (see `taocli wallet list`)")
    return wallet.coldkeypub.ss58_address


def transfer(dest: Annotated[str, typer.Option("--dest-coldkey", "--dest", "--dest-ss58",
                                               help="The receiving coldkey: an SS58 address or a wallet name.")],
             amount: Amount = None, all_: All = False, origin_netuid: OriginNetuid = None,
             destination_netuid: DestNetuid = None, hotkey_ss58: HotkeyAddress = None,
             tolerance: Tolerance = None, rate_tolerance: RateTolerance = None, safe: SafeStaking = True,
             name: WalletName = None, hotkey: Hotkey = None, wallet_path: WalletPath = None, network: Network = None,
             password_file: PasswordFile = None, password_fd: PasswordFd = None, json_out: Json = False,
             yes: Yes = False, debug: Debug = False) -> None:
    """Give stake to another coldkey (same hotkey), on the same subnet or, sold and re-bought, on
    --dest-netuid; both legs shown before signing (dTAO chains with transfer_stake)."""
    from taocli.commands.dtao_trades import need_netuid, send_trade, tolerance_of

    limit = tolerance_of(tolerance, rate_tolerance, safe)
    alpha = _alpha(amount, all_)
    with open_chain(name, hotkey, wallet_path, network, json_out, yes, password_file, password_fd) as cs:
        _needs_dtao(cs, "transfer", "use `taocli stake remove`, `taocli transfer` and the receiver's `stake add`")
        receiver = destination_coldkey(cs, dest)
        coldkey = cs.coldkey_address()
        hot = ss58_argument(hotkey_ss58, "--hotkey-ss58") if hotkey_ss58 else cs.hotkey_address()
        source = need_netuid(origin_netuid, "stake transfer")
        target = source if destination_netuid is None else destination_netuid
        trade = cs.client.dtao_staking.prepare_transfer(coldkey, receiver, hot, source, target, alpha, limit)
        send_trade(cs, trade, f"Transfer stake on hotkey {hot} to coldkey {receiver}",
                   [("from", f"{cs.wallet_session.name} {coldkey} on subnet {source}"),
                    ("to", f"coldkey {receiver} on subnet {target}"), ("hotkey", hot)],
                   {"coldkey": coldkey, "destination_coldkey": receiver, "hotkey": hot, "origin_netuid": source,
                    "destination_netuid": target, "call": trade.prepared.describe()}, done="Stake transferred")


def swap(amount: Amount = None, all_: All = False, origin_netuid: OriginNetuid = None,
         destination_netuid: Annotated[int | None, typer.Option(
             "--dest-netuid", "--destination-netuid", "-d", help="The subnet to swap to.", show_default=False)] = None,
         hotkey_ss58: HotkeyAddress = None, tolerance: Tolerance = None, rate_tolerance: RateTolerance = None,
         safe: SafeStaking = True, partial: Partial = False, name: WalletName = None, hotkey: Hotkey = None,
         wallet_path: WalletPath = None,
         network: Network = None, password_file: PasswordFile = None, password_fd: PasswordFd = None,
         json_out: Json = False, yes: Yes = False, debug: Debug = False) -> None:
    """Swap stake from --netuid to --dest-netuid on the same hotkey, both legs shown before signing; with
    safe staking the chain enforces the price ratio (swap_stake_limit) where it declares it."""
    from taocli.commands.dtao_trades import need_netuid, send_trade, tolerance_of

    limit = tolerance_of(tolerance, rate_tolerance, safe)
    alpha = _alpha(amount, all_)
    if destination_netuid is None:
        raise UsageProblem("give --dest-netuid N: the subnet to swap the stake to")
    with open_chain(name, hotkey, wallet_path, network, json_out, yes, password_file, password_fd) as cs:
        _needs_dtao(cs, "swap", "stake lives on one network only")
        coldkey = cs.coldkey_address()
        hot = ss58_argument(hotkey_ss58, "--hotkey-ss58") if hotkey_ss58 else cs.hotkey_address()
        source = need_netuid(origin_netuid, "stake swap")
        trade = cs.client.dtao_staking.prepare_swap(coldkey, hot, source, destination_netuid, alpha, limit, partial)
        send_trade(cs, trade, f"Swap stake on hotkey {hot} from subnet {source} to subnet {destination_netuid}",
                   [("coldkey", f"{cs.wallet_session.name} {coldkey}"), ("hotkey", hot)],
                   {"coldkey": coldkey, "hotkey": hot, "origin_netuid": source,
                    "destination_netuid": destination_netuid, "call": trade.prepared.describe()},
                   done="Stake swapped")
