"""Keys without files: SS58, mnemonics, secret URIs, Keypair constructors and signatures.

Vectors are checked against independent implementations installed in the venv:
substrate-interface (scalecodec SS58, its own URI parser) and, for ``///password`` which it
lacks, bittensor-wallet's Rust Keypair.
"""

from __future__ import annotations

import os

import pytest
from substrateinterface import Keypair as SubstrateKeypair

from tests.unit.wallet_fixtures import ABANDON, ALICE, BOB, DEV_PHRASE
from wallet.errors import InvalidAddress, InvalidMnemonic, InvalidSeed
from wallet.keypair import CURVE_ORDER, Keypair
from wallet.mnemonic import generate_mnemonic, mini_secret_from_mnemonic, normalise_mnemonic
from wallet.ss58 import is_valid_ss58, public_key_from, ss58_decode, ss58_decode_with_prefix, ss58_encode

URIS = [
    "//Alice",
    "//Bob",
    "//Alice/stash",
    "//1",
    "/7",
    "//foo//0/bar",
    "//" + "x" * 40,  # long junction: blake2b-256 of its SCALE encoding
    f"{ABANDON}//hard/soft",
    f"{DEV_PHRASE}//Alice",
    "//hard/0",
]


# ----- SS58 ----------------------------------------------------------------------------------
@pytest.mark.parametrize("prefix", [0, 2, 42, 63, 64, 255, 1000, 16383])
def test_ss58_round_trip_matches_scalecodec(prefix: int) -> None:
    from scalecodec.utils.ss58 import ss58_encode as reference

    key = os.urandom(32)
    address = ss58_encode(key, prefix)
    assert address == reference(key, prefix)
    assert ss58_decode_with_prefix(address) == (key, prefix)
    assert ss58_decode(address) == key and is_valid_ss58(address)


def test_known_addresses() -> None:
    assert Keypair.from_uri("//Alice").ss58_address == ALICE
    assert Keypair.from_uri("//Bob").ss58_address == BOB
    assert ss58_encode(ss58_decode(ALICE)) == ALICE


def _flip_last(address: str) -> str:
    return address[:-1] + ("2" if address[-1] != "2" else "3")


@pytest.mark.parametrize(
    ("bad", "needle"),
    [
        ("", "empty"),
        ("   ", "empty"),
        (ALICE[:-1], "wrong length"),  # truncated
        (ALICE + "1", "32-byte account key"),
        (_flip_last(ALICE), "wrong checksum"),
        (ALICE.replace("G", "0", 1), "not base58"),
        ("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQl", "not base58"),
        ("1", "wrong length"),
    ],
)
def test_invalid_ss58_rejected(bad: str, needle: str) -> None:
    with pytest.raises(InvalidAddress) as info:
        ss58_decode(bad)
    assert needle in str(info.value)
    assert "\n" not in str(info.value) and str(info.value).endswith(".")
    assert not is_valid_ss58(bad)


def test_reserved_prefix_refused() -> None:
    with pytest.raises(InvalidAddress, match="prefix 46"):
        ss58_encode(bytes(32), 46)
    import hashlib

    from wallet.ss58 import b58encode

    for prefix in (46, 47):  # build the address by hand: scalecodec refuses to encode these
        payload = bytes([prefix]) + bytes(32)
        check = hashlib.blake2b(b"SS58PRE" + payload, digest_size=64).digest()[:2]
        with pytest.raises(InvalidAddress, match="reserved SS58 prefix"):
            ss58_decode(b58encode(payload + check))


def test_public_key_from_accepts_every_form() -> None:
    key = ss58_decode(ALICE)
    assert public_key_from(ALICE) == key
    assert public_key_from("0x" + key.hex()) == key
    assert public_key_from(key.hex().upper()) == key
    assert public_key_from(key) == key
    with pytest.raises(InvalidAddress, match="64 hex digits"):
        public_key_from("0x1234")
    with pytest.raises(InvalidAddress):
        public_key_from(b"short")
    assert not is_valid_ss58(None)


