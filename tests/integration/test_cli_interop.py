"""The CLI against the official bittensor-wallet 4.1.1, both directions, without argon2.

The wallet library's own interop tests cover encryption; here we check the promise the README makes
for the command line: wallets made by btcli show up and work in taocli, and the reverse.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.test_cli_support import run_cli

bt = pytest.importorskip("bittensor_wallet")

pytestmark = [pytest.mark.slow, pytest.mark.interop]


def test_taocli_lists_and_signs_with_an_official_wallet(tmp_path: Path) -> None:
    root = tmp_path / "wallets"
    official = bt.Wallet(name="ow", hotkey="oh", path=str(root))
    official.create_new_coldkey(n_words=12, use_password=False, overwrite=False, suppress=True)
    official.create_new_hotkey(n_words=12, use_password=False, overwrite=False, suppress=True)
    listed = run_cli(["wallet", "list", "-p", str(root), "--json"], tmp_path)
    assert listed.code == 0, listed.stderr
    [entry] = listed.json()["wallets"]
    assert entry["coldkey"]["ss58_address"] == official.coldkeypub.ss58_address
    assert entry["hotkeys"] == [{"name": "oh", "ss58_address": official.hotkey.ss58_address, "encrypted": False}]
    signed = run_cli(["wallet", "sign", "-p", str(root), "-w", "ow", "-m", "interop", "--json"], tmp_path)
    assert signed.code == 0, signed.stderr
    signature = bytes.fromhex(signed.json()["signature"][2:])
    assert official.coldkeypub.verify(b"interop", signature)


def test_official_wallet_opens_what_taocli_created(tmp_path: Path) -> None:
    root = tmp_path / "wallets"
    made = run_cli(["wallet", "create", "-p", str(root), "-w", "tw", "-H", "th", "--no-password", "-y", "--json"],
                   tmp_path)
    assert made.code == 0, made.stderr
    data = made.json()
    official = bt.Wallet(name="tw", hotkey="th", path=str(root))
    assert official.coldkeypub.ss58_address == data["coldkey"]["ss58_address"]
    assert official.coldkey.ss58_address == data["coldkey"]["ss58_address"]
    assert official.hotkey.ss58_address == data["hotkey"]["ss58_address"]
    message = b"signed by the official wallet"
    sig = "0x" + bytes(official.hotkey.sign(message)).hex()
    verified = run_cli(["wallet", "verify", "-p", str(root), "-w", "tw", "-H", "th", "--use-hotkey",
                        "-m", message.decode(), "-s", sig], tmp_path)
    assert verified.code == 0, verified.stderr
