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

from chain.dtao.amm import Quote
from chain.dtao.trade import Leg, TradePlan, checked, sim_leg
from chain.dtao.transition import Side, gross_for_net, ratio_limit, share_plan, swap_fee_legs, transition_legs
from chain.dtao.views import TAO_UNIT, decimal
from chain.errors import PreconditionFailed, RuntimeMismatch
from chain.rooms.dtao_writes import MODULE, pool_of, quote_leg, spot_price, trade_call
from chain.storage import u16_key

if TYPE_CHECKING:
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


def side(ctx: DtaoContext, netuid: int, symbol: str, at: str) -> Side:
    """Subnet `netuid` as one end of a transition: its pool and the spot price the runtime trades at."""
    pool = pool_of(ctx, netuid, at)
    price = spot_price(ctx, pool, netuid, at)
    if price is None:
        raise PreconditionFailed(f"the chain gives no price for subnet {netuid}; nothing was signed")
    return Side(netuid, pool, symbol, price)


def transition_plan(ctx: DtaoContext, origin: Side, destination: Side, alpha: int, at: str,
                    tolerance: Fraction | None, check: bool = True) -> TradePlan:
    """The legs move/transfer/swap execute, each quoted through the one quoting entry point of the dTAO
    writes, and the tolerance checked on them (`check` False: the chain enforces a limit instead).

    Local rules (R218/R233) give the exact legs of the era (`transition_legs`). On a Swap-pallet runtime the
    chain charges the swap fee on one leg only (`swap_fee_legs`): the paying leg is the chain's `sim_swap_*`
    as it is, the other its sim of the gross that leaves the same net (`fee_free_buy`). One subnet moves shares
    there at no price."""
    if ctx.rules is not None:
        legs = transition_legs(origin, destination, alpha, ctx.rules)
    elif origin.netuid == destination.netuid:
        legs = ()
    else:
        sold = quote_leg(ctx, origin.pool, origin.netuid, alpha, False, origin.symbol, at)
        tao = sold.quote.amount_out
        minimum = ctx.min_stake()
        if minimum is not None and tao < minimum:  # §P2.5: AmountTooLow, or TAO the chain would not re-stake
            raise PreconditionFailed(f"selling {decimal(alpha)} {origin.symbol} pays {decimal(tao)} {TAO_UNIT}, below "
                                     f"this chain's minimum stake of {decimal(minimum)} {TAO_UNIT} (AmountTooLow): "
                                     f"move more; nothing was signed")
        charged = swap_fee_legs(origin.netuid, destination.netuid)[1]
        bought = None if charged or destination.pool.stable else fee_free_buy(ctx, destination, tao, at)
        legs = (sold, bought or quote_leg(ctx, destination.pool, destination.netuid, tao, True, destination.symbol,
                                          at))
    if not legs:
        return share_plan(origin, alpha, tolerance)
    return checked(legs, tolerance, False) if check else TradePlan(legs, tolerance)


def fee_free_buy(ctx: DtaoContext, destination: Side, tao: int, at: str) -> Leg | None:
    """The buy leg of a cross-subnet transition where the chain charges no swap fee (the sale paid it): the
    chain's sim_swap of the gross amount whose fee leaves exactly `tao` to swap (`gross_for_net`, by the
    subnet's Swap.FeeRate). None (quote with the fee, showing less than the chain gives) where the runtime
    declares no FeeRate, or where the chain's fee differs from FeeRate's formula: never a guessed number."""
    if ctx.shape.item("Swap", "FeeRate") is None:
        return None
    rate = int(ctx.read("Swap", "FeeRate", u16_key(destination.netuid), at=at))
    gross = gross_for_net(tao, rate)
    sim = sim_leg(destination.netuid, gross, True, destination.price,
                  ctx.sim_swap(destination.netuid, gross, True, at), destination.symbol)
    if sim.quote.fee != gross - tao:
        return None
    out = sim.quote.amount_out
    at_spot = Fraction(tao) / destination.price if destination.price else Fraction(0)
    slippage = Fraction(0) if at_spot == 0 else max(Fraction(0), 1 - Fraction(out) / at_spot)
    return Leg(destination.netuid, True, TAO_UNIT, destination.symbol, destination.price,
               Quote(tao, 0, out, at_spot, slippage))


def compose_transfer(ctx: DtaoContext, plan: TradePlan, origin: Side, destination: Side, destination_coldkey: str,
                     hotkey: str, alpha: int) -> Composed:
    """transfer_stake(destination_coldkey, hotkey, origin_netuid, destination_netuid, alpha_amount): the runtime
    has no limit form, so the plan's tolerance was checked on the quoted legs."""
    if "transfer_stake" not in ctx.features.stake_moves:
        raise absent(ctx, "transfer_stake")
    return Composed("transfer_stake", {"destination_coldkey": destination_coldkey, "hotkey": hotkey,
                                       "origin_netuid": origin.netuid, "destination_netuid": destination.netuid,
                                       "alpha_amount": alpha}, plan)


def compose_swap(ctx: DtaoContext, plan: TradePlan, origin: Side, destination: Side, hotkey: str, alpha: int,
                 partial: bool = False) -> Composed:
    """swap_stake(hotkey, origin_netuid, destination_netuid, alpha_amount), or, where declared and the check
    is on, swap_stake_limit(..., limit_price, allow_partial) with limit_price = the origin/destination price
    ratio·(1 − tolerance)·1e9: the chain stops where the ratio, which only falls as the swap executes, would
    pass it. Arguments in the declared order (`trade_call`)."""
    if "swap_stake" not in ctx.features.stake_moves:
        raise absent(ctx, "swap_stake")
    if origin.netuid == destination.netuid:
        raise PreconditionFailed("a swap needs two different subnets (--netuid and --dest-netuid are the same)")
    args: dict[str, Any] = {"hotkey": hotkey, "origin_netuid": origin.netuid,
                            "destination_netuid": destination.netuid, "alpha_amount": alpha}
    if plan.tolerance is not None and "swap_stake_limit" in ctx.features.limit_price_calls:
        limit = ratio_limit(origin.price, destination.price, plan.tolerance)
        plan = TradePlan(plan.legs, plan.tolerance, limit, partial)
    elif partial:
        raise PreconditionFailed("--partial needs a limit: this chain has no swap_stake_limit, or safe staking "
                                 "is off; nothing was signed")
    call, sent = trade_call(ctx, "swap_stake", "swap_stake_limit", args, plan, "stake swap")
    return Composed(call, sent, plan)


def transfers_allowed(ctx: DtaoContext, netuids: tuple[int, ...], at: str) -> None:
    """TransferToggle (where declared) must be on for both subnets, or the runtime fails TransferDisallowed."""
    if ctx.shape.item(MODULE, "TransferToggle") is None:
        return
    for netuid in dict.fromkeys(netuids):
        if not ctx.read(MODULE, "TransferToggle", u16_key(netuid), at=at):
            raise PreconditionFailed(f"subnet {netuid} does not allow stake transfers (its owner turned "
                                     f"TransferToggle off); nothing was signed")
