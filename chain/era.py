"""Which era the connected runtime is, read once per connection from what its metadata declares.

The rooms of `chain.client.Subtensor` are chosen by this answer: the dTAO siblings when the runtime declares
stake per subnet (`add_stake` takes a `netuid`) and subnet pools (`SubnetTAO`, `SubnetAlphaIn`), else the 2024
rooms, unchanged. Never a spec-version number: a test build that mixes eras gets what it declares.

Why a disk cache keyed by the runtime code's hash (`state_getStorageHash(":code")`, one cheap call): reading the
metadata costs a 2024 `wallet balance` ~25 ms (mostly importing the metadata reader), so the answer "2024" is
kept in `era-<code hash>.txt`; a dTAO runtime's rooms need the shape itself, so its metadata bytes (V15, 190 KB
on spec 218 and more on later ones: a download each command from a remote node) are kept in
`shape-<code hash>.scale` beside the signing metadata, checksummed like it. A node that cannot name its code
(chopsticks) reads the metadata every time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    from chain.dtao.connect import DtaoContext
    from chain.metadata_cache import MetadataFiles
    from chain.rpc import RpcConnection
    from chain.runtime.features import Features
    from chain.runtime.shape import RuntimeShape

LEGACY = "2024"


def is_dtao(features: Features) -> bool:
    """The one rule that picks the dTAO rooms."""
    return features.stake_per_subnet and features.subnet_pools


def learn_era(rpc: RpcConnection, memo: bool = True) -> DtaoContext | None:
    """The dTAO context when the runtime declares the dTAO era, else None (the 2024 rooms)."""
    code = _code_hash(rpc) if memo else None
    if code is not None and _read(_memo_path(code)) == LEGACY:
        return None
    from chain.runtime.features import features_of

    shape, fetched = _shape(rpc, code)
    if not is_dtao(features_of(shape)):
        if code is not None:
            _write(_memo_path(code), LEGACY)
        return None
    if code is not None and fetched is not None and _code_hash(rpc) == code:  # not upgraded while we read
        _shape_files().write(bytes.fromhex(code), fetched)
    from chain.dtao.connect import context_for

    return context_for(rpc, shape)


def _shape(rpc: RpcConnection, code: str | None) -> tuple[RuntimeShape, bytes | None]:
    """The declared shape, from the disk when this code's metadata is there (then no bytes fetched), else
    fetched (and the bytes returned, to be kept once the era is known)."""
    from chain.runtime.fetch import fetch_metadata_bytes
    from chain.runtime.metadata import MetadataError, parse_metadata
    from chain.runtime.shape import shape_of

    cached = _shape_files().read(bytes.fromhex(code)) if code is not None else None
    if cached is not None:
        try:
            return shape_of(parse_metadata(cached)), None
        except MetadataError:  # checksum-valid but unreadable (another taocli's format): fetch again
            pass
    raw = fetch_metadata_bytes(rpc)
    return shape_of(parse_metadata(raw)), raw


def _code_hash(rpc: RpcConnection) -> str | None:
    """The hash of the runtime code at the best block (hex, no 0x), or None when the node cannot name it."""
    from chain.metadata_cache import CODE_KEY
    from chain.rpc import RpcError

    try:
        found = rpc.call("state_getStorageHash", [CODE_KEY])
    except RpcError:  # chopsticks and other nodes without the method: no cache, the metadata decides each time
        return None
    if not isinstance(found, str) or len(found) != 66 or not found.startswith("0x"):
        return None
    try:
        bytes.fromhex(found[2:])
    except ValueError:
        return None
    return found[2:].lower()


def _memo_path(code: str) -> Path:
    from chain.metadata_cache import cache_dir

    return cache_dir() / f"era-{code}.txt"


def _shape_files() -> MetadataFiles:
    from chain.metadata_cache import MetadataFiles

    return MetadataFiles(stem="shape")


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
