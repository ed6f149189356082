"""Substrate secret URIs (sp-core ``SecretUri``) and hierarchical junctions.

Why a module of its own: URI parsing has sharp edges (numeric junctions are u64 little-endian,
text junctions are SCALE strings, long codes are hashed, ``///`` starts a password) and it must
agree byte for byte with sp-core, subkey and substrate-interface, or a user's //Alice-style keys
would land on different addresses. Keypair only asks this module for (root, junctions).

Grammar: ``[phrase | 0x<seed hex> | empty] (//hard | /soft)* [///password]``. An empty phrase
means the well-known development phrase.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from wallet.errors import InvalidSeed

DEV_PHRASE = "bottom drive obey lake curtain smoke basket hold race lonely fit walk"
_URI_RE = re.compile(r"^(?P<phrase>[^/]*)(?P<path>(?://?[^/]+)*)(?:///(?P<password>.*))?$", re.DOTALL)
_JUNCTION_RE = re.compile(r"/(/?[^/]+)")
_U64_RE = re.compile(r"^\+?[0-9]+$")


@dataclass(frozen=True)
class Junction:
    """One derivation step: a 32-byte chain code and whether it is hard (//) or soft (/)."""

    chain_code: bytes
    hard: bool


@dataclass(frozen=True)
class ParsedUri:
    """A secret URI split into its root secret (phrase or seed), junctions and password."""

    phrase: str | None
    seed_hex: str | None
    junctions: tuple[Junction, ...]
    password: str | None


def _scale_compact_len(n: int) -> bytes:
    if n < 1 << 6:
        return bytes([n << 2])
    if n < 1 << 14:
        return ((n << 2) | 1).to_bytes(2, "little")
    if n < 1 << 30:
        return ((n << 2) | 2).to_bytes(4, "little")
    raw = n.to_bytes((n.bit_length() + 7) // 8, "little")
    return bytes([((len(raw) - 4) << 2) | 3]) + raw


def chain_code(code: str) -> bytes:
    """sp-core ``DeriveJunction`` encoding: u64 LE for numbers, else a SCALE string; pad or hash to 32."""
    if _U64_RE.match(code) and int(code) < 1 << 64:
        encoded = int(code).to_bytes(8, "little")
    else:
        raw = code.encode("utf-8")
        encoded = _scale_compact_len(len(raw)) + raw
    if len(encoded) > 32:
        return hashlib.blake2b(encoded, digest_size=32).digest()
    return encoded.ljust(32, b"\0")


def parse_junctions(path: str) -> tuple[Junction, ...]:
    """Split ``//hard/soft/...`` into junctions (the path must be fully consumed)."""
    out: list[Junction] = []
    pos = 0
    for match in _JUNCTION_RE.finditer(path):
        if match.start() != pos:
            break
        body = match.group(1)
        hard = body.startswith("/")
        out.append(Junction(chain_code(body[1:] if hard else body), hard))
        pos = match.end()
    if pos != len(path):
        raise InvalidSeed(f"the derivation path {path!r} is malformed", "write it as //hard/soft, e.g. //Alice")
    return tuple(out)


def parse_uri(uri: str) -> ParsedUri:
    """Parse a secret URI; raise InvalidSeed naming the problem (never echoing the phrase)."""
    if not isinstance(uri, str):
        raise InvalidSeed("a secret URI must be text", "write it like //Alice or '<mnemonic>//hard/soft'")
    match = _URI_RE.match(uri)
    if match is None:
        raise InvalidSeed(
            "the secret URI is malformed", "write it like //Alice, '<mnemonic>//hard/soft' or 0x<seed>//path"
        )
    root = match.group("phrase").strip()
    junctions = parse_junctions(match.group("path"))
    password = match.group("password")
    if root[:2].lower() == "0x":
        if password is not None:
            raise InvalidSeed(
                "a ///password cannot be applied to a hex seed (sp-core would silently ignore it)",
                "drop the ///password part, or derive from the mnemonic instead",
            )
        return ParsedUri(None, root, junctions, None)
    return ParsedUri(root or DEV_PHRASE, None, junctions, password)


__all__ = ["DEV_PHRASE", "Junction", "ParsedUri", "chain_code", "parse_junctions", "parse_uri"]
