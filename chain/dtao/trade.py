"""What a dTAO trade gives the user, shown before signing, and the tolerance check that refuses it.

A stake add sells TAO to a subnet's pool for its alpha; a remove sells alpha back for TAO; a move is both
legs in turn (R218 §11.7: the TAO out of the first leg is what the second leg buys with). Each leg is quoted
by `chain.dtao.amm` from the reserves of one block, so the preview is the runtime's own arithmetic; only a
trade landing in the same block before ours can change the outcome, and the tolerance bounds that. On a runtime
with a SwapRuntimeApi (spec 302+) the leg is the chain's own `sim_swap_*` reply instead (`sim_leg`).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from chain.dtao.amm import Pool, Quote, SwapRules, limit_price, stake_quote, unstake_quote
from chain.dtao.structs import SimSwap
from chain.dtao.views import TAO_UNIT, amount_json, decimal, price_json
from chain.errors import PreconditionFailed

DEFAULT_TOLERANCE = Fraction(5, 1000)  # 0.5 %: stricter than btcli 9.23's 5 % (§P2.5), on purpose


class SlippageRefused(PreconditionFailed):
    """The quoted price impact is past the user's tolerance: refused before anything is signed."""


class QuoteFailed(PreconditionFailed):
    """The chain's simulation of the trade failed (all zeros, §P2.4): nothing to show, nothing signed."""


@dataclass(frozen=True, slots=True)
class Leg:
    """One swap through one subnet's pool: what goes in, the fee, what comes out, at which spot price."""

    netuid: int
    buying: bool  # True: TAO in, alpha out
    unit_in: str
    unit_out: str
    price: Fraction  # τ per α at the block quoted
    quote: Quote
    fee_unit: str = TAO_UNIT  # the chain's sim_swap charges a sale's fee in alpha (§P2.5)

    def to_json(self) -> dict[str, Any]:
        q = self.quote
        return {"netuid": self.netuid, "side": "buy" if self.buying else "sell",
                "amount_in": amount_json(q.amount_in, self.unit_in), "fee": amount_json(q.fee, self.fee_unit),
                "amount_out": amount_json(q.amount_out, self.unit_out),
                "at_spot": amount_json(q.at_spot.__floor__(), self.unit_out), "price": price_json(self.price),
                "slippage": fraction_json(q.slippage)}

    def line(self) -> str:
        q = self.quote
        return (f"{decimal(q.amount_in)} {self.unit_in} → {decimal(q.amount_out)} {self.unit_out} on subnet "
                f"{self.netuid} (at spot {decimal(q.at_spot.__floor__())}, slippage {percent(q.slippage)}, "
                f"fee {decimal(q.fee)} {self.fee_unit})")


@dataclass(frozen=True, slots=True)
class TradePlan:
    """The legs of one trade, the tolerance it was checked against and, where the runtime has limit-price
    calls, the limit sent with it (RAO per whole alpha)."""

    legs: tuple[Leg, ...]
    tolerance: Fraction | None  # None: the user turned the check off (--no-safe-staking)
    limit: int | None = None
    partial: bool = False  # with a limit: the chain may fill only up to the limit price (--partial)

    @property
    def slippage(self) -> Fraction:
        """The whole trade's price impact: 1 − Π(1 − leg slippage)."""
        kept = Fraction(1)
        for leg in self.legs:
            kept *= 1 - leg.quote.slippage
        return 1 - kept

    @property
    def amount_out(self) -> int:
        return self.legs[-1].quote.amount_out

    def to_json(self) -> dict[str, Any]:
        return {"legs": [leg.to_json() for leg in self.legs], "slippage": fraction_json(self.slippage),
                "tolerance": None if self.tolerance is None else fraction_json(self.tolerance),
                "limit_price": self.limit, "allow_partial": self.partial,
                "amount_out": amount_json(self.amount_out, self.legs[-1].unit_out)}


