"""polkadot.js v3 JSON import: scrypt and plain variants, wrong passphrase, forged address.

The exports are built here from the format description (scrypt params ‖ nonce ‖ secretbox of
PKCS8 holding the ed25519-form secret), and the well-formed one is also read by
bittensor-wallet to show the fixture is a real polkadot.js file, not our own invention.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os

import pytest
import sr25519
from nacl.secret import SecretBox

from tests.unit.wallet_fixtures import ALICE, BOB
from wallet.errors import InvalidKeyJson
from wallet.keypair import Keypair
from wallet.polkadot_json import PKCS8_DIVIDER, PKCS8_HEADER, keypair_from_polkadot_json


def export(kp: Keypair, passphrase: str, *, scrypt: bool = True, address: str | None = None) -> str:
    """A polkadot.js v3 account export of ``kp`` (optionally lying about its address)."""
    secret = sr25519.convert_secret_key_to_ed25519(kp.private_key)
    plain = PKCS8_HEADER + bytes(secret) + PKCS8_DIVIDER + kp.public_key
    if scrypt:
        salt, n, p, r = os.urandom(32), 1 << 15, 1, 8
        key = hashlib.scrypt(passphrase.encode(), salt=salt, n=n, r=r, p=p, maxmem=64 << 20, dklen=64)[:32]
        prefix = salt + n.to_bytes(4, "little") + p.to_bytes(4, "little") + r.to_bytes(4, "little")
    else:
        key, prefix = passphrase.encode().ljust(32, b"\0"), b""
    nonce = os.urandom(24)
    sealed = SecretBox(key).encrypt(plain, nonce)
    kinds = ["scrypt", "xsalsa20-poly1305"] if scrypt else ["xsalsa20-poly1305"]
    return json.dumps(
        {
            "encoded": base64.b64encode(prefix + bytes(sealed)).decode(),
            "encoding": {"content": ["pkcs8", "sr25519"], "type": kinds, "version": "3"},
            "address": address or kp.ss58_address,
            "meta": {"name": "test", "whenCreated": 0},
        }
    )


def test_scrypt_export_imports() -> None:
    alice = Keypair.from_uri("//Alice")
    kp = keypair_from_polkadot_json(export(alice, "pass phrase"), "pass phrase")
    assert kp.ss58_address == ALICE and kp.private_key[:32] == alice.private_key[:32]
    assert kp.verify(b"m", kp.sign(b"m")) and alice.verify(b"m", kp.sign(b"m"))


def test_plain_export_imports() -> None:
    assert keypair_from_polkadot_json(export(Keypair.from_uri("//Bob"), "pw", scrypt=False), "pw").ss58_address == BOB


@pytest.mark.interop
def test_fixture_is_read_by_bittensor_wallet_too() -> None:
    from bittensor_wallet import Keypair as BtKeypair

    text = export(Keypair.from_uri("//Alice"), "pw")
    assert BtKeypair.create_from_encrypted_json(text, "pw").ss58_address == ALICE


def test_forged_address_is_refused() -> None:
    """bittensor-wallet imports this file as //Alice while it claims //Bob (spec §7); we refuse."""
    text = export(Keypair.from_uri("//Alice"), "pw", address=BOB)
    with pytest.raises(InvalidKeyJson) as info:
        keypair_from_polkadot_json(text, "pw")
    assert f"claims address {BOB}" in str(info.value) and "another account" in str(info.value)


def test_secret_not_matching_embedded_public_key() -> None:
    alice, bob = Keypair.from_uri("//Alice"), Keypair.from_uri("//Bob")
    forged = Keypair(bob.public_key, alice.private_key)  # PKCS8 with Alice's secret, Bob's public key
    with pytest.raises(InvalidKeyJson, match="does not match the public key stored with it"):
        keypair_from_polkadot_json(export(forged, "pw", address=BOB), "pw")


def test_wrong_passphrase() -> None:
    with pytest.raises(InvalidKeyJson, match="passphrase does not decrypt"):
        keypair_from_polkadot_json(export(Keypair.from_uri("//Alice"), "right"), "wrong")


def _doc(encoded: str, curve: str, *kinds: str) -> str:
    return json.dumps({"encoded": encoded, "encoding": {"content": ["pkcs8", curve], "type": list(kinds)}})


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("not json", "not valid JSON"),
        ("[]", "not an object"),
        ('{"encoded": "AAAA"}', "no encoding.content field"),
        (_doc("!!", "sr25519", "xsalsa20-poly1305"), "not base64"),
        (_doc("AAAA", "ed25519", "xsalsa20-poly1305"), "not sr25519"),
        (_doc("AAAA", "sr25519", "scrypt", "xsalsa20-poly1305"), "truncated"),
        (_doc("AAAA", "sr25519", "none"), "not encrypted with xsalsa20-poly1305"),
    ],
)
def test_malformed_json(text: str, needle: str) -> None:
    with pytest.raises(InvalidKeyJson) as info:
        keypair_from_polkadot_json(text, "pw")
    assert needle in str(info.value) and "\n" not in str(info.value)


def test_absurd_scrypt_parameters_refused() -> None:
    blob = os.urandom(32) + (1 << 30).to_bytes(4, "little") + (1).to_bytes(4, "little") + (8).to_bytes(4, "little")
    text = json.dumps(
        {
            "encoded": base64.b64encode(blob + os.urandom(100)).decode(),
            "encoding": {"content": ["pkcs8", "sr25519"], "type": ["scrypt", "xsalsa20-poly1305"], "version": "3"},
        }
    )
    with pytest.raises(InvalidKeyJson, match="out of range"):
        keypair_from_polkadot_json(text, "pw")
