"""Shared pieces of the RPC handlers: hex/number parameters, block lookups and JSON shapes.

Every parameter parser raises `-32602 Invalid params` naming the parameter, so a client that sends the
wrong type learns which one and why.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from localnet.node import Node, UnknownBlock
from localnet.rpc.dispatch import RpcError, Session, invalid_params
from localnet.store import BlockRecord, StateDiscarded, StateView


def hex_bytes(value: Any, name: str) -> bytes:
    """`0x…` (or bare) hex text to bytes."""
    if not isinstance(value, str):
        raise invalid_params(f"{name}: expected a 0x-prefixed hex string")
    text = value[2:] if value[:2] in ("0x", "0X") else value
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise invalid_params(f"{name}: not valid hex") from None


def opt_hash(value: Any, name: str = "block hash") -> bytes | None:
    """An optional 32-byte block hash parameter."""
    if value is None:
        return None
    raw = hex_bytes(value, name)
    if len(raw) != 32:
        raise invalid_params(f"{name}: expected 32 bytes, got {len(raw)}")
    return raw


def block_number(value: Any) -> int:
    """A block number sent as an int or as hex text (both appear in the wild)."""
    if isinstance(value, bool):
        raise invalid_params("block number: expected an integer")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        try:
            number = int(value, 16) if value[:2] in ("0x", "0X") else int(value)
        except ValueError:
            raise invalid_params("block number: not an integer") from None
    else:
        raise invalid_params("block number: expected an integer")
    if number < 0 or number > 2**32 - 1:
        raise invalid_params("block number: out of range")
    return number


def to_hex(data: bytes) -> str:
    return "0x" + data.hex()


def header_json(record: BlockRecord) -> dict[str, Any]:
    """The header as Substrate serialises it (number as hex text, empty digest)."""
    return {
        "parentHash": to_hex(record.parent),
        "number": hex(record.number),
        "stateRoot": to_hex(record.state_root),
        "extrinsicsRoot": to_hex(record.extrinsics_root),
        "digest": {"logs": []},
    }


def state_at(node: Node, at: Any) -> StateView:
    """State at an optional block hash, with Substrate's 4003 client errors for unknown/pruned blocks."""
    block_hash = opt_hash(at)
    try:
        return node.state(block_hash)
    except UnknownBlock as err:
        raise RpcError(4003, f"Client error: UnknownBlock: Header was not found in the database: {err}") from None
    except StateDiscarded as err:
        raise RpcError(4003, f"Client error: State already discarded for {to_hex(block_hash or b'')}",
                       str(err)) from None


def block_hash_at(node: Node, view: StateView) -> str:
    return to_hex(node.store.hash_of(view.number) or b"")


def new_subscription(session: Session) -> str:
    """A fresh subscription id (random text, as jsonrpsee hands out)."""
    if not session.can_subscribe:
        raise RpcError(-32601, "Method not found", "subscriptions need a WebSocket connection")
    return secrets.token_hex(8)


def follow_heads(node: Node, session: Session, sid: str, on_block: Callable[[BlockRecord, dict], None]) -> None:
    """Call `on_block(record, changes)` for every new best block until the subscription `sid` is dropped."""
    node.add_head_listener(on_block)
    session.subscriptions[sid] = lambda: node.remove_head_listener(on_block)
