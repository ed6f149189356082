"""Runtime metadata kept on disk by what it IS: the hash of the runtime code (`:code`), as raw SCALE bytes.

Why keyed by the code hash: the metadata is a function of the runtime code, so a file named by the code's
hash can only ever hold that code's metadata, whichever chain (or genesis) runs it. The old key (the
genesis hash and spec version a node *reports*) let one node that claimed another chain's identity write
that chain's entry with foreign metadata, and every later transaction to the honest chain was composed
from it. The key is read at connect with one cheap call, `state_getStorageHash(":code")` at the block the
metadata is read at; a node without that method (chopsticks) gets no disk cache, only the fast decode.

Why raw bytes: loading them runs no code (the old pickles could), and a file that is corrupt, truncated
or edited is detected (a blake2 checksum in the header) and treated as a miss, then rewritten.

Why it stays fast: scalecodec builds a fresh Python class for every field it decodes (~8,000 for the local
metadata, 56 distinct), which is ~80% of its decode time. `decode_metadata` memoises those classes for the
duration of the one decode, which makes it ~4x faster; the disk cache then only saves the download.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

MAGIC = b"taocli-metadata-v3\n"
CODE_KEY = "0x" + b":code".hex()
_DIGEST = 32


class MetadataUnavailable(Exception):
    """The node served no metadata (or metadata that does not decode)."""


def cache_dir() -> Path:
    override = os.environ.get("TAOCLI_CACHE_DIR")
    return Path(override).expanduser() if override else Path.home() / ".taocli" / "cache"


def blake2_256(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=_DIGEST).digest()


def decode_metadata(runtime_config: Any, raw: bytes) -> Any:
    """scalecodec's MetadataVersioned decoded from raw bytes, with its run-time classes memoised.

    The type registry does not change during one decode, so the class for a type string is the same every
    time; equal classes are interchangeable (they carry only the type string and sub-type)."""
    from scalecodec.base import ScaleBytes

    original = type(runtime_config).get_decoder_class
    memo: dict[str, Any] = {}

    def get_decoder_class(type_string: Any) -> Any:
        if type(type_string) is not str:
            return original(runtime_config, type_string)
        found = memo.get(type_string)
        if found is None:
            found = memo[type_string] = original(runtime_config, type_string)
        return found

    runtime_config.get_decoder_class = get_decoder_class
    try:
        metadata = runtime_config.create_scale_object("MetadataVersioned", data=ScaleBytes(bytearray(raw)))
        metadata.decode()
    except Exception as exc:  # scalecodec raises plain ValueError/RemainingScaleBytesNotEmptyException
        raise MetadataUnavailable(f"the metadata does not decode: {exc}") from exc
    finally:
        del runtime_config.get_decoder_class
    return metadata


def _hex_bytes(value: Any) -> bytes | None:
    if not isinstance(value, str) or not value.startswith("0x"):
        return None
    try:
        return bytes.fromhex(value[2:])
    except ValueError:
        return None


class MetadataFiles:
    """`<stem>-<code hash>.scale` files: MAGIC, blake2_256(metadata), metadata bytes.

    `stem` tells apart what was stored for one code: "metadata" (V14, for substrate-interface's signing) and
    "shape" (the newest version the runtime serves, V15 where it can, for `chain.runtime`'s declared shape)."""

    def __init__(self, directory: Path | None = None, stem: str = "metadata") -> None:
        self.directory = directory or cache_dir()
        self.stem = stem

    def path_for(self, code_hash: bytes) -> Path:
        return self.directory / f"{self.stem}-{code_hash.hex()}.scale"

    def read(self, code_hash: bytes) -> bytes | None:
        """The cached metadata of this code, or None (absent, corrupt, edited, or from another format)."""
        try:
            blob = self.path_for(code_hash).read_bytes()
        except OSError:
            return None
        if not blob.startswith(MAGIC):
            return None
        digest, raw = blob[len(MAGIC):len(MAGIC) + _DIGEST], blob[len(MAGIC) + _DIGEST:]
        return raw if raw and blake2_256(raw) == digest else None

    def write(self, code_hash: bytes, raw: bytes) -> None:
        """Atomic, private (0600 in 0700); a cache we cannot write (read-only home) just stays empty."""
        from wallet.errors import WalletError
        from wallet.fsio import atomic_write

        try:
            atomic_write(self.path_for(code_hash), MAGIC + blake2_256(raw) + raw, overwrite=True, keep_backup=False)
        except (OSError, WalletError):
            return


class DiskMetadataCache:
    """A substrate-interface `cache_region` that always answers: from the disk by code hash, else fetched.

    `pin(rpc)` reads the best block and the code hash there (the one cheap check at connect); `get` then
    returns the metadata of exactly that code: from the file, or fetched at the pinned block, decoded fast
    and stored. `bind(runtime_config)` gives it substrate-interface's configuration to decode with.
    """

    def __init__(self, call: Callable[[str, list[Any]], Any], directory: Path | None = None, *,
                 disk: bool = True) -> None:
        self._call = call
        self.files = MetadataFiles(directory)
        self.disk = disk
        self.block_hash: str | None = None
        self.code_hash: bytes | None = None
        self.runtime_config: Any = None
        self.hits = 0
        self.misses = 0

    def pin(self) -> None:
        """Read the best block's hash and the hash of the runtime code there."""
        from chain.rpc import MethodNotFound

        self.block_hash = self._call("chain_getBlockHash", [])
        if not self.disk:
            return
        try:
            self.code_hash = _hex_bytes(self._call("state_getStorageHash", [CODE_KEY, self.block_hash]))
        except MethodNotFound:  # chopsticks: no way to name the code cheaply, so no disk cache
            self.code_hash = None
        if self.code_hash is not None and len(self.code_hash) != _DIGEST:
            self.code_hash = None

    def bind(self, runtime_config: Any) -> None:
        self.runtime_config = runtime_config

    def get(self, key: str) -> Any:
        raw = self.files.read(self.code_hash) if self.code_hash is not None else None
        if raw is not None:
            try:
                metadata = decode_metadata(self.runtime_config, raw)
            except MetadataUnavailable:  # a checksum-valid file scalecodec cannot read: fetch again
                raw = None
            else:
                self.hits += 1
                return metadata
        self.misses += 1
        raw = _hex_bytes(self._call("state_getMetadata", [self.block_hash] if self.block_hash else []))
        if raw is None:
            return None  # substrate-interface asks the node itself and reports what it gets
        metadata = decode_metadata(self.runtime_config, raw)
        if self.code_hash is not None:
            self.files.write(self.code_hash, raw)
        return metadata

    def set(self, key: str, value: Any) -> None:
        """Nothing to do: `get` stores what it fetched, under the code hash read at the same block."""
