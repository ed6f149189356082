"""Fetch the connected runtime's metadata over JSON-RPC: V15 when the runtime serves it, else V14.

Why V15 first: only V15 lists the runtime APIs with their declared return types, which decide whether a reply
is typed (decode by the registry) or opaque (decode by a known layout). A runtime without the versioned
metadata call (spec 143 answers "Function to start was not found") gets V14 and APIs left unknown.
"""

from __future__ import annotations

from typing import Any

from chain.rpc import RpcError
from chain.runtime.metadata import parse_metadata
from chain.runtime.shape import RuntimeShape, shape_of


def fetch_metadata_bytes(rpc: Any, at: str | None = None) -> bytes:
    """The newest metadata the runtime offers (V15, else V14), as RuntimeMetadataPrefixed bytes."""
    params: list[Any] = ["Metadata_metadata_at_version", "0x0f000000"]
    if at:
        params.append(at)
    try:
        reply = rpc.call("state_call", params)
    except RpcError:
        reply = None
    if reply and reply != "0x00":
        return bytes.fromhex(reply[2:])
    raw = rpc.call("state_getMetadata", [at] if at else [])
    return bytes.fromhex(raw[2:])


def fetch_shape(rpc: Any, at: str | None = None) -> RuntimeShape:
    return shape_of(parse_metadata(fetch_metadata_bytes(rpc, at)))
