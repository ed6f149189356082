"""Stake rows and totals valued in TAO, from decoded records; unknown prices stay unknown."""

from __future__ import annotations

from fractions import Fraction

from chain.dtao.portfolio import alpha_by_subnet, positions, spot_prices, symbol, total_tao_value
from chain.dtao.structs import DynamicInfo, StakeInfo


def info(netuid: int, tao: int, alpha: int) -> DynamicInfo:
    return DynamicInfo(netuid, "owner", None, None, None, 100, 0, 0, tao, alpha, 0, None, None, None, None, None,
                       None, None, None, None, None, None, None)


def row(hotkey: str, netuid: int, stake: int) -> StakeInfo:
    return StakeInfo(hotkey, "ck", netuid, stake, 7, True, 0, None)


def test_positions_are_valued_at_spot_and_totals_need_every_price() -> None:
    prices = spot_prices([info(0, 111_800_854_124, 0), info(2, 1_103_447_733_935, 944_165_695_131),
                          info(3, 10, 10)], {2: 1})
    assert prices == {0: 1, 2: Fraction(1_103_447_733_935, 944_165_695_131)}  # netuid 3: mechanism unknown
    held = positions([row("h", 2, 40_588_990_714), row("h", 0, 200 * 10**9), row("h", 1, 0)], prices)
    assert [(p.netuid, p.alpha) for p in held] == [(0, 200 * 10**9), (2, 40_588_990_714)]  # zero row dropped
    assert held[1].tao_value == 40_588_990_714 * 1_103_447_733_935 // 944_165_695_131
    assert total_tao_value(held) == 200 * 10**9 + held[1].tao_value
    unpriced = positions([row("h", 3, 5)], prices)
    assert unpriced[0].tao_value is None and total_tao_value(held + unpriced) is None
    assert alpha_by_subnet(held + positions([row("g", 2, 1)], prices)) == {0: 200 * 10**9, 2: 40_588_990_715}


def test_symbols_come_from_the_chain() -> None:
    assert symbol(2, b"\xce\xb2") == "β" and symbol(0, "Τ") == "Τ" and symbol(9, None) == "α9"


def test_nominations_from_shares_use_the_era_formula() -> None:
    import pytest

    from chain.dtao.nominations import nominations
    from chain.dtao.shares import value_r218

    totals = {2: (135_639_892_034, 12_733_418_870), 0: (100 * 10**9, 100 * 10**9)}
    got = nominations([("charlie", 2, 3_711_764_229), ("bob", 2, 9_021_654_641), ("alice", 0, 100 * 10**9),
                       ("dust", 2, 0)], totals, value_r218)
    assert [(n.coldkey, n.netuid, n.alpha) for n in got] == [
        ("alice", 0, 100 * 10**9), ("bob", 2, value_r218(*totals[2], 9_021_654_641)), ("charlie", 2, 39_538_736_957)]
    with pytest.raises(KeyError, match="netuid 5"):
        nominations([("x", 5, 1)], totals, value_r218)
