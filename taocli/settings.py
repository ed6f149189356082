"""Resolve a setting from its sources: command-line flag > environment > config file > built-in.

btcli users already export `BT_WALLET_NAME`/`BT_WALLET_HOTKEY`/`BT_WALLET_PATH`; we honour those after
our own `TAOCLI_*` names so existing setups keep working. Each resolved value remembers where it came
from, so commands can say "using wallet path from TAOCLI_WALLET_PATH" when it matters.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from taocli import config_file

DEFAULT_WALLET_PATH = "~/.bittensor/wallets"
BUILTIN: dict[str, str] = {
    "wallet_name": "default",
    "wallet_hotkey": "default",
    "wallet_path": DEFAULT_WALLET_PATH,
    # The main job of taocli is the embedded chain, and a default that can never touch real funds
    # is the safer surprise; `--network finney` or `taocli config set network finney` to change it.
    "network": "local",
}
ENV_VARS: dict[str, tuple[str, ...]] = {
    "wallet_name": ("TAOCLI_WALLET_NAME", "BT_WALLET_NAME"),
    "wallet_hotkey": ("TAOCLI_WALLET_HOTKEY", "BT_WALLET_HOTKEY"),
    "wallet_path": ("TAOCLI_WALLET_PATH", "BT_WALLET_PATH"),
    "network": ("TAOCLI_NETWORK", "BT_SUBTENSOR_NETWORK"),
}


@dataclass(frozen=True)
class Resolved:
    """A setting's value and a human description of its source."""

    key: str
    value: str
    source: str


class Settings:
    """Lazily reads the config file once per process and resolves keys against it."""

    def __init__(self) -> None:
        self._config: dict[str, str] | None = None

    def config(self) -> dict[str, str]:
        if self._config is None:
            self._config = config_file.load()
        return self._config

    def resolve(self, key: str, flag: str | None = None) -> Resolved:
        """The effective value of `key` given the flag's value (None when the flag was not given)."""
        if flag is not None and flag != "":
            return Resolved(key, flag, "command line")
        for var in ENV_VARS[key]:
            value = os.environ.get(var)
            if value:
                return Resolved(key, value, f"environment variable {var}")
        value = self.config().get(key)
        if value:
            return Resolved(key, value, f"config file {config_file.config_path()}")
        return Resolved(key, BUILTIN[key], "built-in default")

    def wallet_path(self, flag: str | None = None) -> Path:
        """The wallets directory, with `~` expanded."""
        return Path(self.resolve("wallet_path", flag).value).expanduser()
