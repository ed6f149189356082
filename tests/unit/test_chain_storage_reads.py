"""The fixed-point return estimate of DelegateInfo (spec §11) that the storage fallback computes itself.

The integration test compares whole DelegateInfo structs with the node's RPC; these vectors pin the
arithmetic on values worked out by hand, including the truncations that make it differ from float maths.
"""

from __future__ import annotations

from fractions import Fraction

from chain.storage_reads import POINT_82, daily_emission, return_per_1000

TAO = 10**9


def test_point_82_is_the_f64_nearest_0_82_in_64_fraction_bits() -> None:
    assert Fraction(POINT_82, 1 << 64) == Fraction(0.82)
    assert Fraction(POINT_82, 1 << 64) < Fraction(82, 100)  # the f64 lies just below 0.82


def test_daily_emission_when_the_tempo_divides_a_day() -> None:
    # tempo 360: exactly 20 epochs a day; two subnets add up
    assert daily_emission([(TAO, 360)]) >> 64 == 20 * TAO
    assert daily_emission([(TAO, 360), (5, 7200)]) >> 64 == 20 * TAO + 5


def test_daily_emission_truncates_epochs_per_day_first() -> None:
    # tempo 99: 7200/99 = 72.7272..., held in 64 fraction bits, so 1 TAO per epoch gives 72.727272727 TAO
    assert daily_emission([(TAO, 99)]) >> 64 == 72_727_272_727
    assert daily_emission([(TAO, 0)]) == 0  # a zero tempo contributes nothing instead of dividing by zero
    assert daily_emission([]) == 0


def test_return_per_1000() -> None:
    daily = daily_emission([(TAO, 360)])  # 20 TAO a day
    # on 1000 TAO staked: 20 TAO·0.82 per 1 TAO of "stake per 1000" = 16.4, and the f64 0.82 floors it to 16
    assert return_per_1000(daily, 1000 * TAO) == 16
    # on 1 TAO staked: 20e9·0.82 / 1e6 = 16_400 RAO, minus the f64 shortfall -> 16_399
    assert return_per_1000(daily, TAO) == 16_399
    assert return_per_1000(daily, 0) == 0
