"""From a validator's scores to a weight vector the chain will accept (spec neuron-protocol.md §E).

The moving average is the validator's memory; this module turns it into weights that pass the subnet's
`min_allowed_weights` and `max_weights_limit` (the same checks chain.weights runs before signing, so
nothing is sent that the chain would refuse). Pure numpy, no chain access: the rules come in as numbers.
"""

from __future__ import annotations

import numpy as np

ALPHA = 0.1
FILL = 1e-5  # the small weight given to everyone when too few uids have a score (SDK behaviour)


def update_scores(scores: np.ndarray, uids: list[int] | np.ndarray, rewards: list[float] | np.ndarray,
                  alpha: float = ALPHA) -> np.ndarray:
    """Moving average over the scored uids: `s = α·r + (1−α)·s`; others unchanged. NaN/inf → 0, clip [0, 1]."""
    out = scores.astype(np.float64, copy=True)
    if len(uids) == 0:
        return out
    idx = np.asarray(uids, dtype=np.int64)
    values = np.nan_to_num(np.asarray(rewards, dtype=np.float64), nan=0.0, posinf=0.0, neginf=0.0)
    values = np.clip(values, 0.0, 1.0)
    keep = (idx >= 0) & (idx < len(out))
    idx, values = idx[keep], values[keep]
    out[idx] = alpha * values + (1.0 - alpha) * out[idx]
    return out


def resize(scores: np.ndarray, n: int, replaced: list[int] | None = None) -> np.ndarray:
    """Scores for a subnet now `n` uids long; uids that changed hands start again from 0."""
    out = np.zeros(n, dtype=np.float64)
    keep = min(n, len(scores))
    out[:keep] = scores[:keep]
    for uid in replaced or []:
        if 0 <= uid < n:
            out[uid] = 0.0
    return out


def cap_max_weight(weights: np.ndarray, limit: float) -> np.ndarray:
    """Normalise so no entry exceeds `limit`, moving the excess to the others in proportion (water-filling).

    When `len(weights)·limit ≤ 1` no vector can satisfy the cap except uniform, which is returned.
    """
    w = np.asarray(weights, dtype=np.float64)
    if len(w) == 0:
        return w
    if w.sum() <= 0 or len(w) * limit <= 1.0:
        return np.full(len(w), 1.0 / len(w))
    w = w / w.sum()
    capped = np.zeros(len(w), dtype=bool)
    for _ in range(len(w)):
        over = (w > limit + 1e-12) & ~capped
        if not over.any():
            break
        capped |= over
        free = 1.0 - limit * capped.sum()
        rest = w[~capped].sum()
        w[capped] = limit
        if rest > 0:
            w[~capped] *= free / rest
        else:  # every remaining entry is zero: share what is left equally among them
            w[~capped] = free / max(1, (~capped).sum())
    return w


def process_weights(scores: np.ndarray, min_allowed: int, max_share: float) -> tuple[np.ndarray, np.ndarray]:
    """(uids, weights summing to 1) from raw scores, obeying the subnet's minimum count and maximum share.

    - nothing scored, or fewer uids than the minimum exist: uniform over every uid;
    - fewer scored uids than the minimum: a tiny floor for everyone plus the scores, capped;
    - otherwise the scored uids only, capped.
    """
    scores = np.nan_to_num(np.asarray(scores, dtype=np.float64), nan=0.0)
    n = len(scores)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    nonzero = np.flatnonzero(scores > 0)
    if len(nonzero) == 0 or n < min_allowed:
        return np.arange(n, dtype=np.int64), np.full(n, 1.0 / n)
    if len(nonzero) < min_allowed:
        floor = np.full(n, FILL)
        floor[nonzero] += scores[nonzero] / scores[nonzero].sum()
        return np.arange(n, dtype=np.int64), cap_max_weight(floor, max_share)
    return nonzero.astype(np.int64), cap_max_weight(scores[nonzero], max_share)


def to_u16(weights: np.ndarray) -> list[int]:
    """What the chain will store for these weights (max-upscaled to 65535, rounded): for comparisons."""
    from chain.weights import to_u16 as chain_to_u16

    return chain_to_u16([float(w) for w in weights]) if len(weights) else []
