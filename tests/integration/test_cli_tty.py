"""Interactive use through a real pseudo-terminal: confirmations, hidden prompts, weak-password retry.

These are the paths a person at a terminal takes; the other CLI tests all run with stdin not a TTY.
"""

from __future__ import annotations

import os
import pty
import select
import time
from pathlib import Path

import pytest

from tests.integration.test_cli_support import STRONG_PASSWORD, TAOCLI, clean_env, snapshot
from wallet.keyfile import Keyfile
from wallet.keypair import Keypair
from wallet.mnemonic import generate_mnemonic

pytestmark = pytest.mark.slow  # starts `taocli` on a pty


class Session:
    """taocli running on a pty; `expect` waits for text, `send` types a line."""

    def __init__(self, args: list[str], home: Path) -> None:
        env = clean_env(home)
        pid, fd = pty.fork()
        if pid == 0:  # child: the pty is stdin/stdout/stderr and the controlling terminal
            os.execve(TAOCLI[0], [*TAOCLI, *args], env)
        self.pid, self.fd, self.seen, self.cursor = pid, fd, "", 0

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            return False
        if not chunk:
            return False
        self.seen += chunk.decode(errors="replace")
        return True

    def expect(self, text: str, timeout: float = 60) -> None:
        """Wait for `text` after the previous match (so a repeated prompt is really a new one)."""
        deadline = time.monotonic() + timeout
        while text not in self.seen[self.cursor:]:
            if time.monotonic() > deadline or not self._read(max(0.0, deadline - time.monotonic())):
                raise AssertionError(f"never saw {text!r}; output so far:\n{self.seen}")
        self.cursor = self.seen.index(text, self.cursor) + len(text)

    def send(self, line: str) -> None:
        os.write(self.fd, (line + "\n").encode())

    def finish(self, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._read(0.2):
            pass
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)


def test_create_asks_and_no_means_nothing_written(tmp_path: Path) -> None:
    root = tmp_path / "w"
    s = Session(["wallet", "create", "-p", str(root), "-w", "t", "--no-password"], tmp_path)
    s.expect("Create it? [y/N]")
    s.send("n")
    assert s.finish() == 1
    assert "cancelled" in s.seen and "Traceback" not in s.seen
    assert snapshot(root) == {}


def test_create_asks_and_yes_writes(tmp_path: Path) -> None:
    root = tmp_path / "w"
    s = Session(["wallet", "create", "-p", str(root), "-w", "t", "--no-password"], tmp_path)
    s.expect("Create it? [y/N]")
    s.send("y")
    assert s.finish() == 0, s.seen
    phrase = Keyfile(root / "t" / "coldkey").read().mnemonic
    assert phrase is not None and phrase in s.seen  # shown once, to the person at the terminal


def test_regen_hotkey_prompts_hidden_then_rejects_weak_password(tmp_path: Path) -> None:
    root = tmp_path / "w"
    phrase = generate_mnemonic(12)
    s = Session(["wallet", "regen-hotkey", "-p", str(root), "-w", "t", "-H", "hk", "--encrypt"], tmp_path)
    s.expect("(input hidden): ")
    s.send(phrase)
    s.expect("Write it? [y/N]")
    assert phrase not in s.seen  # getpass turned echo off
    s.send("y")
    s.expect("New password for the hotkey: ")
    s.send("letmein")
    s.expect("Too weak")
    s.expect("New password for the hotkey: ")
    s.send(STRONG_PASSWORD)
    s.expect("Retype the password: ")
    s.send(STRONG_PASSWORD)
    assert s.finish(timeout=120) == 0, s.seen
    assert "Encrypting the key (argon2" in s.seen  # the ~3 s pause is announced on a terminal
    assert STRONG_PASSWORD not in s.seen
    stored = Keyfile(root / "t" / "hotkeys" / "hk")
    assert stored.is_encrypted
    assert Keyfile(root / "t" / "hotkeys" / "hkpub.txt").read().ss58_address == \
        Keypair.from_mnemonic(phrase).ss58_address


def test_ctrl_c_at_a_prompt_exits_130_cleanly(tmp_path: Path) -> None:
    root = tmp_path / "w"
    s = Session(["wallet", "create", "-p", str(root), "-w", "t", "--no-password"], tmp_path)
    s.expect("Create it? [y/N]")
    os.write(s.fd, b"\x03")  # the terminal turns ^C into SIGINT for the foreground process
    assert s.finish() == 130
    assert "interrupted" in s.seen and "Traceback" not in s.seen
    assert snapshot(root) == {}
