"""Keyfile encryption formats, detected by prefix: $NACL (current), ansible-vault and Fernet (legacy).

Why all three: users carry coldkeys made by every bittensor generation since 2021, and the
official wallet can no longer read Fernet files (btwallet#185). We decrypt all of them and
write only $NACL with bittensor's fixed salt and parameters, because anything else would be
unreadable by btcli (spec §4, §10). The heavy back ends are imported inside the functions.

A wrong password and a damaged $NACL file look the same (the MAC fails); we say so.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from wallet.errors import KeyfileCorrupt, WrongPassword

NACL_PREFIX = b"$NACL"
ANSIBLE_PREFIX = b"$ANSIBLE_VAULT"
FERNET_PREFIX = b"gAAAAA"
# bittensor's global argon2i salt and libsodium's *_SENSITIVE limits (spec §4): fixed for compatibility.
NACL_SALT = bytes.fromhex("137183dff15a09bc9c90b5518739e9b1")
NACL_OPSLIMIT = 8
NACL_MEMLIMIT = 536_870_912
_NACL_OVERHEAD = len(NACL_PREFIX) + 24 + 16
FERNET_SALT = b"Iguesscyborgslikemyselfhaveatendencytobeparanoidaboutourorigins"
FERNET_ROUNDS = 10_000_000
ANSIBLE_ROUNDS = 10_000


def detect(data: bytes) -> str | None:
    """Return "nacl", "ansible", "fernet" or None (plaintext) from the leading bytes."""
    if data.startswith(NACL_PREFIX):
        return "nacl"
    if data.startswith(ANSIBLE_PREFIX):
        return "ansible"
    if data.startswith(FERNET_PREFIX):
        return "fernet"
    return None


def nacl_key(password: str) -> bytes:
    """argon2i(password, fixed salt, ops 8, 512 MiB) -> 32 bytes. Costs ~3 s and 0.5 GiB of RAM."""
    from nacl import pwhash

    return pwhash.argon2i.kdf(
        32, password.encode("utf-8"), NACL_SALT, opslimit=NACL_OPSLIMIT, memlimit=NACL_MEMLIMIT
    )


def nacl_encrypt_with_key(data: bytes, key: bytes) -> bytes:
    """$NACL ‖ nonce ‖ tag ‖ ciphertext with a key from :func:`nacl_key`."""
    from nacl.secret import SecretBox

    return NACL_PREFIX + bytes(SecretBox(key).encrypt(data))


def _truncated(where: str, blob: bytes) -> KeyfileCorrupt:
    return KeyfileCorrupt(f"{where} is truncated ({len(blob)} bytes; a $NACL file has at least {_NACL_OVERHEAD})")


def nacl_decrypt_with_key(blob: bytes, key: bytes, *, where: str = "the keyfile") -> bytes:
    """Inverse of :func:`nacl_encrypt_with_key`; WrongPassword when the MAC does not verify."""
    from nacl.exceptions import CryptoError
    from nacl.secret import SecretBox

    if len(blob) < _NACL_OVERHEAD:
        raise _truncated(where, blob)
    try:
        return bytes(SecretBox(key).decrypt(blob[len(NACL_PREFIX) :]))
    except CryptoError:
        raise WrongPassword(
            f"the password does not decrypt {where} (or the file is damaged)"
        ) from None


def nacl_encrypt(data: bytes, password: str) -> bytes:
    """Encrypt in bittensor's $NACL format (one argon2i derivation)."""
    return nacl_encrypt_with_key(data, nacl_key(password))


def _ansible_keys(password: str, salt: bytes) -> tuple[bytes, bytes, bytes]:
    derived = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, ANSIBLE_ROUNDS, 80)
    return derived[:32], derived[32:64], derived[64:80]


