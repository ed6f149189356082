"""The chopsticks fixture's refusals: no Node.js is one line naming what to install; under CI it fails.

Fast (no process is started): PATH holds no node/npm and the cache root is empty.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.realchain import chopsticks


def test_missing_node_names_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TAOCLI_TEST_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(chopsticks.ChopsticksUnavailable) as missing:
        chopsticks.chopsticks_bin()
    message = str(missing.value)
    assert "Node.js" in message and "install" in message and "\n" not in message
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").rglob("chopsticks"))


def test_missing_node_skips_locally_and_fails_under_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TAOCLI_TEST_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"Node\.js"):
        chopsticks.start_real_chain(tmp_path / "work")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"realchain tests cannot run: Node\.js"):
        chopsticks.start_real_chain(tmp_path / "work")


def test_a_cached_install_is_used_without_npm(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TAOCLI_TEST_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    exe = tmp_path / "cache" / "chopsticks" / chopsticks.CHOPSTICKS_VERSION / "node_modules" / ".bin" / "chopsticks"
    exe.parent.mkdir(parents=True)
    exe.write_text("#!/bin/sh\n")
    assert chopsticks.chopsticks_bin() == exe
