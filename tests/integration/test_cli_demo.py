"""`taocli demo` (the README's main job) runs end to end without a terminal and leaves real wallets."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.test_cli_support import run_cli
from wallet.keyfile import Keyfile

pytestmark = pytest.mark.slow  # starts `taocli` and runs argon2 twice (~6 s)


def test_demo_journey(tmp_path: Path) -> None:
    res = run_cli(["demo", "--dir", str(tmp_path / "demo")], tmp_path, timeout=300)
    assert res.code == 0, res.stdout + res.stderr
    assert "Traceback" not in res.stderr
    wallets = tmp_path / "demo" / "wallets"
    alice = Keyfile(wallets / "alice" / "coldkeypub.txt").read().ss58_address
    assert (wallets / "alice" / "coldkey").read_bytes().startswith(b"$NACL")
    assert (wallets / "bob" / "hotkeys" / "miner1").exists()
    for step in range(1, 9):
        assert f"== {step}." in res.stdout
    assert alice in res.stdout
    assert "Valid signature by" in res.stdout
    assert "(rejected as expected)" in res.stdout
    assert "demo: correct horse" not in res.stdout + res.stderr  # the password itself is never printed
