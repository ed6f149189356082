"""What a dTAO trade gives the user, shown before signing, and the tolerance check that refuses it.

A stake add sells TAO to a subnet's pool for its alpha; a remove sells alpha back for TAO; a move is both
legs in turn (R218 §11.7: the TAO out of the first leg is what the second leg buys with). Each leg is quoted
by `chain.dtao.amm` from the reserves of one block, so the preview is the runtime's own arithmetic; only a
trade landing in the same block before ours can change the outcome, and the tolerance bounds that.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from chain.dtao.amm import Pool, Quote, SwapRules, limit_price, stake_quote, unstake_quote
from chain.dtao.views import TAO_UNIT, amount_json, decimal, price_json
from chain.errors import PreconditionFailed

DEFAULT_TOLERANCE = Fraction(5, 1000)  # btcli 9's default rate tolerance (0.5 %) with safe staking on


class SlippageRefused(PreconditionFailed):
    """The quoted price impact is past the user's tolerance: refused before anything is signed."""


@dataclass(frozen=True, slots=True)
class Leg:
    """One swap through one subnet's pool: what goes in, the fee, what comes out, at which spot price."""

    netuid: int
    buying: bool  # True: TAO in, alpha out
    unit_in: str
    unit_out: str
    price: Fraction  # τ per α at the block quoted
    quote: Quote

    def to_json(self) -> dict[str, Any]:
        q = self.quote
        return {"netuid": self.netuid, "side": "buy" if self.buying else "sell",
                "amount_in": amount_json(q.amount_in, self.unit_in), "fee": amount_json(q.fee, TAO_UNIT),
                "amount_out": amount_json(q.amount_out, self.unit_out),
                "at_spot": amount_json(q.at_spot.__floor__(), self.unit_out), "price": price_json(self.price),
                "slippage": fraction_json(q.slippage)}

    def line(self) -> str:
        q = self.quote
        return (f"{decimal(q.amount_in)} {self.unit_in} → {decimal(q.amount_out)} {self.unit_out} on subnet "
                f"{self.netuid} (at spot {decimal(q.at_spot.__floor__())}, slippage {percent(q.slippage)}, "
                f"fee {decimal(q.fee)} {TAO_UNIT})")


@dataclass(frozen=True, slots=True)
class TradePlan:
    """The legs of one trade, the tolerance it was checked against and, where the runtime has limit-price
    calls, the limit sent with it (RAO per whole alpha)."""

    legs: tuple[Leg, ...]
    tolerance: Fraction | None  # None: the user turned the check off (--no-safe-staking)
    limit: int | None = None

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
                "limit_price": self.limit, "amount_out": amount_json(self.amount_out, self.legs[-1].unit_out)}


def fraction_json(value: Fraction) -> dict[str, Any]:
    return {"exact": f"{value.numerator}/{value.denominator}", "percent": percent(value)}


def percent(value: Fraction) -> str:
    return f"{float(value * 100):.4f} %"


def buy_leg(pool: Pool, netuid: int, tao: int, rules: SwapRules, symbol: str) -> Leg:
    return Leg(netuid, True, TAO_UNIT, symbol, pool.spot_price(), stake_quote(pool, tao, rules))


def sell_leg(pool: Pool, netuid: int, alpha: int, rules: SwapRules, symbol: str) -> Leg:
    return Leg(netuid, False, symbol, TAO_UNIT, pool.spot_price(), unstake_quote(pool, alpha, rules))


def checked(legs: tuple[Leg, ...], tolerance: Fraction | None, with_limit: bool) -> TradePlan:
    """The plan, or `SlippageRefused` in one line when its price impact is past `tolerance`. With
    `with_limit` (a single-leg trade on a runtime that declares the limit call) the chain enforces the same
    bound: limit_price = spot·(1 ± tolerance)."""
    if tolerance is not None and tolerance < 0:
        raise PreconditionFailed("the tolerance must be zero or more")
    plan = TradePlan(legs, tolerance)
    if tolerance is not None and plan.slippage > tolerance:
        raise SlippageRefused(f"this trade's slippage is {percent(plan.slippage)}, past your tolerance of "
                              f"{percent(tolerance)}: trade less or raise --tolerance; nothing was signed")
    if with_limit and tolerance is not None and len(legs) == 1:
        leg = legs[0]
        return TradePlan(legs, tolerance, limit_price(leg.price, tolerance, buying=leg.buying))
    return plan
