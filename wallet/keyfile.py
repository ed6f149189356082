"""One keyfile on disk: detect its encryption, read it tolerantly, write it safely.

Why this shape: the CLI and the Wallet only ever say "read this key with this password" or
"write this keypair here"; everything about formats (spec §3, §4) and crash-safe writes (§10)
stays behind this class. An encrypted write is read back from the temp file and decrypted again
before it replaces anything, so a bug or a bad disk can never swap a working coldkey for an
unreadable one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from wallet import encryption, keyfile_json
from wallet.errors import (
    InvalidSeed,
    KeyfileCorrupt,
    KeyfileNotFound,
    PasswordRequired,
    UnreadablePath,
    WalletError,
)
from wallet.fsio import atomic_write, read_bytes
from wallet.keypair import Keypair
from wallet.passwords import password_from_env


class Keyfile:
    """A keyfile path plus the operations on it; cheap to create, touches disk only when asked."""

    __slots__ = ("path",)

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(os.path.expanduser(os.fspath(path)))

    def __repr__(self) -> str:
        return f"Keyfile({str(self.path)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Keyfile) and other.path == self.path

    def __hash__(self) -> int:
        return hash(self.path)

    @property
    def exists(self) -> bool:
        """True when a regular file (or a symlink to one) is at the path."""
        return self.path.is_file()

    def _raw(self) -> bytes:
        try:
            return read_bytes(self.path)
        except FileNotFoundError:
            raise KeyfileNotFound(f"no keyfile at {self.path}", path=str(self.path)) from None
        except IsADirectoryError:
            raise KeyfileCorrupt(f"{self.path} is a directory, not a keyfile", path=str(self.path)) from None
        except PermissionError:
            raise UnreadablePath(f"cannot read {self.path} (permission denied)", path=str(self.path)) from None
        except (OSError, ValueError) as exc:
            raise KeyfileCorrupt(f"cannot read {self.path} ({exc})", path=str(self.path)) from None

    @property
    def encryption(self) -> str | None:
        """"nacl", "ansible", "fernet" or None for plaintext (KeyfileNotFound if absent)."""
        return encryption.detect(self._raw())

    @property
    def is_encrypted(self) -> bool:
        """True for any of the three encrypted formats."""
        return self.encryption is not None

    def read(self, password: str | None = None) -> Keypair:
        """The keypair in this file; decrypts when needed.

        With ``password=None`` an encrypted file is unlocked with the file's BT_PW_ environment
        variable if set, else PasswordRequired is raised. Every field found is cross-checked.
        """
        data = self._raw()
        where = str(self.path)
        kind = encryption.detect(data)
        if kind is not None:
            if password is None:
                password = password_from_env(self.path)
            if password is None:
                raise PasswordRequired(f"{self.path} is encrypted and no password was given", path=where)
            try:
                data = encryption.decrypt(data, password, where=where)
            except WalletError as exc:
                exc.path = where
                raise
        try:
            return keyfile_json.parse(data, where=where)
        except WalletError as exc:
            exc.path = where
            raise

    def write(
        self,
        keypair: Keypair,
        *,
        password: str | None = None,
        public_only: bool = False,
        overwrite: bool = False,
    ) -> Path | None:
        """Write ``keypair`` (encrypted as $NACL when ``password`` is given); return the backup path.

        Raises KeyExists unless ``overwrite``; on overwrite the old file is kept as ``<name>.bak``.
        """
        if password is not None and not keypair.has_secret:
            raise InvalidSeed(
                f"{keypair.ss58_address} has no secret key to encrypt", "write its public file without a password"
            )
        if not public_only and not keypair.has_secret:
            public_only = True
        plain = keyfile_json.serialize(keypair, public_only=public_only)
        if password is None or public_only:
            return atomic_write(self.path, plain, overwrite=overwrite, verify=_verifier(keypair, None))
        key = encryption.nacl_key(password)
        blob = encryption.nacl_encrypt_with_key(plain, key)
        return atomic_write(self.path, blob, overwrite=overwrite, verify=_verifier(keypair, key))


def _verifier(keypair: Keypair, key: bytes | None) -> Callable[[bytes], None]:
    """A check run on the bytes read back from the temp file, before anything is replaced."""

    def verify(data: bytes) -> None:
        if key is not None:
            data = encryption.nacl_decrypt_with_key(data, key, where="the freshly written keyfile")
        again = keyfile_json.parse(data, where="the freshly written keyfile")
        if again.public_key != keypair.public_key or (
            keypair.has_secret and again.has_secret and again.private_key != keypair.private_key
        ):
            raise KeyfileCorrupt(
                "the freshly written keyfile does not read back as the same key",
                "nothing was replaced; check the disk and try again",
            )

    return verify


__all__ = ["Keyfile"]
