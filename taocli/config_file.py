"""The user's defaults file, `~/.taocli/config.toml` (or the path in `TAOCLI_CONFIG`).

It holds a flat table of string settings, e.g.::

    wallet_name = "alice"
    network = "local"

Reading uses the standard library's tomllib (tomli before 3.11), imported only when the file exists.
Writing needs only flat string keys, so a tiny writer with proper escaping is enough and we avoid a
dependency. Writes go through `wallet.fsio.atomic_write` so a crash never leaves half a config.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from taocli.errors import CliError

KNOWN_KEYS: dict[str, str] = {
    "wallet_name": "default wallet name (--wallet-name)",
    "wallet_hotkey": "default hotkey name (--hotkey)",
    "wallet_path": "directory holding the wallets (--wallet-path)",
    "network": "network name or ws:// URL for chain commands (--network)",
}

# Spellings people bring from btcli, bittensor and the env vars.
_ALIASES = {
    "name": "wallet_name",
    "hotkey": "wallet_hotkey",
    "path": "wallet_path",
    "subtensor_network": "network",
    "chain": "network",
}


def config_path() -> Path:
    """Where the config file lives: `$TAOCLI_CONFIG` if set, else `~/.taocli/config.toml`."""
    override = os.environ.get("TAOCLI_CONFIG")
    if override:
        return Path(override).expanduser()
    return Path.home() / ".taocli" / "config.toml"


def canonical_key(key: str) -> str:
    """Map `wallet.name`, `wallet-name`, `WALLET_NAME`, `name` ... to the stored key, or fail clearly."""
    norm = key.strip().lower().replace("-", "_").replace(".", "_")
    norm = _ALIASES.get(norm, norm)
    if norm not in KNOWN_KEYS:
        known = ", ".join(KNOWN_KEYS)
        raise CliError(f"unknown setting '{key}'; known settings: {known}", exit_code=2)
    return norm


def load(path: Path | None = None) -> dict[str, str]:
    """The settings in the config file; an absent file is an empty config."""
    path = path or config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise CliError(f"cannot read config file {path}: {exc.strerror}; fix its permissions or "
                       f"set TAOCLI_CONFIG to another file") from None
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CliError(f"config file {path} is not valid TOML ({exc}); fix it or delete it") from None
    settings: dict[str, str] = {}
    for key, value in data.items():
        if key in KNOWN_KEYS and isinstance(value, str):
            settings[key] = value
    return settings


def _toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = ['"']
    for ch in value:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def dumps(settings: dict[str, str]) -> str:
    """Serialise flat string settings as TOML, in a stable order."""
    lines = ["# taocli defaults: flag > TAOCLI_* env var > this file > built-in default"]
    for key in sorted(settings):
        lines.append(f"{key} = {_toml_string(settings[key])}")
    return "\n".join(lines) + "\n"


def save(settings: dict[str, str], path: Path | None = None) -> Path:
    """Write the settings atomically; returns the path written."""
    from wallet.errors import UnwritablePath
    from wallet.fsio import atomic_write

    path = path or config_path()
    try:
        atomic_write(path, dumps(settings).encode("utf-8"), overwrite=True, keep_backup=False)
    except UnwritablePath as exc:
        raise CliError(f"cannot write config file {path}: {exc.cause}; check the directory's "
                       f"permissions or set TAOCLI_CONFIG to a writable path") from None
    return path
