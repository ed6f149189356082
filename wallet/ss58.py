"""SS58 addresses: the human form of a 32-byte sr25519 public key.

Why our own codec instead of scalecodec's: it is thirty lines, it must be importable in a few
milliseconds (``taocli wallet list``), and it has to turn every malformed input into one
``InvalidAddress`` line instead of a ValueError from deep inside a dependency.

Format: base58(prefix || pubkey || blake2b-512("SS58PRE" || prefix || pubkey)[:2]). Prefixes
0..63 take one byte; 64..16383 take two bytes in the substrate "full" encoding. Only 32-byte
account ids (sr25519/ed25519 public keys) are accepted: shorter account indices and 33-byte
ECDSA keys are not wallet addresses.
"""

from __future__ import annotations

import hashlib

from wallet.errors import InvalidAddress

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(BASE58_ALPHABET)}
DEFAULT_PREFIX = 42
_RESERVED_PREFIXES = frozenset({46, 47})  # reserved by the SS58 registry
_CHECKSUM_PREFIX = b"SS58PRE"


def b58encode(data: bytes) -> str:
    """Bitcoin-alphabet base58 with leading zero bytes kept as '1's."""
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, rem = divmod(n, 58)
        out.append(BASE58_ALPHABET[rem])
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    """Inverse of :func:`b58encode`; raises ValueError on a character outside the alphabet."""
    n = 0
    for ch in text:
        try:
            n = n * 58 + _B58_INDEX[ch]
        except KeyError:
            raise ValueError(f"character {ch!r} is not base58") from None
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    pad = len(text) - len(text.lstrip("1"))
    return b"\0" * pad + body


def _prefix_bytes(prefix: int) -> bytes:
    if not 0 <= prefix < 16384 or prefix in _RESERVED_PREFIXES:
        raise InvalidAddress(
            f"SS58 prefix {prefix} is not allowed", "use a network prefix in 0..16383 other than 46 and 47"
        )
    if prefix < 64:
        return bytes([prefix])
    first = ((prefix & 0b1111_1100) >> 2) | 0b0100_0000
    second = (prefix >> 8) | ((prefix & 0b11) << 6)
    return bytes([first, second])


def _checksum(payload: bytes) -> bytes:
    return hashlib.blake2b(_CHECKSUM_PREFIX + payload, digest_size=64).digest()[:2]


def ss58_encode(public_key: bytes, prefix: int = DEFAULT_PREFIX) -> str:
    """Encode a 32-byte public key as an SS58 address (format 42, addresses starting with '5')."""
    if not isinstance(public_key, bytes | bytearray) or len(public_key) != 32:
        raise InvalidAddress(
            "a public key must be exactly 32 bytes", "pass the raw 32-byte key or its 0x-prefixed hex form"
        )
    payload = _prefix_bytes(prefix) + bytes(public_key)
    return b58encode(payload + _checksum(payload))


def ss58_decode_with_prefix(address: str) -> tuple[bytes, int]:
    """Decode and fully validate an address; return (public key, network prefix)."""
    shown = _shown(address)
    if not isinstance(address, str) or not address.strip():
        raise InvalidAddress("the address is empty")
    address = address.strip()
    try:
        data = b58decode(address)
    except ValueError as exc:
        raise InvalidAddress(f"{shown} is not an SS58 address ({exc})") from None
    if len(data) not in (35, 36):
        raise InvalidAddress(
            f"{shown} has the wrong length for an account address (truncated or extra characters)",
            "an account address is 47-49 base58 characters, usually starting with 5; copy it again",
        )
    if data[0] & 0b1000_0000:
        raise InvalidAddress(f"{shown} uses a reserved SS58 prefix byte")
    if data[0] & 0b0100_0000:
        lower = ((data[0] << 2) | (data[1] >> 6)) & 0xFF
        upper = data[1] & 0b0011_1111
        prefix, prefix_len = lower | (upper << 8), 2
    else:
        prefix, prefix_len = data[0], 1
    if len(data) - prefix_len - 2 != 32:
        raise InvalidAddress(
            f"{shown} does not hold a 32-byte account key",
            "an account address is 47-49 base58 characters, usually starting with 5; copy it again",
        )
    payload, check = data[:-2], data[-2:]
    if _checksum(payload) != check:
        raise InvalidAddress(f"{shown} has a wrong checksum (a mistyped or truncated character)")
    if prefix in _RESERVED_PREFIXES:
        raise InvalidAddress(f"{shown} uses the reserved SS58 prefix {prefix}")
    return bytes(payload[prefix_len:]), prefix


def ss58_decode(address: str) -> bytes:
    """Return the 32-byte public key of an SS58 address of any valid prefix (InvalidAddress otherwise)."""
    return ss58_decode_with_prefix(address)[0]


def is_valid_ss58(address: object) -> bool:
    """True when ``address`` is a well-formed SS58 account address (any prefix)."""
    if not isinstance(address, str):
        return False
    try:
        ss58_decode_with_prefix(address)
    except InvalidAddress:
        return False
    return True


def public_key_from(ss58_or_hex: str | bytes) -> bytes:
    """Accept an SS58 address, a 64-hex-digit key (0x optional) or raw 32 bytes; return the key."""
    if isinstance(ss58_or_hex, bytes | bytearray):
        if len(ss58_or_hex) == 32:
            return bytes(ss58_or_hex)
        raise InvalidAddress(f"a public key must be 32 bytes, got {len(ss58_or_hex)}")
    if not isinstance(ss58_or_hex, str):
        raise InvalidAddress(f"expected an address or hex public key, got {type(ss58_or_hex).__name__}")
    text = ss58_or_hex.strip()
    hex_part = text[2:] if text[:2].lower() == "0x" else text
    if len(hex_part) == 64 and all(c in "0123456789abcdefABCDEF" for c in hex_part):
        return bytes.fromhex(hex_part)
    if text[:2].lower() == "0x":
        raise InvalidAddress(f"{_shown(text)} is not a 32-byte hex public key (need 64 hex digits after 0x)")
    return ss58_decode(text)


def _shown(value: object) -> str:
    """Quote user input for an error message, clipped so a pasted blob cannot flood the line."""
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return repr(text)
