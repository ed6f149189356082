"""Childkeys on a dTAO runtime: a parent hotkey lends its stake weight on one subnet to up to five children,
each with a u64 proportion (`set_children(hotkey, netuid, Vec<(u64, AccountId)>)`, dtao-2025.md §6), and keeps
a take (u16 of 65535) of what it passes on (`set_childkey_take(hotkey, netuid, take)`).

Why a module of its own: it is neither a trade nor a delegation, and only runtimes declaring `set_children`
have it (`Features.childkeys`); the checks mirror the runtime's so a refusal is one line before signing."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from chain.errors import PreconditionFailed
from chain.rooms.balances import account_id
from chain.rooms.dtao_writes import MODULE, not_yet, prepare
from chain.storage import u16_key
from wallet.ss58 import ss58_encode

if TYPE_CHECKING:
    from chain.connection import Connection
    from chain.dtao.connect import DtaoContext
    from chain.prepared import PreparedCall
    from chain.rooms.registration import Registration

U64_MAX = (1 << 64) - 1
MAX_CHILDREN = 5


def children_of(ctx: DtaoContext, hotkey: str, netuid: int, at: str | None = None) -> list[tuple[Fraction, str]]:
    """(proportion of the parent's weight, child hotkey) as stored in ChildKeys."""
    stored = ctx.read(MODULE, "ChildKeys", account_id(hotkey), u16_key(netuid), at=at)
    return [(Fraction(int(p), U64_MAX), ss58_encode(bytes(child))) for p, child in stored]


def prepare_set_children(conn: Connection, ctx: DtaoContext, registration: Registration, coldkey: str,
                         hotkey: str, netuid: int, children: list[tuple[str, Fraction]]) -> PreparedCall:
    """Checked as the runtime does (owner, not root, ≤ 5, not itself, no duplicates, Σ ≤ 1), then composed
    with each proportion as floor(p · u64::MAX)."""
    if not ctx.features.childkeys:
        raise not_yet(ctx, "set_children", "stake child set")
    owner = registration.need_owner(hotkey)
    if owner != coldkey:
        raise PreconditionFailed(f"hotkey {hotkey} belongs to coldkey {owner}: only its owner sets its children")
    if netuid == 0:
        raise PreconditionFailed("childkeys cannot be set on root (netuid 0)")
    if not ctx.read(MODULE, "NetworksAdded", u16_key(netuid)):
        raise PreconditionFailed(f"subnet {netuid} does not exist on this chain; see `taocli subnets list`")
    keys = [child for child, _ in children]
    if len(children) > MAX_CHILDREN:
        raise PreconditionFailed(f"at most {MAX_CHILDREN} children, {len(children)} given")
    if hotkey in keys:
        raise PreconditionFailed("a hotkey cannot be its own child")
    if len(set(keys)) != len(keys):
        raise PreconditionFailed("a child is named twice")
    if any(p < 0 for _, p in children) or sum(p for _, p in children) > 1:
        raise PreconditionFailed("the proportions must be zero or more and add up to at most 1 (100 %)")
    encoded = [((p * U64_MAX).__floor__(), child) for child, p in children]
    return prepare(conn, ctx, "set_children", {"hotkey": hotkey, "netuid": netuid, "children": encoded}, coldkey)


@dataclass(frozen=True)
class ChildkeyTake:
    """A hotkey's childkey take on one subnet (u16 of 65535) and whether storage holds it or it is the
    declared default; with the bounds and rate limit a change is checked against, each naming its source."""

    hotkey: str
    netuid: int
    take: int
    stored: bool  # False: never written, `take` is ChildkeyTake's metadata default
    low: Bound
    high: Bound
    rate_limit: Bound | None  # None: the runtime declares no TxChildkeyTakeRateLimit
    last_block: int | None  # TransactionKeyLastBlock of this (hotkey, netuid, SetChildkeyTake); 0 = never


@dataclass(frozen=True)
class Bound:
    value: int
    source: str  # where the value was read: "storage MaxChildkeyTake", "constant ...", "dtao-2025.md §6"


SET_CHILDKEY_TAKE_TX = 1  # TransactionType::SetChildkeyTake as the runtime's rate-limit key (R233 source)
SPEC_BOUNDS = (0, 11_796)  # dtao-2025.md §6: take ∈ [0, 11_796] when the runtime declares no bound


def _bound(ctx: DtaoContext, item: str, constant: str, fallback: int, at: str | None) -> Bound:
    """A bound from storage if declared, else the pallet constant, else the spec's figure."""
    if ctx.shape.item(MODULE, item) is not None:
        return Bound(int(ctx.read(MODULE, item, at=at)), f"storage {item}")
    declared = ctx.shape.constants.get(f"{MODULE}.{constant}")
    if declared is not None and declared[0] in ("u16", "u64"):
        return Bound(int.from_bytes(declared[1], "little"), f"constant {constant}")
    return Bound(fallback, "dtao-2025.md §6 (not declared by this runtime)")


def childkey_take(ctx: DtaoContext, hotkey: str, netuid: int, at: str | None = None) -> ChildkeyTake:
    """The take as stored (or the declared default), with the bounds and the rate-limit state at `at`."""
    from chain.runtime.storage_items import decode_value, storage_key

    keys = (account_id(hotkey), u16_key(netuid))
    (raw,) = ctx.raw_many([storage_key(ctx.shape, MODULE, "ChildkeyTake", *keys)], at)
    take = int(decode_value(ctx.shape, MODULE, "ChildkeyTake", raw))
    low = _bound(ctx, "MinChildkeyTake", "InitialMinChildKeyTake", SPEC_BOUNDS[0], at)
    high = _bound(ctx, "MaxChildkeyTake", "InitialMaxChildKeyTake", SPEC_BOUNDS[1], at)
    limit = last = None
    if ctx.shape.item(MODULE, "TxChildkeyTakeRateLimit") is not None:
        limit = Bound(int(ctx.read(MODULE, "TxChildkeyTakeRateLimit", at=at)), "storage TxChildkeyTakeRateLimit")
    if ctx.shape.item(MODULE, "TransactionKeyLastBlock") is not None:
        last = int(ctx.read(MODULE, "TransactionKeyLastBlock", *keys, u16_key(SET_CHILDKEY_TAKE_TX), at=at))
    return ChildkeyTake(hotkey, netuid, take, raw is not None, low, high, limit, last)


def prepare_set_childkey_take(conn: Connection, ctx: DtaoContext, registration: Registration, coldkey: str,
                              hotkey: str, netuid: int, take: int) -> PreparedCall:
    """set_childkey_take(hotkey, netuid, take), checked before signing as the runtime checks it: the signer
    owns the hotkey, the subnet exists, low ≤ take ≤ high, and an increase waits TxChildkeyTakeRateLimit
    blocks after the last change (a decrease is left to the runtime: R233 limits it too, later runtimes
    do not, and the metadata cannot tell which)."""
    if not ctx.features.childkey_take:
        raise not_yet(ctx, "set_childkey_take", "stake child take")
    owner = registration.need_owner(hotkey)
    if owner != coldkey:
        raise PreconditionFailed(f"hotkey {hotkey} belongs to coldkey {owner}: only its owner sets its childkey take")
    at = conn.block_hash()
    if not ctx.read(MODULE, "NetworksAdded", u16_key(netuid), at=at):
        raise PreconditionFailed(f"subnet {netuid} does not exist on this chain; see `taocli subnets list`")
    now = childkey_take(ctx, hotkey, netuid, at)
    if not now.low.value <= take <= now.high.value:
        raise PreconditionFailed(f"take {take}/65535 is outside this chain's bounds {now.low.value}..{now.high.value} "
                                 f"(of 65535; from {now.low.source} and {now.high.source}); nothing was signed")
    if take == now.take and now.stored:
        raise PreconditionFailed(f"hotkey {hotkey} already takes {take}/65535 on subnet {netuid}")
    if take > now.take and now.rate_limit is not None and now.last_block:
        allowed = now.last_block + now.rate_limit.value
        upcoming = conn.block_number() + 1  # the block our extrinsic would be in
        if upcoming < allowed:
            raise PreconditionFailed(f"the childkey take of {hotkey} on subnet {netuid} last changed at block "
                                     f"{now.last_block}; an increase is allowed from block {allowed} "
                                     f"(TxChildkeyTakeRateLimit {now.rate_limit.value}), this would be block "
                                     f"{upcoming}; nothing was signed")
    return prepare(conn, ctx, "set_childkey_take", {"hotkey": hotkey, "netuid": netuid, "take": take}, coldkey)
