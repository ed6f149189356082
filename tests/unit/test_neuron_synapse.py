"""Synapse layout and the SDK body hash (Python str() semantics), without any server."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import ClassVar

import msgspec
import pytest

import neuron._wire as _wire
from neuron.synapse import EMPTY_BODY_HASH, Synapse, TerminalInfo, decode, encode, normalised


def sha3(text: str) -> str:
    return hashlib.sha3_256(text.encode()).hexdigest()


class Inner(msgspec.Struct):
    a: int
    b: list[float]


class Mixed(Synapse):
    required_hash_fields: ClassVar[tuple[str, ...]] = ("values", "text", "mapping", "inner", "count")
    text: str
    values: list[float]
    mapping: dict[str, int] = {}  # noqa: RUF012 (msgspec copies an empty default per instance)
    inner: Inner | None = None
    count: int = 0
    reply: str | None = None


class Plain(Synapse):
    x: int = 0


def test_no_hashed_fields_is_sha3_of_empty_string() -> None:
    assert Plain().body_hash == EMPTY_BODY_HASH == sha3("")
    assert EMPTY_BODY_HASH.startswith("a7ffc6f8") and EMPTY_BODY_HASH.endswith("f8434a")


def test_body_hash_renders_values_the_python_way_in_declared_order() -> None:
    syn = Mixed(text="héllo", values=[1.5, 2.0, 1e-7], mapping={"k": 1}, inner=Inner(3, [0.5]), count=7)
    parts = ["[1.5, 2.0, 1e-07]", "héllo", "{'k': 1}", "{'a': 3, 'b': [0.5]}", "7"]
    assert syn.body_hash == sha3("".join(sha3(p) for p in parts))


def test_ints_given_for_floats_hash_as_a_pydantic_peer_parses_them() -> None:
    syn = Mixed(text="t", values=[1, 2])
    assert syn.body_hash != normalised(syn).body_hash
    assert normalised(syn).values == [1.0, 2.0]
    assert normalised(syn).body_hash == sha3("".join(sha3(p) for p in ["[1.0, 2.0]", "t", "{}", "None", "0"]))


def test_json_layout_is_the_sdk_model_dump() -> None:
    data = json.loads(encode(Mixed(text="t", values=[])))
    for field in ("name", "timeout", "total_size", "header_size", "dendrite", "axon", "computed_body_hash"):
        assert field in data
    assert data["name"] == "Mixed" and data["timeout"] == 12.0 and data["computed_body_hash"] == ""
    assert set(data["dendrite"]) == set(TerminalInfo.__struct_fields__)


def test_name_is_the_class_name_whatever_the_body_says() -> None:
    syn = decode(Plain, b'{"name": "Other", "x": 3, "unknown_field": 1}')
    assert syn.name == "Plain" and syn.x == 3


def test_decode_validates_types() -> None:
    with pytest.raises(msgspec.ValidationError):
        decode(Mixed, b'{"text": 5, "values": []}')
    with pytest.raises(msgspec.ValidationError):
        decode(Mixed, b'{"values": []}')  # required field missing


def test_required_fields_get_placeholder_headers() -> None:
    syn = Mixed(text="t", values=[1.0])
    headers = _wire.synapse_headers(syn, body_size=10)
    assert Mixed.required_fields() == ("text", "values")
    assert json.loads(base64.b64decode(headers["bt_header_input_obj_text"])) == ""
    assert json.loads(base64.b64decode(headers["bt_header_input_obj_values"])) == []
    assert headers["name"] == "Mixed" and headers["timeout"] == "12.0"
    assert headers["computed_body_hash"] == syn.body_hash


def test_terminal_headers_round_trip_and_reject_bad_numbers() -> None:
    info = TerminalInfo(status_code=200, process_time=0.25, ip="1.2.3.4", port=9, nonce=10**18, hotkey="5X")
    headers: dict[str, str] = {}
    _wire.terminal_headers(_wire.AXON_PREFIX, info, headers)
    assert _wire.parse_terminal(headers, _wire.AXON_PREFIX) == info
    headers["bt_header_axon_nonce"] = "12abc"
    with pytest.raises(_wire.WireError, match="not a number"):
        _wire.parse_terminal(headers, _wire.AXON_PREFIX)


def test_header_text_cannot_inject_lines() -> None:
    headers: dict[str, str] = {}
    _wire.terminal_headers(_wire.AXON_PREFIX, TerminalInfo(status_message="bad\r\nset-cookie: x ☃"), headers)
    assert "\n" not in headers["bt_header_axon_status_message"]
    headers["bt_header_axon_status_message"].encode("latin-1")


@pytest.mark.parametrize("raw", ["0", "-1", "nan", "inf", "x"])
def test_timeout_header_must_be_a_positive_number(raw: str) -> None:
    with pytest.raises(_wire.WireError):
        _wire.parse_timeout({"timeout": raw}, 12.0)
