"""The dTAO display records: units on every amount, None (never 0) for what taocli cannot value, and the era's
emission share and share formula picked by what the runtime sends or declares."""

from __future__ import annotations

from fractions import Fraction

from chain.dtao import shares
from chain.dtao.nominations import Nomination
from chain.dtao.views import DelegateView, StakeRow, amount_json, decimal, price_json
from chain.rooms.dtao_delegation import share_value
from chain.rooms.dtao_subnets import emission_shares


class Info:
    """The two DynamicInfo fields emission_shares reads."""

    def __init__(self, netuid: int, emission: int | None, tao_in_emission: int | None) -> None:
        self.netuid, self.emission, self.tao_in_emission = netuid, emission, tao_in_emission


def test_amounts_carry_their_unit_and_unknown_stays_none() -> None:
    assert decimal(1_500_000_001) == "1.500000001" and decimal(-5) == "-0.000000005"
    assert amount_json(7, "β") == {"raw": 7, "value": "0.000000007", "unit": "β"}
    assert amount_json(None, "τ") is None and price_json(None) is None
    assert price_json(Fraction(1, 3)) == {"exact": "1/3", "value": "0.333333333", "unit": "τ/α"}
    row = StakeRow("5Hot", 2, 10**9, "β", None).to_json()
    assert row["amount"]["unit"] == "β" and row["tao_value"] is None


def test_emission_share_uses_what_the_era_sends() -> None:
    r218 = [Info(0, 0, None), Info(1, 300, None), Info(2, 100, None)]
    assert emission_shares(r218) == {0: 0, 1: Fraction(3, 4), 2: Fraction(1, 4)}  # type: ignore[arg-type]
    r233 = [Info(1, 999, 10), Info(2, 999, 30)]  # stale `emission`: tao_in_emission wins
    assert emission_shares(r233) == {1: Fraction(1, 4), 2: Fraction(3, 4)}  # type: ignore[arg-type]
    assert emission_shares([Info(1, None, None), Info(2, 0, 0)]) == {}  # type: ignore[arg-type]


def test_delegate_total_is_unknown_when_any_nomination_is_unpriced() -> None:
    held = [Nomination("5A", 1, 10**9), Nomination("5B", 2, 4 * 10**9)]
    priced = DelegateView.of("5Hot", "5Own", 11_796, [1, 2], held, {1: Fraction(1, 2), 2: Fraction(2)}, {1: "α"})
    assert priced.tao_value == 10**9 // 2 + 8 * 10**9 and priced.unit(2) == "α2"
    partly = DelegateView.of("5Hot", "5Own", 11_796, None, held, {1: Fraction(1, 2)}, {})
    assert partly.tao_value is None and partly.to_json()["nominators"][1]["tao_value"] is None
    unknown = DelegateView.of("5Hot", "5Own", 0, None, None, {}, {})
    assert unknown.to_json()["nominators"] is None and unknown.tao_value is None


def test_share_formula_follows_the_declared_share_type() -> None:
    assert share_value("u64") is shares.value_r218
    assert share_value("substrate_fixed::FixedU128<U64>") is None  # unknown spelling: not guessed
    assert share_value("U64F64") is shares.value_u64f64
    assert share_value(None) is None
