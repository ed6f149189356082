"""Stake-weighted median per column (spec §8 step 7): the consensus weight each server gets.

The runtime finds it with a recursive mid-pivot partition (`weighted_median`, kept here literally as the
reference). Following the partition bounds shows that, for stake s_k > 0 summing to σ and
`minority m = σ − κ`, the recursion always returns

* the smallest score v with F(v) > m, where F(v) is the stake of scores <= v, when σ > m;
* the largest score otherwise (κ <= 0), and 0 for an empty column set;

(the pivot test `lo + ls <= m < hi − us` is exactly "F just below v <= m < F(v)", and the bounds `lo`/`hi`
are always the stake below/through the current partition). `column_weighted_median` computes that closed
form for every column at once with one sort, and the randomized tests check it against the recursion.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .fixed import IntArray, as_i64, normalize, normalize_vec, segment_sum


def weighted_median(
    stake: Sequence[int], score: Sequence[int], minority: int, lo: int, hi: int
) -> int:
    """The runtime's `weighted_median` over all indices, iterated instead of recursed (same steps)."""
    partition = list(range(len(stake)))
    while True:
        if not partition:
            return 0
        if len(partition) == 1:
            return score[partition[0]]
        pivot = score[partition[len(partition) // 2]]
        lower = [k for k in partition if score[k] < pivot]
        upper = [k for k in partition if score[k] > pivot]
        lo_stake = sum(stake[k] for k in lower)
        hi_stake = sum(stake[k] for k in upper)
        if lo + lo_stake <= minority < hi - hi_stake:
            return pivot
        if minority < lo + lo_stake and lower:
            partition, hi = lower, lo + lo_stake
        elif hi - hi_stake <= minority and upper:
            partition, lo = upper, hi - hi_stake
        else:
            return pivot


def weighted_median_col_sparse(
    active_stake: Sequence[int], rows: Sequence[Sequence[tuple[int, int]]], columns: int, kappa: int
) -> list[int]:
    """Reference `weighted_median_col_sparse`: per column, over the rows with positive active stake."""
    use_stake = normalize([s for s in active_stake if s > 0])
    stake_sum = sum(use_stake)
    minority = stake_sum - kappa
    scores = [[0] * len(use_stake) for _ in range(columns)]
    k = 0
    for r, s in enumerate(active_stake):
        if s <= 0:
            continue
        for c, value in rows[r]:
            scores[c][k] = value
        k += 1
    return [weighted_median(use_stake, scores[c], minority, 0, stake_sum) for c in range(columns)]


def column_weighted_median(
    active_stake: IntArray, rows: IntArray, cols: IntArray, vals: IntArray, n: int, kappa: int
) -> IntArray:
    """Vectorised consensus: the closed form of `weighted_median` for all `n` columns.

    `rows/cols/vals` are the (row-normalised, masked) weight entries without duplicates; a row with
    positive stake and no entry in a column scores 0 there.
    """
    active_stake = as_i64(active_stake)
    result = np.zeros(n, dtype=np.int64)
    positive = active_stake > 0
    voters = int(positive.sum())
    if voters == 0 or n == 0:
        return result
    row_stake = np.zeros(active_stake.size, dtype=np.int64)
    row_stake[positive] = normalize_vec(active_stake[positive])
    sigma = int(row_stake.sum())
    minority = sigma - kappa

    keep = positive[rows]
    e_cols, e_vals, e_stake = as_i64(cols)[keep], as_i64(vals)[keep], row_stake[rows[keep]]
    count = np.bincount(e_cols, minlength=n)
    implicit_zero_stake = sigma - segment_sum(e_cols, e_stake, n)
    has_implicit_zero = count < voters

    if e_vals.size and int(e_vals.max()) < (1 << 40):
        order = np.argsort((e_cols << 40) | e_vals, kind="stable")
    else:
        order = np.lexsort((e_vals, e_cols))
    s_cols, s_vals, s_stake = e_cols[order], e_vals[order], e_stake[order]
    starts = np.concatenate(([0], np.cumsum(count)[:-1]))
    cum = np.cumsum(s_stake)
    before = np.concatenate(([0], cum))[starts]
    within = cum - before[s_cols]

    if sigma <= minority:
        # No score gathers more than the minority: the recursion climbs to the largest score.
        ends = starts + count - 1
        nonempty = count > 0
        result[nonempty] = s_vals[ends[nonempty]]
        return result

    hit = implicit_zero_stake[s_cols] + within > minority
    hit_idx = np.flatnonzero(hit)
    hit_cols, first = np.unique(s_cols[hit_idx], return_index=True)
    result[hit_cols] = s_vals[hit_idx[first]]
    zero_wins = has_implicit_zero & (implicit_zero_stake > minority)
    result[zero_wins] = 0
    return result
