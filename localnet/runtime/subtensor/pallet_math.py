"""Integer fixed-point arithmetic the pallet's calls need, outside Yuma consensus.

The 2024 pallet computes registration-cost adjustments, weight limits, delegate payouts and the
subnet-owner cut with `substrate-fixed` types. Floats drift by a few RAO from those results, so every
helper here emulates the exact fixed type the Rust code uses: a value `v` of a type with `F` fractional
bits is the Python int `v * 2**F`; multiplication floors `(a * b) >> F` and division is `(a << F) // b`
(all operands are non-negative, so floor equals Rust's truncation). These are pure functions of plain
ints so the unit tests can pin them to the spec's vectors (§12 T11, T13, T17, T19) without a chain.
"""

from __future__ import annotations

U16_MAX = 65_535
U64_MAX = (1 << 64) - 1


def _fx_mul(a: int, b: int, frac: int) -> int:
    """Product of two fixed values with `frac` fractional bits (floor, as substrate-fixed)."""
    return (a * b) >> frac


def _fx_div(a: int, b: int, frac: int) -> int:
    """Quotient of two fixed values with `frac` fractional bits (truncating, as substrate-fixed)."""
    return (a << frac) // b


# ---------------------------------------------------------------------------------------------------
# Weights (weights.rs, math.rs; I32F32)


def weights_within_limit(values: list[int], max_weight_limit: int) -> bool:
    """`check_vec_max_limited`: after normalising to sum 1, no weight exceeds limit/65535 (I32F32).

    This is the subnet's protection against a validator putting all its weight on one uid.
    """
    if not values:
        return True
    frac = 32
    limit = _fx_div(max_weight_limit << frac, U16_MAX << frac, frac)
    total = sum(v << frac for v in values)
    if total == 0:
        return max(values) << frac <= limit
    return max(_fx_div(v << frac, total, frac) for v in values) <= limit


# ---------------------------------------------------------------------------------------------------
# Registration terms (block_step.rs; I110F18)


def adjusted_term(current: int, registrations: int, target: int, alpha: int, minimum: int,
                  maximum: int) -> int:
    """Next Difficulty or Burn after an adjustment interval (`upgraded_difficulty`/`upgraded_burn`).

    The value moves towards `current * (regs + target) / (2 * target)` (up when more registrations came
    than targeted, down otherwise), smoothed by `alpha / u64::MAX` of the old value and clamped to
    [minimum, maximum]. A zero target divides by zero in the real runtime (a panic); here it keeps the
    current value so a misconfigured local chain does not halt.
    """
    if target == 0:
        return current
    frac = 18
    one = 1 << frac
    cur = current << frac
    updated = _fx_div(_fx_mul(cur, (registrations + target) << frac, frac), (2 * target) << frac, frac)
    alpha_fx = _fx_div(alpha << frac, U64_MAX << frac, frac)
    nxt = _fx_mul(alpha_fx, cur, frac) + _fx_mul(one - alpha_fx, updated, frac)
    if nxt >= maximum << frac:
        return maximum
    if nxt <= minimum << frac:
        return minimum
    return nxt >> frac


# ---------------------------------------------------------------------------------------------------
# Subnet lock cost (root.rs; plain u64 arithmetic)


def network_lock_cost(last_lock: int, min_lock: int, reduction_interval: int, last_registered: int,
                      block: int) -> int:
    """`get_network_lock_cost`: doubles after each registration and decays back linearly.

    `mult` is 1 while no network has ever been registered by a user (NetworkLastRegistered == 0), 2
    afterwards. The Rust code divides by the reduction interval unguarded (a panic for 0); here an
    interval of 0 means "no decay".
    """
    mult = 1 if last_registered == 0 else 2
    doubled = min(U64_MAX, last_lock * mult)
    per_block = last_lock // reduction_interval if reduction_interval else 0
    reduction = min(U64_MAX, per_block * max(0, block - last_registered))
    return max(min_lock, max(0, doubled - reduction))


# ---------------------------------------------------------------------------------------------------
# Emission payout (block_step.rs; I64F64 and I96F32)


def delegate_take(take: int, validator_emission: int) -> int:
    """`calculate_delegate_proportional_take`: the delegate's cut of its validator emission."""
    frac = 64
    proportion = _fx_div(take << frac, U16_MAX << frac, frac)
    return _fx_mul(proportion, validator_emission << frac, frac) >> frac


def stake_share(stake: int, total_stake: int, emission: int) -> int:
    """`calculate_stake_proportional_emission`: a nominator's share, proportional to its stake."""
    if total_stake == 0:
        return 0
    frac = 64
    proportion = _fx_div(stake << frac, total_stake << frac, frac)
    return _fx_mul(emission << frac, proportion, frac) >> frac


def owner_cut(emission: int, cut: int) -> tuple[int, int]:
    """Split one block's subnet emission into (owner's cut, remainder for the subnet), I96F32.

    The Rust code computes `cut = E * SubnetOwnerCut / 65535` as a fixed value, pays `floor(cut)` and
    keeps `floor(E - cut)` pending, so one RAO of rounding dust is lost when `cut` is fractional.
    """
    frac = 32
    cut_fx = _fx_div(_fx_mul(emission << frac, cut << frac, frac), U16_MAX << frac, frac)
    return cut_fx >> frac, max(0, (emission << frac) - cut_fx) >> frac


def blocks_until_next_epoch(netuid: int, tempo: int, block: int) -> int:
    """Blocks left before `netuid` runs its epoch (spec §7.4; 0 = it runs at `block`); 1000 when tempo is 0.

    A subnet's epoch runs where `(block + netuid + 1) % (tempo + 1) == tempo`, staggered by netuid.
    """
    if tempo == 0:
        return 1000
    return tempo - (block + netuid + 1) % (tempo + 1)