def fraction_json(value: Fraction) -> dict[str, Any]:
    return {"exact": f"{value.numerator}/{value.denominator}", "percent": percent(value)}


def percent(value: Fraction) -> str:
    return f"{float(value * 100):.4f} %"


def buy_leg(pool: Pool, netuid: int, tao: int, rules: SwapRules, symbol: str) -> Leg:
    return Leg(netuid, True, TAO_UNIT, symbol, pool.spot_price(), stake_quote(pool, tao, rules))


def sell_leg(pool: Pool, netuid: int, alpha: int, rules: SwapRules, symbol: str) -> Leg:
    return Leg(netuid, False, symbol, TAO_UNIT, pool.spot_price(), unstake_quote(pool, alpha, rules))


def sim_leg(netuid: int, amount: int, buying: bool, price: Fraction, sim: SimSwap, symbol: str) -> Leg:
    """A leg from the chain's own quote (`sim_swap_tao_for_alpha` when buying, `sim_swap_alpha_for_tao`
    when selling), at the spot `price` the chain reported in the same block.

    The reply's figures are used as they are: the amount out, the fee (TAO when buying; alpha when selling,
    §P2.5) and the slippage against spot, which the chain measures from the amount before its fee (so it
    includes the fee: stricter than the price impact alone). A reply without slippage fields (the 4-field
    SimSwapResult of spec 302–3xx) gets it from `price` and the net amount instead. All zeros means the
    simulation failed: one line, never a zero-cost trade."""
    unit_in, unit_out = (TAO_UNIT, symbol) if buying else (symbol, TAO_UNIT)
    if sim.failed:
        side = "sim_swap_tao_for_alpha" if buying else "sim_swap_alpha_for_tao"
        raise QuoteFailed(f"the chain could not simulate this trade: {decimal(amount)} {unit_in} into subnet "
                          f"{netuid}'s pool ({side} answered all zeros: the pool cannot take it now, e.g. too "
                          f"little liquidity or trading not started); nothing was signed")
    if buying:
        fee, out, slip, net_at_spot = sim.tao_fee, sim.alpha_amount, sim.alpha_slippage, (
            Fraction(sim.tao_amount) / price if price else Fraction(0))
    else:
        fee, out, slip = sim.alpha_fee, sim.tao_amount, sim.tao_slippage
        net_at_spot = Fraction(sim.alpha_amount) * price
    at_spot = net_at_spot if slip is None else Fraction(out + slip)
    slippage = Fraction(0) if at_spot == 0 else max(Fraction(0), 1 - Fraction(out) / at_spot)
    return Leg(netuid, buying, unit_in, unit_out, price, Quote(amount, fee, out, at_spot, slippage),
               TAO_UNIT if buying else symbol)


def checked(legs: tuple[Leg, ...], tolerance: Fraction | None, with_limit: bool, partial: bool = False) -> TradePlan:
    """The plan, or `SlippageRefused` in one line when its price impact is past `tolerance`. With
    `with_limit` (a single-leg trade on a runtime that declares the limit call) the chain enforces the same
    bound: limit_price = spot·(1 ± tolerance); with `partial` too, the user accepts a partial fill up to that
    price, so the client-side refusal gives way to the chain's."""
    if tolerance is not None and tolerance < 0:
        raise PreconditionFailed("the tolerance must be zero or more")
    plan = TradePlan(legs, tolerance)
    limited = with_limit and tolerance is not None and len(legs) == 1
    if tolerance is not None and plan.slippage > tolerance and not (limited and partial):
        raise SlippageRefused(f"this trade's slippage is {percent(plan.slippage)}, past your tolerance of "
                              f"{percent(tolerance)}: trade less or raise --tolerance; nothing was signed")
    if limited and tolerance is not None:
        leg = legs[0]
        return TradePlan(legs, tolerance, limit_price(leg.price, tolerance, buying=leg.buying), partial)
    return plan
