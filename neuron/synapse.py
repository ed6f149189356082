"""Synapse: the typed message a dendrite sends and an axon answers, in the SDK's JSON layout.

Why msgspec and not pydantic (the SDK's choice): ``bench/synapse_codec.py`` times the axon's per-request
work (decode + validate the body, body hash, encode the answer) at ~2.4x less with msgspec Structs, and
msgspec imports in a few ms where pydantic costs ~100 ms. The JSON layout is the SDK's ``model_dump()``:
``name, timeout, total_size, header_size, dendrite, axon, computed_body_hash`` plus the subclass's fields,
so either side can parse the other's bodies.

A subclass declares its fields as plain annotations::

    class Echo(Synapse):
        required_hash_fields: ClassVar[tuple[str, ...]] = ("text",)
        text: str
        reply: str | None = None

The body hash is a reimplementation hazard: the SDK renders each hashed field with Python ``str()`` of its
``model_dump()`` value, so nested messages must render as dicts, not as Struct reprs (see ``_dump_value``).
"""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

import msgspec

EMPTY_BODY_HASH = hashlib.sha3_256(b"").hexdigest()


def sha3_hex(text: str | bytes) -> str:
    """sha3-256 hex digest, the SDK's ``get_hash``."""
    return hashlib.sha3_256(text.encode() if isinstance(text, str) else text).hexdigest()


class TerminalInfo(msgspec.Struct, kw_only=True):
    """One end of a call (the dendrite or the axon), as the SDK's TerminalInfo."""

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


# The fields every synapse carries (the SDK base model's), in its model_dump order.
BASE_FIELDS = ("name", "timeout", "total_size", "header_size", "dendrite", "axon", "computed_body_hash")


class Synapse(msgspec.Struct, kw_only=True):
    """Base of every request/response message; subclasses add their own fields."""

    required_hash_fields: ClassVar[tuple[str, ...]] = ()

    name: str | None = None
    timeout: float | None = 12.0
    total_size: int | None = 0
    header_size: int | None = 0
    dendrite: TerminalInfo | None = msgspec.field(default_factory=TerminalInfo)
    axon: TerminalInfo | None = msgspec.field(default_factory=TerminalInfo)
    computed_body_hash: str | None = ""

    def __post_init__(self) -> None:
        # The route and the `name` field are the class name, whatever a peer put there (as the SDK does).
        self.name = type(self).__name__

    # ----- what subclasses may override -------------------------------------------------------------------
    def deserialize(self) -> Any:
        """The useful part of a response (the SDK's hook); by default the synapse itself."""
        return self

    # ----- status shortcuts, as the SDK's ---------------------------------------------------------------
    @property
    def status_code(self) -> int | None:
        return self.dendrite.status_code if self.dendrite is not None else None

    @property
    def status_message(self) -> str | None:
        return self.dendrite.status_message if self.dendrite is not None else None

    @property
    def process_time(self) -> float | None:
        return self.dendrite.process_time if self.dendrite is not None else None

    @property
    def is_success(self) -> bool:
        return self.status_code == 200

    @property
    def is_failure(self) -> bool:
        return self.status_code != 200

    @property
    def is_timeout(self) -> bool:
        return self.status_code == 408

    @property
    def is_blacklist(self) -> bool:
        return self.status_code == 403

    @property
    def failed_verification(self) -> bool:
        return self.status_code == 401

    # ----- the wire ----------------------------------------------------------------------------------------
    @property
    def body_hash(self) -> str:
        """The SDK's ``computed_body_hash``: sha3 of the concatenated sha3 of ``str()`` of each hashed field."""
        return self._hash_of(type(self).required_hash_fields)

    def body_hash_in_field_order(self) -> str:
        """The hash as SDK 6.x computes it: the hashed fields in declaration order, not the tuple's order."""
        hashed = set(type(self).required_hash_fields)
        return self._hash_of(tuple(f for f in type(self).__struct_fields__ if f in hashed))

    def _hash_of(self, fields: tuple[str, ...]) -> str:
        if not fields:
            return EMPTY_BODY_HASH
        return sha3_hex("".join(sha3_hex(str(_dump_value(getattr(self, f)))) for f in fields))

    @classmethod
    def own_fields(cls) -> tuple[str, ...]:
        """The subclass's own fields (everything but the base envelope)."""
        return tuple(f for f in cls.__struct_fields__ if f not in BASE_FIELDS)

    @classmethod
    def required_fields(cls) -> tuple[str, ...]:
        """Fields without a default: the SDK sends a placeholder header for each (``bt_header_input_obj_*``)."""
        names = cls.__struct_fields__
        defaults = cls.__struct_defaults__
        return tuple(names[: len(names) - len(defaults)]) if len(defaults) < len(names) else ()

    def copy(self) -> Synapse:
        return msgspec.structs.replace(self)


def _dump_value(value: Any) -> Any:
    """``value`` as pydantic's ``model_dump()`` would hold it, so ``str()`` renders the SDK's text."""
    if value is None or isinstance(value, str | int | float | bool | bytes):
        return value
    if isinstance(value, msgspec.Struct):
        return {f: _dump_value(getattr(value, f)) for f in value.__struct_fields__}
    if isinstance(value, list):
        return [_dump_value(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_dump_value(v) for v in value)
    if isinstance(value, dict):
        return {k: _dump_value(v) for k, v in value.items()}
    return value


_decoders: dict[type, msgspec.json.Decoder] = {}
_encoder = msgspec.json.Encoder()


def decode(cls: type[Synapse], body: bytes) -> Synapse:
    """Parse and validate a JSON body as ``cls``; raises ``msgspec.ValidationError``/``DecodeError``."""
    decoder = _decoders.get(cls)
    if decoder is None:
        decoder = _decoders[cls] = msgspec.json.Decoder(cls)
    return decoder.decode(body)


def encode(synapse: Synapse) -> bytes:
    return _encoder.encode(synapse)


def normalised(synapse: Synapse) -> Synapse:
    """A validated copy: msgspec does not coerce on construction (``list[float]`` given ints stays ints), but
    a pydantic peer does on parse, and ``str()`` of the two differ; one round trip makes them agree."""
    return decode(type(synapse), encode(synapse))
