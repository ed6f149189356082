"""The trade plan shown before signing (chain/dtao/trade.py): legs quoted by the pool maths, the tolerance
refusal, the limit price sent where the runtime declares limit calls, and the slippage of a two-leg move."""

from __future__ import annotations

from fractions import Fraction

import pytest

from chain.dtao.amm import R218_RULES, R233_RULES, Pool, limit_price, stake_quote, unstake_quote
from chain.dtao.trade import SlippageRefused, buy_leg, checked, sell_leg
from chain.errors import PreconditionFailed

TAO = 10**9
POOL = Pool(1000 * TAO, 1000 * TAO)


def test_a_buy_leg_is_the_pool_quote() -> None:
    leg = buy_leg(POOL, 1, 10 * TAO, R233_RULES, "β")
    assert leg.quote == stake_quote(POOL, 10 * TAO, R233_RULES) and leg.quote.fee == 50_000
    assert leg.to_json()["amount_out"] == {"raw": leg.quote.amount_out, "value": leg.to_json()["amount_out"]["value"],
                                           "unit": "β"}
    assert leg.line().startswith("10.000000000 τ → ") and "on subnet 1" in leg.line()


def test_past_the_tolerance_is_refused_in_one_line() -> None:
    leg = buy_leg(POOL, 1, 10 * TAO, R218_RULES, "α1")  # ~0.99 % impact
    assert Fraction(98, 10_000) < leg.quote.slippage < Fraction(1, 100)
    with pytest.raises(SlippageRefused, match=r"slippage is 0\.99\d\d %, past your tolerance of 0\.5000 %"):
        checked((leg,), Fraction(5, 1000), with_limit=False)
    plan = checked((leg,), Fraction(1, 100), with_limit=False)
    assert plan.limit is None and plan.amount_out == leg.quote.amount_out
    assert checked((leg,), None, with_limit=True).limit is None  # check off: no limit either
    with pytest.raises(PreconditionFailed, match="zero or more"):
        checked((leg,), Fraction(-1, 100), with_limit=False)


def test_the_limit_price_follows_the_tolerance_and_the_side() -> None:
    buy = checked((buy_leg(POOL, 1, TAO, R218_RULES, "α1"),), Fraction(2, 100), with_limit=True)
    assert buy.limit == limit_price(Fraction(1), Fraction(2, 100), buying=True) == 1_020_000_000
    sell = checked((sell_leg(POOL, 1, TAO, R218_RULES, "α1"),), Fraction(2, 100), with_limit=True)
    assert sell.limit == 980_000_000


def test_a_move_compounds_both_legs() -> None:
    sold = sell_leg(POOL, 1, 10 * TAO, R218_RULES, "α1")
    assert sold.quote == unstake_quote(POOL, 10 * TAO, R218_RULES)
    bought = buy_leg(Pool(500 * TAO, 2000 * TAO), 2, sold.quote.amount_out, R218_RULES, "α2")
    plan = checked((sold, bought), Fraction(5, 100), with_limit=True)
    assert plan.limit is None  # two legs: no single limit price
    assert plan.slippage == 1 - (1 - sold.quote.slippage) * (1 - bought.quote.slippage)
    assert plan.to_json()["amount_out"]["raw"] == bought.quote.amount_out
