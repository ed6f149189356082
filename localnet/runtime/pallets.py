"""The runtime's pallets, ordered by index, and the outer enums built from them.

Triumvirate (8), TriumvirateMembers (9) and SenateMembers (10) come from `governance`; SubtensorModule (7)
and AdminUtils (18) come from `localnet.runtime.subtensor`; they are imported only
when their modules exist, so the generic runtime works before (and without) them. Importing this module
also registers `RuntimeCall` (with a codec that decodes to `Call` objects), `RuntimeEvent` and
`RuntimeError` in the type space.

`configure(settings, owner)` applies a genesis `[runtime]` table (pallet indices, existential deposit).
Pallets are module-level declarations (every pallet module encodes its calls, events and errors through
its own `pallet` object), so this configuration is process-wide: the node runs one runtime per process.
That constraint is enforced rather than assumed: while a Runtime built with one configuration is alive,
building one with another raises RuntimeConfigConflict instead of silently re-indexing the first. Once
the earlier runtimes are gone, a new `Runtime()` applies its own genesis (a default one restores the
built-in indices).
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import warnings
import weakref
from collections.abc import Mapping

from localnet.genesis import GenesisError, RuntimeSettings
from localnet.runtime import balances, governance, sudo, system, timestamp, transaction_payment, utility
from localnet.runtime.context import Call
from localnet.runtime.core_types import CODECS, SPACE
from localnet.runtime.framework import Pallet, outer_enum
from localnet.scale.codec import ScaleDecodeError
from localnet.scale.codecs import Codec


def _optional(module: str) -> list[Pallet]:
    """The `pallet` of an optional module, or nothing when the module has not been written yet.

    A module that exists but cannot be imported yet (its own imports are still being written) is skipped
    with a RuntimeWarning naming the cause; any other error inside it is a bug and propagates.
    """
    try:
        if importlib.util.find_spec(module) is None:
            return []
        return [importlib.import_module(module).pallet]
    except ImportError as exc:
        warnings.warn(f"runtime starts without {module}: {exc}", RuntimeWarning, stacklevel=2)
        return []


PALLETS: list[Pallet] = sorted(
    [system.pallet, timestamp.pallet, balances.pallet, transaction_payment.pallet, utility.pallet, sudo.pallet,
     *governance.PALLETS,
     *_optional("localnet.runtime.subtensor.pallet"), *_optional("localnet.runtime.subtensor.admin_utils")],
    key=lambda p: p.index)

BY_INDEX: dict[int, Pallet] = {p.index: p for p in PALLETS}
BY_NAME: dict[str, Pallet] = {p.name: p for p in PALLETS}
if len(BY_INDEX) != len(PALLETS):
    raise RuntimeError("two pallets share an index")


def decode_call(data: bytes, offset: int = 0) -> tuple[Call, int]:
    """Decode a RuntimeCall at `offset` into a `Call` (raises ScaleDecodeError for unknown/malformed)."""
    if offset + 2 > len(data):
        raise ScaleDecodeError("truncated call")
    pallet = BY_INDEX.get(data[offset])
    if pallet is None:
        raise ScaleDecodeError(f"no pallet with index {data[offset]}")
    cd = pallet.calls.get(data[offset + 1])
    if cd is None:
        raise ScaleDecodeError(f"{pallet.name} has no call with index {data[offset + 1]}")
    o = offset + 2
    args = []
    for codec in cd.arg_codecs():
        value, o = codec.decode(data, o)
        args.append(value)
    return Call(cd, tuple(args), bytes(data[offset:o])), o


def encode_call(call: Call) -> bytes:
    """RuntimeCall bytes of a `Call` (its original bytes when it was decoded)."""
    return call.raw or call.call.encode(*call.args)


def _define_outer_enums() -> None:
    """(Re)register the outer enums; their variant index is the pallet index, so they follow a move."""
    SPACE.define_lazy("RuntimeCall", lambda: outer_enum(PALLETS, "Call"))
    SPACE.define_lazy("RuntimeEvent", lambda: outer_enum(PALLETS, "Event"))
    SPACE.define_lazy("RuntimeError", lambda: outer_enum(PALLETS, "Error"))


_define_outer_enums()
CODECS.custom["RuntimeCall"] = Codec(encode_call, decode_call, "RuntimeCall")
DEFAULT_INDICES: dict[str, int] = {p.name: p.index for p in PALLETS}
DEFAULT_EXISTENTIAL_DEPOSIT = balances.EXISTENTIAL_DEPOSIT


class RuntimeConfigConflict(RuntimeError):
    """A Runtime wants other pallet indices or another ED than a Runtime still alive in this process."""


_LIVE: weakref.WeakSet[object] = weakref.WeakSet()  # runtimes built with the configuration now applied


def configure(settings: RuntimeSettings, owner: object) -> None:
    """Apply a genesis `[runtime]` table for `owner` (a Runtime); pallets it does not name get their
    built-in index back.

    Raises GenesisError for an unknown pallet or two pallets on one index, and RuntimeConfigConflict when
    the table differs from the applied one while a runtime built with that one is still alive (changing
    it would re-index that runtime's calls, events and metadata under it). Run before any thread uses the
    runtime (the node builds its Runtime before it serves): compiled codecs that embed the outer enums
    are dropped and rebuilt on next use.
    """
    wanted = _wanted_indices(settings.pallet_indices)
    ed = DEFAULT_EXISTENTIAL_DEPOSIT if settings.existential_deposit is None else settings.existential_deposit
    if wanted != _applied_indices() or ed != balances.EXISTENTIAL_DEPOSIT:
        _refuse_while_alive(wanted, ed)
        _set_indices(wanted)
        balances.EXISTENTIAL_DEPOSIT = ed  # read at call time by every Balances function
        balances.pallet.constants = [(n, t, ed if n == "ExistentialDeposit" else v, d)
                                     for n, t, v, d in balances.pallet.constants]
    _LIVE.add(owner)


def _applied_indices() -> dict[str, int]:
    return {p.name: p.index for p in PALLETS}


def _refuse_while_alive(wanted: Mapping[str, int], ed: int) -> None:
    """Raise RuntimeConfigConflict if a runtime of the applied configuration is still referenced.

    A Runtime holds a reference cycle (its API table points back at it), so a dropped one may wait for
    the cycle collector: collect once before deciding it is alive.
    """
    if not _LIVE:
        return
    gc.collect()
    if not _LIVE:
        return
    applied = _applied_indices()
    moved = [f"{name} {applied[name]} -> {index}" for name, index in wanted.items() if applied[name] != index]
    if ed != balances.EXISTENTIAL_DEPOSIT:
        moved.append(f"ExistentialDeposit {balances.EXISTENTIAL_DEPOSIT} -> {ed} RAO")
    raise RuntimeConfigConflict(
        f"this process already runs a Runtime whose [runtime] configuration differs ({'; '.join(moved)}); "
        "pallet indices and the existential deposit are process-wide (module-level pallets), so run the "
        "other chain in its own process, or drop every reference to the first Runtime before building this one")


def _wanted_indices(indices: Mapping[str, int]) -> dict[str, int]:
    """Every pallet's index under a `pallet_indices` table; GenesisError for unknown names or collisions."""
    unknown = sorted(set(indices) - set(DEFAULT_INDICES))
    if unknown:
        raise GenesisError(f"genesis: [runtime] pallet_indices names no pallet of this runtime: {', '.join(unknown)}; "
                           f"known: {', '.join(DEFAULT_INDICES)}")
    wanted = {**{n: i for n, i in DEFAULT_INDICES.items() if n not in indices}, **indices}  # named ones last
    owner: dict[int, str] = {}
    for name, index in wanted.items():
        if index in owner:
            raise GenesisError(f"genesis: [runtime] pallet_indices puts {name} on index {index}, which "
                               f"{owner[index]} has; move {owner[index]} too or pick a free index")
        owner[index] = name
    return wanted


def _set_indices(wanted: Mapping[str, int]) -> None:
    """Move the pallets to `wanted` and rebuild what embeds their indices (outer enums, compiled codecs)."""
    if all(BY_NAME[name].index == index for name, index in wanted.items()):
        return
    for name, index in wanted.items():
        BY_NAME[name].set_index(index)
    PALLETS.sort(key=lambda p: p.index)  # in place: executive and validation hold this list
    BY_INDEX.clear()
    BY_INDEX.update({p.index: p for p in PALLETS})
    _define_outer_enums()
    for cache in (CODECS.by_name, CODECS.by_type, CODECS.by_string):
        cache.clear()
    for p in PALLETS:
        for item in p.storage:
            item.forget_codec()


def call_by_name(pallet: str, name: str) -> Call | None:
    """Look up a declared call (None if absent); `Call.args` left empty for the caller to fill."""
    p = BY_NAME.get(pallet)
    if p is None or name not in p.calls_by_name:
        return None
    return Call(p.calls_by_name[name], ())
