"""Root-network epoch (spec §10.2): how root validators' weights split block emission between subnets.

Pure maths on Python ints in I64F64 (64 fractional bits), reproducing the runtime's `root_epoch` to the
last RAO, including `substrate_fixed::transcendental::exp` (a 62-term Taylor series with a floor after
every product and quotient, and its coarse I9F23 constant for exp(1)). Sizes are small (at most 64 root
validators and a few dozen subnets), so no vectorisation is needed; the pallet reads stakes and the
weight matrix from storage and writes `EmissionValues[netuid_j] = emission[j]`.
"""

from __future__ import annotations

from collections.abc import Sequence

from .fixed import kappa_fixed

F64 = 64
ONE64 = 1 << F64
I64F64_LIMIT = 1 << 127  # i128 raw bits
E_I9F23 = 22_802_600  # floor(e * 2^23): substrate-fixed's `E` constant, returned for exp(1)


class RootEpochError(ValueError):
    """The runtime returns Err here and leaves EmissionValues unchanged (spec §7.2)."""


def mul64(a: int, b: int) -> int:
    """I64F64 product, floored (arithmetic shift), with the i128 overflow check of `checked_mul`."""
    product = (a * b) >> F64
    if not -I64F64_LIMIT <= product < I64F64_LIMIT:
        raise OverflowError("I64F64 multiplication overflows")
    return product


def div64(a: int, b: int) -> int:
    """I64F64 quotient `(a << 64) / b`, truncated toward zero."""
    num = a << F64
    q = abs(num) // abs(b)
    return q if (num >= 0) == (b > 0) else -q


def exp64(x: int) -> int:
    """`substrate_fixed::transcendental::exp::<I64F64, I64F64>` on a raw I64F64 value.

    e^|x| = 1 + |x| + Σ_{i=2}^{63} term_i with term_i = floor(term_{i-1}·|x|) / i, each step floored and
    overflow-checked; a negative x returns 1 / e^|x|. x == 1 returns the I9F23 constant widened.
    """
    if x == 0:
        return ONE64
    if x == ONE64:
        return E_I9F23 << (F64 - 23)
    negative = x < 0
    x = abs(x)
    result = x + ONE64
    term = x
    for i in range(2, F64):
        term = mul64(term, x)
        term = div64(term, i << F64)
        result += term
        if result >= I64F64_LIMIT:
            raise OverflowError("exp overflows I64F64")
    return div64(ONE64, result) if negative else result


def normalize64(values: Sequence[int]) -> list[int]:
    """`inplace_normalize_64`: x / Σx in I64F64; an all-zero vector stays zero."""
    total = sum(values)
    if total == 0:
        return list(values)
    return [div64(v, total) for v in values]


def root_stake(stake: Sequence[int]) -> list[int]:
    """S_i = stake_i / Σ stake (I64F64)."""
    return normalize64([s << F64 for s in stake])


def root_ranks(stake: Sequence[int], weights: Sequence[Sequence[int]], k: int) -> list[int]:
    """R_j = Σ_i S_i · W_ij with W the raw stored u16 root weights (an integer, so the product is exact)."""
    ranks = [0] * k
    for s, row in zip(stake, weights, strict=True):
        for j in range(k):
            ranks[j] += mul64(s, row[j] << F64)
    return ranks


def root_trust(stake: Sequence[int], weights: Sequence[Sequence[int]], k: int) -> list[int]:
    """T_j = (stake of validators with W_ij > 0) / total stake."""
    trust = [0] * k
    total = 0
    for s, row in zip(stake, weights, strict=True):
        total += s
        for j in range(k):
            if row[j] > 0:
                trust[j] += s
    if total == 0:
        raise RootEpochError("No stake on network")
    return [div64(t, total) for t in trust]


def root_consensus(trust: Sequence[int], rho: int, kappa: int) -> list[int]:
    """C_j = 1 / (1 + exp(-rho · (T_j - kappa))), kappa = I32F32(κ)/I32F32(65535) widened to I64F64."""
    kappa64 = kappa_fixed(kappa) << 32
    consensus = []
    for t in trust:
        temperatured = mul64(t - kappa64, rho << F64)
        consensus.append(div64(ONE64, ONE64 + exp64(-temperatured)))
    return consensus


def root_epoch(stake: Sequence[int], weights: Sequence[Sequence[int]], *, rho: int, kappa: int,
               block_emission: int) -> list[int]:
    """EmissionValues for the subnets in NetworksAdded order (spec §10.2).

    `stake`: TotalHotkeyStake of each root uid (uid order); `weights`: for each root uid, its raw u16
    weight on the subnet at each position of the subnet list (0 where none). Raises RootEpochError where
    the runtime returns Err (no validators, no subnets, no stake) and OverflowError where it panics.
    """
    n = len(stake)
    if n == 0:
        raise RootEpochError("No validators to validate emission values.")
    if len(weights) != n:
        raise RootEpochError(f"weights has {len(weights)} rows, expected one per root validator ({n})")
    k = len(weights[0])
    if k == 0:
        raise RootEpochError("No networks to validate emission values.")
    if any(len(row) != k for row in weights):
        raise RootEpochError("every weight row needs one entry per subnet")
    s = root_stake(stake)
    ranks = root_ranks(s, weights, k)
    consensus = root_consensus(root_trust(s, weights, k), rho, kappa)
    shares = normalize64([mul64(c, r) for c, r in zip(consensus, ranks, strict=True)])
    return [(share * block_emission) >> F64 for share in shares]


def root_emission_values(*, stake: Sequence[int], weights: Sequence[Sequence[int]], netuids: Sequence[int],
                         rho: int, kappa: int, block_emission: int) -> list[int]:
    """The block step's entry point: EmissionValues for `netuids`, or [] when nothing may change.

    [] covers the runtime's Err returns (no validators, no subnets, no stake) and also the case where its
    `exp(...).expect(...)` would panic (rho·|T−κ| too large for I64F64): a local chain keeps producing
    blocks with the previous EmissionValues instead of halting.
    """
    if any(len(row) != len(netuids) for row in weights):
        return []
    try:
        return root_epoch(stake, weights, rho=rho, kappa=kappa, block_emission=block_emission)
    except (RootEpochError, OverflowError):
        return []
