"""`epoch_dense`: the same Yuma consensus on full n×n matrices (the runtime keeps it for tests, spec §8).

Written independently of the sparse matrix code (masks and axis sums instead of entry lists) so that
agreement between the two (spec §12 T4) is evidence, not a tautology. Differences the runtime also has:
clipping keeps zero cells, and every Bonds row of a permitted uid is stored with all n columns.
It allocates several n×n int64 matrices, so it is meant for tests and small subnets only.
"""

from __future__ import annotations

import numpy as np

from localnet.runtime.subtensor.epoch import (
    active_stake,
    activity,
    emission_shares,
    normalized_stake,
    rao_amounts,
    top_k_permits,
    trust,
)
from localnet.runtime.subtensor.epoch_types import EpochInput, EpochOutput, SparseU16
from localnet.runtime.subtensor.fixed import (
    FRAC,
    IntArray,
    as_i64,
    divide_where_nonzero,
    ema_alpha,
    kappa_fixed,
    mul_fixed,
    normalize_vec,
    proportion_to_u16_vec,
    pruning_scores_u16_vec,
)


def _normalize_u16(matrix: IntArray, axis: int) -> IntArray:
    """I32F32 quotient of raw u16 cells by their row (axis=1) or column (axis=0) sums."""
    sums = matrix.sum(axis=axis, keepdims=True)
    return np.where(sums > 0, (matrix << FRAC) // np.maximum(sums, 1), 0)


def _col_normalize(matrix: IntArray) -> IntArray:
    return divide_where_nonzero(matrix, matrix.sum(axis=0, keepdims=True))


def weighted_median_dense(active: IntArray, weights: IntArray, kappa: int) -> IntArray:
    """`weighted_median_col` on a dense matrix: sort each column's voter scores, find where the
    stake integral first exceeds the minority σ−κ (or take the top score when it never does)."""
    n = weights.shape[1]
    voters = active > 0
    if not voters.any() or n == 0:
        return np.zeros(n, dtype=np.int64)
    stake = normalize_vec(active[voters])
    sigma = int(stake.sum())
    minority = sigma - kappa
    scores = weights[voters]
    order = np.argsort(scores, axis=0, kind="stable")
    sorted_scores = np.take_along_axis(scores, order, axis=0)
    if sigma <= minority:
        return sorted_scores[-1].copy()
    integral = np.cumsum(stake[order], axis=0)
    first = np.argmax(integral > minority, axis=0)
    return sorted_scores[first, np.arange(n)]


def epoch_dense(inp: EpochInput) -> EpochOutput:
    """Dense epoch: identical stored outputs to `epoch.epoch`, bonds rows padded to n columns."""
    inp.check()
    n = inp.n
    last_update = as_i64(inp.last_update)
    registered = as_i64(inp.block_at_registration)
    old_permits = np.asarray(inp.validator_permit, dtype=bool)
    fresh = last_update[:, None] > registered[None, :]  # not outdated

    active = activity(last_update, inp.activity_cutoff, inp.block)
    stake = normalized_stake(list(inp.stake))
    new_permits = top_k_permits(stake, inp.max_allowed_validators)
    active_s = active_stake(stake, active, old_permits)

    weights = SparseU16.coerce(inp.weights, n, "weights").to_dense()
    weights[~old_permits] = 0
    np.fill_diagonal(weights, 0)
    weights = _normalize_u16(np.where(fresh, weights, 0), axis=1)

    preranks = mul_fixed(active_s[:, None], weights).sum(axis=0)
    consensus = weighted_median_dense(active_s, weights, kappa_fixed(inp.kappa))
    weights = np.minimum(weights, consensus[None, :])
    validator_trust = weights.sum(axis=1)
    ranks = mul_fixed(active_s[:, None], weights).sum(axis=0)
    trust_ = trust(ranks, preranks)
    ranks = normalize_vec(ranks)
    incentive = ranks

    bonds = SparseU16.coerce(inp.bonds, n, "bonds").to_dense()
    bonds = _normalize_u16(np.where(fresh, bonds, 0), axis=0)
    delta = _col_normalize(mul_fixed(weights, active_s[:, None]))
    alpha = ema_alpha(inp.bonds_moving_average)
    ema = _col_normalize(mul_fixed(delta, alpha) + mul_fixed(bonds, (1 << FRAC) - alpha))
    dividends = normalize_vec(mul_fixed(ema, incentive[None, :]).sum(axis=1))

    server_share, validator_share, combined_share = emission_shares(incentive, dividends, active_s, stake)
    upscaled = proportion_to_u16_vec(divide_where_nonzero(ema, ema.max(axis=0, initial=0)[None, :]))
    permitted = np.flatnonzero(new_permits)
    bond_store = SparseU16(n, np.repeat(permitted, n), np.tile(np.arange(n, dtype=np.int64), permitted.size),
                           upscaled[permitted].reshape(-1))

    def u16(values: IntArray) -> list[int]:
        return proportion_to_u16_vec(values).tolist()

    return EpochOutput(
        active=active.tolist(), emission=rao_amounts(combined_share, inp.rao_emission),
        rank=u16(ranks), trust=u16(trust_), consensus=u16(consensus), incentive=u16(incentive),
        dividends=u16(dividends), validator_trust=u16(validator_trust),
        pruning_scores=pruning_scores_u16_vec(combined_share).tolist(),
        validator_permit=new_permits.tolist(),
        server_emission=rao_amounts(server_share, inp.rao_emission),
        validator_emission=rao_amounts(validator_share, inp.rao_emission),
        bonds=bond_store, old_validator_permit=old_permits.tolist(),
    )
