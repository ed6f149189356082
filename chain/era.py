"""Which era the connected runtime is, read once per connection from what its metadata declares.

The rooms of `chain.client.Subtensor` are chosen by this answer: the dTAO siblings when the runtime declares
stake per subnet (`add_stake` takes a `netuid`) and subnet pools (`SubnetTAO`, `SubnetAlphaIn`), else the 2024
rooms, unchanged. Never a spec-version number: a test build that mixes eras gets what it declares.

Why a small disk memo of the 2024 answer: reading the metadata costs a 2024 `wallet balance` ~25 ms (mostly
importing the metadata reader), so the answer "2024" is kept in `era-<code hash>.txt` beside the metadata
cache, keyed like it by what the runtime code IS (`state_getStorageHash(":code")`): one cheap call then. A
node that cannot name its code (chopsticks) reads the metadata every time; a dTAO answer is never memoised,
since its rooms need the shape itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    from chain.dtao.connect import DtaoContext
    from chain.rpc import RpcConnection
    from chain.runtime.features import Features

LEGACY = "2024"


def is_dtao(features: Features) -> bool:
    """The one rule that picks the dTAO rooms."""
    return features.stake_per_subnet and features.subnet_pools


def learn_era(rpc: RpcConnection, memo: bool = True) -> DtaoContext | None:
    """The dTAO context when the runtime declares the dTAO era, else None (the 2024 rooms)."""
    memo_file = _memo_file(rpc) if memo else None
    if memo_file is not None and _read(memo_file) == LEGACY:
        return None
    from chain.runtime.features import features_of
    from chain.runtime.fetch import fetch_shape

    shape = fetch_shape(rpc)
    if not is_dtao(features_of(shape)):
        if memo_file is not None:
            _write(memo_file, LEGACY)
        return None
    from chain.dtao.connect import context_for

    return context_for(rpc, shape)


def _memo_file(rpc: RpcConnection) -> Path | None:
    """`era-<hash of :code>.txt` in the metadata cache directory, or None when the node cannot name its code."""
    from chain.metadata_cache import CODE_KEY, cache_dir
    from chain.rpc import RpcError

    try:
        found = rpc.call("state_getStorageHash", [CODE_KEY])
    except RpcError:  # chopsticks and other nodes without the method: no memo, the metadata decides each time
        return None
    if not isinstance(found, str) or len(found) != 66:
        return None
    return cache_dir() / f"era-{found[2:].lower()}.txt"


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except (OSError, UnicodeDecodeError):
        return None


def _write(path: Path, era: str) -> None:
    """Atomic and private like the metadata files; a cache we cannot write just stays empty."""
    from wallet.errors import WalletError
    from wallet.fsio import atomic_write

    try:
        atomic_write(path, (era + "\n").encode(), overwrite=True, keep_backup=False)
    except (OSError, WalletError):
        return
