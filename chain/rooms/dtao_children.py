"""Childkeys on a dTAO runtime: a parent hotkey lends its stake weight on one subnet to up to five children,
each with a u64 proportion (`set_children(hotkey, netuid, Vec<(u64, AccountId)>)`, dtao-2025.md §6).

Why a module of its own: it is neither a trade nor a delegation, and only runtimes declaring `set_children`
have it (`Features.childkeys`); the checks mirror the runtime's so a refusal is one line before signing."""

from __future__ import annotations

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
