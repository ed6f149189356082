"""SCALE primitives, hashers, compiled codecs and the V4 extrinsic parser, checked against scalecodec."""

from __future__ import annotations

import random

import pytest
from scalecodec.base import RuntimeConfigurationObject
from scalecodec.type_registry import load_type_registry_preset
from substrateinterface.utils.hasher import blake2_128_concat, two_x64_concat, xxh128

from localnet.runtime.core_types import CODECS
from localnet.scale.codec import (
    ScaleDecodeError,
    decode_bytes,
    decode_compact,
    decode_text,
    encode_bytes,
    encode_compact,
    encode_text,
)
from localnet.scale.extrinsic import decode_era, encode_era, era_birth, mortal_era, parse_extrinsic
from localnet.scale.hashers import HASHERS, twox64_concat, twox128
from localnet.scale.hashers import blake2_128_concat as our_b2c

RC = RuntimeConfigurationObject()
RC.update_type_registry(load_type_registry_preset("core"))


def scalecodec_encode(type_string: str, value: object) -> bytes:
    return bytes(RC.create_scale_object(type_string).encode(value).data)


@pytest.mark.parametrize("value", [0, 1, 63, 64, 16383, 16384, 2**30 - 1, 2**30, 2**32, 2**64 - 1, 2**128 - 1])
def test_compact_matches_scalecodec(value: int) -> None:
    enc = encode_compact(value)
    assert enc == scalecodec_encode("Compact<u128>", value)
    assert decode_compact(enc + b"rest", 0) == (value, len(enc))


def test_compact_truncated_and_negative() -> None:
    for bad in (b"", b"\x01", b"\x02\x00", b"\x03\x00\x00"):
        with pytest.raises(ScaleDecodeError):
            decode_compact(bad, 0)
    with pytest.raises(ValueError):
        encode_compact(-1)


def test_bytes_and_text_roundtrip() -> None:
    assert encode_bytes(b"abc") == scalecodec_encode("Bytes", "0x616263")
    assert decode_bytes(encode_bytes(b"x" * 300)) == (b"x" * 300, 302)
    assert decode_text(encode_text("τao")) == ("τao", len(encode_text("τao")))
    with pytest.raises(ScaleDecodeError):
        decode_bytes(b"\x10ab")
    with pytest.raises(ScaleDecodeError):
        decode_text(encode_bytes(b"\xff\xfe"))


def test_hashers_match_substrate_interface() -> None:
    rng = random.Random(7)
    for _ in range(20):
        data = bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 80)))
        assert our_b2c(data).hex() == blake2_128_concat(data).hex()
        assert twox64_concat(data).hex() == two_x64_concat(data).hex()
        assert twox128(data).hex() == xxh128(data).hex()
    assert twox128(b"System").hex() == "26aa394eea5630e07c48ae0c9558cef7"
    assert HASHERS["Identity"][0](b"k") == b"k"
    assert len(HASHERS["Twox256"][0](b"k")) == 32 and len(HASHERS["Blake2_256"][0](b"k")) == 32


def test_compiled_codecs_match_scalecodec() -> None:
    cases = [("u16", 65535), ("u64", 2**64 - 1), ("i32", -5), ("bool", True), ("Vec<u16>", [1, 2, 3]),
             ("(u16, u64)", (7, 9)), ("Option<u32>", 5), ("Option<u32>", None), ("Compact<u64>", 10**12)]
    for ty, value in cases:
        codec = CODECS.codec(ty)
        enc = codec.encode(value)
        assert enc == scalecodec_encode(ty, value), ty
        assert codec.decode_all(enc) == value


def test_struct_codecs_and_trailing_bytes() -> None:
    info = {"nonce": 3, "consumers": 0, "providers": 1, "sufficients": 0,
            "data": {"free": 10**15, "reserved": 1, "frozen": 2, "flags": 2**127}}
    codec = CODECS.codec("AccountInfo")
    enc = codec.encode(info)
    assert len(enc) == 4 * 4 + 3 * 8 + 16 and codec.decode_all(enc) == info
    with pytest.raises(ScaleDecodeError):
        codec.decode_all(enc + b"\x00")
    with pytest.raises(ScaleDecodeError):
        codec.decode_all(enc[:-1])
    err = CODECS.codec("DispatchError")
    value = {"Module": {"index": 5, "error": b"\x02\x00\x00\x00"}}
    assert err.decode_all(err.encode(value)) == value
    assert err.encode("BadOrigin") == b"\x02"
    with pytest.raises(ValueError):
        err.encode("NoSuchVariant")


def test_era_matches_scalecodec_and_birth_rule() -> None:
    for period, current in [(4, 3), (64, 1000), (128, 77), (4096, 5), (65536, 999_999)]:
        era = mortal_era(period, current)
        enc = encode_era(era)
        obj = RC.create_scale_object("Era")
        assert enc == bytes(obj.encode({"period": period, "current": current}).data)
        assert decode_era(enc, 0) == (era, 2)
        birth = era_birth(era, current)
        assert birth <= current < birth + era[0]
        assert birth == obj.birth(current)
    assert decode_era(b"\x00", 0) == (None, 1)


def test_parse_extrinsic_rejects_malformed() -> None:
    for bad in (b"", b"\x04\x84", encode_compact(2) + b"\x05\x00", encode_compact(3) + b"\x84\x01\x00",
                encode_compact(1) + b"\x04"):
        with pytest.raises(ScaleDecodeError):
            parse_extrinsic(bad)
    unsigned = parse_extrinsic(encode_compact(3) + b"\x04\x02\x00")
    assert not unsigned.signed and unsigned.call == b"\x02\x00"
