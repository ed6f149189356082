"""The vectorised consensus (closed-form weighted median) equals the runtime's partition search."""

from __future__ import annotations

import numpy as np
import pytest

from localnet.runtime.subtensor.epoch_types import SparseU16
from localnet.runtime.subtensor.fixed import ONE, kappa_fixed
from localnet.runtime.subtensor.weighted_median import (
    column_weighted_median,
    weighted_median,
    weighted_median_col_sparse,
)


def test_weighted_median_by_hand() -> None:
    third = ONE // 3
    stake = [third, third, third]
    minority = sum(stake) - kappa_fixed(32_767)
    assert weighted_median(stake, [10, 20, 30], minority, 0, sum(stake)) == 20
    # two thirds of the stake at or below 10: the median is 10
    assert weighted_median(stake, [10, 10, 30], minority, 0, sum(stake)) == 10
    assert weighted_median([], [], minority, 0, 0) == 0


@pytest.mark.parametrize("seed", range(300))
def test_closed_form_equals_recursion(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 16))
    active = [int(x) for x in rng.integers(0, 4, size=n) * rng.integers(0, 1 << 30, size=n)]
    rows = []
    for _ in range(n):
        cols = rng.permutation(n)[: rng.integers(0, n + 1)].tolist()
        palette = [*rng.integers(0, 1 << 32, size=3).tolist(), 0]
        rows.append([(c, int(rng.choice(palette))) for c in cols])  # few distinct values: many ties
    kappa = kappa_fixed(int(rng.choice([0, 1, 20000, 32767, 50000, 65535])))
    expected = weighted_median_col_sparse(active, rows, n, kappa)
    matrix = SparseU16.from_rows([[(c, 1) for c, _ in r] for r in rows], n)
    vals = np.array([v for r in rows for _, v in r], dtype=np.int64)  # same (row-major) order
    got = column_weighted_median(np.array(active, dtype=np.int64), matrix.rows, matrix.cols, vals, n, kappa)
    assert got.tolist() == expected


def test_no_voters_means_zero_consensus() -> None:
    got = column_weighted_median(np.zeros(3, dtype=np.int64), np.array([0]), np.array([1]),
                                 np.array([ONE]), 3, kappa_fixed(32_767))
    assert got.tolist() == [0, 0, 0]