def ansible_decrypt(blob: bytes, password: str, *, where: str = "the keyfile") -> bytes:
    """Decrypt `$ANSIBLE_VAULT;1.1;AES256` (PBKDF2 10k, AES-256-CTR, HMAC-SHA256, PKCS7)."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    try:
        header, _, body = blob.partition(b"\n")
        if not header.strip().startswith(b"$ANSIBLE_VAULT;1.1;AES256"):
            raise ValueError("unsupported vault header")
        inner = binascii.unhexlify(b"".join(body.split()))
        salt_hex, mac_hex, ct_hex = inner.split(b"\n", 2)
        salt, mac, ciphertext = (binascii.unhexlify(x.strip()) for x in (salt_hex, mac_hex, ct_hex))
    except (ValueError, binascii.Error):
        raise KeyfileCorrupt(f"{where} is not a well-formed ansible-vault file") from None
    enc_key, mac_key, iv = _ansible_keys(password, salt)
    if not hmac.compare_digest(hmac.new(mac_key, ciphertext, hashlib.sha256).digest(), mac):
        raise WrongPassword(f"the password does not decrypt {where} (or the file is damaged)")
    dec = Cipher(algorithms.AES(enc_key), modes.CTR(iv)).decryptor()
    padded = dec.update(ciphertext) + dec.finalize()
    pad = padded[-1] if padded else 0
    if not 1 <= pad <= 16 or padded[-pad:] != bytes([pad]) * pad:
        raise KeyfileCorrupt(f"{where} has bad padding after decryption")
    return padded[:-pad]


def ansible_encrypt(data: bytes, password: str, *, salt: bytes | None = None) -> bytes:
    """Write the legacy ansible-vault format (used by tests and for completeness; never by default)."""
    import os

    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    salt = os.urandom(32) if salt is None else salt
    enc_key, mac_key, iv = _ansible_keys(password, salt)
    pad = 16 - len(data) % 16
    enc = Cipher(algorithms.AES(enc_key), modes.CTR(iv)).encryptor()
    ciphertext = enc.update(data + bytes([pad]) * pad) + enc.finalize()
    mac = hmac.new(mac_key, ciphertext, hashlib.sha256).digest()
    inner = b"\n".join(binascii.hexlify(x) for x in (salt, mac, ciphertext))
    outer = binascii.hexlify(inner)
    lines = [outer[i : i + 80] for i in range(0, len(outer), 80)]
    return b"$ANSIBLE_VAULT;1.1;AES256\n" + b"\n".join(lines)


def fernet_key(password: str) -> bytes:
    """The oldest bittensor key derivation: PBKDF2-SHA256, fixed salt, 10M rounds (~3 s)."""
    raw = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), FERNET_SALT, FERNET_ROUNDS, 32)
    return base64.urlsafe_b64encode(raw)


def fernet_decrypt(blob: bytes, password: str, *, where: str = "the keyfile") -> bytes:
    """Decrypt a legacy Fernet (`gAAAAA…`) keyfile, which bittensor-wallet itself cannot (btwallet#185)."""
    from cryptography.fernet import Fernet, InvalidToken

    try:
        return Fernet(fernet_key(password)).decrypt(blob.strip())
    except InvalidToken:
        raise WrongPassword(f"the password does not decrypt {where} (or the file is damaged)") from None


def decrypt(blob: bytes, password: str, *, where: str = "the keyfile") -> bytes:
    """Decrypt any supported format (dispatch on prefix); plaintext is returned unchanged."""
    kind = detect(blob)
    if kind == "nacl":
        if len(blob) < _NACL_OVERHEAD:  # say "truncated" before paying ~3 s for argon2
            raise _truncated(where, blob)
        return nacl_decrypt_with_key(blob, nacl_key(password), where=where)
    if kind == "ansible":
        return ansible_decrypt(blob, password, where=where)
    if kind == "fernet":
        return fernet_decrypt(blob, password, where=where)
    return blob


__all__ = [
    "NACL_MEMLIMIT",
    "NACL_OPSLIMIT",
    "NACL_SALT",
    "ansible_decrypt",
    "ansible_encrypt",
    "decrypt",
    "detect",
    "fernet_decrypt",
    "fernet_key",
    "nacl_decrypt_with_key",
    "nacl_encrypt",
    "nacl_encrypt_with_key",
    "nacl_key",
]
