"""A named wallet: the coldkey/hotkey files under ``<path>/<name>/`` in bittensor's layout.

Why a thin class: it only maps names to Keyfiles (spec §2) and adds the two guarantees the
official wallet lacks: names are single, safe path components (no ``../`` escapes), and a
coldkey is written with its public file only after both targets are known to be free.
It knows nothing of networks and never prompts.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

from wallet.errors import InvalidName, InvalidSeed, KeyExists, UnknownHotkey, UnknownWallet
from wallet.fsio import locked
from wallet.keyfile import Keyfile
from wallet.keypair import Keypair
from wallet.ss58 import public_key_from

DEFAULT_WALLET_PATH = "~/.bittensor/wallets"
DEFAULT_NAME = "default"
_PUB_SUFFIX = "pub.txt"
_BAK_SUFFIX = ".bak"
_MAX_NAME = 128
# Characters that show nothing (or reorder what follows) although their category is a visible one.
_INVISIBLE = frozenset([0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x2800, 0x3164, 0xFFA0,
                        *range(0x180B, 0x1810), *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"})


def _invisible(c: str) -> bool:
    """Whether a character could make two different names look alike in `wallet list` (zero-width, bidi
    override, non-breaking or other unusual spaces, unassigned or private-use code points)."""
    if c == " ":
        return False
    return unicodedata.category(c) in _HIDDEN_CATEGORIES or ord(c) in _INVISIBLE


def validate_name(name: str, kind: str = "wallet") -> str:
    """Return ``name`` if it is a safe single path component, else raise InvalidName."""
    if not isinstance(name, str) or not name:
        raise InvalidName(f"the {kind} name is empty")
    shown = name if len(name) <= 40 else name[:37] + "..."
    if name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise InvalidName(f"the {kind} name {shown!r} is not a single path component")
    if name.startswith("."):
        raise InvalidName(f"the {kind} name {shown!r} starts with '.' (reserved for hidden and temporary files)")
    if any(ord(c) < 32 or ord(c) == 127 for c in name) or name != name.strip():
        raise InvalidName(f"the {kind} name {shown!r} contains control characters or surrounding spaces")
    hidden = next((c for c in name if _invisible(c)), None)
    if hidden is not None:
        label = unicodedata.name(hidden, "unnamed character")
        raise InvalidName(f"the {kind} name {shown!a} contains an invisible or direction-changing character "
                          f"(U+{ord(hidden):04X} {label}); use visible characters only")
    if len(name.encode("utf-8")) > _MAX_NAME:
        raise InvalidName(f"the {kind} name is longer than {_MAX_NAME} bytes")
    if name.endswith(_BAK_SUFFIX):
        raise InvalidName(f"the {kind} name {shown!r} ends with '.bak' (reserved for backups)")
    if kind == "hotkey" and name.endswith(_PUB_SUFFIX):
        raise InvalidName(f"the hotkey name {shown!r} ends with 'pub.txt' (reserved for public files)")
    return name


def _root(path: str | os.PathLike[str]) -> Path:
    return Path(os.path.expanduser(os.fspath(path)))


def list_wallets(path: str | os.PathLike[str] = DEFAULT_WALLET_PATH) -> list[str]:
    """Names of wallets under ``path`` (directories holding a coldkey, coldkeypub.txt or hotkeys)."""
    root = _root(path)
    try:
        entries = list(os.scandir(root))
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return []
    names = []
    for entry in entries:
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        base = Path(entry.path)
        if (base / "coldkey").is_file() or (base / "coldkeypub.txt").is_file() or (base / "hotkeys").is_dir():
            names.append(entry.name)
    return sorted(names)


class Wallet:
    """``<path>/<name>/{coldkey, coldkeypub.txt, hotkeys/<hotkey>, hotkeys/<hotkey>pub.txt}``."""

    def __init__(
        self,
        name: str = DEFAULT_NAME,
        hotkey: str = DEFAULT_NAME,
        path: str | os.PathLike[str] = DEFAULT_WALLET_PATH,
    ) -> None:
        self.name = validate_name(name, "wallet")
        self.hotkey = validate_name(hotkey, "hotkey")
        self.path = os.fspath(path)

    def __repr__(self) -> str:
        return f"Wallet(name={self.name!r}, hotkey={self.hotkey!r}, path={self.path!r})"

    # ----- locations -------------------------------------------------------------------------
    @property
    def wallet_dir(self) -> Path:
        """``<path>/<name>`` with ~ expanded at use (so a changed HOME is honoured)."""
        return _root(self.path) / self.name

    @property
    def hotkeys_dir(self) -> Path:
        """``<wallet_dir>/hotkeys``."""
        return self.wallet_dir / "hotkeys"

    @property
    def coldkey_file(self) -> Keyfile:
        """The secret coldkey (normally $NACL-encrypted)."""
        return Keyfile(self.wallet_dir / "coldkey")

    @property
    def coldkeypub_file(self) -> Keyfile:
        """coldkeypub.txt: the public coldkey, always plaintext."""
        return Keyfile(self.wallet_dir / "coldkeypub.txt")

    def hotkey_file_for(self, hotkey: str) -> Keyfile:
        """The secret keyfile of any hotkey of this wallet (name validated)."""
        return Keyfile(self.hotkeys_dir / validate_name(hotkey, "hotkey"))

    def hotkeypub_file_for(self, hotkey: str) -> Keyfile:
        """The public file of any hotkey of this wallet: ``<hotkey>pub.txt`` next to it."""
        return Keyfile(self.hotkeys_dir / (validate_name(hotkey, "hotkey") + _PUB_SUFFIX))

    @property
    def hotkey_file(self) -> Keyfile:
        """The secret file of this wallet's selected hotkey."""
        return self.hotkey_file_for(self.hotkey)

    @property
    def hotkeypub_file(self) -> Keyfile:
        """The public file of this wallet's selected hotkey."""
        return self.hotkeypub_file_for(self.hotkey)

    def exists(self) -> bool:
        """True when the wallet has a coldkey or a coldkeypub.txt."""
        return self.coldkey_file.exists or self.coldkeypub_file.exists

    # ----- reading ---------------------------------------------------------------------------
    def _unknown_wallet(self) -> UnknownWallet:
        return UnknownWallet(
            f"wallet {self.name!r} does not exist under {_root(self.path)}", path=str(self.wallet_dir)
        )

    @property
    def coldkeypub(self) -> Keypair:
        """The public coldkey (no password needed): from coldkeypub.txt, else a plaintext coldkey."""
        if self.coldkeypub_file.exists:
            return self.coldkeypub_file.read().public_only()
        if self.coldkey_file.exists and not self.coldkey_file.is_encrypted:
            return self.coldkey_file.read().public_only()
        if self.coldkey_file.exists:
            raise UnknownWallet(
                f"wallet {self.name!r} has a coldkey but no coldkeypub.txt",
                f"restore it with `taocli wallet regen-coldkeypub -w {self.name}` or unlock the coldkey",
                path=str(self.coldkeypub_file.path),
            )
        raise self._unknown_wallet()

    def coldkey(self, password: str | None = None) -> Keypair:
        """The secret coldkey (password, or the BT_PW_ variable when None)."""
        if not self.coldkey_file.exists:
            if self.coldkeypub_file.exists:
                raise UnknownWallet(
                    f"wallet {self.name!r} holds only its public coldkey (no secret coldkey file)",
                    "regenerate the coldkey from its mnemonic on this machine to sign",
                    path=str(self.coldkey_file.path),
                )
            raise self._unknown_wallet()
        return self.coldkey_file.read(password)

    def hotkey_keypair(self, password: str | None = None, *, hotkey: str | None = None) -> Keypair:
        """The secret hotkey (default: this wallet's ``hotkey``); UnknownHotkey if it is missing."""
        name = self.hotkey if hotkey is None else hotkey
        keyfile = self.hotkey_file_for(name)
        if not keyfile.exists:
            if not self.wallet_dir.is_dir():
                raise self._unknown_wallet()
            raise UnknownHotkey(
                f"hotkey {name!r} does not exist in wallet {self.name!r}", path=str(keyfile.path)
            )
        return keyfile.read(password)

    def hotkeypub(self, hotkey: str | None = None) -> Keypair:
        """The public hotkey from ``<hotkey>pub.txt``, else from a plaintext hotkey file."""
        name = self.hotkey if hotkey is None else hotkey
        pub, secret = self.hotkeypub_file_for(name), self.hotkey_file_for(name)
        if pub.exists:
            return pub.read().public_only()
        if secret.exists and not secret.is_encrypted:
            return secret.read().public_only()
        if not self.wallet_dir.is_dir():
            raise self._unknown_wallet()
        raise UnknownHotkey(f"hotkey {name!r} does not exist in wallet {self.name!r}", path=str(pub.path))

    def hotkey_names(self) -> list[str]:
        """Sorted names of this wallet's hotkeys (a pub-only hotkey counts too)."""
        try:
            entries = [e for e in os.scandir(self.hotkeys_dir) if e.is_file()]
        except (FileNotFoundError, NotADirectoryError, PermissionError):
            return []
        names: set[str] = set()
        for entry in entries:
            name = entry.name
            if name.startswith(".") or name.endswith(_BAK_SUFFIX):
                continue
            if name.endswith(_PUB_SUFFIX) and len(name) > len(_PUB_SUFFIX):
                name = name[: -len(_PUB_SUFFIX)]
            names.add(name)
        return sorted(names)

    # ----- writing ---------------------------------------------------------------------------
    @staticmethod
    def _refuse_existing(overwrite: bool, *files: Keyfile) -> None:
        if overwrite:
            return
        for keyfile in files:
            if keyfile.path.exists() or keyfile.path.is_symlink():
                raise KeyExists(f"{keyfile.path} already exists", path=str(keyfile.path))

    def set_coldkey(self, keypair: Keypair, *, password: str | None, overwrite: bool = False) -> None:
        """Write the coldkey ($NACL-encrypted unless ``password`` is None) and coldkeypub.txt."""
        _require_secret(keypair, "coldkey", "set_coldkeypub / `taocli wallet regen-coldkeypub`")
        with locked(self.wallet_dir):  # both files from this key, even when another process writes too
            self._refuse_existing(overwrite, self.coldkey_file, self.coldkeypub_file)
            self.coldkey_file.write(keypair, password=password, overwrite=overwrite)
            self.coldkeypub_file.write(keypair, public_only=True, overwrite=True)

    def set_coldkeypub(self, keypair_or_address: Keypair | str | bytes, *, overwrite: bool = False) -> None:
        """Write only coldkeypub.txt from a keypair, SS58 address or hex/raw public key."""
        keypair = _as_public(keypair_or_address)
        with locked(self.wallet_dir):
            self.coldkeypub_file.write(keypair, public_only=True, overwrite=overwrite)

    def set_hotkey(
        self,
        keypair: Keypair,
        *,
        password: str | None = None,
        overwrite: bool = False,
        hotkey: str | None = None,
    ) -> None:
        """Write the hotkey (plaintext unless ``password``) and its ``<name>pub.txt``."""
        name = self.hotkey if hotkey is None else hotkey
        secret, pub = self.hotkey_file_for(name), self.hotkeypub_file_for(name)
        _require_secret(keypair, "hotkey", "set_hotkeypub / `taocli wallet regen-hotkeypub`")
        with locked(self.wallet_dir):  # both files from this key, even when another process writes too
            self._refuse_existing(overwrite, secret, pub)
            secret.write(keypair, password=password, overwrite=overwrite)
            pub.write(keypair, public_only=True, overwrite=True)

    def set_hotkeypub(
        self, keypair_or_address: Keypair | str | bytes, *, overwrite: bool = False, hotkey: str | None = None
    ) -> None:
        """Write only ``<hotkey>pub.txt`` (a watch-only hotkey)."""
        name = self.hotkey if hotkey is None else hotkey
        with locked(self.wallet_dir):
            self.hotkeypub_file_for(name).write(_as_public(keypair_or_address), public_only=True,
                                                overwrite=overwrite)


def _require_secret(keypair: Keypair, role: str, instead: str) -> None:
    """A secret keyfile written from a public-only keypair would look like a key but could never sign."""
    if not keypair.has_secret:
        raise InvalidSeed(
            f"{keypair.ss58_address} has no secret key, so it cannot be stored as a {role}",
            f"to keep only the address use {instead}",
        )


def _as_public(value: Keypair | str | bytes) -> Keypair:
    if isinstance(value, Keypair):
        return value.public_only()
    return Keypair(public_key_from(value))


__all__ = ["DEFAULT_WALLET_PATH", "Wallet", "list_wallets", "validate_name"]
