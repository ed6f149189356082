"""Password plumbing: the BT_PW_ environment variable and a real strength check.

Why here and not in the CLI: the env-var format must be byte-for-byte bittensor-wallet's so a
miner's scripts keep working with either tool, and both the CLI and long-running neurons need
to unlock keys without a prompt. Remember the variable is *obfuscated, not protected*: it is a
XOR with its own (public) name, readable in /proc/<pid>/environ (spec §4, §10.5).

The strength check replaces the official "any 6 characters" policy with zxcvbn (imported lazily:
it costs ~25 ms).
"""

from __future__ import annotations

import base64
import binascii
import os
from itertools import cycle

from wallet.errors import WalletError

ENV_PREFIX = "BT_PW_"
MIN_LENGTH = 6
LONG_ENOUGH = 12
MIN_SCORE = 3


def env_var_name(keyfile_path: str | os.PathLike[str]) -> str:
    """``BT_PW_`` + the ~-expanded path with '/' and '.' turned into '_', upper-cased.

    Like bittensor-wallet, a relative path is *not* made absolute: the name follows the path
    exactly as the wallet was addressed.
    """
    path = os.path.expanduser(os.fspath(keyfile_path))
    return ENV_PREFIX + path.replace(os.sep, "_").replace(".", "_").upper()


def _xor(data: bytes, key: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, cycle(key)))


def encode_env_password(var: str, password: str) -> str:
    """base64(UTF-8 password XOR the variable name repeated), as save_password_to_env writes it."""
    return base64.b64encode(_xor(password.encode("utf-8"), var.encode("utf-8"))).decode("ascii")


def decode_env_password(var: str, value: str) -> str:
    """Inverse of :func:`encode_env_password`; a WalletError line if the value is not one of ours."""
    try:
        raw = base64.b64decode(value.strip().encode("ascii"), validate=True)
        return _xor(raw, var.encode("utf-8")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise WalletError(
            f"the environment variable {var} does not hold an encoded password",
            f"set it with `taocli wallet password-env` or unset {var}",
        ) from None


def password_from_env(keyfile_path: str | os.PathLike[str]) -> str | None:
    """The password stored for this keyfile in its BT_PW_ variable, or None when unset."""
    var = env_var_name(keyfile_path)
    value = os.environ.get(var)
    if value is None:
        return None
    return decode_env_password(var, value)


def whitespace_warning(password: str) -> str | None:
    """Warn about leading/trailing spaces: btcli trims typed passwords, code does not (spec §6)."""
    if password != password.strip():
        return "the password starts or ends with whitespace, which btcli trims when typed"
    return None


_WARNINGS = (
    ("top-10 common", "it is a common password"),
    ("top-100 common", "it is a common password"),
    ("very common password", "it is a common password"),
    ("similar to a commonly used", "it is similar to a common password"),
    ("repeats", "it repeats characters or words"),
    ("sequences", "it is a predictable sequence such as abc or 123"),
    ("keyboard", "it is a keyboard pattern"),
    ("dates", "it contains a date or year"),
    ("years", "it contains a date or year"),
    ("names", "it is mostly a common name or word"),
    ("a word by itself", "it is a single common word"),
)


def check_strength(password: str) -> tuple[bool, str]:
    """(acceptable, reason). Acceptable: zxcvbn score >= 3, or >= 12 characters that are not trivial.

    A 12+ character password that zxcvbn still scores 0-1 (e.g. 'aaaaaaaaaaaa', 'sunshine2024') is
    refused: length alone does not make a repeat or a near-top-list password safe.
    """
    if len(password) < MIN_LENGTH:
        return False, f"it is too short ({len(password)} characters)"
    from zxcvbn import zxcvbn

    result = zxcvbn(password[:100])
    score = int(result["score"])
    if score >= MIN_SCORE or (len(password) >= LONG_ENOUGH and score >= 2):
        return True, f"strong enough (strength {score} of 4, {len(password)} characters)"
    warning = str(result.get("feedback", {}).get("warning") or "").lower()
    for needle, reason in _WARNINGS:
        if needle in warning:
            return False, reason
    return False, (
        f"it is too easy to guess (strength {score} of 4); use {LONG_ENOUGH}+ characters or several uncommon words"
    )


__all__ = [
    "ENV_PREFIX",
    "check_strength",
    "decode_env_password",
    "encode_env_password",
    "env_var_name",
    "password_from_env",
    "whitespace_warning",
]
