"""Interop with the official bittensor-wallet 4.1.1, both ways, on real files in tmp dirs.

Shows that a wallet written by taocli opens in bittensor-wallet (same addresses, the $NACL
coldkey decrypts with our password passed through the BT_PW_ variable) and that one written
by bittensor-wallet opens in taocli; signatures verify across both. argon2 runs four times in
the whole file (our encrypt, their decrypt, their encrypt, our decrypt): two module fixtures.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wallet import Keypair, Wallet
from wallet.encryption import ansible_encrypt
from wallet.keyfile import Keyfile
from wallet.keyfile_json import serialize
from wallet.mnemonic import generate_mnemonic
from wallet.passwords import encode_env_password, env_var_name

bt = pytest.importorskip("bittensor_wallet")
pytestmark = pytest.mark.interop

OUR_PASSWORD = "taocli interop pass"
THEIR_PASSWORD = "  their pass with spaces  "  # programmatic passwords are not trimmed (spec §6)


@pytest.fixture(scope="module")
def ours(tmp_path_factory: pytest.TempPathFactory) -> tuple[Wallet, str]:
    """A wallet written by taocli: encrypted coldkey from a fresh mnemonic, plaintext hotkey."""
    root = tmp_path_factory.mktemp("ours")
    phrase = generate_mnemonic(24)
    w = Wallet("tw", "th", root)
    w.set_coldkey(Keypair.from_mnemonic(phrase), password=OUR_PASSWORD)
    w.set_hotkey(Keypair.from_mnemonic(generate_mnemonic(12)))
    return w, phrase


@pytest.fixture(scope="module")
def theirs(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, str, str]:
    """A wallet written by bittensor-wallet: encrypted coldkey and plaintext hotkey from mnemonics."""
    root = tmp_path_factory.mktemp("theirs")
    cold_phrase, hot_phrase = generate_mnemonic(12), generate_mnemonic(15)
    w = bt.Wallet(name="bw", hotkey="bh", path=str(root))
    w.regenerate_coldkey(
        mnemonic=cold_phrase, use_password=True, overwrite=False, suppress=True, coldkey_password=THEIR_PASSWORD
    )
    w.regenerate_hotkey(mnemonic=hot_phrase, use_password=False, overwrite=False, suppress=True)
    return w, cold_phrase, hot_phrase


# ----- ours -> theirs ------------------------------------------------------------------------
def test_bittensor_opens_our_wallet(ours: tuple[Wallet, str], monkeypatch: pytest.MonkeyPatch) -> None:
    w, phrase = ours
    expected = Keypair.from_mnemonic(phrase)
    theirs_view = bt.Wallet(name="tw", hotkey="th", path=str(Path(w.path)))
    assert theirs_view.coldkeypub.ss58_address == expected.ss58_address
    assert theirs_view.hotkey.ss58_address == w.hotkey_keypair().ss58_address
    assert theirs_view.hotkeypub.ss58_address == w.hotkey_keypair().ss58_address
    assert theirs_view.coldkey_file.is_encrypted()
    # the password travels through the BT_PW_ variable, encoded by us, decoded by them
    var = theirs_view.coldkey_file.env_var_name()
    assert var == env_var_name(w.coldkey_file.path)
    monkeypatch.setenv(var, encode_env_password(var, OUR_PASSWORD))
    unlocked = theirs_view.coldkey_file.get_keypair()
    assert unlocked.ss58_address == expected.ss58_address
    message = b"signed by bittensor-wallet with a key taocli wrote"
    assert expected.verify(message, bytes(unlocked.sign(message)))
    assert unlocked.verify(message, expected.sign(message))


def test_bittensor_reads_every_file_kind_we_write(tmp_path: Path) -> None:
    """Seed-only, URI-derived, public-only and UTF-8-seed keys, plaintext and ansible-vault."""
    cases = {
        "mnemonic": Keypair.from_mnemonic(generate_mnemonic(18)),
        "seed": Keypair.from_seed(bytes(range(32))),
        "utf8seed": Keypair.from_seed(b"A" * 32),  # 4.x would corrupt this one on its own write
        "uri": Keypair.from_uri("//Alice//stash"),
    }
    for name, kp in cases.items():
        Keyfile(tmp_path / name).write(kp)
        theirs_kp = bt.keyfile.deserialize_keypair_from_keyfile_data((tmp_path / name).read_bytes())
        assert theirs_kp.ss58_address == kp.ss58_address, name
        Keyfile(tmp_path / f"{name}pub.txt").write(kp, public_only=True)
        pub = bt.keyfile.deserialize_keypair_from_keyfile_data((tmp_path / f"{name}pub.txt").read_bytes())
        assert pub.ss58_address == kp.ss58_address
    vault = ansible_encrypt(serialize(cases["seed"]), "legacy")
    plain = bytes(bt.keyfile.decrypt_keyfile_data(vault, "legacy"))
    assert bt.keyfile.deserialize_keypair_from_keyfile_data(plain).ss58_address == cases["seed"].ss58_address


# ----- theirs -> ours ------------------------------------------------------------------------
def test_we_open_bittensor_wallet(theirs: tuple[object, str, str]) -> None:
    w, cold_phrase, hot_phrase = theirs
    ours_view = Wallet("bw", "bh", w.path)
    cold = Keypair.from_mnemonic(cold_phrase)
    assert ours_view.coldkeypub.ss58_address == w.coldkeypub.ss58_address == cold.ss58_address
    assert ours_view.coldkey_file.encryption == "nacl"
    unlocked = ours_view.coldkey(THEIR_PASSWORD)
    assert unlocked.mnemonic == cold_phrase and unlocked.seed == cold.seed
    hot = ours_view.hotkey_keypair()
    assert hot.ss58_address == w.hotkey.ss58_address == Keypair.from_mnemonic(hot_phrase).ss58_address
    assert ours_view.hotkey_names() == ["bh"]
    message = "0xdeadbeef"
    assert hot.verify(message, bytes(w.hotkey.sign(message)))
    assert w.hotkey.verify(message, hot.sign(message))


def test_we_read_every_file_kind_they_write(tmp_path: Path) -> None:
    """4.1.1 writes cryptoType 1, random key order, seed-only and URI keys, UTF-8 seed text."""
    cases = {
        "mnemonic": bt.Keypair.create_from_mnemonic(generate_mnemonic(24)),
        "seed": bt.Keypair.create_from_seed("0x" + "5a" * 32),
        "utf8seed": bt.Keypair.create_from_seed("0x" + "41" * 32),
        "uri": bt.Keypair.create_from_uri("//Bob/soft//hard"),
    }
    for name, kp in cases.items():
        data = bytes(bt.keyfile.serialized_keypair_to_keyfile_data(kp))
        assert json.loads(data).get("cryptoType") == 1
        (tmp_path / name).write_bytes(data)
        ours_kp = Keyfile(tmp_path / name).read()
        assert ours_kp.ss58_address == kp.ss58_address and ours_kp.has_secret, name
    assert Keyfile(tmp_path / "utf8seed").read().seed == b"A" * 32
    legacy = bytes(bt.keyfile.legacy_encrypt_keyfile_data(tmp_path.joinpath("seed").read_bytes(), "old"))
    (tmp_path / "vault").write_bytes(legacy)
    assert Keyfile(tmp_path / "vault").encryption == "ansible"
    assert Keyfile(tmp_path / "vault").read("old").ss58_address == cases["seed"].ss58_address


def test_their_pub_only_wallet(tmp_path: Path) -> None:
    alice = Keypair.from_uri("//Alice")
    w = bt.Wallet(name="watch", hotkey="h", path=str(tmp_path))
    w.regenerate_coldkeypub(ss58_address=alice.ss58_address, overwrite=False)
    w.regenerate_hotkeypub(public_key="0x" + alice.public_key.hex(), overwrite=False)
    ours_view = Wallet("watch", "h", tmp_path)
    assert ours_view.coldkeypub.ss58_address == alice.ss58_address
    assert ours_view.hotkeypub().ss58_address == alice.ss58_address
    assert ours_view.hotkey_names() == ["h"]


@pytest.mark.parametrize("n_words", [12, 24])
def test_same_addresses_from_same_mnemonic(n_words: int) -> None:
    for _ in range(5):
        phrase = generate_mnemonic(n_words)
        assert Keypair.from_mnemonic(phrase).ss58_address == bt.Keypair.create_from_mnemonic(phrase).ss58_address
