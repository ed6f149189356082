"""Crash-safe, private file writes for key material.

Why: the official wallet truncates keyfiles in place at mode 0644, chmods afterwards, follows
symlinks and never fsyncs, so a crash or a full disk mid-write destroys the only copy of a key
(spec §2, §10.4). Here every write goes to a fresh 0600 temp file (O_EXCL|O_NOFOLLOW) in the
same directory, is fsynced, optionally verified by the caller, and only then linked or renamed
into place; the directory is fsynced after. Replacing keeps the old file as ``<name>.bak``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from wallet.errors import KeyExists, UnwritablePath

FILE_MODE = 0o600
DIR_MODE = 0o700
MAX_KEYFILE_BYTES = 1 << 20


def _unwritable(path: Path, exc: OSError) -> UnwritablePath:
    reason = exc.strerror or type(exc).__name__
    return UnwritablePath(f"cannot write {path} ({reason})", path=str(path))


def ensure_dir(directory: Path) -> None:
    """Create ``directory`` and missing parents with mode 0700 (existing ones are left alone)."""
    missing: list[Path] = []
    current = directory
    while not current.exists():
        if current.is_symlink():  # dangling symlink: refuse rather than create through it
            raise UnwritablePath(f"{current} is a dangling symbolic link", path=str(current))
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    if current.exists() and not current.is_dir():
        raise UnwritablePath(f"{current} exists but is not a directory", "move that file away or choose another path")
    for path in reversed(missing):
        try:
            os.mkdir(path, DIR_MODE)
            os.chmod(path, DIR_MODE)
        except FileExistsError:
            if not path.is_dir():
                raise UnwritablePath(f"{path} exists but is not a directory") from None
        except OSError as exc:
            raise _unwritable(path, exc) from None


def read_bytes(path: Path) -> bytes:
    """Read a keyfile: regular files only (a FIFO would hang us), bounded in size.

    Raises ValueError for a non-regular or oversized file, OSError subclasses as the OS reports.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise ValueError("not a regular file")
        data = fh.read(MAX_KEYFILE_BYTES + 1)
    if len(data) > MAX_KEYFILE_BYTES:
        raise ValueError("file too large to be a keyfile")
    return data


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``directory`` itself (flock on the directory; no lock file left behind).

    Why: a key is two files (the secret and its ``pub.txt``); two processes replacing the same key at once
    could each win one file, leaving a secret and a public file of different keys. Writers that hold this
    lock for both files leave one key or the other, whole. Without fcntl (Windows) it does nothing.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    ensure_dir(directory)
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(directory, flags)
    except OSError as exc:
        raise _unwritable(directory, exc) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def backup_name(path: Path) -> Path:
    """First free of ``<name>.bak``, ``<name>.1.bak``, ``<name>.2.bak`` … so no backup is ever lost."""
    candidate = path.with_name(path.name + ".bak")
    n = 1
    while candidate.exists() or candidate.is_symlink():
        candidate = path.with_name(f"{path.name}.{n}.bak")
        n += 1
    return candidate


def atomic_write(
    path: Path,
    data: bytes,
    *,
    overwrite: bool = False,
    verify: Callable[[bytes], None] | None = None,
    keep_backup: bool = True,
) -> Path | None:
    """Write ``data`` to ``path`` atomically with mode 0600; return the backup path if one was made.

    The one crash-safe write of the project: keyfiles use it, and so does any other file a user would
    hate to find half-written (the CLI's config file passes ``keep_backup=False``: settings, not keys).

    ``verify`` receives the bytes read back from the fsynced temp file and may raise to abort:
    nothing at ``path`` changes unless it returns. Without ``overwrite`` an existing file (or
    symlink) raises KeyExists; the final step uses link(2), which never clobbers, so a file that
    appears concurrently is not replaced either. ``keep_backup=False`` (caches, never keys) replaces
    an existing file without keeping it.
    """
    directory = path.parent
    ensure_dir(directory)
    if not overwrite and (path.exists() or path.is_symlink()):
        raise KeyExists(f"{path} already exists", path=str(path))
    if path.is_dir():
        raise UnwritablePath(f"{path} is a directory", "remove it or choose another name", path=str(path))
    tmp = directory / f".{path.name}.tmp-{secrets.token_hex(6)}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(tmp, flags, FILE_MODE)
    except OSError as exc:
        raise _unwritable(path, exc) from None
    try:
        try:
            with os.fdopen(fd, "wb") as fh:
                os.fchmod(fh.fileno(), FILE_MODE)
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            if verify is not None:
                verify(read_bytes(tmp))
        except OSError as exc:
            raise _unwritable(path, exc) from None
        backup = _install(tmp, path, overwrite, keep_backup)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    _fsync_dir(directory)
    return backup


def _install(tmp: Path, path: Path, overwrite: bool, keep_backup: bool = True) -> Path | None:
    """Move the verified temp file into place, keeping any old file as a backup."""
    backup: Path | None = None
    try:
        if overwrite and not keep_backup:
            os.replace(tmp, path)
        elif overwrite and (path.exists() or path.is_symlink()):
            backup = backup_name(path)
            try:
                os.link(path, backup, follow_symlinks=False)
            except OSError as exc:
                if exc.errno not in (errno.EPERM, errno.EXDEV, errno.ENOTSUP, errno.EMLINK):
                    raise
                os.rename(path, backup)  # no hard links here: a brief window without the file
            os.replace(tmp, path)
        else:
            os.link(tmp, path, follow_symlinks=False)
    except FileExistsError:
        raise KeyExists(f"{path} already exists", path=str(path)) from None
    except OSError as exc:
        raise _unwritable(path, exc) from None
    return backup


__all__ = ["DIR_MODE", "FILE_MODE", "atomic_write", "backup_name", "ensure_dir", "locked", "read_bytes"]
