"""Import a polkadot.js v3 account export (the JSON file the browser extension saves).

Why we check more than the official import: bittensor-wallet never compares the decrypted
secret with the file's public key or address (its assert compares a value with itself), so a
crafted JSON claiming //Bob imports //Alice (spec §7, §10.8). We refuse any mismatch.

Format: ``encoded`` is base64 of [scrypt salt(32) ‖ N ‖ p ‖ r (u32 LE)] ‖ nonce(24) ‖ secretbox.
Without scrypt the key is the passphrase zero-padded to 32 bytes. The plaintext is PKCS8:
a fixed 16-byte header, the 64-byte secret in ed25519 ("×8") form, a 5-byte divider, and the
32-byte public key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from wallet.errors import InvalidAddress, InvalidKeyJson
from wallet.keypair import Keypair
from wallet.ss58 import ss58_decode

PKCS8_HEADER = bytes([48, 83, 2, 1, 1, 48, 5, 6, 3, 43, 101, 112, 4, 34, 4, 32])
PKCS8_DIVIDER = bytes([161, 35, 3, 33, 0])
_SCRYPT_PARAMS_LEN = 32 + 12
_MAX_SCRYPT_N = 1 << 20  # refuse absurd work factors in a file we do not trust


def _field(obj: dict[str, Any], *names: str) -> Any:
    value: Any = obj
    for name in names:
        if not isinstance(value, dict) or name not in value:
            raise InvalidKeyJson(f"the JSON has no {'.'.join(names)} field; it is not a polkadot.js account export")
        value = value[name]
    return value


def _key_from_scrypt(passphrase: bytes, params: bytes) -> bytes:
    salt = params[:32]
    n, p, r = (int.from_bytes(params[32 + 4 * i : 36 + 4 * i], "little") for i in range(3))
    if not (2 <= n <= _MAX_SCRYPT_N and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16):
        raise InvalidKeyJson(f"the JSON's scrypt parameters (N={n}, r={r}, p={p}) are out of range")
    return hashlib.scrypt(passphrase, salt=salt, n=n, r=r, p=p, maxmem=256 * r * n + (1 << 20), dklen=64)[:32]


def keypair_from_polkadot_json(text: str | bytes, passphrase: str) -> Keypair:
    """Decrypt a polkadot.js v3 sr25519 export and return its keypair (private key only, no seed)."""
    from nacl.exceptions import CryptoError
    from nacl.secret import SecretBox

    try:
        obj = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError, TypeError):
        raise InvalidKeyJson("the key JSON is not valid JSON") from None
    if not isinstance(obj, dict):
        raise InvalidKeyJson("the key JSON is not an object; it is not a polkadot.js account export")
    content = _field(obj, "encoding", "content")
    kinds = _field(obj, "encoding", "type")
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    if not isinstance(content, list) or "pkcs8" not in content:
        raise InvalidKeyJson("the key JSON does not hold a PKCS8 secret")
    if "sr25519" not in content:
        raise InvalidKeyJson(
            f"the key JSON holds a {'/'.join(str(c) for c in content[1:]) or 'unknown'} key, not sr25519",
            "export an sr25519 account (the Substrate default) from polkadot.js",
        )
    if "xsalsa20-poly1305" not in kinds:
        raise InvalidKeyJson("the key JSON is not encrypted with xsalsa20-poly1305")
    version = str(obj.get("encoding", {}).get("version", "3"))
    if version != "3":
        raise InvalidKeyJson(f"the key JSON uses format version {version}; only version 3 is supported")
    try:
        encoded = base64.b64decode(str(_field(obj, "encoded")), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidKeyJson("the key JSON's 'encoded' field is not base64") from None
    pw = passphrase.encode("utf-8")
    if "scrypt" in kinds:
        if len(encoded) < _SCRYPT_PARAMS_LEN + 24 + 16:
            raise InvalidKeyJson("the key JSON's encrypted secret is truncated")
        key = _key_from_scrypt(pw, encoded[:_SCRYPT_PARAMS_LEN])
        encoded = encoded[_SCRYPT_PARAMS_LEN:]
    else:
        if len(pw) > 32:
            raise InvalidKeyJson("the passphrase is longer than 32 bytes, which an unscrypted export cannot use")
        key = pw.ljust(32, b"\0")
    try:
        plain = bytes(SecretBox(key).decrypt(encoded[24:], encoded[:24]))
    except (CryptoError, ValueError):
        raise InvalidKeyJson(
            "the passphrase does not decrypt the key JSON (or the file is damaged)",
            "use the password set when the account was exported from polkadot.js",
        ) from None
    return _keypair_from_pkcs8(plain, obj.get("address"))


def _keypair_from_pkcs8(plain: bytes, address: Any) -> Keypair:
    import sr25519

    if len(plain) < 117 or not plain.startswith(PKCS8_HEADER) or plain[80:85] != PKCS8_DIVIDER:
        raise InvalidKeyJson("the decrypted key JSON is not a PKCS8 sr25519 secret")
    secret, public = plain[16:80], plain[85:117]
    try:
        derived_public, private = sr25519.pair_from_ed25519_secret_key(secret)
    except ValueError:
        raise InvalidKeyJson("the key JSON's secret is not a valid sr25519 key") from None
    if bytes(derived_public) != public:
        raise InvalidKeyJson(
            "the key JSON's secret does not match the public key stored with it",
            "do not import this file: it was altered or damaged",
        )
    if address is not None:
        try:
            claimed = ss58_decode(str(address))
        except InvalidAddress:
            raise InvalidKeyJson(f"the key JSON's address {str(address)[:60]!r} is malformed") from None
        if claimed != public:
            raise InvalidKeyJson(
                f"the key JSON claims address {address} but its secret belongs to another account",
                "do not import this file: it was altered or is not the account you think",
            )
    return Keypair.from_private_key(bytes(private))


__all__ = ["PKCS8_DIVIDER", "PKCS8_HEADER", "keypair_from_polkadot_json"]
