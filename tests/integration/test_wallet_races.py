"""Wallet writes under concurrency and names that hide characters (issue 14, items 8 and 11)."""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.integration.test_cli_support import TAOCLI, clean_env, plaintext_wallet, run_cli
from wallet.errors import InvalidName
from wallet.keypair import Keypair
from wallet.mnemonic import generate_mnemonic
from wallet.wallet import Wallet, list_wallets, validate_name


def _key_files_agree(w: Wallet, hotkey: str = "default") -> bool:
    secret = w.hotkey_keypair(hotkey=hotkey)
    return secret.ss58_address == w.hotkeypub(hotkey).ss58_address


@pytest.mark.slow
def test_concurrent_new_hotkey_overwrite_leaves_one_whole_key(tmp_path: Path) -> None:
    """Six `wallet new-hotkey --overwrite` at once, three times. Before: the secret and `defaultpub.txt` could
    come from different keys (both processes print "Created"; `list` and `sign` then disagree)."""
    wallets = plaintext_wallet(tmp_path)
    argv = [*TAOCLI, "wallet", "new-hotkey", "-w", "alice", "-H", "default", "-p", str(wallets), "--overwrite",
            "--yes", "--json"]
    w = Wallet("alice", "default", str(wallets))
    for _ in range(3):
        procs = [subprocess.Popen(argv, env=clean_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  stdin=subprocess.DEVNULL) for _ in range(6)]
        outs = [p.communicate(timeout=120) for p in procs]
        assert all(p.returncode == 0 for p in procs), outs
        assert _key_files_agree(w)
        printed = {line for out, _ in outs for line in out.decode().splitlines() if w.hotkeypub().ss58_address in line}
        assert printed  # the survivor is one of the keys a process reported


def test_a_writer_that_is_slow_between_its_two_files_cannot_split_the_key(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Deterministic form of the race: writer A pauses 0.3 s between its secret and its pub.txt while writer B
    replaces the same hotkey. Before: A's secret was overwritten by B's and A's pub.txt landed last, so the
    wallet held B's secret with A's address."""
    from wallet.keyfile import Keyfile

    w = Wallet("w", "default", str(tmp_path))
    w.set_hotkey(Keypair.from_mnemonic(generate_mnemonic(12)))
    key_a, key_b = (Keypair.from_mnemonic(generate_mnemonic(12)) for _ in range(2))
    original = Keyfile.write
    a_wrote_secret = threading.Event()

    def slow_for_a(self: Keyfile, keypair: Keypair, **kwargs: object) -> object:
        result = original(self, keypair, **kwargs)
        if keypair.ss58_address == key_a.ss58_address and not kwargs.get("public_only"):
            a_wrote_secret.set()
            time.sleep(0.3)
        return result

    monkeypatch.setattr(Keyfile, "write", slow_for_a)
    writer_a = threading.Thread(target=lambda: w.set_hotkey(key_a, overwrite=True))
    writer_a.start()
    assert a_wrote_secret.wait(10)
    w.set_hotkey(key_b, overwrite=True)  # waits for A's lock (after the fix)
    writer_a.join(10)
    assert _key_files_agree(w), "the secret and pub.txt are from different keys"
    assert w.hotkeypub().ss58_address in (key_a.ss58_address, key_b.ss58_address)


@pytest.mark.parametrize("name", ["ali\u200bce", "\u202eecila", "alice\u2066", "b\u00a0ob", "a\ufeffb", "x\u2028y",
                                  "\u3164", "tab\u180e", "a\u2060b"])
def test_names_with_invisible_or_bidi_characters_are_refused(name: str) -> None:
    with pytest.raises(InvalidName, match=r"invisible or direction-changing character \(U\+[0-9A-F]{4,5} "):
        validate_name(name)
    with pytest.raises(InvalidName):
        validate_name(name, "hotkey")


def test_visible_names_still_work() -> None:
    for name in ("alice", "my wallet", "Ünïcödé", "validator-1", "日本語", "emoji🙂", "a.b_c"):
        assert validate_name(name) == name


@pytest.mark.slow
def test_cli_refuses_an_invisible_wallet_name_in_one_line(tmp_path: Path) -> None:
    wallets = tmp_path / "wallets"
    for name in ("ali\u200bce", "\u202eecila"):
        res = run_cli(["wallet", "create", "-p", str(wallets), "-w", name, "--no-password", "--yes", "--json"],
                      tmp_path)
        assert res.code != 0 and "Traceback" not in res.stderr
        assert "invisible or direction-changing character" in res.stderr, res.stderr
        assert len([line for line in res.stderr.splitlines() if line.strip()]) == 1
    assert list_wallets(wallets) == []
