"""`wallet overview` and `wallet balance --all` skip only what they cannot read as a wallet (with a line
naming it); any other failure is an error, never a quiet "skipping"."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer

from taocli.boundary import run
from taocli.main import app
from tests.integration.node_fixtures import NodeProcess
from tests.integration.test_cli_chain_support import make_wallet
from tests.integration.test_cli_support import clean_env
from wallet.keypair import Keypair
from wallet.wallet import Wallet

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    proc = NodeProcess(tmp_path_factory.mktemp("overview") / "node", "--instant").start()
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Wallet "w": hotkey "default" readable, hotkey "locked" encrypted without its pub file (argon2 once)."""
    root = tmp_path_factory.mktemp("overview-wallets")
    make_wallet(root, "w")
    locked = Wallet("w", "locked", str(root))
    locked.set_hotkey(Keypair.from_uri("//Locked"), password="a long enough password 9", overwrite=True)
    locked.hotkeypub_file_for("locked").path.unlink()  # encrypted, no pub file: cannot be read without a password
    return root


@pytest.fixture
def wallets(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key, value in clean_env(tmp_path, {"TAOCLI_CACHE_DIR": str(tmp_path / "cache")}).items():
        monkeypatch.setenv(key, value)
    return Path(shutil.copytree(template, tmp_path / "wallets"))


def _taocli(*args: str) -> int:
    return run(typer.main.get_command(app), list(args))


def test_an_unreadable_hotkey_is_skipped_with_a_line_naming_it(
        node: NodeProcess, wallets: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _taocli("wallet", "overview", "-w", "w", "-p", str(wallets), "-n", node.url) == 0
    assert "skipping hotkey 'locked'" in capsys.readouterr().err


def test_a_bug_while_reading_hotkeys_is_an_error_not_skipping(
        node: NodeProcess, wallets: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def broken(self: Wallet, hotkey: str | None = None) -> Keypair:
        raise TypeError("a bug, not a wallet problem")

    monkeypatch.setattr(Wallet, "hotkeypub", broken)
    assert _taocli("wallet", "overview", "-w", "w", "-p", str(wallets), "-n", node.url) != 0
    err = capsys.readouterr().err
    assert "skipping" not in err and "a bug, not a wallet problem" in err


def test_balance_all_skips_only_wallet_errors(
        node: NodeProcess, wallets: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (wallets / "broken").mkdir()
    (wallets / "broken" / "coldkeypub.txt").write_text("not a key")  # a wallet error: skipped with a line
    assert _taocli("wallet", "balance", "--all", "-p", str(wallets), "-n", node.url) == 0
    assert "skipping wallet 'broken'" in capsys.readouterr().err

    def broken(self: Wallet) -> Keypair:
        raise TypeError("a bug, not a wallet problem")

    monkeypatch.setattr(Wallet, "coldkeypub", property(broken))
    assert _taocli("wallet", "balance", "--all", "-p", str(wallets), "-n", node.url) != 0
    assert "skipping" not in capsys.readouterr().err
