"""Sudo (index 12): a single key (//Alice on the dev chain) that may dispatch calls as Root.

A successful sudo call from the key is free (`Pays::No` in post-dispatch); anyone else gets RequireSudo
and pays the fee. The inner call's result is reported in `Sudid`, it never fails the outer extrinsic.
"""

from __future__ import annotations

from typing import Any

from localnet.runtime.balances import lookup
from localnet.runtime.context import ROOT, CallContext
from localnet.runtime.context import Call as RuntimeCall
from localnet.runtime.errors import DispatchError
from localnet.runtime.framework import Pallet
from localnet.runtime.state import Overlay

pallet = Pallet("Sudo", index=12, crate="pallet_sudo")

Key = pallet.value("Key", "AccountId", optional=True, docs="The `AccountId` of the sudo key.")

Sudid = pallet.event("Sudid", [("sudo_result", "DispatchResult")])
KeyChanged = pallet.event("KeyChanged", [("old_sudoer", "Option<AccountId>")])
SudoAsDone = pallet.event("SudoAsDone", [("sudo_result", "DispatchResult")])

pallet.errors("RequireSudo")

NO_FEE = "no-fee"  # returned by a call to waive its fee (Substrate's `Pays::No` post-dispatch info)


def _ensure_sudo(ctx: CallContext) -> bytes:
    who = ctx.ensure_signed()
    if Key.get(ctx.state) != who:
        raise pallet.error("RequireSudo")
    return who


def _run(ctx: CallContext, call: RuntimeCall, origin: Any) -> Any:
    """Dispatch transactionally; the DispatchResult value for the event."""
    mark = len(ctx.env.events)
    try:
        with ctx.state.transaction():
            ctx.dispatch(call, origin)
    except DispatchError as err:
        del ctx.env.events[mark:]
        return {"Err": err.value}
    return {"Ok": None}


def _inner_weight(call: RuntimeCall, *_: Any) -> int:
    return 10_000_000 + call.weight()


@pallet.call(0, args=[("call", "RuntimeCall")], weight=_inner_weight)
def sudo(ctx: CallContext, call: RuntimeCall) -> str:
    """Dispatch `call` with Root origin."""
    _ensure_sudo(ctx)
    ctx.deposit_event(Sudid, _run(ctx, call, ROOT))
    return NO_FEE


@pallet.call(1, args=[("call", "RuntimeCall"), ("weight", "Weight")],
             weight=lambda call, weight: weight["ref_time"])
def sudo_unchecked_weight(ctx: CallContext, call: RuntimeCall, weight: dict[str, int]) -> str:
    """Dispatch `call` with Root origin and a caller-chosen weight."""
    _ensure_sudo(ctx)
    ctx.deposit_event(Sudid, _run(ctx, call, ROOT))
    return NO_FEE


@pallet.call(2, args=[("new", "MultiAddress")], weight=10_000_000)
def set_key(ctx: CallContext, new: Any) -> str:
    """Hand the sudo key to another account."""
    old = _ensure_sudo(ctx)
    Key.set(ctx.state, lookup(new))
    ctx.deposit_event(KeyChanged, old)
    return NO_FEE


@pallet.call(3, args=[("who", "MultiAddress"), ("call", "RuntimeCall")],
             weight=lambda who, call: 10_000_000 + call.weight())
def sudo_as(ctx: CallContext, who: Any, call: RuntimeCall) -> str:
    """Dispatch `call` signed by another account."""
    _ensure_sudo(ctx)
    ctx.deposit_event(SudoAsDone, _run(ctx, call, lookup(who)))
    return NO_FEE


@pallet.genesis
def _build(genesis: Any, state: Overlay) -> None:
    if genesis.sudo is not None:
        Key.set(state, genesis.sudo)
