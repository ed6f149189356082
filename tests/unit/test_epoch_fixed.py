"""The fixed-point helpers are exact: numpy results equal Python big-int arithmetic, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from localnet.runtime.subtensor.fixed import (
    ONE,
    div_fixed,
    div_fixed_or_zero,
    ema_alpha,
    fdiv,
    fmul,
    kappa_fixed,
    max_upscale_to_u16,
    mul_fixed,
    normalize,
    normalize_vec,
    proportion_to_u16,
    pruning_scores_u16,
    pruning_scores_u16_vec,
    segment_sum,
    u16_max_upscale_to_u16,
)

EDGES = [0, 1, 2, 3, (1 << 31) - 1, 1 << 31, (1 << 32) - 1, 1 << 32, (1 << 32) + 1, (1 << 33) - 1]


def test_mul_fixed_matches_big_ints_at_the_edges() -> None:
    a = np.array([x for x in EDGES for _ in EDGES], dtype=np.int64)
    b = np.array([y for _ in EDGES for y in EDGES], dtype=np.int64)
    assert mul_fixed(a, b).tolist() == [fmul(x, y) for x, y in zip(a.tolist(), b.tolist(), strict=True)]
    assert mul_fixed(np.int64(1 << 32), np.int64(1 << 32)) == 1 << 32  # 1.0 * 1.0, product is 2^64


def test_mul_fixed_random() -> None:
    rng = np.random.default_rng(1)
    a = rng.integers(0, 1 << 34, size=5000)
    b = rng.integers(0, 1 << 28, size=5000)
    assert mul_fixed(a, b).tolist() == [(x * y) >> 32 for x, y in zip(a.tolist(), b.tolist(), strict=True)]


@pytest.mark.parametrize("bits", [20, 31, 33, 40, 55])
def test_div_fixed_random(bits: int) -> None:
    rng = np.random.default_rng(bits)
    b = rng.integers(1, 1 << bits, size=3000)
    a = (b.astype(object) * rng.integers(0, 1 << 16, size=3000) // (1 << 16)).astype(np.int64)
    assert div_fixed(a, b).tolist() == [(x << 32) // y for x, y in zip(a.tolist(), b.tolist(), strict=True)]


def test_div_fixed_or_zero_guards_empty_columns() -> None:
    assert div_fixed_or_zero([5, 7, 0], [0, 7, 0]).tolist() == [0, ONE, 0]


def test_fdiv_truncates_toward_zero() -> None:
    assert fdiv(1, 3) == (1 << 32) // 3
    assert fdiv(-1, 3) == -((1 << 32) // 3)


def test_segment_sum_is_exact_for_huge_values() -> None:
    rng = np.random.default_rng(2)
    idx = rng.integers(0, 7, size=20_000)
    vals = rng.integers(0, 1 << 48, size=20_000)  # sums near 2^62, far past float precision
    expected = [0] * 7
    for i, v in zip(idx.tolist(), vals.tolist(), strict=True):
        expected[i] += v
    assert segment_sum(idx, vals, 7).tolist() == expected


def test_normalize_and_its_vector_form_agree() -> None:
    values = [3, 0, 5, 1 << 33, 7]
    assert normalize_vec(values).tolist() == normalize(values)
    assert normalize([0, 0]) == [0, 0]
    assert sum(normalize([1] * 10)) == 10 * 429_496_729  # a tenth truncated, spec T2


def test_constants_of_the_epoch() -> None:
    assert kappa_fixed(32_767) == (32_767 << 32) // 65_535
    assert kappa_fixed(65_535) == ONE
    assert ema_alpha(900_000) == 429_496_730  # I32F32::from_num(0.1)
    assert ema_alpha(1_000_000) == 0 and ema_alpha(0) == ONE
    assert proportion_to_u16(ONE) == 65_535 and proportion_to_u16(ONE // 2) == 32_767


@pytest.mark.parametrize(
    ("weights", "stored"),
    [
        ([], []),
        ([0, 0], [0, 0]),
        ([1], [65535]),
        ([0, 1, 65534], [0, 1, 65535]),
        ([0, 1, 2, 3, 4, 65533, 65535], [0, 1, 2, 3, 4, 65533, 65535]),
        ([43690, 21845], [65535, 32768]),  # spec T7: 2/3, 1/3 stored as [65535, 32768]
        ([2, 1], [65535, 32768]),  # max <= 32768 branch rounds 32767.5 up
        ([127] * 3, [65535] * 3),  # spec T3: 65535/512 per server becomes 65535
    ],
)
def test_u16_max_upscale(weights: list[int], stored: list[int]) -> None:
    assert u16_max_upscale_to_u16(weights) == stored


def test_max_upscale_of_proportions_rounds() -> None:
    assert max_upscale_to_u16([0, ONE // 4, ONE // 2]) == [0, 32768, 65535]


def test_pruning_scores_round_like_the_real_runtime() -> None:
    """Spec T7 (corrected) and the spec-143 runtime under chopsticks round; the old code truncated."""
    shares = [1 << 30, 1 << 30, 1_431_648_483, 715_835_164]  # nCE of spec T7's first epoch
    assert pruning_scores_u16(shares) == [49152, 49152, 65535, 32768]
    assert pruning_scores_u16_vec(shares).tolist() == [49152, 49152, 65535, 32768]
    # x.5 and above round up, below down: (v·65535)/max = 32767.5 and 32767.49998...
    half = [2, 1]
    assert pruning_scores_u16(half) == pruning_scores_u16_vec(half).tolist() == [65535, 32768]
    assert pruning_scores_u16([0, 0]) == [0, 0] and pruning_scores_u16([]) == []
