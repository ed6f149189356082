"""Encrypted coldkeys through the CLI: the only CLI tests that pay for argon2 (~3 s, 0.5 GiB each).

One encrypted wallet is made per module and copied for tests that change it; each test below costs at
most one or two key derivations.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.integration.test_cli_support import STRONG_PASSWORD, copy_tree, run_cli, snapshot, write_secret
from tests.unit.test_wallet_polkadot_json import export
from wallet.keyfile import Keyfile
from wallet.keypair import Keypair
from wallet.mnemonic import generate_mnemonic
from wallet.passwords import encode_env_password, env_var_name

pytestmark = pytest.mark.slow  # starts `taocli` processes and runs argon2


@pytest.fixture(scope="module")
def sealed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`<home>/wallets/enc`: a coldkey encrypted with STRONG_PASSWORD, created by `taocli wallet create`."""
    home = tmp_path_factory.mktemp("sealed")
    pw = write_secret(home / "pw", STRONG_PASSWORD + "\n")
    res = run_cli(["wallet", "create", "-p", str(home / "wallets"), "-w", "enc", "--password-file", str(pw),
                   "-y", "--json"], home)
    assert res.code == 0, res.stderr
    assert res.json()["coldkey"]["encrypted"] is True
    assert (home / "wallets" / "enc" / "coldkey").read_bytes().startswith(b"$NACL")
    return home / "wallets"


def test_sign_unlocks_with_the_bt_pw_variable(tmp_path: Path, sealed: Path) -> None:
    coldkey = sealed / "enc" / "coldkey"
    var = env_var_name(coldkey)
    res = run_cli(["wallet", "sign", "-p", str(sealed), "-w", "enc", "-m", "hello", "--json"], tmp_path,
                  env={var: encode_env_password(var, STRONG_PASSWORD)})
    assert res.code == 0, res.stderr
    public = Keyfile(sealed / "enc" / "coldkeypub.txt").read()
    assert res.json()["signer"] == public.ss58_address
    assert public.verify(b"hello", res.json()["signature"])
    assert STRONG_PASSWORD not in res.stdout + res.stderr


def test_wrong_password_is_one_line_and_changes_nothing(tmp_path: Path, sealed: Path) -> None:
    before = snapshot(sealed)
    pw = write_secret(tmp_path / "pw", "definitely not the password\n")
    res = run_cli(["wallet", "sign", "-p", str(sealed), "-w", "enc", "-m", "x", "--password-file", str(pw)],
                  tmp_path)
    assert res.code == 1
    assert "password" in res.one_error_line().lower()
    assert "definitely not the password" not in res.stderr
    assert snapshot(sealed) == before


def test_no_password_source_fails_fast_without_a_terminal(tmp_path: Path, sealed: Path) -> None:
    res = run_cli(["wallet", "sign", "-p", str(sealed), "-w", "enc", "-m", "x"], tmp_path)
    assert res.code == 2
    line = res.one_error_line()
    assert "--password-file" in line and "BT_PW_" in line


def test_change_password_encrypts_a_plain_coldkey_and_drops_the_plain_copy(tmp_path: Path) -> None:
    root = tmp_path / "w"
    made = run_cli(["wallet", "new-coldkey", "-p", str(root), "-w", "p", "--no-password", "-y", "--json"],
                   tmp_path)
    assert made.code == 0, made.stderr
    address = made.json()["coldkey"]["ss58_address"]
    new_pw = write_secret(tmp_path / "new", STRONG_PASSWORD + "\n")
    res = run_cli(["wallet", "change-password", "-p", str(root), "-w", "p", "--new-password-file", str(new_pw),
                   "-y", "--json"], tmp_path)
    assert res.code == 0, res.stderr
    assert res.json()["backup"] is None and not (root / "p" / "coldkey.bak").exists()
    assert (root / "p" / "coldkey").read_bytes().startswith(b"$NACL")
    read_end, write_end = os.pipe()
    os.write(write_end, (STRONG_PASSWORD + "\n").encode())
    os.close(write_end)
    try:
        signed = run_cli(["wallet", "sign", "-p", str(root), "-w", "p", "-m", "m", "--password-fd", str(read_end),
                          "--json"], tmp_path, pass_fds=(read_end,))
    finally:
        os.close(read_end)
    assert signed.code == 0, signed.stderr
    assert signed.json()["signer"] == address


def test_change_password_with_a_weak_new_password_changes_nothing(tmp_path: Path, sealed: Path) -> None:
    root = copy_tree(sealed, tmp_path / "copy")
    before = snapshot(root)
    old = write_secret(tmp_path / "old", STRONG_PASSWORD + "\n")
    weak = write_secret(tmp_path / "weak", "abc123\n")
    res = run_cli(["wallet", "change-password", "-p", str(root), "-w", "enc", "--password-file", str(old),
                   "--new-password-file", str(weak), "-y"], tmp_path)
    assert res.code == 1 and "too weak" in res.one_error_line()
    assert snapshot(root) == before


def test_regen_hotkey_from_polkadot_json(tmp_path: Path) -> None:
    kp = Keypair.from_mnemonic(generate_mnemonic(12))
    doc = tmp_path / "account.json"
    doc.write_text(export(kp, "json pass phrase"))
    passphrase = write_secret(tmp_path / "jp", "json pass phrase\n")
    root = tmp_path / "w"
    res = run_cli(["wallet", "regen-hotkey", "-p", str(root), "-w", "j", "-H", "imported", "--json-file", str(doc),
                   "--json-password-file", str(passphrase), "-y", "--json"], tmp_path)
    assert res.code == 0, res.stderr
    assert res.json()["hotkey"]["ss58_address"] == kp.ss58_address
    assert Keyfile(root / "j" / "hotkeys" / "imported").read().public_key == kp.public_key
    wrong = write_secret(tmp_path / "jw", "wrong\n")
    bad = run_cli(["wallet", "regen-hotkey", "-p", str(root), "-w", "j", "-H", "other", "--json-file", str(doc),
                   "--json-password-file", str(wrong), "-y"], tmp_path)
    assert bad.code == 1 and "Traceback" not in bad.stderr
    assert not (root / "j" / "hotkeys" / "other").exists()
