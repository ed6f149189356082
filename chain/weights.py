"""Weight vectors checked and converted the way subtensor's set_weights will judge them (spec §5.1).

Checking here, before signing, turns an on-chain `MaxWeightExceeded` or `NotSettingEnoughWeights` into
one line that names the limit and the offending value, and never spends a rate-limit window on a call
that was bound to fail.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

U16_MAX = 65_535


class InvalidWeights(ValueError):
    """The weights break a rule the chain enforces; the message names the rule and the fix."""


@dataclass(frozen=True)
class WeightLimits:
    """The subnet rules set_weights is checked against."""

    subnetwork_n: int
    min_allowed_weights: int
    max_weights_limit: int
    is_root: bool = False


def normalize(values: Sequence[float]) -> list[float]:
    """Scale non-negative weights to sum 1 (all-zero is an error: it says nothing)."""
    if not all(math.isfinite(v) for v in values):
        raise InvalidWeights("weights must be finite numbers (no nan or inf)")
    if any(v < 0 for v in values):
        raise InvalidWeights("weights must be non-negative")
    total = float(sum(values))
    if total <= 0:
        raise InvalidWeights("all weights are zero; give at least one positive weight")
    return [v / total for v in values]


def to_u16(values: Sequence[float]) -> list[int]:
    """Max-upscale to u16 as the chain stores them (largest = 65535), rounding half up."""
    top = max(values)
    return [int(v / top * U16_MAX + 0.5) for v in values]


def sdk_emit_form(uids: Sequence[int], weights: Sequence[float]) -> tuple[list[int], list[int]]:
    """btcli 9's and the SDK's conversion (`convert_weights_and_uids_for_emit`): max-upscale with Python's
    round (half to even) and zero values dropped with their uids. Only to reproduce the hash of a commit made by
    those tools; taocli's own commits use `prepare` (zeros kept, half up)."""
    top = max(weights) if weights else 0
    if top <= 0:
        return [], []
    pairs = [(u, round(float(w) / float(top) * U16_MAX)) for u, w in zip(uids, weights, strict=True)]
    return [u for u, v in pairs if v], [v for _, v in pairs if v]


def prepare(uids: Sequence[int], weights: Sequence[float], limits: WeightLimits,
            own_uid: int | None = None) -> tuple[list[int], list[int]]:
    """Validate and convert: returns (dests, u16 weights) ready for the set_weights call."""
    if len(uids) != len(weights):
        raise InvalidWeights(f"{len(uids)} uids but {len(weights)} weights; give one weight per uid")
    if not uids:
        raise InvalidWeights("no weights given; pass --uids and --weights")
    if len(set(uids)) != len(uids):
        dup = sorted({u for u in uids if list(uids).count(u) > 1})
        raise InvalidWeights(f"uid {dup[0]} appears twice; give each uid once")
    what = "netuid" if limits.is_root else "uid"
    for uid in uids:
        if uid < 0 or uid > U16_MAX:
            raise InvalidWeights(f"{what} {uid} is out of range 0..65535")
        if not limits.is_root and uid >= limits.subnetwork_n:
            raise InvalidWeights(f"uid {uid} does not exist: the subnet has {limits.subnetwork_n} uids "
                                 f"(0..{limits.subnetwork_n - 1})")
    shares = normalize(weights)
    self_weight = own_uid is not None and len(uids) == 1 and uids[0] == own_uid and not limits.is_root
    if not self_weight and not limits.is_root:
        needed = min(limits.subnetwork_n, limits.min_allowed_weights)
        if len(uids) < needed:
            raise InvalidWeights(f"the subnet needs weights on at least {needed} uids, {len(uids)} given")
    if not self_weight and limits.max_weights_limit < U16_MAX:
        cap = limits.max_weights_limit / U16_MAX
        worst = max(range(len(shares)), key=lambda i: shares[i])
        if shares[worst] > cap + 1e-9:
            raise InvalidWeights(f"uid {uids[worst]} would get {shares[worst]:.2%} of the weight; this subnet "
                                 f"caps one uid at {cap:.2%} (max_weights_limit {limits.max_weights_limit}): "
                                 f"spread the weight over more uids")
    return list(uids), to_u16(shares)
