"""Signed-extension checks for one extrinsic, in the metadata's order.

CheckNonZeroSender, CheckSpecVersion, CheckTxVersion, CheckGenesis and CheckMortality together define the
signing payload (call ‖ extra ‖ spec_version ‖ tx_version ‖ genesis hash ‖ era birth hash, hashed with
blake2_256 when longer than 256 bytes), so a wrong spec/tx version or genesis hash shows up as a bad
signature, exactly as on a Substrate chain. CheckNonce decides stale/future, ChargeTransactionPayment
whether the fee can be paid. Any malformed input ends as a TransactionError, never another exception.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ed25519_zebra
import sr25519

from localnet.runtime import balances, system, transaction_payment
from localnet.runtime.context import Call
from localnet.runtime.errors import (
    ANCIENT_BIRTH,
    BAD_PROOF,
    BAD_SIGNER,
    CALL,
    EXHAUSTS,
    FUTURE,
    NO_UNSIGNED,
    PAYMENT,
    STALE,
    UNKNOWN,
    TransactionError,
    invalid,
)
from localnet.runtime.pallets import PALLETS, decode_call
from localnet.runtime.state import StateReader
from localnet.scale.codec import ScaleDecodeError
from localnet.scale.extrinsic import SIG_ED25519, SIG_SR25519, Extrinsic, era_birth, parse_extrinsic
from localnet.scale.hashers import blake2_256

IMMORTAL_LONGEVITY = (1 << 64) - 1
# CheckWeight: the Normal class gets 75% of a 2 s (ref_time) / 5 MiB block, as in the 2024 runtime.
MAX_NORMAL_WEIGHT = 2_000_000_000_000 * 3 // 4
MAX_NORMAL_LENGTH = 5 * 1024 * 1024 * 3 // 4
ZERO_ACCOUNT = bytes(32)
U64_MAX = (1 << 64) - 1
# Signed extensions that apply to every call, in pallet-index order (the runtime's extension tuple).
EXTENSIONS = [fn for p in PALLETS for fn in p.extensions]


def _priority_and_longevity(result: Any) -> tuple[int, int | None]:
    """A validator's answer: a priority, a (priority, longevity) pair, or None (no opinion)."""
    if isinstance(result, tuple):
        priority, longevity = result
        return int(priority or 0), None if longevity is None else int(longevity)
    return int(result or 0), None


@dataclass
class ValidTransaction:
    """What the pool needs to order and replace transactions (Substrate's ValidTransaction + sender)."""

    sender: bytes
    nonce: int
    priority: int
    longevity: int
    provides: list[bytes]
    requires: list[bytes]
    hash: bytes
    fee: int = 0
    call: str = ""
    parsed: Extrinsic | None = field(default=None, repr=False)


@dataclass(slots=True)
class Checked:
    """An extrinsic that passed every check, ready to apply."""

    xt: Extrinsic
    call: Call
    weight: int
    fee: int
    pays: bool


def nonce_tag(who: bytes, nonce: int) -> bytes:
    """Substrate's `(AccountId, Nonce).encode()` tag used by provides/requires."""
    return who + nonce.to_bytes(4, "little")


def verify_signature(sig_type: int, signature: bytes, message: bytes, signer: bytes) -> bool:
    """sr25519 or ed25519 verification; malformed signature bytes count as a bad signature."""
    try:
        if sig_type == SIG_SR25519:
            return bool(sr25519.verify(signature, message, signer))
        if sig_type == SIG_ED25519:
            return bool(ed25519_zebra.ed_verify(signature, message, signer))
    except (ValueError, TypeError, OverflowError):
        return False
    return False  # ECDSA is not accepted by this chain's AccountId32 lookup


