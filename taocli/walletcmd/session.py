"""What every wallet command starts from: the resolved wallet, the output mode and the prompt policy.

One place turns the shared flags (`--wallet-name`, `--hotkey`, `--wallet-path`, `--json`, `--yes`) plus
environment and config defaults into a `Wallet`, so every command agrees on which files it means.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from taocli.output import Output
from taocli.prompts import confirm
from taocli.settings import Settings

if TYPE_CHECKING:  # pragma: no cover
    from wallet.wallet import Wallet

VALID_WORD_COUNTS = (12, 15, 18, 21, 24)


@dataclass
class Session:
    """The resolved target of one wallet command."""

    name: str
    hotkey: str
    path: Path
    out: Output
    yes: bool
    _wallet: Any = field(default=None, repr=False)

    @property
    def wallet(self) -> Wallet:
        """The `wallet.wallet.Wallet` for the resolved name/hotkey/path (raises InvalidName early)."""
        if self._wallet is None:
            from wallet.wallet import Wallet

            self._wallet = Wallet(self.name, self.hotkey, str(self.path))
        return self._wallet

    def confirm_plan(self, title: str, lines: list[str], question: str) -> None:
        """Say what will be written where, then ask (unless --yes); raises if declined."""
        self.out.note(title)
        for line in lines:
            self.out.note(f"  {line}")
        confirm(question, yes=self.yes)


def open_session(name: str | None, hotkey: str | None, path: str | None, json_out: bool,
                 yes: bool) -> Session:
    """Resolve the shared flags against env vars, the config file and built-in defaults."""
    settings = Settings()
    return Session(
        name=settings.resolve("wallet_name", name).value,
        hotkey=settings.resolve("wallet_hotkey", hotkey).value,
        path=settings.wallet_path(path),
        out=Output(json_out),
        yes=yes,
    )


def check_word_count(n_words: int) -> None:
    """Refuse mnemonic lengths BIP-39 does not define, before anything is generated."""
    from taocli.errors import UsageProblem

    if n_words not in VALID_WORD_COUNTS:
        raise UsageProblem(f"--n-words {n_words} is not a BIP-39 length; use 12, 15, 18, 21 or 24")


def file_state(path: Path) -> str:
    """'replace' or 'new', for the plan shown before writing."""
    return "replace, old kept as .bak" if path.exists() else "new"
