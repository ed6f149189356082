"""A coldkey's stake as a share of its hotkey's pool on a subnet (dtao-2025.md §2.2), exact per era.

Storage holds shares, not amounts: `Alpha[(hk, ck, netuid)]` and `TotalHotkeyShares[(hk, netuid)]`, over the
pool's alpha `TotalHotkeyAlpha[(hk, netuid)]`. Rewards raise TotalHotkeyAlpha only, so values grow silently;
always re-read rather than sum events. The runtime computes alpha-per-share first and floors, so a holder of
every share can be worth 1 RAO less than the pool (R218: 5e9 shares of a 7e9 pool are worth 6_999_999_999).
"""

from __future__ import annotations

from fractions import Fraction

from chain.dtao.fixedmath import Fx
from chain.runtime.fixed import I96F32, U64F64

_R218 = Fx(I96F32)
_U = Fx(U64F64)


def value_r218(total_alpha: int, total_shares: int, shares: int) -> int:
    """R218: floor((THA/THS in I96F32) · shares), shares and totals are u64 storage values."""
    if total_shares == 0 or total_alpha == 0 or shares == 0:
        return 0
    per_share = _R218.div(_R218.of(total_alpha), _R218.of(total_shares)) or 0
    return _R218.to_u64(_R218.smul(per_share, _R218.of(shares)))


def shares_for_stake_r218(total_alpha: int, total_shares: int, amount: int) -> int:
    """R218: shares issued for `amount` alpha staked: floor((amount/THA) · THS), or `amount` for a new pool."""
    if total_shares == 0:
        return amount
    increase = _R218.div(_R218.of(amount), _R218.of(total_alpha)) or 0
    return _R218.to_u64(_R218.mul(increase, _R218.of(total_shares)))


def value_u64f64(total_alpha: int, total_shares_bits: int, share_bits: int) -> int:
    """R233 (share-pool in U64F64): floor((THA / THS) · share); THS and the share are raw U64F64 storage bits."""
    per_share = _U.div(_U.of(total_alpha), total_shares_bits)
    if per_share is None:
        return 0
    return _U.to_u64(_U.smul(per_share, share_bits))


def safe_float(mantissa: int, exponent: int) -> Fraction:
    """HEAD's `SafeFloat` {mantissa u128, exponent i64} = m·10^e (AlphaV2 / TotalHotkeySharesV2, spec 397+)."""
    return Fraction(mantissa) * Fraction(10) ** exponent


def value_safefloat(total_alpha: int, denominator: tuple[int, int], share: tuple[int, int]) -> int:
    """Spec 397+: floor(THA · share / denominator) with SafeFloat shares (§P2.3), computed exactly. Read from
    source, not run: the runtime's own intermediate rounding is unverified, so a room should prefer the chain's
    StakeInfo and use this only where no API answers (e.g. listing nominators)."""
    den = safe_float(*denominator)
    if den == 0:
        return 0
    return (total_alpha * safe_float(*share) / den).__floor__()


def stake_weight_r218(alpha: int, root_tao: int, tao_weight: int) -> int:
    """R218's stake weight of a uid (SubnetState.total_stake, the epoch's stake input, §5): alpha + w·tao, where
    w = TaoWeight[netuid]/u64::MAX is taken in I96F32 and widened to I64F64 for the product, then floored."""
    w_raw32 = _R218.div(_R218.of(tao_weight), _R218.of((1 << 64) - 1)) or 0  # I96F32 raw
    w_raw64 = w_raw32 << 32  # the same value as I64F64
    return alpha + ((root_tao * w_raw64) >> 64)
