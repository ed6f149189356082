#!/usr/bin/env python3
"""Which library should carry a Synapse: msgspec Structs or pydantic models (the SDK's choice)?

One axon request costs a decode of the JSON body into a typed, validated message, the body hash over the
required fields (Python ``str()`` of each value) and an encode of the response. This times exactly that
round trip for the same small Echo-like message with both libraries, side by side in one run, and prints
the ratio. The SDK's own hot spot (rebuilding the JSON schema per ``to_headers``) is not included, so the
pydantic number here is the best pydantic can do, not what the SDK pays.

Usage: .venv/bin/python bench/synapse_codec.py [--n 20000]
"""

from __future__ import annotations

import argparse
import hashlib
import time
from typing import ClassVar

import msgspec
import pydantic

BODY = (
    b'{"name":"Echo","timeout":12.0,"total_size":0,"header_size":0,'
    b'"dendrite":{"status_code":null,"status_message":null,"process_time":null,"ip":"127.0.0.1","port":null,'
    b'"version":10005000,"nonce":1765151234123456789,"uuid":"3c1f1a9e-d3b1-11f0-8de9-0242ac120002",'
    b'"hotkey":"5GrwvaF2dpmhMv8f8YV4SZ7qw1WkTHy5ka4VUgDqjiXCNAyd","signature":"0x' + b"ab" * 64 + b'"},'
    b'"axon":{"status_code":null,"status_message":null,"process_time":null,"ip":"127.0.0.1","port":8091,'
    b'"version":null,"nonce":null,"uuid":null,"hotkey":"5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty",'
    b'"signature":null},"computed_body_hash":"","text":"hello world","values":[1.5,2.5,3.5],"reply":null}'
)


def _sha3(text: str) -> str:
    return hashlib.sha3_256(text.encode()).hexdigest()


class PTerminal(pydantic.BaseModel):
    status_code: int | None = None
    status_message: str | None = None
    process_time: float | None = None
    ip: str | None = None
    port: int | None = None
    version: int | None = None
    nonce: int | None = None
    uuid: str | None = None
    hotkey: str | None = None
    signature: str | None = None


class PEcho(pydantic.BaseModel):
    name: str | None = None
    timeout: float | None = 12.0
    total_size: int | None = 0
    header_size: int | None = 0
    dendrite: PTerminal | None = PTerminal()
    axon: PTerminal | None = PTerminal()
    computed_body_hash: str | None = ""
    text: str
    values: list[float] = []
    reply: str | None = None
    required_hash_fields: ClassVar[tuple[str, ...]] = ("text", "values")


class MTerminal(msgspec.Struct, kw_only=True):
    status_code: int | None = None
    status_message: str | None = None
    process_time: float | None = None
    ip: str | None = None
    port: int | None = None
    version: int | None = None
    nonce: int | None = None
    uuid: str | None = None
    hotkey: str | None = None
    signature: str | None = None


class MEcho(msgspec.Struct, kw_only=True):
    name: str | None = None
    timeout: float | None = 12.0
    total_size: int | None = 0
    header_size: int | None = 0
    dendrite: MTerminal | None = msgspec.field(default_factory=MTerminal)
    axon: MTerminal | None = msgspec.field(default_factory=MTerminal)
    computed_body_hash: str | None = ""
    text: str
    values: list[float] = msgspec.field(default_factory=list)
    reply: str | None = None
    required_hash_fields: ClassVar[tuple[str, ...]] = ("text", "values")


def pydantic_round_trip() -> bytes:
    syn = PEcho.model_validate_json(BODY)
    dumped = syn.model_dump()
    _sha3("".join(_sha3(str(dumped[f])) for f in PEcho.required_hash_fields))
    syn.reply = syn.text
    return syn.model_dump_json().encode()


_DECODER = msgspec.json.Decoder(MEcho)
_ENCODER = msgspec.json.Encoder()


def msgspec_round_trip() -> bytes:
    syn = _DECODER.decode(BODY)
    _sha3("".join(_sha3(str(getattr(syn, f))) for f in MEcho.required_hash_fields))
    syn.reply = syn.text
    return _ENCODER.encode(syn)


def per_call_us(fn, n: int) -> float:
    fn()
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - start) / n)
    return best * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000)
    args = parser.parse_args()
    assert msgspec.json.decode(msgspec_round_trip()) == msgspec.json.decode(pydantic_round_trip())
    p = per_call_us(pydantic_round_trip, args.n)
    m = per_call_us(msgspec_round_trip, args.n)
    print(f"pydantic {pydantic.VERSION}: {p:7.2f} us per decode+hash+encode")
    print(f"msgspec  {msgspec.__version__}: {m:7.2f} us per decode+hash+encode")
    print(f"msgspec is {p / m:.1f}x faster (shared machine: compare the ratio, not the absolute numbers)")


if __name__ == "__main__":
    main()
