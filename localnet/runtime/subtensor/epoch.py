"""Yuma consensus, the production (sparse) epoch of the 2024 subtensor runtime (spec §8), vectorised.

Pure functions over numpy arrays: `epoch(EpochInput) -> EpochOutput` reads no storage. Each step of the
spec is one function below, in the spec's order and under its name. Values are I32F32 fixed-point held as
int64 (see `fixed.py`); every product and quotient is floored exactly as the runtime floors it, so the
stored u16 vectors, bonds and RAO amounts equal the chain's to the last unit (spec §12 T1-T8).

Weight and bond matrices are `Entries`: parallel arrays (row, col, value) sorted by row. Sums are exact
integer additions, so their order does not matter; the only order-sensitive step, the weighted median,
is computed in closed form (see `weighted_median.py`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .epoch_types import EpochInput, EpochOutput, SparseU16
from .fixed import (
    FRAC,
    IntArray,
    as_i64,
    div_fixed,
    div_fixed_or_zero,
    divide_where_nonzero,
    ema_alpha,
    kappa_fixed,
    mul_fixed,
    normalize_vec,
    proportion_to_u16_vec,
    pruning_scores_u16_vec,
    segment_sum,
)
from .weighted_median import column_weighted_median

BoolArray = np.ndarray
DENSE_SCRATCH_CELLS = 1 << 22  # 32 MiB of int64: above this the bonds EMA merges by sorting instead


class Entries(NamedTuple):
    """Sparse matrix entries with I32F32 values, sorted by row."""

    rows: IntArray
    cols: IntArray
    vals: IntArray

    def select(self, keep: BoolArray) -> Entries:
        return Entries(self.rows[keep], self.cols[keep], self.vals[keep])

    def with_vals(self, vals: IntArray) -> Entries:
        return Entries(self.rows, self.cols, vals)


def u16_entries(matrix: SparseU16) -> Entries:
    """The stored entries with their raw u16 values (the runtime's `I32F32::from_num(u16)`).

    They stay unshifted until normalised: (w·2^32)·2^32 // (Σw·2^32) equals (w·2^32) // Σw exactly,
    and the latter never leaves 48 bits.
    """
    return Entries(matrix.rows, matrix.cols, matrix.vals)


def normalize_u16(vals: IntArray, sums: IntArray) -> IntArray:
    """I32F32 quotient of raw u16 entries by their (row or column) sum; zero sums leave zeros."""
    return np.where(sums > 0, (vals << FRAC) // np.maximum(sums, 1), 0)


# ---- steps 1-4: who is active, stake, permits ---------------------------------------------------------


def activity(last_update: IntArray, activity_cutoff: int, block: int) -> BoolArray:
    """Step 1: a uid is inactive when `LastUpdate + ActivityCutoff < block`."""
    return ~(last_update + activity_cutoff < block)


def normalized_stake(stake: list[int]) -> IntArray:
    """Step 2: stake / Σstake in I64F64, narrowed to I32F32 (floor of floor = one floor of s·2^32/Σ)."""
    total = sum(stake)
    if total == 0:
        return np.zeros(len(stake), dtype=np.int64)
    return np.asarray([(s << FRAC) // total for s in stake], dtype=np.int64)


def top_k_permits(stake: IntArray, k: int) -> BoolArray:
    """Step 3 (`is_topk`): all if n < k, else the n−k lowest stakes lose (stable: lower uids lose ties)."""
    n = stake.size
    permits = np.ones(n, dtype=bool)
    if n < k:
        return permits
    order = np.argsort(stake, kind="stable")
    permits[order[: n - k]] = False
    return permits


def active_stake(stake: IntArray, active: BoolArray, permits: BoolArray) -> IntArray:
    """Step 4: stake of active uids holding an (old) permit, renormalised."""
    return normalize_vec(np.where(active & permits, stake, 0))


# ---- steps 5-10: weights, consensus, ranks ------------------------------------------------------------


def outdated(matrix: Entries, last_update: IntArray, block_at_registration: IntArray) -> BoolArray:
    """Entries (i, j) set before or when j was last registered: `LastUpdate_i <= BlockAtRegistration_j`."""
    return last_update[matrix.rows] <= block_at_registration[matrix.cols]


def col_normalize(matrix: Entries, n: int) -> Entries:
    """`inplace_col_normalize_sparse`: Σ_i m_ij = 1 for every non-zero column."""
    sums = segment_sum(matrix.cols, matrix.vals, n)
    return matrix.with_vals(divide_where_nonzero(matrix.vals, sums[matrix.cols]))


def mask_weights(weights: Entries, permits: BoolArray, last_update: IntArray,
                 block_at_registration: IntArray, n: int) -> Entries:
    """Step 5: drop rows without an old permit, the diagonal and outdated entries; row-normalise.

    Takes raw u16 entries and returns I32F32 ones.
    """
    keep = permits[weights.rows] & (weights.rows != weights.cols)
    keep &= ~outdated(weights, last_update, block_at_registration)
    weights = weights.select(keep)
    return weights.with_vals(normalize_u16(weights.vals, segment_sum(weights.rows, weights.vals, n)[weights.rows]))


def stake_weighted_sum(matrix: Entries, stake: IntArray, n: int) -> IntArray:
    """`matmul_sparse`: r_j = Σ_i stake_i · m_ij, each product floored (steps 6 and 10)."""
    return segment_sum(matrix.cols, mul_fixed(stake[matrix.rows], matrix.vals), n)


def consensus(active: IntArray, weights: Entries, kappa: int, n: int) -> IntArray:
    """Step 7: per column, the stake-weighted median of the weights (largest κ-supported weight)."""
    return column_weighted_median(active, weights.rows, weights.cols, weights.vals, n, kappa_fixed(kappa))


def clip_weights(weights: Entries, consensus_: IntArray) -> Entries:
    """Step 8 (`col_clip_sparse`): W_ij <- min(W_ij, C_j); entries clipped to a zero consensus vanish."""
    limit = consensus_[weights.cols]
    above = weights.vals > limit
    clipped = weights.with_vals(np.where(above, limit, weights.vals))
    return clipped.select(~(above & (limit == 0)))


def validator_trust(weights: Entries, n: int) -> IntArray:
    """Step 9: Tv_i = Σ_j W_ij of the clipped weights."""
    return segment_sum(weights.rows, weights.vals, n)


def trust(ranks: IntArray, preranks: IntArray) -> IntArray:
    """Step 10 (`vecdiv`): T_j = R_j / P_j, 0 where P_j = 0."""
    return div_fixed_or_zero(ranks, preranks)


# ---- steps 11-14: bonds and dividends ----------------------------------------------------------------


def normalized_bonds(bonds: Entries, last_update: IntArray, block_at_registration: IntArray,
                     n: int) -> Entries:
    """Step 11: stored bonds without outdated entries, column-normalised."""
    bonds = bonds.select(~outdated(bonds, last_update, block_at_registration))
    return bonds.with_vals(normalize_u16(bonds.vals, segment_sum(bonds.cols, bonds.vals, n)[bonds.cols]))


def bonds_delta(weights: Entries, active: IntArray, n: int) -> Entries:
    """Step 12: ΔB_ij = W_ij · A_i (clipped weights), column-normalised."""
    return col_normalize(weights.with_vals(mul_fixed(weights.vals, active[weights.rows])), n)


def bonds_ema(delta: Entries, bonds: Entries, bonds_moving_average: int, n: int) -> Entries:
    """Step 13 (`mat_ema_sparse`): α·ΔB + (1−α)·B over the union of entries, keep > 0, col-normalise.

    Each term is floored on its own before the two are added, as the runtime accumulates them.
    """
    alpha = ema_alpha(bonds_moving_average)
    new_terms = mul_fixed(delta.vals, alpha)
    old_terms = mul_fixed(bonds.vals, (1 << FRAC) - alpha)
    rows_used = np.unique(np.concatenate((delta.rows, bonds.rows)))
    if rows_used.size * n <= DENSE_SCRATCH_CELLS:
        # One dense scratch row per uid that has entries: no (row, col) repeats within either matrix,
        # so plain fancy assignment/addition is exact, and np.nonzero yields (row, col) order.
        slot = np.searchsorted(rows_used, np.arange(n))
        scratch = np.zeros((rows_used.size, n), dtype=np.int64)
        scratch[slot[delta.rows], delta.cols] = new_terms
        scratch[slot[bonds.rows], bonds.cols] += old_terms
        r, c = np.nonzero(scratch > 0)
        merged = Entries(rows_used[r], c.astype(np.int64), scratch[r, c])
    else:
        keys = np.concatenate((delta.rows * n + delta.cols, bonds.rows * n + bonds.cols))
        unique, inverse = np.unique(keys, return_inverse=True)
        sums = segment_sum(inverse, np.concatenate((new_terms, old_terms)), unique.size)
        keep = sums > 0
        merged = Entries(unique[keep] // n, unique[keep] % n, sums[keep])
    return col_normalize(merged, n)


def dividends(ema: Entries, incentive: IntArray, n: int) -> IntArray:
    """Step 14 (`matmul_transpose_sparse`): D_i = Σ_j EB_ij · I_j, then normalised."""
    return normalize_vec(segment_sum(ema.rows, mul_fixed(ema.vals, incentive[ema.cols]), n))


# ---- steps 15-17: emission and what is stored --------------------------------------------------------


def emission_shares(incentive: IntArray, dividends_: IntArray, active: IntArray,
                    stake: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Step 15: (server, validator, combined) shares of I+D; all to stake when nobody earned anything."""
    combined = incentive + dividends_
    total = int(combined.sum())
    if total == 0:
        fallback = active if int(active.sum()) != 0 else stake
        return incentive.copy(), fallback.copy(), fallback.copy()
    denom = np.int64(total)
    return div_fixed(incentive, denom), div_fixed(dividends_, denom), div_fixed(combined, denom)


def rao_amounts(shares: IntArray, rao_emission: int) -> list[int]:
    """Step 16: floor(share · rao) in I96F32 (the product needs up to 96 bits, so Python ints)."""
    return [(s * rao_emission) >> FRAC for s in shares.tolist()]


def column_max_upscale(matrix: Entries, n: int) -> Entries:
    """`inplace_col_max_upscale_sparse`: divide each column by its maximum (zero columns untouched)."""
    tops = np.zeros(n, dtype=np.int64)
    np.maximum.at(tops, matrix.cols, matrix.vals)
    return matrix.with_vals(divide_where_nonzero(matrix.vals, tops[matrix.cols]))


def bonds_to_store(ema: Entries, new_permits: BoolArray, n: int) -> SparseU16:
    """Step 17 bonds: column max-upscaled EMA bonds as u16, for uids that hold a new permit."""
    scaled = column_max_upscale(ema, n)
    keep = new_permits[scaled.rows]
    return SparseU16(n, scaled.rows[keep], scaled.cols[keep], proportion_to_u16_vec(scaled.vals[keep]))


def _u16(values: IntArray) -> list[int]:
    return proportion_to_u16_vec(values).tolist()


# ---- the epoch ----------------------------------------------------------------------------------------


def epoch(inp: EpochInput) -> EpochOutput:
    """Run one sparse Yuma consensus epoch (spec §8 steps 1-18) on the given snapshot."""
    inp.check()
    n = inp.n
    last_update = as_i64(inp.last_update)
    registered = as_i64(inp.block_at_registration)
    old_permits = np.asarray(inp.validator_permit, dtype=bool)
    weights = u16_entries(SparseU16.coerce(inp.weights, n, "weights"))
    bonds = u16_entries(SparseU16.coerce(inp.bonds, n, "bonds"))

    active = activity(last_update, inp.activity_cutoff, inp.block)                      # 1
    stake = normalized_stake(list(inp.stake))                                             # 2
    new_permits = top_k_permits(stake, inp.max_allowed_validators)                       # 3
    active_s = active_stake(stake, active, old_permits)                                  # 4

    weights = mask_weights(weights, old_permits, last_update, registered, n)             # 5
    preranks = stake_weighted_sum(weights, active_s, n)                                  # 6
    consensus_ = consensus(active_s, weights, inp.kappa, n)                              # 7
    weights = clip_weights(weights, consensus_)                                          # 8
    v_trust = validator_trust(weights, n)                                                # 9
    ranks = stake_weighted_sum(weights, active_s, n)                                     # 10
    trust_ = trust(ranks, preranks)
    ranks = normalize_vec(ranks)
    incentive = ranks

    bonds = normalized_bonds(bonds, last_update, registered, n)                          # 11
    delta = bonds_delta(weights, active_s, n)                                            # 12
    ema = bonds_ema(delta, bonds, inp.bonds_moving_average, n)                           # 13
    dividends_ = dividends(ema, incentive, n)                                            # 14

    server_share, validator_share, combined_share = emission_shares(                     # 15
        incentive, dividends_, active_s, stake)
    # 16-17: RAO amounts, u16 quantisation and the bonds to store
    return EpochOutput(
        active=active.tolist(),
        emission=rao_amounts(combined_share, inp.rao_emission),
        rank=_u16(ranks),
        trust=_u16(trust_),
        consensus=_u16(consensus_),
        incentive=_u16(incentive),
        dividends=_u16(dividends_),
        validator_trust=_u16(v_trust),
        pruning_scores=pruning_scores_u16_vec(combined_share).tolist(),
        validator_permit=new_permits.tolist(),
        server_emission=rao_amounts(server_share, inp.rao_emission),
        validator_emission=rao_amounts(validator_share, inp.rao_emission),
        bonds=bonds_to_store(ema, new_permits, n),
        old_validator_permit=old_permits.tolist(),
    )
