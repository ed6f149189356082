"""Timestamp (index 2): the `set` inherent that opens every block, and `Now`."""

from __future__ import annotations

from localnet.runtime.context import CallContext
from localnet.runtime.framework import Pallet

pallet = Pallet("Timestamp", index=2, crate="pallet_timestamp")

Now = pallet.value("Now", "u64", default=0, docs="The current time (ms since the Unix epoch) for this block.")
DidUpdate = pallet.value("DidUpdate", "bool", default=False)

MINIMUM_PERIOD_MS = 6000
pallet.constant("MinimumPeriod", "u64", MINIMUM_PERIOD_MS)


@pallet.call(0, args=[("now", "Compact<u64>")], pays=False, weight=10_000_000, dispatch_class="Mandatory",
              name="set")
def set_now(ctx: CallContext, now: int) -> None:
    """Inherent: the block author's clock. Never goes backwards (the executive clamps it first)."""
    ctx.ensure_none()
    Now.set(ctx.state, now)
    DidUpdate.set(ctx.state, True)


@pallet.on_finalize
def _reset(ctx: CallContext, number: int) -> None:
    DidUpdate.remove(ctx.state)
