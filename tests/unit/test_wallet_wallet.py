"""The Wallet layout: names, reading and writing cold/hot keys, listing, and refusals.

Coldkeys here are written without a password (plaintext) to keep argon2 out of this file; the
encrypted path is covered once in test_wallet_encryption.py and in the interop tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.wallet_fixtures import ABANDON, ALICE, BOB, mode, snapshot
from wallet import Wallet, list_wallets
from wallet.errors import InvalidAddress, InvalidName, KeyExists, UnknownHotkey, UnknownWallet
from wallet.keypair import Keypair
from wallet.ss58 import ss58_decode
from wallet.wallet import DEFAULT_WALLET_PATH


@pytest.fixture
def made(tmp_path: Path) -> Wallet:
    w = Wallet("main", "miner1", tmp_path)
    w.set_coldkey(Keypair.from_mnemonic(ABANDON), password=None)
    w.set_hotkey(Keypair.from_uri("//Alice"))
    return w


def test_layout_and_modes(made: Wallet, tmp_path: Path) -> None:
    base = tmp_path / "main"
    assert sorted(p.name for p in base.iterdir()) == ["coldkey", "coldkeypub.txt", "hotkeys"]
    assert sorted(p.name for p in (base / "hotkeys").iterdir()) == ["miner1", "miner1pub.txt"]
    assert mode(base) == 0o700 and mode(base / "hotkeys") == 0o700
    for f in ("coldkey", "coldkeypub.txt", "hotkeys/miner1", "hotkeys/miner1pub.txt"):
        assert mode(base / f) == 0o600
    pub = json.loads((base / "coldkeypub.txt").read_text())
    assert set(pub) == {"accountId", "publicKey", "ss58Address"}
    assert made.coldkey_file.path == base / "coldkey" and made.hotkeypub_file.path == base / "hotkeys/miner1pub.txt"


def test_reading_back(made: Wallet, tmp_path: Path) -> None:
    cold = Keypair.from_mnemonic(ABANDON)
    assert made.exists()
    assert made.coldkeypub.ss58_address == cold.ss58_address and not made.coldkeypub.has_secret
    assert made.coldkey().mnemonic == ABANDON
    assert made.hotkey_keypair().ss58_address == ALICE
    assert made.hotkeypub().ss58_address == ALICE
    assert made.hotkey_names() == ["miner1"]
    assert list_wallets(tmp_path) == ["main"]


def test_several_hotkeys_and_pub_only_hotkey(made: Wallet) -> None:
    made.set_hotkey(Keypair.from_uri("//Bob"), hotkey="b")
    made.set_hotkeypub(BOB, hotkey="watch")
    assert made.hotkey_names() == ["b", "miner1", "watch"]
    assert made.hotkeypub("watch").ss58_address == BOB
    with pytest.raises(UnknownHotkey, match="'watch' does not exist"):
        made.hotkey_keypair(hotkey="watch")  # no secret for a watch-only hotkey


def test_coldkeypub_regen_forms(tmp_path: Path) -> None:
    for i, form in enumerate([BOB, "0x" + ss58_decode(BOB).hex(), ss58_decode(BOB), Keypair.from_uri("//Bob")]):
        w = Wallet(f"w{i}", path=tmp_path)
        w.set_coldkeypub(form)
        assert w.coldkeypub.ss58_address == BOB and w.exists()
        with pytest.raises(UnknownWallet, match="holds only its public coldkey"):
            w.coldkey()
    with pytest.raises(InvalidAddress):
        Wallet("bad", path=tmp_path).set_coldkeypub("5Fnot-an-address")
    assert not (tmp_path / "bad").exists()


def test_default_names_and_path() -> None:
    w = Wallet()
    assert (w.name, w.hotkey, w.path) == ("default", "default", DEFAULT_WALLET_PATH)
    path = str(w.coldkey_file.path)
    assert "~" not in path and path.endswith(".bittensor/wallets/default/coldkey")


@pytest.mark.parametrize("name", ["", ".", "..", "../x", "a/b", "a\\b", ".hidden", "x.bak", "nul\0", "tab\t", " pad"])
def test_bad_wallet_names(tmp_path: Path, name: str) -> None:
    before = snapshot(tmp_path)
    with pytest.raises(InvalidName) as info:
        Wallet(name, path=tmp_path)
    assert "name" in str(info.value) and "\n" not in str(info.value)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("name", ["../../escaped", "xpub.txt", "../x"])
def test_bad_hotkey_names(made: Wallet, tmp_path: Path, name: str) -> None:
    before = snapshot(tmp_path)
    with pytest.raises(InvalidName):
        Wallet("main", name, tmp_path)
    with pytest.raises(InvalidName):
        made.set_hotkey(Keypair.from_uri("//Bob"), hotkey=name)
    assert snapshot(tmp_path) == before


def test_unknown_wallet_and_hotkey(made: Wallet, tmp_path: Path) -> None:
    before = snapshot(tmp_path)
    ghost = Wallet("ghost", path=tmp_path)
    assert not ghost.exists()
    with pytest.raises(UnknownWallet) as info:
        _ = ghost.coldkeypub
    assert "wallet 'ghost' does not exist" in str(info.value) and "taocli wallet" in str(info.value)
    with pytest.raises(UnknownWallet):
        ghost.coldkey("pw")
    with pytest.raises(UnknownWallet):
        ghost.hotkey_keypair()
    with pytest.raises(UnknownHotkey) as info2:
        made.hotkey_keypair(hotkey="nope")
    assert "hotkey 'nope' does not exist in wallet 'main'" in str(info2.value)
    assert ghost.hotkey_names() == []
    assert snapshot(tmp_path) == before


def test_existing_keys_are_not_replaced(made: Wallet, tmp_path: Path) -> None:
    before = snapshot(tmp_path)
    with pytest.raises(KeyExists, match="coldkey already exists"):
        made.set_coldkey(Keypair.from_uri("//Bob"), password=None)
    with pytest.raises(KeyExists, match="miner1 already exists"):
        made.set_hotkey(Keypair.from_uri("//Bob"))
    with pytest.raises(KeyExists, match=r"coldkeypub\.txt already exists"):
        made.set_coldkeypub(BOB)
    assert snapshot(tmp_path) == before


def test_coldkeypub_alone_blocks_a_new_coldkey(tmp_path: Path) -> None:
    w = Wallet("watch", path=tmp_path)
    w.set_coldkeypub(BOB)
    before = snapshot(tmp_path)
    with pytest.raises(KeyExists, match=r"coldkeypub\.txt already exists"):
        w.set_coldkey(Keypair.from_uri("//Alice"), password=None)
    assert snapshot(tmp_path) == before


def test_overwrite_coldkey_keeps_backups(made: Wallet, tmp_path: Path) -> None:
    old_cold = (tmp_path / "main/coldkey").read_bytes()
    old_pub = (tmp_path / "main/coldkeypub.txt").read_bytes()
    made.set_coldkey(Keypair.from_uri("//Bob"), password=None, overwrite=True)
    assert made.coldkeypub.ss58_address == BOB
    assert (tmp_path / "main/coldkey.bak").read_bytes() == old_cold
    assert (tmp_path / "main/coldkeypub.txt.bak").read_bytes() == old_pub
    assert list_wallets(tmp_path) == ["main"]


def test_list_wallets_skips_non_wallets(tmp_path: Path, made: Wallet) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "stray.txt").write_text("x")
    Wallet("abc", path=tmp_path).set_coldkeypub(BOB)
    assert list_wallets(tmp_path) == ["abc", "main"]
    assert list_wallets(tmp_path / "missing") == []
    assert list_wallets(tmp_path / "stray.txt") == []


def test_coldkeypub_falls_back_to_plain_coldkey(made: Wallet, tmp_path: Path) -> None:
    (tmp_path / "main/coldkeypub.txt").unlink()
    assert made.coldkeypub.ss58_address == Keypair.from_mnemonic(ABANDON).ss58_address


def test_import_is_light() -> None:
    """`taocli wallet list` must start fast: importing the package loads no crypto back end."""
    import subprocess
    import sys

    code = (
        "import sys, wallet; wallet.list_wallets('/nonexistent'); "
        "mods = ('bip_utils', 'cryptography', 'zxcvbn', 'nacl', 'substrateinterface'); "
        "heavy = [m for m in mods if m in sys.modules]; "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_public_only_keypair_cannot_become_a_secret_key(tmp_path: Path) -> None:
    from wallet.errors import InvalidSeed
    from wallet.keyfile import Keyfile

    watch = Keypair.from_ss58(BOB)
    w = Wallet("w", "h", tmp_path)
    with pytest.raises(InvalidSeed, match="cannot be stored as a coldkey"):
        w.set_coldkey(watch, password=None)
    with pytest.raises(InvalidSeed, match="cannot be stored as a hotkey"):
        w.set_hotkey(watch)
    with pytest.raises(InvalidSeed, match="no secret key to encrypt"):
        Keyfile(tmp_path / "x").write(watch, password="pw")
    assert list(tmp_path.iterdir()) == []
