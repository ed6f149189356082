"""Hand parser for the fixed V4 extrinsic layout of this runtime (the node's hottest decode).

Layout: Compact<len> ‖ version (0x84 signed / 0x04 unsigned) ‖ [MultiAddress ‖ MultiSignature ‖ extra] ‖
call. `extra` is what the signed extensions carry in the body, in metadata order: CheckMortality (Era),
CheckNonce (Compact<u32>), ChargeTransactionPayment (Compact<u128> tip); the other extensions carry nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from localnet.scale.codec import ScaleDecodeError, decode_compact, encode_compact

SIG_ED25519, SIG_SR25519, SIG_ECDSA = 0, 1, 2
_SIG_LEN = {SIG_ED25519: 64, SIG_SR25519: 64, SIG_ECDSA: 65}

Era = tuple[int, int] | None  # (period, phase) for mortal, None for immortal


@dataclass(slots=True)
class Extrinsic:
    """A parsed extrinsic; byte fields are slices of the original encoding."""

    raw: bytes
    signed: bool
    call: bytes
    signer: bytes = b""
    sig_type: int = -1
    signature: bytes = b""
    era: Era = None
    extra: bytes = b""
    nonce: int = 0
    tip: int = 0


def decode_era(data: bytes, offset: int) -> tuple[Era, int]:
    """Decode `sp_runtime::generic::Era`: 0x00 immortal, else two bytes packing period and phase."""
    if offset >= len(data):
        raise ScaleDecodeError("truncated era")
    if data[offset] == 0:
        return None, offset + 1
    if offset + 2 > len(data):
        raise ScaleDecodeError("truncated mortal era")
    encoded = data[offset] | (data[offset + 1] << 8)
    period = 2 << (encoded % (1 << 4))
    quantize = max(period >> 12, 1)
    phase = (encoded >> 4) * quantize
    if period < 4 or phase >= period:
        raise ScaleDecodeError("invalid mortal era")
    return (period, phase), offset + 2


def encode_era(era: Era) -> bytes:
    """Inverse of decode_era for a (period, phase) already normalised as Substrate does."""
    if era is None:
        return b"\x00"
    period, phase = era
    quantize = max(period >> 12, 1)
    encoded = min(15, max(1, period.bit_length() - 2)) | ((phase // quantize) << 4)
    return encoded.to_bytes(2, "little")


def mortal_era(period: int, current: int) -> tuple[int, int]:
    """Substrate's `Era::mortal(period, current)`: round period to a power of two in [4, 65536]."""
    period = max(4, min(1 << 16, 1 << max(0, (period - 1).bit_length())))
    phase = current % period
    quantize = max(period >> 12, 1)
    return period, phase // quantize * quantize


def era_birth(era: tuple[int, int], current: int) -> int:
    """First block of the era window containing `current` (Substrate `Era::birth`)."""
    period, phase = era
    return (max(current, phase) - phase) // period * period + phase


def parse_extrinsic(raw: bytes) -> Extrinsic:
    """Parse a length-prefixed V4 extrinsic; raises ScaleDecodeError on any structural problem."""
    length, o = decode_compact(raw, 0)
    if length != len(raw) - o:
        raise ScaleDecodeError("length prefix does not match the extrinsic size")
    if o >= len(raw):
        raise ScaleDecodeError("empty extrinsic")
    version = raw[o]
    o += 1
    if version == 0x04:
        if o >= len(raw):
            raise ScaleDecodeError("extrinsic has no call")
        return Extrinsic(raw, False, raw[o:])
    if version != 0x84:
        raise ScaleDecodeError(f"unsupported extrinsic version byte 0x{version:02x}")
    if o + 33 > len(raw) or raw[o] != 0:
        raise ScaleDecodeError("signer must be a MultiAddress::Id (32-byte account)")
    signer = raw[o + 1:o + 33]
    o += 33
    if o >= len(raw) or raw[o] not in _SIG_LEN:
        raise ScaleDecodeError("unknown signature type")
    sig_type = raw[o]
    end = o + 1 + _SIG_LEN[sig_type]
    if end > len(raw):
        raise ScaleDecodeError("truncated signature")
    signature = raw[o + 1:end]
    extra_start = end
    era, o = decode_era(raw, end)
    nonce, o = decode_compact(raw, o)
    tip, o = decode_compact(raw, o)
    if o >= len(raw):
        raise ScaleDecodeError("extrinsic has no call")
    return Extrinsic(raw, True, raw[o:], signer, sig_type, signature, era, raw[extra_start:o], nonce, tip)


def encode_unsigned(call: bytes) -> bytes:
    """An unsigned (inherent) V4 extrinsic around encoded call bytes."""
    body = b"\x04" + call
    return encode_compact(len(body)) + body


def encode_signed(signer: bytes, sig_type: int, signature: bytes, extra: bytes, call: bytes) -> bytes:
    """A signed V4 extrinsic from its parts (used by benches and tests that sign without scalecodec)."""
    body = b"\x84\x00" + signer + bytes((sig_type,)) + signature + extra + call
    return encode_compact(len(body)) + body


def encode_extra(era: Era, nonce: int, tip: int = 0) -> bytes:
    """The body part of the signed extensions: era, Compact nonce, Compact tip."""
    return encode_era(era) + encode_compact(nonce) + encode_compact(tip)