# ----- mnemonics -----------------------------------------------------------------------------
@pytest.mark.parametrize("n_words", [12, 15, 18, 21, 24])
def test_generated_mnemonic_is_valid_bip39(n_words: int) -> None:
    import bip39  # py-bip39-bindings (Rust tiny-bip39), installed with substrate-interface

    phrase = generate_mnemonic(n_words)
    assert len(phrase.split()) == n_words and phrase == phrase.lower()
    assert bip39.bip39_validate(phrase)
    assert mini_secret_from_mnemonic(phrase) == bytes(bip39.bip39_to_mini_secret(phrase, ""))
    assert mini_secret_from_mnemonic(phrase, "pw") == bytes(bip39.bip39_to_mini_secret(phrase, "pw"))


def test_generate_rejects_bad_word_count() -> None:
    with pytest.raises(InvalidMnemonic, match="13 words"):
        generate_mnemonic(13)


def test_normalise_canonical_form() -> None:
    messy = "  " + ABANDON.upper().replace(" ", " \t ", 3) + "\n"
    assert normalise_mnemonic(messy) == ABANDON


def test_invalid_mnemonics_name_the_problem() -> None:
    with pytest.raises(InvalidMnemonic, match="checksum fails"):
        normalise_mnemonic("abandon " * 12)
    with pytest.raises(InvalidMnemonic, match=r"word 3 \('abandonn'\) is not in the BIP39"):
        normalise_mnemonic(ABANDON.replace("abandon", "abandonn", 3).replace("abandonn", "abandon", 2))
    with pytest.raises(InvalidMnemonic, match="has 11 words"):
        normalise_mnemonic(" ".join(ABANDON.split()[:11]))
    with pytest.raises(InvalidMnemonic) as info:
        Keypair.from_mnemonic("abandon " * 12)
    assert "abandon" not in str(info.value)  # never echo the phrase back


# ----- Keypair constructors vs substrate-interface -------------------------------------------
def test_from_mnemonic_matches_substrate_interface() -> None:
    ours = Keypair.from_mnemonic(ABANDON)
    ref = SubstrateKeypair.create_from_mnemonic(ABANDON)
    assert ours.ss58_address == ref.ss58_address
    assert ours.public_key == ref.public_key
    assert ours.private_key == ref.private_key
    assert ours.seed == ref.seed_hex  # substrate-interface keeps the mini secret as bytes here
    assert ours.mnemonic == ABANDON and ours.has_secret


@pytest.mark.parametrize("uri", URIS)
def test_from_uri_matches_substrate_interface(uri: str) -> None:
    ours = Keypair.from_uri(uri)
    ref = SubstrateKeypair.create_from_uri(uri)
    assert ours.ss58_address == ref.ss58_address
    # schnorrkel randomises the nonce half of a soft-derived secret; the scalar must agree
    assert ours.private_key[:32] == ref.private_key[:32]


BT_ONLY_URIS = [
    "0x" + "11" * 32 + "//hard/0",
    "0x" + "22" * 32 + "/soft",
    "///password",
    "//Alice///pw",
    f"{ABANDON}//a/b///secret",
    f"{ABANDON}///x",
]


@pytest.mark.parametrize("uri", BT_ONLY_URIS)
def test_seed_and_password_uris_match_bittensor_wallet(uri: str) -> None:
    from bittensor_wallet import Keypair as BtKeypair

    assert Keypair.from_uri(uri).ss58_address == BtKeypair.create_from_uri(uri).ss58_address


def test_uri_without_path_keeps_phrase_and_seed() -> None:
    assert Keypair.from_uri(ABANDON) == Keypair.from_mnemonic(ABANDON)
    assert Keypair.from_uri(ABANDON).mnemonic == ABANDON
    derived = Keypair.from_uri(ABANDON + "//x")
    assert derived.mnemonic is None and derived.seed is None and derived.has_secret


def test_bad_uris() -> None:
    with pytest.raises(InvalidSeed, match="cannot be applied to a hex seed"):
        Keypair.from_uri("0x" + "11" * 32 + "///pw")
    with pytest.raises(InvalidSeed, match="not hexadecimal"):
        Keypair.from_uri("0xzz//a")
    with pytest.raises(InvalidMnemonic, match="in the secret URI"):
        Keypair.from_uri("not a phrase//a")