class Checker:
    """Checks extrinsics against one chain identity (spec/tx version and genesis hash)."""

    def __init__(self, spec_version: int, tx_version: int) -> None:
        self.versions = spec_version.to_bytes(4, "little") + tx_version.to_bytes(4, "little")

    def parse(self, raw: bytes) -> tuple[Extrinsic, Call]:
        """Parse envelope and call; malformed bytes become 1010 errors."""
        try:
            xt = parse_extrinsic(raw)
        except ScaleDecodeError as exc:
            raise invalid(f"Could not decode extrinsic: {exc}") from None
        try:
            call, end = decode_call(xt.call, 0)
        except (ScaleDecodeError, ValueError, KeyError, TypeError) as exc:
            raise invalid(f"{CALL}: {exc}") from None
        if end != len(xt.call):
            raise invalid(f"{CALL}: {len(xt.call) - end} trailing bytes after the call")
        return xt, call

    def _payload(self, xt: Extrinsic, genesis_hash: bytes, birth_hash: bytes) -> bytes:
        payload = xt.call + xt.extra + self.versions + genesis_hash + birth_hash
        return blake2_256(payload) if len(payload) > 256 else payload

    def check(self, state: StateReader, raw: bytes, *, current: int, block_hash: Callable[[int], bytes | None],
              genesis_hash: bytes, exact_nonce: bool = False) -> tuple[Checked, ValidTransaction]:
        """Run every check for inclusion in block `current` (= best + 1 when validating for the pool)."""
        xt, call = self.parse(raw)
        if not xt.signed:
            if call.call.dispatch_class == "Mandatory":
                raise invalid(f"{CALL}: inherents are made by the block author")
            raise TransactionError(UNKNOWN, NO_UNSIGNED)
        who = xt.signer
        if who == ZERO_ACCOUNT:
            raise invalid(BAD_SIGNER)
        if call.call.dispatch_class == "Mandatory":
            raise invalid(f"{CALL}: {call.name} is an inherent and cannot be signed")
        # CheckMortality: the era's birth block must be known; its hash is part of the payload.
        if xt.era is None:
            birth_hash, longevity = genesis_hash, IMMORTAL_LONGEVITY
        else:
            birth = era_birth(xt.era, current)
            found = block_hash(birth) if birth < current else None
            if found is None:
                raise invalid(ANCIENT_BIRTH)
            birth_hash, longevity = found, birth + xt.era[0] - current
        if not verify_signature(xt.sig_type, xt.signature, self._payload(xt, genesis_hash, birth_hash), who):
            raise invalid(self._why_bad(xt, current, block_hash, genesis_hash))
        # CheckNonce
        expected = system.account_nonce(state, who)
        if xt.nonce < expected or (exact_nonce and xt.nonce != expected):
            raise invalid(STALE if xt.nonce < expected else FUTURE)
        # CheckWeight
        weight = call.weight()
        if len(raw) > MAX_NORMAL_LENGTH or (weight > MAX_NORMAL_WEIGHT and call.call.dispatch_class == "Normal"):
            raise invalid(EXHAUSTS)
        # ChargeTransactionPayment
        pays = call.call.pays
        fee = transaction_payment.compute_fee(len(raw), weight, xt.tip, pays)
        if fee and not balances.can_withdraw(state, who, fee, keep_alive=True):
            raise invalid(PAYMENT)
        # SubtensorSignedExtension & co: runtime-wide extensions, then the call's own pallet's validators.
        priority = xt.tip
        for validator in [*EXTENSIONS, *call.call.pallet.validators]:
            extra, valid_for = _priority_and_longevity(validator(state, who, call))
            priority = min(priority + extra, U64_MAX)
            if valid_for is not None:
                longevity = min(longevity, valid_for)
        requires = [nonce_tag(who, xt.nonce - 1)] if xt.nonce > expected else []
        valid = ValidTransaction(who, xt.nonce, priority, longevity, [nonce_tag(who, xt.nonce)], requires,
                                 blake2_256(raw), fee, call.name, xt)
        return Checked(xt, call, weight, fee, pays), valid

    def _why_bad(self, xt: Extrinsic, current: int, block_hash: Callable[[int], bytes | None],
                 genesis_hash: bytes) -> str:
        """A failed signature over a mortal era that verifies for an earlier era window has expired."""
        if xt.era is not None:
            period = xt.era[0]
            birth = era_birth(xt.era, current) - period
            while birth >= 0 and current - birth <= 4 * period:
                old = block_hash(birth)
                if old is not None and verify_signature(xt.sig_type, xt.signature,
                                                        self._payload(xt, genesis_hash, old), xt.signer):
                    return STALE
                birth -= period
        return BAD_PROOF
