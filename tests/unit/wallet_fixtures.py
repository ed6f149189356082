"""Shared helpers for the wallet tests: known vectors and an on-disk snapshot.

Why a snapshot helper: the house rule is that bad input never changes anything on disk, so
error tests compare every file's bytes and mode (and every directory's mode) before and after.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

# The substrate development phrase and a fixed BIP39 test mnemonic.
DEV_PHRASE = "bottom drive obey lake curtain smoke basket hold race lonely fit walk"
ABANDON = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
LEGAL = "legal winner thank year wave sausage worth useful legal winner thank yellow"
ALICE = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
BOB = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"


def snapshot(root: Path) -> dict[str, tuple[str, int, bytes | None]]:
    """Map each path under ``root`` (relative) to (kind, mode, bytes) so any change is visible."""
    out: dict[str, tuple[str, int, bytes | None]] = {}
    if not root.exists():
        return out
    for dirpath, dirnames, filenames in os.walk(root):
        base = Path(dirpath)
        for name in dirnames:
            st = os.lstat(base / name)
            out[str((base / name).relative_to(root))] = ("dir", stat.S_IMODE(st.st_mode), None)
        for name in filenames:
            path = base / name
            st = os.lstat(path)
            data = path.read_bytes() if stat.S_ISREG(st.st_mode) else os.readlink(path).encode()
            out[str(path.relative_to(root))] = ("file", stat.S_IMODE(st.st_mode), data)
    return out


def mode(path: Path) -> int:
    """Permission bits of ``path``."""
    return stat.S_IMODE(os.lstat(path).st_mode)
