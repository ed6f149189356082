"""Decoded runtime metadata kept on disk per (genesis hash, spec version).

substrate-interface decodes the chain's metadata on every new connection (~0.15 s for the local chain,
seconds for finney's). It lets a `cache_region` (get/set by key) supply a decoded copy; this module is
such a region backed by files under `~/.taocli/cache` (or `$TAOCLI_CACHE_DIR`).

The decoded object tree uses classes that scalecodec creates at run time (`type("Vec<u8>", ...)`), which
plain pickle cannot name. The pickler below stores such a class as (metaclass, name, bases, namespace)
and rebuilds it on load; the per-process runtime configuration it points at is replaced by a fresh one,
because substrate-interface passes its own configuration to every decode anyway. Any failure to read a
cache file (corrupt, written by another library version) is treated as a miss and the file rewritten.
Files are private (0600 in a 0700 directory): unpickling runs code, so only the user may write them.
"""

from __future__ import annotations

import abc
import io
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

FORMAT = 2


def cache_dir() -> Path:
    override = os.environ.get("TAOCLI_CACHE_DIR")
    return Path(override).expanduser() if override else Path.home() / ".taocli" / "cache"


def _rebuild_class(meta: type, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> type:
    return meta(name, bases, namespace)


def _fresh_runtime_config() -> Any:
    from scalecodec.base import RuntimeConfigurationObject

    return RuntimeConfigurationObject()


def _same(cls: type) -> type:
    return cls


_SKIP = frozenset({"_abc_impl", "__abstractmethods__", "__dict__", "__weakref__", "runtime_config"})


def _is_runtime_class(obj: Any) -> bool:
    return isinstance(obj, type) and obj.__module__ == "abc" and getattr(abc, obj.__name__, None) is not obj


class _MetadataPickler(pickle.Pickler):
    """Pickles scalecodec's run-time classes by value instead of by (unresolvable) name.

    scalecodec creates a fresh class for every decoded field (~3,500 for the local chain's metadata) but
    only a few dozen distinct ones; equal classes (same metaclass, name, bases and namespace) are stored
    once, which halves the load time.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._keys: dict[int, Any] = {}
        self._canonical: dict[Any, type] = {}

    def _class_key(self, cls: type) -> Any:
        key = self._keys.get(id(cls))
        if key is None:
            namespace = tuple(sorted((k, self._value_key(v)) for k, v in cls.__dict__.items() if k not in _SKIP))
            key = (type(cls).__qualname__, cls.__name__, tuple(self._value_key(b) for b in cls.__bases__), namespace)
            self._keys[id(cls)] = key
        return key

    def _value_key(self, value: Any) -> Any:
        if _is_runtime_class(value):
            return ("class", self._class_key(value))
        if isinstance(value, type):
            return ("type", value.__module__, value.__qualname__)
        if isinstance(value, (list, tuple)):
            return (type(value).__name__, tuple(self._value_key(v) for v in value))
        if isinstance(value, dict):
            return ("dict", tuple(sorted((repr(k), self._value_key(v)) for k, v in value.items())))
        return ("repr", repr(value))

    def reducer_override(self, obj: Any) -> Any:
        from scalecodec.base import RuntimeConfigurationObject

        if _is_runtime_class(obj):
            key = self._class_key(obj)
            first = self._canonical.setdefault(key, obj)
            if first is not obj:
                return _same, (first,)
            namespace = {k: v for k, v in obj.__dict__.items() if k not in _SKIP}
            return _rebuild_class, (type(obj), obj.__name__, obj.__bases__, namespace)
        if isinstance(obj, RuntimeConfigurationObject):
            return _fresh_runtime_config, ()
        if isinstance(obj, staticmethod):
            return staticmethod, (obj.__func__,)
        return NotImplemented


def dumps(metadata: Any) -> bytes:
    buffer = io.BytesIO()
    _MetadataPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump((FORMAT, metadata))
    return buffer.getvalue()


def loads(blob: bytes) -> Any:
    version, metadata = pickle.loads(blob)
    if version != FORMAT:
        raise ValueError(f"metadata cache format {version}, expected {FORMAT}")
    return metadata


class DiskMetadataCache:
    """A substrate-interface `cache_region` for one chain (its genesis hash names the files)."""

    def __init__(self, genesis_hash: str, directory: Path | None = None) -> None:
        self.genesis_hash = genesis_hash.lower().removeprefix("0x")
        self.directory = directory or cache_dir()
        self.hits = 0
        self.misses = 0

    def path_for(self, key: str) -> Path:
        spec = key.removeprefix("METADATA_")
        return self.directory / f"metadata-{self.genesis_hash[:16]}-{spec}.pickle"

    def get(self, key: str) -> Any:
        path = self.path_for(key)
        try:
            value = loads(path.read_bytes())
        except FileNotFoundError:
            self.misses += 1
            return None
        except Exception:  # corrupt or foreign file: a miss, rewritten by set()
            self.misses += 1
            return None
        self.hits += 1
        return value

    def set(self, key: str, value: Any) -> None:
        """Write atomically; a cache we cannot write (read-only home) just stays empty."""
        try:
            blob = dumps(value)
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".metadata-", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(blob)
                os.replace(tmp, self.path_for(key))
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            return
