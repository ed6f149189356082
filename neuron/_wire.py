"""The SDK's header scheme: what a request and a response carry besides the JSON body, and what is signed.

Wire facts (shared/spec/neuron-protocol.md §D): header names are lower-case ASCII; ``bt_header_dendrite_*``
and ``bt_header_axon_*`` carry the two TerminalInfos as text; ``bt_header_input_obj_<field>`` is base64 JSON
of an empty value of each required field (a placeholder the SDK's header-only parse needs); the dendrite signs
``"{nonce}.{dendrite_hotkey}.{axon_hotkey}.{uuid}.{computed_body_hash}"``; the axon signs
``"{axon_nonce}.{dendrite_hotkey}.{axon_hotkey}.{axon_uuid}"``.

What taocli adds between its own peers, invisible to the SDK (it ignores unknown headers):
- a dendrite uuid that starts with ``UUID_PREFIX``; the uuid is inside the SDK signature, so the marker
  cannot be stripped, and an axon that sees it requires the extended signature below (no downgrade);
- ``taocli_body_sha3`` (sha3 of the raw body) and ``taocli_signature`` over the SDK message plus the
  ``timeout`` and ``name`` header text and that digest: every body byte and the timeout are signed;
- on responses, ``taocli_signature`` over the SDK response message plus the request nonce, the status
  and the sha3 of the response body, so a dendrite can tie an answer to its own question.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from neuron.synapse import Synapse, TerminalInfo, sha3_hex

WIRE_VERSION = 10_005_000  # the SDK wire we speak (10.5.0); >= 7_002_000 selects the SDK's time-based nonces
MODERN_NONCE_VERSION = 7_002_000
UUID_PREFIX = "taocli-"
EXT_SIGNATURE = "taocli_signature"
EXT_BODY_SHA3 = "taocli_body_sha3"
DENDRITE_PREFIX = "bt_header_dendrite_"
AXON_PREFIX = "bt_header_axon_"
INPUT_PREFIX = "bt_header_input_obj_"

_INT_FIELDS = {"status_code", "port", "version", "nonce"}
_TERMINAL_FIELDS = tuple(TerminalInfo.__struct_fields__)


class WireError(ValueError):
    """A header that cannot be read (a 400)."""


def request_message(nonce: int, dendrite_hotkey: str, axon_hotkey: str, uuid: str, body_hash: str) -> str:
    return f"{nonce}.{dendrite_hotkey}.{axon_hotkey}.{uuid}.{body_hash}"


def extended_request_message(base: str, timeout_text: str, name: str, body_sha3: str) -> str:
    return f"{base}.{timeout_text}.{name}.{body_sha3}"


def response_message(axon_nonce: int, dendrite_hotkey: str, axon_hotkey: str, axon_uuid: str) -> str:
    return f"{axon_nonce}.{dendrite_hotkey}.{axon_hotkey}.{axon_uuid}"


def extended_response_message(base: str, dendrite_nonce: int | None, status: int, body: bytes) -> str:
    return f"{base}.{dendrite_nonce}.{status}.{sha3_hex(body)}"


def _text(value: Any) -> str:
    # Header values must stay on one line of latin-1: a status message is free text from a handler.
    text = value if type(value) is str else str(value)
    if text.isascii() and text.isprintable():
        return text
    text = text.replace("\r", " ").replace("\n", " ")
    return text.encode("latin-1", "replace").decode("latin-1")


def terminal_headers(prefix: str, info: TerminalInfo | None, out: dict[str, str]) -> None:
    """Add ``info``'s non-None fields as ``prefix+field`` headers (the SDK's ``to_headers``)."""
    if info is None:
        return
    for field in _TERMINAL_FIELDS:
        value = getattr(info, field)
        if value is not None:
            out[prefix + field] = _text(value)


_placeholders: dict[tuple[type, str], str] = {}


def input_placeholders(synapse: Synapse, out: dict[str, str]) -> None:
    """``bt_header_input_obj_<field>`` for each required field: base64 JSON of an empty value of its type."""
    cls = type(synapse)
    for field in cls.required_fields():
        key = (cls, field)
        text = _placeholders.get(key)
        if text is None:
            value = getattr(synapse, field)
            try:
                empty = type(value)()
                text = base64.b64encode(json.dumps(empty).encode()).decode()
            except (TypeError, ValueError):
                text = ""
            _placeholders[key] = text
        if text:
            out[INPUT_PREFIX + field] = text


def synapse_headers(synapse: Synapse, *, body_size: int) -> dict[str, str]:
    """The SDK's header set for ``synapse`` (name, timeout, both terminals, sizes, body hash)."""
    out: dict[str, str] = {"name": _text(synapse.name), "timeout": _text(synapse.timeout)}
    terminal_headers(AXON_PREFIX, synapse.axon, out)
    terminal_headers(DENDRITE_PREFIX, synapse.dendrite, out)
    input_placeholders(synapse, out)
    # Informational only in the SDK (never checked): a cheap honest size instead of sys.getsizeof.
    out["header_size"] = str(sum(len(k) + len(v) for k, v in out.items()))
    out["total_size"] = str(body_size)
    out["computed_body_hash"] = synapse.computed_body_hash or synapse.body_hash
    return out


def parse_terminal(headers: dict[str, str], prefix: str) -> TerminalInfo:
    """The TerminalInfo carried by ``prefix`` headers; raises WireError for a non-numeric number."""
    values: dict[str, Any] = {}
    for field in _TERMINAL_FIELDS:
        raw = headers.get(prefix + field)
        if raw is None:
            continue
        try:
            if field in _INT_FIELDS:
                values[field] = int(raw)
            elif field == "process_time":
                values[field] = float(raw)
            else:
                values[field] = raw
        except ValueError:
            raise WireError(f"header {prefix + field} is not a number: {raw[:40]!r}") from None
    return TerminalInfo(**values)


def parse_timeout(headers: dict[str, str], default: float) -> float:
    raw = headers.get("timeout")
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise WireError(f"header timeout is not a number: {raw[:40]!r}") from None
    if not value > 0 or value != value or value == float("inf"):
        raise WireError(f"header timeout must be a positive number of seconds, not {raw[:40]!r}")
    return value
