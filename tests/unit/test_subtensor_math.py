"""The pallet's fixed-point helpers reproduce the 2024 runtime's numbers (spec §12 T11, T12, T17, T19)."""

from __future__ import annotations

import pytest

from localnet.runtime.subtensor.fixed import u16_max_upscale_to_u16
from localnet.runtime.subtensor.pallet_math import (
    U64_MAX,
    adjusted_term,
    blocks_until_next_epoch,
    delegate_take,
    network_lock_cost,
    owner_cut,
    stake_share,
    weights_within_limit,
)

ALPHA_ZERO = 58_000  # the tests' "≈0" alpha: 58000 / u64::MAX is 0 in I110F18


@pytest.mark.parametrize(
    ("start", "regs", "target", "alpha", "lo", "hi", "expected"),
    [
        (1000, 2, 1, ALPHA_ZERO, 0, 10**12, 1500),  # test_burn_adjustment
        (1000, 2, 1, U64_MAX // 2, 0, 10**12, 1250),  # ... with alpha one half
        (10_000, 3, 1, ALPHA_ZERO, 10_000, U64_MAX, 20_000),  # case A difficulty
        (1000, 3, 1, ALPHA_ZERO, 0, 10**12, 2000),  # case B burn
        (1000, 3, 4, ALPHA_ZERO, 0, 10**12, 875),  # case C burn
        (10_000, 3, 4, ALPHA_ZERO, 1, U64_MAX, 8750),  # case D difficulty
        (1000, 2, 3, ALPHA_ZERO, 0, 10**12, 833),  # case E burn
        (10_000, 2, 3, ALPHA_ZERO, 1, U64_MAX, 8333),  # case E difficulty
        (10_000, 2, 1, ALPHA_ZERO, 10_000, U64_MAX, 15_000),  # case F difficulty
        (1000, 0, 1, ALPHA_ZERO, 0, 10**12, 500),  # zero registrations
        (10_000, 0, 1, ALPHA_ZERO, 1, U64_MAX, 5000),
        (20_000, 3, 1, ALPHA_ZERO, 1, U64_MAX, 40_000),  # T12
        (40_000, 6, 3, ALPHA_ZERO, 1, U64_MAX, 60_000),
        (4, 0, 1, ALPHA_ZERO, 1, U64_MAX, 2),
        (2, 0, 1, ALPHA_ZERO, 1, U64_MAX, 1),
        (1, 0, 1, ALPHA_ZERO, 1, U64_MAX, 1),
        (5000, 4, 3, ALPHA_ZERO, 1, 10_000, 5833),
    ],
)
def test_adjusted_term_matches_block_step_vectors(start, regs, target, alpha, lo, hi, expected) -> None:
    assert adjusted_term(start, regs, target, alpha, lo, hi) == expected


def test_adjusted_term_clamps_and_survives_zero_target() -> None:
    assert adjusted_term(10_000, 10, 1, 0, 1, 12_000) == 12_000
    assert adjusted_term(10_000, 0, 1, 0, 9_000, U64_MAX) == 9_000
    assert adjusted_term(777, 5, 0, 0, 0, 10**9) == 777


def test_lock_cost_follows_root_subnet_creation_deletion_vector() -> None:
    """T17: min lock 100e9, reduction interval 2; (block, registered?) sequence and reported costs."""
    min_lock, interval = 100 * 10**9, 2
    last_lock, last_block = min_lock, 0

    def cost(block: int) -> int:
        return network_lock_cost(last_lock, min_lock, interval, last_block, block)

    def register(block: int) -> int:
        nonlocal last_lock, last_block
        paid = cost(block)
        last_lock, last_block = paid, block
        return paid

    assert register(0) == 100 * 10**9 and cost(0) == 100 * 10**9
    register(1)
    assert cost(1) == 200 * 10**9
    assert [cost(b) for b in (2, 3, 4)] == [150 * 10**9, 100 * 10**9, 100 * 10**9]
    register(4)
    assert cost(4) == 200 * 10**9
    assert register(5) == 150 * 10**9 and cost(5) == 300 * 10**9
    assert register(6) == 225 * 10**9 and cost(6) == 450 * 10**9
    assert register(7) == 337_500_000_000 and cost(7) == 675 * 10**9
    register(7)
    assert cost(7) == 1_350 * 10**9
    register(7)
    assert cost(7) == 2_700 * 10**9
    assert [cost(b) for b in (8, 9, 10, 11)] == [2_025 * 10**9, 1_350 * 10**9, 675 * 10**9, 100 * 10**9]


def test_lock_cost_without_interval_does_not_divide_by_zero() -> None:
    assert network_lock_cost(5, 1, 0, 3, 100) == 10


def test_max_upscale() -> None:
    assert u16_max_upscale_to_u16([]) == []
    assert u16_max_upscale_to_u16([0, 0]) == [0, 0]
    assert u16_max_upscale_to_u16([65535, 65535]) == [65535, 65535]
    assert u16_max_upscale_to_u16([1]) == [65535]
    assert u16_max_upscale_to_u16([1, 1]) == [65535, 65535]
    assert u16_max_upscale_to_u16([43690, 21845]) == [65535, 32768]  # T7 stored weights
    assert u16_max_upscale_to_u16([16383, 32767, 49149, 65535]) == [16383, 32767, 49149, 65535]
    assert u16_max_upscale_to_u16([1, 2]) == [32768, 65535]


def test_weight_limit_vectors_of_t19() -> None:
    limit = 65535 // 5
    upscaled = u16_max_upscale_to_u16([16383, 16383, 1213, 16383])
    assert not weights_within_limit(upscaled, limit)
    assert weights_within_limit([65535] * 5, limit)
    assert weights_within_limit([65535] * 4, 65535 // 4 + 1)
    assert not weights_within_limit([65535] * 3, 65535 // 4)


def test_delegate_payout_helpers() -> None:
    # T13: 2/5 and 3/5 truncate in I64F64, so 1000 RAO pays 399 + 599 and the owner gets the dust
    assert delegate_take(65535, 1000) == 1000
    assert delegate_take(10, 1000) == 0
    assert delegate_take(32767, 1000) == 499
    assert delegate_take(0, 1000) == 0
    assert stake_share(200, 500, 1000) == 399
    assert stake_share(300, 500, 1000) == 599
    assert stake_share(1, 3, 1000) == 333
    assert stake_share(5, 0, 1000) == 0


def test_owner_cut_keeps_rust_rounding() -> None:
    cut, rest = owner_cut(1_000_000_000, 11_796)
    assert cut == 1_000_000_000 * 11_796 // 65535
    assert rest == 1_000_000_000 - cut - 1  # the fractional part of the fixed cut is lost
    assert owner_cut(1000, 0) == (0, 1000)


def test_blocks_until_next_epoch_vectors_of_t10() -> None:
    assert blocks_until_next_epoch(0, 0, 0) == 1000
    assert blocks_until_next_epoch(0, 1, 0) == 0
    assert blocks_until_next_epoch(1, 1, 0) == 1
    assert blocks_until_next_epoch(0, 1, 1) == 1
    assert blocks_until_next_epoch(1, 1, 1) == 0
    assert blocks_until_next_epoch(1, 10, 0) == 8
    assert blocks_until_next_epoch(1, 10, 8) == 0
    assert [b for b in range(30) if blocks_until_next_epoch(1, 9, b) == 0] == [7, 17, 27]