def test_from_seed_forms() -> None:
    seed = os.urandom(32)
    ref = SubstrateKeypair.create_from_seed(seed.hex())
    for form in (seed, seed.hex(), "0x" + seed.hex(), " 0x" + seed.hex().upper() + " "):
        kp = Keypair.from_seed(form)
        assert kp.ss58_address == ref.ss58_address and kp.seed == seed and kp.mnemonic is None
    with pytest.raises(InvalidSeed, match="not hexadecimal"):
        Keypair.from_seed("0xnothex")
    with pytest.raises(InvalidSeed, match="is 16 bytes, not 32"):
        Keypair.from_seed("00" * 16)
    with pytest.raises(InvalidSeed, match="is 31 bytes"):
        Keypair.from_seed(b"\x01" * 31)


def test_from_private_key_and_scalar_bound() -> None:
    alice = Keypair.from_uri("//Alice")
    again = Keypair.from_private_key(alice.private_key)
    assert again.ss58_address == ALICE and again.seed is None
    assert Keypair.from_private_key("0x" + alice.private_key.hex()) == again
    too_big = (CURVE_ORDER).to_bytes(32, "little") + alice.private_key[32:]
    with pytest.raises(InvalidSeed, match="not canonical"):
        Keypair.from_private_key(too_big)
    with pytest.raises(InvalidSeed, match="is 63 bytes"):
        Keypair.from_private_key(alice.private_key[:63])


def test_public_only_keypairs() -> None:
    key = ss58_decode(BOB)
    for kp in (Keypair.from_ss58(BOB), Keypair.from_public_key(key), Keypair.from_public_key("0x" + key.hex())):
        assert kp.public_key == key and kp.ss58_address == BOB
        assert not kp.has_secret and kp.private_key is None and kp.seed is None
    polkadot = ss58_encode(key, 0)
    assert Keypair.from_ss58(polkadot).ss58_address == BOB  # any prefix in, format 42 out
    with pytest.raises(InvalidSeed, match="cannot sign"):
        Keypair.from_ss58(BOB).sign(b"x")


def test_keypair_is_immutable_and_repr_has_no_secret() -> None:
    kp = Keypair.from_mnemonic(ABANDON)
    with pytest.raises(AttributeError):
        kp.public_key = bytes(32)  # type: ignore[misc]
    with pytest.raises(AttributeError):
        kp._public_key = bytes(32)  # type: ignore[misc]
    text = repr(kp) + str(kp)
    assert kp.ss58_address in text
    for secret in (kp.private_key.hex(), kp.seed.hex(), "abandon"):
        assert secret not in text


# ----- signatures ----------------------------------------------------------------------------
def test_sign_verify_across_substrate_interface() -> None:
    ours = Keypair.from_uri("//Alice")
    ref = SubstrateKeypair.create_from_uri("//Alice")
    message = b"taocli signs this"
    sig = ours.sign(message)
    assert len(sig) == 64
    assert ref.verify(message, sig)
    assert ours.verify(message, ref.sign(message))
    assert ours.verify(message, "0x" + sig.hex()) and ours.verify(message, sig.hex())
    assert not Keypair.from_uri("//Bob").verify(message, sig)
    assert not ours.verify(b"other", sig)


def test_text_and_hex_messages_follow_substrate_rules() -> None:
    kp = Keypair.from_uri("//Bob")
    assert kp.verify(b"hello", kp.sign("hello"))
    assert kp.verify(b"\x01\x02", kp.sign("0x0102"))  # 0x-strings are hex, as in substrate-interface
    assert kp.verify("0x0102", kp.sign(b"\x01\x02"))


def test_bytes_wrapped_signature_verifies() -> None:
    kp = Keypair.from_uri("//Alice")
    wrapped_sig = kp.sign(b"<Bytes>payload</Bytes>")  # what polkadot.js signRaw produces
    assert kp.verify(b"payload", wrapped_sig)


@pytest.mark.parametrize(
    "garbage", [b"", b"short", b"\xff" * 64, b"\x00" * 64, "zz", "0x", "0x" + "ab" * 63, 12345, None]
)
def test_verify_never_raises_on_garbage(garbage: object) -> None:
    assert Keypair.from_uri("//Alice").verify(b"m", garbage) is False  # type: ignore[arg-type]


def test_equality_ignores_the_randomised_nonce_of_soft_derivation() -> None:
    a, b = Keypair.from_uri("//Alice/soft"), Keypair.from_uri("//Alice/soft")
    assert a.private_key[32:] != b.private_key[32:]  # schnorrkel picks a fresh nonce
    assert a == b and hash(a) == hash(b)
    assert a != a.public_only() and a.public_only() == b.public_only()
    assert a != Keypair.from_uri("//Alice")
