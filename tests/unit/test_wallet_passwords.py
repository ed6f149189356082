"""BT_PW_ variables (byte-for-byte bittensor-wallet's) and the zxcvbn strength check."""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

import pytest

from wallet.errors import WalletError
from wallet.passwords import (
    check_strength,
    decode_env_password,
    encode_env_password,
    env_var_name,
    password_from_env,
    whitespace_warning,
)


def test_env_var_name_shape() -> None:
    home = os.path.expanduser("~")
    expected = "BT_PW_" + home.replace("/", "_").replace(".", "_").upper() + "__BITTENSOR_WALLETS_MY_W_COLDKEY"
    assert env_var_name("~/.bittensor/wallets/my.w/coldkey") == expected
    assert env_var_name(Path("rel/w/hotkeys/h")) == "BT_PW_REL_W_HOTKEYS_H"


@pytest.mark.parametrize("password", ["pw", "pässwörd 🔑", "  spaced  ", "x" * 100, ""])
def test_encode_decode_round_trip(password: str) -> None:
    var = "BT_PW__TMP_W_COLDKEY"
    value = encode_env_password(var, password)
    assert password == decode_env_password(var, value)
    if password:
        assert password not in value


def test_password_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "w" / "coldkey"
    var = env_var_name(path)
    monkeypatch.delenv(var, raising=False)
    assert password_from_env(path) is None
    monkeypatch.setenv(var, encode_env_password(var, "s3cret"))
    assert password_from_env(path) == "s3cret"
    monkeypatch.setenv(var, "%%% not base64 %%%")
    with pytest.raises(WalletError) as info:
        password_from_env(path)
    assert var in str(info.value) and "does not hold an encoded password" in str(info.value)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("12345", "it is too short (5 characters)"),
        ("", "it is too short (0 characters)"),
        ("password", "it is a common password"),
        ("qwertyuiop", "it is a common password"),
        ("aaaaaaaaaaaa", "it repeats characters or words"),
        ("abcdefghijkl", "it is a predictable sequence such as abc or 123"),
        ("sunshine2024", "it is similar to a common password"),
    ],
)
def test_weak_passwords_say_why(password: str, reason: str) -> None:
    assert check_strength(password) == (False, reason)


def test_bittensor_accepts_what_we_refuse() -> None:
    """Spec §6: the official policy takes any 6+ characters; ours names the weakness instead."""
    ok, reason = check_strength("bittensor")
    assert not ok and "too easy to guess" in reason


@pytest.mark.parametrize("password", ["correct horse battery staple", "my cat is fat", "Tr0ub4dor&3xyz"])
def test_strong_passwords(password: str) -> None:
    ok, reason = check_strength(password)
    assert ok and reason.startswith("strong enough")


def test_whitespace_warning() -> None:
    assert whitespace_warning(" pw") and whitespace_warning("pw\n")
    assert whitespace_warning("p w") is None


# ----- byte-for-byte against bittensor-wallet ------------------------------------------------
def _libc_getenv(name: str) -> bytes | None:
    """Read the C environment: bittensor-wallet sets it with Rust setenv, invisible to os.environ."""
    libc = ctypes.CDLL(None)
    libc.getenv.restype = ctypes.c_char_p
    libc.getenv.argtypes = [ctypes.c_char_p]
    return libc.getenv(name.encode())


@pytest.mark.interop
@pytest.mark.parametrize("password", ["pw", "pässwörd", "  with spaces  "])
def test_env_encoding_matches_bittensor_wallet(tmp_path: Path, password: str) -> None:
    from bittensor_wallet import Wallet as BtWallet
    from bittensor_wallet.keyfile import get_password_from_environment

    bt = BtWallet(name="w.x", hotkey="h", path=str(tmp_path))
    keyfile = bt.coldkey_file
    var = keyfile.env_var_name()
    assert var == env_var_name(keyfile.path) == env_var_name(tmp_path / "w.x" / "coldkey")
    try:
        keyfile.save_password_to_env(password)
        theirs = _libc_getenv(var)
        assert theirs is not None and theirs.decode() == encode_env_password(var, password)
    finally:
        keyfile.remove_password_from_env()
    os.environ[var] = encode_env_password(var, password)  # ours, read by their decoder
    try:
        assert get_password_from_environment(var) == password
    finally:
        del os.environ[var]
