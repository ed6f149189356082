"""What moving alpha between (coldkey, hotkey, subnet) positions gives: the legs of move/transfer/swap stake,
each era's fee rule, and the limit price of `swap_stake_limit`.

The runtime does all three calls with one routine (`transition_stake_internal`): sell the origin alpha for
TAO, then buy the destination's alpha with that TAO. The eras differ in what a leg costs:
- R218 (measured): no fee; a same-subnet move changes the shares' owner at no price (no trade).
- R233 (read from its source, e2b8367b8 move_stake.rs): BOTH legs trade even on one subnet, each paying half
  the staking fee (25_000 RAO, kept in the pool), and TAO below min stake + fee (525_000) is not re-staked:
  the chain keeps it, so taocli refuses such a move before signing.
- Swap-pallet runtimes (dtao-2025.md P2.5, source 14bc6f9f9): no fee on one subnet (a share transfer); across
  subnets the swap fee is paid on ONE leg: the sell leg, or the buy leg when the origin is root
  (`swap_fee_legs`). Their pools are quoted by the chain's SwapRuntimeApi, not here.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from chain.dtao.amm import (
    RAO_PER_TAO,
    AmountTooLow,
    InsufficientLiquidity,
    Pool,
    Quote,
    SwapRules,
    alpha_for_tao,
    tao_for_alpha,
)
from chain.dtao.trade import Leg, TradePlan
from chain.dtao.views import TAO_UNIT, decimal
from chain.errors import PreconditionFailed


@dataclass(frozen=True, slots=True)
class Side:
    """One end of a transition: the subnet, its pool and spot price (τ per α: T/A under local rules, the
    chain's `current_alpha_price` on a Swap-pallet runtime) at the quoted block, and its token symbol."""

    netuid: int
    pool: Pool
    symbol: str
    price: Fraction


def _quote(amount_in: int, fee: int, out: int, at_spot: Fraction) -> Quote:
    slip = Fraction(0) if at_spot == 0 else max(Fraction(0), 1 - Fraction(out) / at_spot)
    return Quote(amount_in, fee, out, at_spot, slip)


def leg_fee(rules: SwapRules) -> int:
    """RAO each leg of a transition pays under local rules: half the staking fee (R233), 0 (R218)."""
    return rules.stake_fee // 2


def trades_on_one_subnet(rules: SwapRules) -> bool:
    """R233 sells and re-buys even when origin and destination subnet are the same; R218 moves shares."""
    return rules.stake_fee > 0


def transition_legs(origin: Side, destination: Side, alpha: int, rules: SwapRules) -> tuple[Leg, ...]:
    """The legs the runtime executes for moving `alpha` of `origin` to `destination` (empty: a share
    transfer at no price). Refused in one line where the chain would fail or keep the TAO."""
    if origin.netuid == destination.netuid and not trades_on_one_subnet(rules):
        return ()
    fee = leg_fee(rules)
    try:
        gross = tao_for_alpha(origin.pool, alpha, rules)
        tao = max(gross - fee, 0)
        if rules.min_stake and tao < rules.min_stake + fee:
            raise AmountTooLow(f"selling {decimal(alpha)} {origin.symbol} pays {decimal(tao)} {TAO_UNIT} after "
                               f"the fee, below the {decimal(rules.min_stake + fee)} {TAO_UNIT} the chain re-stakes "
                               f"(it would keep the TAO)")
        sold = Leg(origin.netuid, False, origin.symbol, TAO_UNIT, origin.price,
                   _quote(alpha, gross - tao, tao, alpha * origin.price))
        net = max(tao - fee, 0)
        pool, price = destination.pool, destination.price
        if origin.netuid == destination.netuid:  # R233 re-buys from the pool the sale just moved (fee kept in it)
            pool = Pool(pool.tao - gross + (gross - tao), pool.alpha + alpha, pool.stable)
            price = pool.spot_price()
        bought = Leg(destination.netuid, True, TAO_UNIT, destination.symbol, price,
                     _quote(tao, tao - net, alpha_for_tao(pool, net, rules),
                            Fraction(net) / price if price else Fraction(0)))
    except (AmountTooLow, InsufficientLiquidity) as exc:
        raise PreconditionFailed(f"{exc}: move more; nothing was signed") from None
    return sold, bought


def swap_fee_legs(origin_netuid: int, destination_netuid: int) -> tuple[bool, bool]:
    """Which legs pay the swap fee on a Swap-pallet runtime (sell, buy): none on one subnet; across subnets
    only the sell leg, or only the buy leg when the origin is root (the runtime's `drop_fee_origin`). A
    stable pool's swap charges no fee whatever this says."""
    if origin_netuid == destination_netuid:
        return False, False
    return (False, True) if origin_netuid == 0 else (True, False)


def gross_for_net(net: int, fee_rate: int) -> int:
    """The smallest input x with x − floor(x·FeeRate/65535) = `net`: asking the chain's fee-charging
    `sim_swap` for x quotes what a fee-free swap of `net` gives (the leg a transition does not charge).
    x − fee(x) grows by 0 or 1 per unit of x (FeeRate < 65535), so every `net` is reached."""
    if not 0 <= fee_rate < 65_535:
        raise ValueError(f"FeeRate {fee_rate} is not a fraction of 65535")
    x = net + net * fee_rate // (65_535 - fee_rate)
    while x - x * fee_rate // 65_535 < net:
        x += 1
    while x > 0 and (x - 1) - (x - 1) * fee_rate // 65_535 >= net:
        x -= 1
    return x


def ratio_limit(origin_price: Fraction, destination_price: Fraction, tolerance: Fraction) -> int:
    """`swap_stake_limit`'s limit_price: the lowest origin/destination price ratio accepted, ·1e9, floored.

    Selling origin alpha lowers its price and buying raises the destination's, so the ratio only falls as the
    swap executes; the runtime stops (or refuses) where it would fall below this."""
    if destination_price == 0:
        raise PreconditionFailed("the destination subnet's price is zero: no swap limit can be set")
    return max((origin_price / destination_price * (1 - tolerance) * RAO_PER_TAO).__floor__(), 0)


def share_plan(side: Side, alpha: int, tolerance: Fraction | None) -> TradePlan:
    """A transition within one subnet that moves shares at no price: one leg, nothing to slip."""
    return TradePlan((Leg(side.netuid, True, side.symbol, side.symbol, side.price,
                          Quote(alpha, 0, alpha, Fraction(alpha), Fraction(0))),), tolerance)
