"""Secret input: 0600 files, file descriptors, exclusivity, strength checks, and no prompts without a TTY."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from taocli.errors import CliError, MissingInput, UsageProblem
from taocli.secret_input import existing_password, new_password, password_from_sources, read_private_file
from tests.integration.test_cli_support import STRONG_PASSWORD, write_secret


@pytest.fixture(autouse=True)
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))


def test_password_file_first_line_keeps_inner_spaces(tmp_path: Path) -> None:
    path = write_secret(tmp_path / "pw", "  two spaces around  \nsecond line\n")
    assert password_from_sources(path, None) == "  two spaces around  "


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_loose_file_is_refused_with_the_fix(tmp_path: Path, mode: int) -> None:
    path = write_secret(tmp_path / "pw", STRONG_PASSWORD, mode)
    with pytest.raises(CliError) as err:
        read_private_file(path, "--password-file")
    assert f"chmod 600 {path}" in str(err.value)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(CliError, match="no such file"):
        password_from_sources(tmp_path / "absent", None)
    with pytest.raises(CliError, match="directory"):
        password_from_sources(tmp_path, None)


def test_empty_password_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CliError, match="empty"):
        password_from_sources(write_secret(tmp_path / "pw", "\n"), None)


def test_fd_reads_only_the_first_line() -> None:
    read_end, write_end = os.pipe()
    os.write(write_end, b"from a pipe\nrest")
    os.close(write_end)
    try:
        assert password_from_sources(None, read_end) == "from a pipe"
        assert os.read(read_end, 100) == b"rest"  # what follows the line is left unread
    finally:
        os.close(read_end)


def test_bad_fd_is_one_line() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    os.close(write_end)
    with pytest.raises(CliError, match="cannot read that file descriptor"):
        password_from_sources(None, read_end)


def test_file_and_fd_together_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageProblem):
        password_from_sources(write_secret(tmp_path / "pw", STRONG_PASSWORD), 0)


def test_new_password_strength(tmp_path: Path) -> None:
    weak = write_secret(tmp_path / "weak", "password1\n")
    with pytest.raises(CliError, match="too weak"):
        new_password("coldkey", file=weak, fd=None, allow_weak=False, yes=True)
    assert new_password("coldkey", file=weak, fd=None, allow_weak=True, yes=True) == "password1"
    strong = write_secret(tmp_path / "strong", STRONG_PASSWORD)
    assert new_password("coldkey", file=strong, fd=None, allow_weak=False, yes=False) == STRONG_PASSWORD


def test_no_source_and_no_terminal_names_the_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(MissingInput) as err:
        new_password("coldkey", file=None, fd=None, allow_weak=False, yes=False, missing_hint="or --no-password")
    assert "--password-file" in str(err.value) and "--no-password" in str(err.value)
    keyfile = tmp_path / "coldkey"
    for var in [v for v in os.environ if v.startswith("BT_PW_")]:
        monkeypatch.delenv(var)
    with pytest.raises(MissingInput) as err:
        existing_password(keyfile, "coldkey", file=None, fd=None, yes=False)
    assert "BT_PW_" in str(err.value)


def test_existing_password_prefers_file_then_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wallet.passwords import encode_env_password, env_var_name

    keyfile = tmp_path / "coldkey"
    var = env_var_name(keyfile)
    monkeypatch.setenv(var, encode_env_password(var, "from env"))
    assert existing_password(keyfile, "coldkey", file=None, fd=None, yes=True) == "from env"
    path = write_secret(tmp_path / "pw", "from file\n")
    assert existing_password(keyfile, "coldkey", file=path, fd=None, yes=True) == "from file"
