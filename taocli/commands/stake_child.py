"""`taocli stake child set | get | take` (dTAO chains with childkeys): the wallet hotkey lends its stake weight on a
subnet to child hotkeys. Argument parsing and display only; the checks and the call are the staking room's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from taocli.aliases import AliasGroup
from taocli.commands.chainctx import ChainSession, open_chain, ss58_argument, table
from taocli.errors import CliError, UsageProblem
from taocli.options import Debug, Hotkey, Json, Network, PasswordFd, PasswordFile, WalletName, WalletPath, Yes

if TYPE_CHECKING:  # pragma: no cover
    from chain.rooms.dtao_children import ChildkeyTake

app = typer.Typer(help="Childkeys: lend a hotkey's stake weight on a subnet to child hotkeys (dTAO chains).",
                  cls=AliasGroup, no_args_is_help=True, rich_markup_mode=None)

Netuid = Annotated[int, typer.Option("--netuid", help="The subnet.")]
Children = Annotated[list[str], typer.Option("--children", "-c", help="A child hotkey's SS58 address (repeat).")]
Proportions = Annotated[list[str], typer.Option("--proportions", "--prop", help="Each child's share, 0..1 (repeat, "
                                                                               "in the order of --children).")]
HotkeyAddress = Annotated[str | None, typer.Option("--hotkey-ss58", help="The parent hotkey [default: the "
                                                                        "wallet's].", show_default=False)]


def _dtao(cs: ChainSession) -> None:
    if cs.client.era != "dtao":
        raise CliError("childkeys need a dTAO chain; this chain has none")


@app.command("set")
def set_(netuid: Netuid, children: Children, proportions: Proportions, name: WalletName = None,
         hotkey: Hotkey = None, wallet_path: WalletPath = None, network: Network = None,
         password_file: PasswordFile = None, password_fd: PasswordFd = None, json_out: Json = False,
         yes: Yes = False, debug: Debug = False) -> None:
    """Set the wallet hotkey's children on a subnet (replaces the current ones)."""
    from fractions import Fraction

    if len(children) != len(proportions):
        raise UsageProblem("give one --proportions per --children, in the same order")
    try:
        shares = [Fraction(p) for p in proportions]
    except (ValueError, ZeroDivisionError):
        raise UsageProblem(f"--proportions: {' '.join(proportions)!r} are not numbers") from None
    named = [(ss58_argument(c, "--children"), p) for c, p in zip(children, shares, strict=True)]
    with open_chain(name, hotkey, wallet_path, network, json_out, yes, password_file, password_fd) as cs:
        _dtao(cs)
        coldkey = cs.coldkey_address()
        parent = cs.hotkey_address()
        prepared = cs.client.staking.prepare_set_children(coldkey, parent, netuid, named)  # type: ignore[attr-defined]
        cs.send(prepared, f"Set the children of hotkey {parent} on subnet {netuid}",
                [("coldkey (owner)", coldkey), ("parent", parent),
                 *((f"child {i + 1}", f"{c} {float(p * 100):.2f} %") for i, (c, p) in enumerate(named))],
                cs.unlock_coldkey, {"coldkey": coldkey, "hotkey": parent, "netuid": netuid,
                                    "children": [{"hotkey": c, "proportion": f"{p.numerator}/{p.denominator}"}
                                                 for c, p in named]}, done="Children set")


@app.command("get")
def get(netuid: Netuid, hotkey_ss58: HotkeyAddress = None, name: WalletName = None, hotkey: Hotkey = None,
        wallet_path: WalletPath = None, network: Network = None, json_out: Json = False, yes: Yes = False,
        debug: Debug = False) -> None:
    """Show a hotkey's children on a subnet with their proportions."""
    with open_chain(name, hotkey, wallet_path, network, json_out, yes) as cs:
        _dtao(cs)
        parent = ss58_argument(hotkey_ss58, "--hotkey-ss58") if hotkey_ss58 else cs.hotkey_address()
        found = cs.client.staking.children(parent, netuid)  # type: ignore[attr-defined]
    cs.out.result({"network": cs.network, "hotkey": parent, "netuid": netuid,
                   "children": [{"hotkey": c, "proportion": f"{p.numerator}/{p.denominator}"} for p, c in found]},
                  table(f"Children of {parent} on subnet {netuid}", ["child", "proportion"],
                        [[c, f"{float(p * 100):.4f} %"] for p, c in found]))


@app.command("take")
def take(netuid: Netuid, take_percent: Annotated[str | None, typer.Option(
             "--take", "-t", help="Set the take to this percentage (e.g. 9); without it, show the current take.",
             show_default=False)] = None,
         hotkey_ss58: HotkeyAddress = None, name: WalletName = None, hotkey: Hotkey = None,
         wallet_path: WalletPath = None, network: Network = None, password_file: PasswordFile = None,
         password_fd: PasswordFd = None, json_out: Json = False, yes: Yes = False, debug: Debug = False) -> None:
    """Show a hotkey's childkey take on a subnet, or set it with --take PCT (signed by the coldkey that owns
    the hotkey; bounds and rate limit checked before signing)."""
    from taocli.commands.chainctx import take_u16

    value = None if take_percent is None else take_u16(take_percent)
    with open_chain(name, hotkey, wallet_path, network, json_out, yes, password_file, password_fd) as cs:
        _dtao(cs)
        hot = ss58_argument(hotkey_ss58, "--hotkey-ss58") if hotkey_ss58 else cs.hotkey_address()
        now = cs.client.dtao_staking.childkey_take(hot, netuid)
        shown = _take_json(now)
        if value is None:
            cs.out.result({"network": cs.network, **shown},
                          table(f"Childkey take of {hot} on subnet {netuid}", ["take", "bounds", "rate limit"],
                                [[_pct(now.take) + ("" if now.stored else " (unset: the chain's default)"),
                                  f"{_pct(now.low.value)} .. {_pct(now.high.value)}",
                                  "—" if now.rate_limit is None else f"{now.rate_limit.value} blocks"]]))
            return
        coldkey = cs.coldkey_address()
        prepared = cs.client.dtao_staking.prepare_set_childkey_take(coldkey, hot, netuid, value)
        cs.send(prepared, f"Set the childkey take of hotkey {hot} on subnet {netuid} to {_pct(value)}",
                [("coldkey (owner)", coldkey), ("hotkey", hot), ("take now", _pct(now.take)),
                 ("new take", _pct(value)), ("bounds", f"{now.low.value}..{now.high.value} of 65535")],
                cs.unlock_coldkey, {**shown, "take_before": now.take, "take": value, "coldkey": coldkey},
                done="Childkey take set")


def _pct(take: int) -> str:
    return f"{take}/65535 ({take / 65535:.2%})"


def _take_json(now: ChildkeyTake) -> dict[str, object]:
    return {"hotkey": now.hotkey, "netuid": now.netuid, "take": now.take, "stored": now.stored,
            "bounds": {"min": now.low.value, "min_from": now.low.source, "max": now.high.value,
                       "max_from": now.high.source},
            "rate_limit": None if now.rate_limit is None else {"blocks": now.rate_limit.value,
                                                                "from": now.rate_limit.source},
            "last_change_block": now.last_block}
