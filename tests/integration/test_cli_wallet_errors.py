"""Bad input to `taocli wallet ...`: one clear line naming cause and remedy, the right exit code, no
traceback, and not one byte changed on disk. No argon2 here: the wrong-password case is in
test_cli_encrypted.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.integration.test_cli_support import Result, plaintext_wallet, run_cli, snapshot, write_secret
from wallet.keypair import Keypair
from wallet.mnemonic import generate_mnemonic

pytestmark = pytest.mark.slow  # each test starts `taocli` processes


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture
def wallets(home: Path) -> Path:
    """A wallet dir with 'alice' (plaintext coldkey, hotkey 'default') made by the CLI itself."""
    return plaintext_wallet(home)


def fails(res: Result, code: int, *needles: str) -> str:
    """Assert a clean failure and return its line."""
    assert res.code == code, (res.code, res.stdout, res.stderr)
    line = res.one_error_line()
    for needle in needles:
        assert needle in line, line
    return line


def test_unknown_wallet(home: Path, wallets: Path) -> None:
    before = snapshot(wallets)
    fails(run_cli(["wallet", "show", "-p", str(wallets), "-w", "nobody"], home), 1, "nobody", "taocli wallet")
    fails(run_cli(["wallet", "sign", "-p", str(wallets), "-w", "nobody", "-m", "x"], home), 1, "nobody")
    assert snapshot(wallets) == before


def test_unknown_hotkey(home: Path, wallets: Path) -> None:
    res = run_cli(["wallet", "sign", "-p", str(wallets), "-w", "alice", "-H", "ghost", "--use-hotkey", "-m", "x"],
                  home)
    fails(res, 1, "ghost")


def test_corrupt_coldkey(home: Path, wallets: Path) -> None:
    (wallets / "alice" / "coldkey").write_bytes(b'{"secretPhrase": "not a real phrase", "accountId": 7}')
    before = snapshot(wallets)
    fails(run_cli(["wallet", "sign", "-p", str(wallets), "-w", "alice", "-m", "x"], home), 1)
    assert snapshot(wallets) == before


def test_corrupt_coldkeypub_is_reported_in_its_row_not_fatal(home: Path, wallets: Path) -> None:
    (wallets / "alice" / "coldkeypub.txt").write_text("garbage")
    res = run_cli(["wallet", "list", "-p", str(wallets), "--json"], home)
    assert res.code == 0, res.stderr
    [alice] = res.json()["wallets"]
    assert alice["coldkey"]["ss58_address"] is None and alice["coldkey"]["error"]
    assert alice["hotkeys"][0]["ss58_address"]


def test_invalid_mnemonic(home: Path) -> None:
    words = generate_mnemonic(12).split()
    words[-1] = "zoo" if words[-1] != "zoo" else "abandon"  # breaks the checksum (almost surely)
    bad = write_secret(home / "words.txt", " ".join(words))
    root = home / "w"
    res = run_cli(["wallet", "regen-coldkey", "-p", str(root), "-w", "r", "--mnemonic-file", str(bad),
                   "--no-password", "-y"], home)
    line = fails(res, 1)
    assert "mnemonic" in line.lower()
    assert " ".join(words) not in res.stderr  # the secret is not echoed back
    assert snapshot(root) == {}


def test_invalid_ss58(home: Path, wallets: Path) -> None:
    good = Keypair.from_mnemonic(generate_mnemonic(12)).ss58_address
    broken = good[:-1] + ("A" if good[-1] != "A" else "B")
    root = home / "w"
    fails(run_cli(["wallet", "regen-coldkeypub", "-p", str(root), "-w", "x", "--ss58", broken, "-y"], home), 1)
    assert snapshot(root) == {}
    res = run_cli(["wallet", "verify", "--address", "not-an-address", "-s", "0x" + "00" * 64, "-m", "x"], home)
    fails(res, 1)


def test_unwritable_wallet_path(home: Path) -> None:
    blocker = home / "a-file"
    blocker.write_text("not a directory")
    res = run_cli(["wallet", "create", "-p", str(blocker / "wallets"), "-w", "x", "--no-password", "-y"], home)
    fails(res, 1)
    assert blocker.read_text() == "not a directory"


def test_missing_password_in_non_interactive_mode(home: Path) -> None:
    root = home / "w"
    res = run_cli(["wallet", "create", "-p", str(root), "-w", "x", "--yes"], home)
    fails(res, 2, "--password-file", "--no-password")
    assert snapshot(root) == {}


def test_missing_confirmation_in_non_interactive_mode(home: Path) -> None:
    root = home / "w"
    fails(run_cli(["wallet", "create", "-p", str(root), "-w", "x", "--no-password"], home), 2, "--yes")
    assert snapshot(root) == {}


def test_missing_key_material_in_non_interactive_mode(home: Path) -> None:
    root = home / "w"
    res = run_cli(["wallet", "regen-coldkey", "-p", str(root), "-w", "x", "--no-password", "-y"], home)
    fails(res, 2, "--mnemonic-file", "--seed-file", "--json-file")
    assert snapshot(root) == {}


def test_weak_password_from_file_is_refused(home: Path) -> None:
    root = home / "w"
    pw = write_secret(home / "pw", "password\n")
    res = run_cli(["wallet", "create", "-p", str(root), "-w", "x", "--password-file", str(pw), "-y"], home)
    fails(res, 1, "too weak", "--allow-weak-password")
    assert snapshot(root) == {}


def test_weak_password_from_fd_is_refused(home: Path) -> None:
    root = home / "w"
    read_end, write_end = os.pipe()
    os.write(write_end, b"qwerty\n")
    os.close(write_end)
    try:
        res = run_cli(["wallet", "new-coldkey", "-p", str(root), "-w", "x", "--password-fd", str(read_end), "-y"],
                      home, pass_fds=(read_end,))
    finally:
        os.close(read_end)
    fails(res, 1, "too weak")
    assert snapshot(root) == {}


def test_password_file_readable_by_others_is_refused(home: Path) -> None:
    root = home / "w"
    pw = write_secret(home / "pw", "tangerine orbit velvet 7 canyon\n", mode=0o644)
    res = run_cli(["wallet", "create", "-p", str(root), "-w", "x", "--password-file", str(pw), "-y"], home)
    fails(res, 1, "chmod 600")
    assert snapshot(root) == {}


def test_unsafe_wallet_name(home: Path) -> None:
    root = home / "w"
    fails(run_cli(["wallet", "create", "-p", str(root), "-w", "../escape", "--no-password", "-y"], home), 1)
    assert not (home / "escape").exists() and snapshot(root) == {}


def test_usage_errors_exit_2(home: Path) -> None:
    fails(run_cli(["wallet", "create", "--bogus"], home), 2, "--bogus", "--help")
    fails(run_cli(["wallet", "create", "--n-words", "13", "--no-password", "-y", "-p", str(home / "w")], home),
          2, "12, 15, 18, 21 or 24")
    assert not (home / "w").exists()
    seed = write_secret(home / "s", "0x" + "11" * 32)
    fails(run_cli(["wallet", "regen-hotkey", "-p", str(home / "w"), "--seed-file", str(seed),
                   "--mnemonic-file", str(seed), "-y"], home), 2, "cannot be used together")
    fails(run_cli(["wallet", "verify", "--address", Keypair.from_seed("0x" + "11" * 32).ss58_address,
                   "-s", "zz", "-m", "x"], home), 2, "hex")


def test_debug_shows_the_traceback(home: Path, wallets: Path) -> None:
    res = run_cli(["wallet", "show", "-p", str(wallets), "-w", "nobody", "--debug"], home)
    assert res.code == 1 and "Traceback" in res.stderr and "Error: " in res.stderr
