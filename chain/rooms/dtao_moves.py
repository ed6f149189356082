"""`transfer_stake` and `swap_stake` on a dTAO runtime: alpha to another coldkey, or to another subnet on the
same hotkey, each priced before signing by the legs the runtime executes (`chain.dtao.transition`).

Why a module of its own: both are the runtime's `transition_stake_internal` with different ends, and both exist
only where the metadata declares them (spec 218 has `move_stake` alone). Where a call is absent the refusal is
one line naming what this chain does have.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from chain.dtao.trade import TradePlan, checked
from chain.dtao.transition import Side, ratio_limit, share_plan, transition_legs
from chain.errors import PreconditionFailed, RuntimeMismatch
from chain.rooms.dtao_writes import MODULE
from chain.storage import u16_key

if TYPE_CHECKING:
    from chain.dtao.amm import SwapRules
    from chain.dtao.connect import DtaoContext

INSTEAD = {
    "transfer_stake": "unstake with `taocli stake remove`, send the TAO with `taocli transfer`, and the receiver "
                      "stakes it with `taocli stake add`",
    "swap_stake": "`taocli stake move --netuid A --dest-netuid B` moves it between subnets on the same hotkey",
}


def absent(ctx: DtaoContext, call: str) -> RuntimeMismatch:
    """One line: the call this chain lacks and the commands that do the same here."""
    return RuntimeMismatch(f"this chain has no {call} (spec {ctx.decoder.spec_version}): {INSTEAD[call]}; "
                           f"nothing was signed")


@dataclass(frozen=True)
class Composed:
    """The call a transition sends (name and arguments as the runtime declares them) and what it gives."""

    call: str
    args: dict[str, Any]
    plan: TradePlan


def compose_transfer(ctx: DtaoContext, rules: SwapRules, origin: Side, destination: Side, destination_coldkey: str,
                     hotkey: str, alpha: int, tolerance: Fraction | None) -> Composed:
    """transfer_stake(destination_coldkey, hotkey, origin_netuid, destination_netuid, alpha_amount): the runtime
    has no limit form, so the tolerance is checked here on the quoted legs."""
    if "transfer_stake" not in ctx.features.stake_moves:
        raise absent(ctx, "transfer_stake")
    legs = transition_legs(origin, destination, alpha, rules)
    plan = checked(legs, tolerance, False) if legs else share_plan(origin, alpha, tolerance)
    return Composed("transfer_stake", {"destination_coldkey": destination_coldkey, "hotkey": hotkey,
                                       "origin_netuid": origin.netuid, "destination_netuid": destination.netuid,
                                       "alpha_amount": alpha}, plan)


def compose_swap(ctx: DtaoContext, rules: SwapRules, origin: Side, destination: Side, hotkey: str, alpha: int,
                 tolerance: Fraction | None) -> Composed:
    """swap_stake(hotkey, origin_netuid, destination_netuid, alpha_amount), or swap_stake_limit with
    limit_price = origin/destination price ratio·(1 − tolerance)·1e9 where declared and the check is on."""
    if "swap_stake" not in ctx.features.stake_moves:
        raise absent(ctx, "swap_stake")
    if origin.netuid == destination.netuid:
        raise PreconditionFailed("a swap needs two different subnets (--netuid and --dest-netuid are the same)")
    legs = transition_legs(origin, destination, alpha, rules)
    plan = checked(legs, tolerance, False)
    args: dict[str, Any] = {"hotkey": hotkey, "origin_netuid": origin.netuid,
                            "destination_netuid": destination.netuid, "alpha_amount": alpha}
    if tolerance is not None and "swap_stake_limit" in ctx.features.limit_price_calls:
        limit = ratio_limit(origin.pool.spot_price(), destination.pool.spot_price(), tolerance)
        return Composed("swap_stake_limit", {**args, "limit_price": limit, "allow_partial": False},
                        TradePlan(plan.legs, tolerance, limit))
    return Composed("swap_stake", args, plan)


def transfers_allowed(ctx: DtaoContext, netuids: tuple[int, ...], at: str) -> None:
    """TransferToggle (where declared) must be on for both subnets, or the runtime fails TransferDisallowed."""
    if ctx.shape.item(MODULE, "TransferToggle") is None:
        return
    for netuid in dict.fromkeys(netuids):
        if not ctx.read(MODULE, "TransferToggle", u16_key(netuid), at=at):
            raise PreconditionFailed(f"subnet {netuid} does not allow stake transfers (its owner turned "
                                     f"TransferToggle off); nothing was signed")
