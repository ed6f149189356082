"""`stake add/remove/move` on a dTAO chain: show what the trade gives (alpha for TAO at the block's price, the
slippage, the fee) before signing, then what the chain says it did. Display and argument parsing only: the
quote, the tolerance check and the call come from the staking room (`prepare_stake` / `prepare_unstake` /
`prepare_move`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from taocli.commands.chainctx import ChainSession, parse_amount
from taocli.errors import UsageProblem

if TYPE_CHECKING:  # pragma: no cover - `fractions` imports `decimal`: only a dTAO trade pays for it
    from fractions import Fraction

    from chain.rooms.dtao_writes import PreparedTrade

Netuid = Annotated[int | None, typer.Option("--netuid", help="Subnet of the stake (dTAO chains).",
                                            show_default=False)]
OriginNetuid = Annotated[int | None, typer.Option("--netuid", "--origin-netuid", help="Subnet the stake leaves.",
                                                  show_default=False)]
Tolerance = Annotated[str | None, typer.Option(
    "--tolerance", help="Refuse before signing when the price impact exceeds this percentage [default 0.5; "
    "btcli 9 defaults to 5]; where the chain has limit-price calls it also enforces it.", show_default=False)]
RateTolerance = Annotated[str | None, typer.Option(
    "--rate-tolerance", help="btcli's form of --tolerance, as a fraction (0.005 = 0.5 %).", show_default=False)]
Partial = Annotated[bool, typer.Option(
    "--partial", "--allow-partial", help="With a limit-price call: let the chain fill only the part that stays "
    "within the tolerance instead of refusing the whole trade.")]
SafeStaking = Annotated[bool, typer.Option(
    "--safe-staking/--no-safe-staking", "--safe/--unsafe", help="Check the price impact against the tolerance.")]


def tolerance_of(percent: str | None, fraction: str | None, safe: bool) -> Fraction | None:
    """The user's tolerance as a fraction; None when they turned the check off."""
    from fractions import Fraction

    from chain.dtao.trade import DEFAULT_TOLERANCE

    if percent is not None and fraction is not None:
        raise UsageProblem("give --tolerance PCT or --rate-tolerance FRACTION, not both")
    if not safe:
        return None
    text, scale, flag = (percent, 100, "--tolerance") if percent is not None else (fraction, 1, "--rate-tolerance")
    if text is None:
        return DEFAULT_TOLERANCE
    try:
        value = Fraction(text.strip().rstrip("%")) / scale
    except (ValueError, ZeroDivisionError):
        raise UsageProblem(f"{flag}: {text!r} is not a number") from None
    if value < 0 or value >= 1:
        raise UsageProblem(f"{flag}: {text} is out of range (0 ≤ tolerance < 100 %)")
    return value


def need_netuid(netuid: int | None, command: str) -> int:
    if netuid is None:
        raise UsageProblem(f"stake on this chain is per subnet: give --netuid N (`taocli {command} --netuid 1 ...`)")
    return netuid


def alpha_amount(text: str) -> int:
    """An alpha amount with up to 9 decimals, in its smallest unit."""
    return parse_amount(text).rao


def send_trade(cs: ChainSession, trade: PreparedTrade, title: str, lines: list[tuple[str, str]],
               result: dict[str, Any], done: str) -> None:
    """The plan's legs, slippage and tolerance shown before signing; afterwards the chain's own figures."""
    from chain.dtao.trade import percent
    from chain.dtao.views import decimal
    from chain.rooms.dtao_writes import traded

    plan = trade.plan
    shown = [*lines, *((f"leg {i + 1}" if len(plan.legs) > 1 else "trade", leg.line())
                       for i, leg in enumerate(plan.legs)),
             ("slippage", percent(plan.slippage)),
             ("tolerance", "off (--no-safe-staking)" if plan.tolerance is None else percent(plan.tolerance))]
    if plan.limit is not None:
        shown.append(("limit price", f"{plan.limit} RAO per whole α (enforced by the chain)"))
        shown.append(("partial fill", "allowed up to the limit (--partial)" if plan.partial else "no"))
    def outcome(receipt: Any) -> dict[str, Any]:
        legs = traded(receipt)
        last = legs[-1] if legs else None
        got = None if last is None else (last["alpha"] if last["added"] else last["tao"])
        unit = plan.legs[-1].unit_out
        return {"received": "—" if got is None else f"{decimal(got)} {unit} (the chain's figure)", "traded": legs}

    cs.send(trade.prepared, title, shown, cs.unlock_coldkey, {**result, "preview": plan.to_json()}, done=done,
            after=outcome)
