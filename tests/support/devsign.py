"""Sign extrinsics by hand (no scalecodec): benches, genesis tooling and tests of invalid inputs.

The payload is built exactly as a Substrate client builds it (call ‖ era ‖ nonce ‖ tip ‖ spec_version ‖
tx_version ‖ genesis hash ‖ birth hash, blake2_256 when longer than 256 bytes); parameters let tests build
deliberately wrong variants (other genesis, other spec version) to check that the runtime rejects them.
"""

from __future__ import annotations

from collections.abc import Callable

from localnet.runtime.executive import SPEC_VERSION, TRANSACTION_VERSION
from localnet.scale.extrinsic import SIG_SR25519, Era, encode_extra, encode_signed
from localnet.scale.hashers import blake2_256

Signer = Callable[[bytes], bytes]


def signing_payload(call: bytes, extra: bytes, genesis_hash: bytes, birth_hash: bytes, *,
                    spec_version: int = SPEC_VERSION, tx_version: int = TRANSACTION_VERSION) -> bytes:
    """The bytes a signer signs for this runtime's signed extensions."""
    payload = (call + extra + spec_version.to_bytes(4, "little") + tx_version.to_bytes(4, "little")
               + genesis_hash + birth_hash)
    return blake2_256(payload) if len(payload) > 256 else payload


def sign_extrinsic(public_key: bytes, sign: Signer, call: bytes, *, nonce: int, genesis_hash: bytes,
                   era: Era = None, birth_hash: bytes | None = None, tip: int = 0, sig_type: int = SIG_SR25519,
                   spec_version: int = SPEC_VERSION, tx_version: int = TRANSACTION_VERSION) -> bytes:
    """A complete signed V4 extrinsic. For a mortal `era`, `birth_hash` is the hash of its birth block."""
    extra = encode_extra(era, nonce, tip)
    birth = genesis_hash if era is None else birth_hash
    if birth is None:
        raise ValueError("a mortal era needs the hash of its birth block")
    payload = signing_payload(call, extra, genesis_hash, birth, spec_version=spec_version, tx_version=tx_version)
    return encode_signed(public_key, sig_type, sign(payload), extra, call)
