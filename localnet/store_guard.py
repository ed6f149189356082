"""What keeps the node's data dir honest: its lock, the head-state digest term, and the one-line errors.

Why apart from store.py: the store is about blocks and versioned state; these are the guards around it
(one process per data dir, a checksum of what is stored, refusals that name the file and the remedy).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

LOCK_FILE = "node.lock"


class StoreError(Exception):
    """The data dir cannot be used as it is: one line naming the file, the cause and the remedy."""


class DataDirLocked(StoreError):
    """Another process (a running node) holds the data dir."""

    def __init__(self, data_dir: Path, pid: str) -> None:
        super().__init__(f"the data dir {data_dir} is in use by another localnet (pid {pid or 'unknown'}); "
                         f"stop it with `taocli localnet stop --data-dir {data_dir}` or pick another --data-dir")
        self.pid = pid


class StorageFailure(StoreError):
    """Writing a block failed in the database (disk full, I/O error): the node's fault, not the transactions'."""


def entry_digest(key: bytes, value: bytes) -> int:
    h = hashlib.blake2b(digest_size=32)
    h.update(len(key).to_bytes(4, "little"))
    h.update(key)
    h.update(value)
    return int.from_bytes(h.digest(), "little")


def reset_advice(data_dir: Path) -> str:
    return (f"restore the data dir from a backup; if this chain can be discarded, "
            f"`taocli localnet reset --data-dir {data_dir}` starts a new one")


def take_lock(data_dir: Path) -> int:
    """An exclusive flock on `<data_dir>/node.lock` holding our pid; DataDirLocked names the holder's pid."""
    import fcntl

    fd = os.open(data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        os.close(fd)
        raise DataDirLocked(data_dir, holder) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def release_lock(fd: int) -> int:
    """Close the lock's descriptor (which releases the flock); returns -1 for the caller to keep."""
    if fd >= 0:
        with contextlib.suppress(OSError):
            os.close(fd)
    return -1


def lock_holder(data_dir: Path) -> str | None:
    """The pid holding the data dir's lock, or None when nobody does (for `reset`, without taking it for long)."""
    import fcntl

    try:
        fd = os.open(data_dir / LOCK_FILE, os.O_RDWR | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
    finally:
        os.close(fd)
    return None
