"""A plain-Python epoch, written the way the runtime's loops are written, to check the vectorised one.

No numpy and no cleverness: sparse rows are lists of (uid, I32F32) pairs, every operation is the scalar
fixed-point rule of spec §0, and the weighted median is the runtime's literal partition search. It is
slow (pure Python, O(entries · log) per column) and exists so tests and `bench/epoch.py` can show that
`epoch.epoch` gives the same integers on any graph.
"""

from __future__ import annotations

from localnet.runtime.subtensor.epoch_types import EpochInput, EpochOutput, SparseU16
from localnet.runtime.subtensor.fixed import (
    FRAC,
    ONE,
    ema_alpha,
    fdiv,
    fmul,
    from_u16,
    kappa_fixed,
    normalize,
    proportion_to_u16,
    pruning_scores_u16,
)
from localnet.runtime.subtensor.weighted_median import weighted_median_col_sparse

Rows = list[list[tuple[int, int]]]


def _rows(matrix: SparseU16) -> Rows:
    return [[(j, from_u16(v)) for j, v in row] for row in matrix.to_rows()]


def _is_topk(values: list[int], k: int) -> list[bool]:
    n = len(values)
    result = [True] * n
    if n < k:
        return result
    for idx in sorted(range(n), key=lambda i: values[i])[: n - k]:
        result[idx] = False
    return result


def _mask_outdated(rows: Rows, last_update: list[int], registered: list[int]) -> Rows:
    return [[(j, v) for j, v in row if not last_update[i] <= registered[j]] for i, row in enumerate(rows)]


def _row_normalize(rows: Rows) -> Rows:
    out = []
    for row in rows:
        total = sum(v for _, v in row)
        out.append([(j, fdiv(v, total)) for j, v in row] if total > 0 else list(row))
    return out


def _col_normalize(rows: Rows, n: int) -> Rows:
    sums = [0] * n
    for row in rows:
        for j, v in row:
            sums[j] += v
    return [[(j, fdiv(v, sums[j]) if sums[j] != 0 else v) for j, v in row] for row in rows]


def _matmul(rows: Rows, vector: list[int], n: int) -> list[int]:
    out = [0] * n
    for i, row in enumerate(rows):
        for j, v in row:
            out[j] += fmul(vector[i], v)
    return out


def _ema(new: Rows, old: Rows, alpha: int, n: int) -> Rows:
    result = []
    for i in range(len(new)):
        acc = [0] * n
        for j, v in new[i]:
            acc[j] += fmul(alpha, v)
        for j, v in old[i]:
            acc[j] += fmul(ONE - alpha, v)
        result.append([(j, v) for j, v in enumerate(acc) if v > 0])
    return result


def epoch_reference(inp: EpochInput) -> EpochOutput:
    """The sparse epoch of spec §8, step by step, in scalar Python."""
    inp.check()
    n = inp.n
    lu, br = list(inp.last_update), list(inp.block_at_registration)
    active = [not (u + inp.activity_cutoff < inp.block) for u in lu]

    total = sum(inp.stake)
    stake64 = [(s << 64) // total if total else 0 for s in inp.stake]
    stake = [s >> 32 for s in stake64]
    permits = list(inp.validator_permit)
    new_permits = _is_topk(stake, inp.max_allowed_validators)
    active_stake = normalize([s if active[i] and permits[i] else 0 for i, s in enumerate(stake)])

    weights = _rows(SparseU16.coerce(inp.weights, n, "weights"))
    weights = [row if permits[i] else [] for i, row in enumerate(weights)]
    weights = [[(j, v) for j, v in row if j != i] for i, row in enumerate(weights)]
    weights = _row_normalize(_mask_outdated(weights, lu, br))

    preranks = _matmul(weights, active_stake, n)
    consensus = weighted_median_col_sparse(active_stake, weights, n, kappa_fixed(inp.kappa))
    clipped: Rows = []
    for row in weights:
        kept = []
        for j, v in row:
            if consensus[j] < v:
                if consensus[j] > 0:
                    kept.append((j, consensus[j]))
            else:
                kept.append((j, v))
        clipped.append(kept)
    weights = clipped
    validator_trust = [sum(v for _, v in row) for row in weights]
    ranks = _matmul(weights, active_stake, n)
    trust = [fdiv(r, p) if p != 0 else 0 for r, p in zip(ranks, preranks, strict=True)]
    ranks = normalize(ranks)
    incentive = ranks

    bonds = _col_normalize(_mask_outdated(_rows(SparseU16.coerce(inp.bonds, n, "bonds")), lu, br), n)
    delta = _col_normalize([[(j, fmul(v, active_stake[i])) for j, v in row]
                            for i, row in enumerate(weights)], n)
    ema = _col_normalize(_ema(delta, bonds, ema_alpha(inp.bonds_moving_average), n), n)
    dividends = normalize([sum(fmul(incentive[j], v) for j, v in row) for row in ema])

    combined = [a + b for a, b in zip(incentive, dividends, strict=True)]
    esum = sum(combined)
    server = [fdiv(x, esum) for x in incentive] if esum else list(incentive)
    validator = [fdiv(x, esum) for x in dividends] if esum else list(dividends)
    combined = normalize(combined)
    if esum == 0:
        fallback = stake if sum(active_stake) == 0 else active_stake
        validator, combined = list(fallback), list(fallback)

    tops = [0] * n
    for row in ema:
        for j, v in row:
            tops[j] = max(tops[j], v)
    scaled = [[(j, fdiv(v, tops[j]) if tops[j] else v) for j, v in row] for row in ema]
    bond_rows = [[(j, proportion_to_u16(v)) for j, v in row] if new_permits[i] else []
                 for i, row in enumerate(scaled)]

    def rao(values: list[int]) -> list[int]:
        return [(v * inp.rao_emission) >> FRAC for v in values]

    def u16(values: list[int]) -> list[int]:
        return [proportion_to_u16(v) for v in values]

    return EpochOutput(
        active=active, emission=rao(combined), rank=u16(ranks), trust=u16(trust),
        consensus=u16(consensus), incentive=u16(incentive), dividends=u16(dividends),
        validator_trust=u16(validator_trust), pruning_scores=pruning_scores_u16(combined),
        validator_permit=new_permits, server_emission=rao(server), validator_emission=rao(validator),
        bonds=SparseU16.from_rows(bond_rows, n, "bonds"), old_validator_permit=permits,
    )
