"""Encrypted keyfiles: $NACL (written and read), ansible-vault and Fernet (read).

argon2i costs ~3 s and 0.5 GiB per derivation, so this file pays for exactly three: one
encrypted write (its read-back verification reuses the derived key), one unlock through the
BT_PW_ variable and one wrong password. The legacy files are built here with `cryptography`
directly from the spec (§4), independently of the code under test.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from tests.unit.wallet_fixtures import ABANDON, mode, snapshot
from wallet.errors import KeyfileCorrupt, PasswordRequired, WrongPassword
from wallet.keyfile import Keyfile
from wallet.keyfile_json import serialize
from wallet.keypair import Keypair
from wallet.passwords import encode_env_password, env_var_name

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def nacl_file(tmp_path_factory: pytest.TempPathFactory) -> Keyfile:
    """One $NACL coldkey shared by the tests below (one argon2 derivation)."""
    kf = Keyfile(tmp_path_factory.mktemp("nacl") / "w" / "coldkey")
    kf.write(Keypair.from_mnemonic(ABANDON), password=PASSWORD)
    return kf


def test_nacl_file_shape(nacl_file: Keyfile) -> None:
    data = nacl_file.path.read_bytes()
    plain = serialize(Keypair.from_mnemonic(ABANDON))
    assert data.startswith(b"$NACL") and len(data) == len(plain) + 45
    assert ABANDON.encode() not in data and b"secretPhrase" not in data
    assert nacl_file.encryption == "nacl" and nacl_file.is_encrypted
    assert mode(nacl_file.path) == 0o600 and mode(nacl_file.path.parent) == 0o700


def test_password_required(nacl_file: Keyfile, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(env_var_name(nacl_file.path), raising=False)
    with pytest.raises(PasswordRequired) as info:
        nacl_file.read()
    assert "is encrypted and no password was given" in str(info.value) and "BT_PW_" in str(info.value)


def test_unlock_through_bt_pw_variable(nacl_file: Keyfile, monkeypatch: pytest.MonkeyPatch) -> None:
    var = env_var_name(nacl_file.path)
    monkeypatch.setenv(var, encode_env_password(var, PASSWORD))
    kp = nacl_file.read()
    assert kp == Keypair.from_mnemonic(ABANDON) and kp.mnemonic == ABANDON


def test_wrong_password_changes_nothing(nacl_file: Keyfile) -> None:
    root = nacl_file.path.parent
    before = snapshot(root)
    with pytest.raises(WrongPassword) as info:
        nacl_file.read("not the password")
    message = str(info.value)
    assert "does not decrypt" in message and str(nacl_file.path) in message and "not the password" not in message
    assert snapshot(root) == before


def test_truncated_nacl_is_corrupt_without_kdf(nacl_file: Keyfile, tmp_path: Path) -> None:
    cut = Keyfile(tmp_path / "coldkey")
    cut.path.write_bytes(nacl_file.path.read_bytes()[:30])
    with pytest.raises(KeyfileCorrupt, match="is truncated"):
        cut.read("anything")


# ----- legacy formats, built independently from the spec -------------------------------------
def _ansible_vault(plain: bytes, password: str) -> bytes:
    salt = os.urandom(32)
    derived = PBKDF2HMAC(algorithm=hashes.SHA256(), length=80, salt=salt, iterations=10_000).derive(password.encode())
    key, mac_key, iv = derived[:32], derived[32:64], derived[64:]
    pad = 16 - len(plain) % 16
    enc = Cipher(algorithms.AES(key), modes.CTR(iv)).encryptor()
    ct = enc.update(plain + bytes([pad]) * pad) + enc.finalize()
    mac = hmac.new(mac_key, ct, hashlib.sha256).hexdigest().encode()
    body = (salt.hex().encode() + b"\n" + mac + b"\n" + ct.hex().encode()).hex().encode()
    return b"$ANSIBLE_VAULT;1.1;AES256\n" + b"\n".join(body[i : i + 80] for i in range(0, len(body), 80)) + b"\n"


def test_reads_ansible_vault(tmp_path: Path) -> None:
    kp = Keypair.from_uri("//Alice")
    plain = json.dumps({"secretSeed": None, "privateKey": "0x" + kp.private_key.hex(), "ss58Address": kp.ss58_address})
    kf = Keyfile(tmp_path / "coldkey")
    kf.path.write_bytes(_ansible_vault(plain.encode(), "old-pass"))
    assert kf.encryption == "ansible" and kf.is_encrypted
    assert kf.read("old-pass") == kp
    before = snapshot(tmp_path)
    with pytest.raises(WrongPassword):
        kf.read("wrong")
    assert snapshot(tmp_path) == before


def test_damaged_ansible_vault(tmp_path: Path) -> None:
    kf = Keyfile(tmp_path / "coldkey")
    kf.path.write_bytes(b"$ANSIBLE_VAULT;1.1;AES256\nnothex!!\n")
    with pytest.raises(KeyfileCorrupt, match="not a well-formed ansible-vault"):
        kf.read("x")


def test_reads_fernet_which_bittensor_wallet_cannot(tmp_path: Path) -> None:
    """The oldest format: PBKDF2-SHA256 10M rounds over a fixed salt (one test: ~3 s per side)."""
    kp = Keypair.from_mnemonic(ABANDON)
    salt = b"Iguesscyborgslikemyselfhaveatendencytobeparanoidaboutourorigins"
    key = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=10_000_000).derive(b"ancient")
    token = Fernet(base64.urlsafe_b64encode(key)).encrypt(serialize(kp))
    kf = Keyfile(tmp_path / "coldkey")
    kf.path.write_bytes(token)
    assert kf.encryption == "fernet"
    assert kf.read("ancient") == kp
