"""The JSON inside a keyfile: a tolerant, cross-checking reader and a compatible writer.

Why a separate module: three wallet generations wrote three JSON dialects (spec §3) and the
official reader trusts whichever field it reads first. We accept all dialects (nulls, absent or
integer cryptoType, unknown fields, a bare ``0x<hex>`` pub file) but derive the key from the
strongest field and check every other field against it, so a file whose phrase and address
disagree is reported as corrupt instead of silently yielding the wrong account.

Writer: compact JSON, no cryptoType (bittensor-wallet 4.0 cannot parse the integer), the
canonical phrase, ss58 format 42, the seed always as 0x-hex (never the 4.x UTF-8 text quirk).
"""

from __future__ import annotations

import json
import re
from typing import Any

from wallet.errors import InvalidAddress, InvalidMnemonic, InvalidSeed, KeyfileCorrupt, UnsupportedKeyType
from wallet.keypair import Keypair
from wallet.mnemonic import normalise_mnemonic
from wallet.ss58 import ss58_decode

_HEX32 = re.compile(r"^0x[0-9a-fA-F]{64}$")
_HEX64 = re.compile(r"^0x[0-9a-fA-F]{128}$")
_FIELDS = ("secretPhrase", "secretSeed", "privateKey", "publicKey", "accountId", "ss58Address")


def serialize(keypair: Keypair, *, public_only: bool = False) -> bytes:
    """The keyfile JSON for ``keypair``: only fields that are known; public files get 3 fields."""
    public_hex = "0x" + keypair.public_key.hex()
    data: dict[str, str] = {"accountId": public_hex, "publicKey": public_hex}
    if not public_only:
        if keypair.private_key is not None:
            data["privateKey"] = "0x" + keypair.private_key.hex()
        if keypair.mnemonic is not None:
            data["secretPhrase"] = keypair.mnemonic
        if keypair.seed is not None:
            data["secretSeed"] = "0x" + keypair.seed.hex()
    data["ss58Address"] = keypair.ss58_address
    return json.dumps(data, separators=(",", ":")).encode("utf-8")


def _corrupt(where: str, what: str) -> KeyfileCorrupt:
    return KeyfileCorrupt(f"{where} {what}")


def _str_field(data: dict[str, Any], name: str, where: str) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _corrupt(where, f"has a non-text {name} field")
    return value


def _check_crypto_type(data: dict[str, Any], where: str) -> None:
    value = data.get("cryptoType")
    if value is None or value in (1, "1", "sr25519", "Sr25519"):
        return
    if value in (0, "0", "ed25519", "Ed25519"):
        raise UnsupportedKeyType(
            f"{where} holds an ed25519 key (cryptoType 0), which taocli does not use for wallets"
        )
    raise _corrupt(where, f"has an unknown cryptoType {value!r}")


def _seed_bytes(text: str) -> bytes | None:
    """secretSeed as bytes: normal 0x-hex, or bittensor-wallet 4.x's UTF-8 text quirk (spec §7)."""
    if _HEX32.match(text):
        return bytes.fromhex(text[2:])
    if text.startswith("0x"):
        raw = text[2:].encode("utf-8")
        if len(raw) == 32:
            return raw
    return None


def _from_primary(fields: dict[str, str], where: str) -> Keypair:
    """Build the keypair from the strongest field present: phrase, seed, private key, public forms."""
    try:
        if "secretPhrase" in fields:
            return Keypair.from_mnemonic(fields["secretPhrase"])
        if "secretSeed" in fields:
            seed = _seed_bytes(fields["secretSeed"])
            if seed is None:
                raise _corrupt(where, "has a secretSeed that is not 32 bytes of hex")
            return Keypair.from_seed(seed)
        if "privateKey" in fields:
            if not _HEX64.match(fields["privateKey"]):
                raise _corrupt(where, "has a privateKey that is not 64 bytes of hex")
            return Keypair.from_private_key(bytes.fromhex(fields["privateKey"][2:]))
        for name in ("publicKey", "accountId"):
            if name in fields:
                if not _HEX32.match(fields[name]):
                    raise _corrupt(where, f"has a {name} that is not 32 bytes of hex")
                return Keypair(bytes.fromhex(fields[name][2:]))
        if "ss58Address" in fields:
            return Keypair(ss58_decode(fields["ss58Address"]))
    except InvalidMnemonic:  # the cause may quote a word of the phrase: keep it out of messages and logs
        raise _corrupt(where, "has an invalid secretPhrase (unknown word, wrong word count or bad checksum)") from None
    except (InvalidSeed, InvalidAddress) as exc:
        raise _corrupt(where, f"holds an invalid key ({exc.cause})") from None
    raise _corrupt(where, "holds no key (no phrase, seed, private key, public key or address)")


def _cross_check(kp: Keypair, fields: dict[str, str], where: str) -> Keypair:
    """Every present field must describe the same key; return kp enriched with what it lacked."""
    seed, mnemonic, private = kp.seed, kp.mnemonic, kp.private_key
    if "secretPhrase" in fields and mnemonic != normalise_mnemonic(fields["secretPhrase"]):
        raise _corrupt(where, "has a secretPhrase that does not match its other fields")
    if "secretSeed" in fields:
        file_seed = _seed_bytes(fields["secretSeed"])
        if file_seed is None or (kp.seed is not None and file_seed != kp.seed):
            raise _corrupt(where, "has a secretSeed that does not match its secretPhrase")
    if "privateKey" in fields:
        if not _HEX64.match(fields["privateKey"]):
            raise _corrupt(where, "has a privateKey that is not 64 bytes of hex")
        if bytes.fromhex(fields["privateKey"][2:]) != private:
            raise _corrupt(where, "has a privateKey that does not match its phrase or seed")
    for name in ("publicKey", "accountId"):
        if name in fields and (
            not _HEX32.match(fields[name]) or bytes.fromhex(fields[name][2:]) != kp.public_key
        ):
            raise _corrupt(where, f"has a {name} that does not match its key")
    if "ss58Address" in fields:
        try:
            address_key = ss58_decode(fields["ss58Address"])
        except InvalidAddress:
            raise _corrupt(where, "has a malformed ss58Address") from None
        if address_key != kp.public_key:
            raise _corrupt(where, "has an ss58Address that does not match its key")
    return Keypair(kp.public_key, private, seed=seed, mnemonic=mnemonic)


def parse(data: bytes, *, where: str = "the keyfile") -> Keypair:
    """Parse decrypted keyfile bytes (any dialect of spec §3) into a cross-checked Keypair."""
    try:
        text = data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise _corrupt(where, "is not text (a damaged or foreign file)") from None
    if _HEX32.match(text):  # 2024 Python accepted a bare 0x<hex> coldkeypub.txt
        return Keypair(bytes.fromhex(text[2:]))
    try:
        obj = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise _corrupt(where, "is not valid JSON (truncated or damaged)") from None
    if not isinstance(obj, dict):
        raise _corrupt(where, "does not hold a JSON object")
    _check_crypto_type(obj, where)
    fields = {name: v for name in _FIELDS if (v := _str_field(obj, name, where)) is not None}
    return _cross_check(_from_primary(fields, where), fields, where)


__all__ = ["parse", "serialize"]
