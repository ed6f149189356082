"""TransactionPayment (index 6): the 2024 subtensor fee model and the fee events.

fee = base_fee + length_fee + weight_fee (+ tip), where weight-to-fee is LinearWeightToFee with a
coefficient of 1 part per billion (ref_time × 1e-9 RAO, Perbill rounding), the length fee is 1 RAO per
encoded byte, the fee multiplier stays 1 and calls declared `Pays::No` pay only the tip. Fees are
withdrawn (keeping the existential deposit) before dispatch and burned.
"""

from __future__ import annotations

from localnet.runtime.framework import Pallet

pallet = Pallet("TransactionPayment", index=6, crate="pallet_transaction_payment")

NextFeeMultiplier = pallet.value("NextFeeMultiplier", "u128", default=10**18)

TransactionFeePaid = pallet.event("TransactionFeePaid", [("who", "AccountId"), ("actual_fee", "u64"),
                                                         ("tip", "u64")])

OPERATIONAL_FEE_MULTIPLIER = 1
TRANSACTION_BYTE_FEE = 1
EXTRINSIC_BASE_WEIGHT = 125_000_000
pallet.constant("OperationalFeeMultiplier", "u8", OPERATIONAL_FEE_MULTIPLIER)


def weight_to_fee(ref_time: int) -> int:
    """LinearWeightToFee with coeff_frac = Perbill(1): ref_time / 1e9, rounded to nearest (ties down)."""
    q, r = divmod(ref_time, 1_000_000_000)
    return q + (1 if r > 500_000_000 else 0)


def fee_details(length: int, weight: int, tip: int, pays: bool) -> dict[str, int] | None:
    """The inclusion fee parts (None when the call does not pay)."""
    if not pays:
        return None
    return {"base_fee": weight_to_fee(EXTRINSIC_BASE_WEIGHT), "len_fee": TRANSACTION_BYTE_FEE * length,
            "adjusted_weight_fee": weight_to_fee(weight)}


def compute_fee(length: int, weight: int, tip: int, pays: bool) -> int:
    """Total fee withdrawn for an extrinsic of `length` bytes whose call weighs `weight` ref_time."""
    parts = fee_details(length, weight, tip, pays)
    return tip + (sum(parts.values()) if parts else 0)
