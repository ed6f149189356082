"""Utility (index 11): batch, batch_all and force_batch with Substrate's semantics and events.

- `batch`: dispatch in order; stop at the first failure (BatchInterrupted), keeping earlier effects;
  the extrinsic itself succeeds.
- `batch_all`: all or nothing; the first failure fails the whole extrinsic.
- `force_batch`: dispatch everything, report failures (ItemFailed), never fail.
Each item is dispatched transactionally, so a failed item leaves no partial writes or events.
"""

from __future__ import annotations

from localnet.runtime.context import Call as RuntimeCall
from localnet.runtime.context import CallContext
from localnet.runtime.errors import DispatchError
from localnet.runtime.framework import Pallet

pallet = Pallet("Utility", index=11, crate="pallet_utility")

BatchInterrupted = pallet.event("BatchInterrupted", [("index", "u32"), ("error", "DispatchError")])
BatchCompleted = pallet.event("BatchCompleted", [])
BatchCompletedWithErrors = pallet.event("BatchCompletedWithErrors", [])
ItemCompleted = pallet.event("ItemCompleted", [])
ItemFailed = pallet.event("ItemFailed", [("error", "DispatchError")])
DispatchedAs = pallet.event("DispatchedAs", [("result", "DispatchResult")])

pallet.errors("TooManyCalls")
BATCHED_CALLS_LIMIT = 10_922
pallet.constant("batched_calls_limit", "u32", BATCHED_CALLS_LIMIT)


def _weight(calls: list[RuntimeCall]) -> int:
    return 10_000_000 + sum(c.weight() for c in calls)


def _one(ctx: CallContext, call: RuntimeCall) -> DispatchError | None:
    """Dispatch one item in its own storage layer, dropping its events if it fails."""
    mark = len(ctx.env.events)
    try:
        with ctx.state.transaction():
            ctx.dispatch(call)
    except DispatchError as err:
        del ctx.env.events[mark:]
        return err
    return None


def _check_len(calls: list[RuntimeCall]) -> None:
    if len(calls) > BATCHED_CALLS_LIMIT:
        raise pallet.error("TooManyCalls")


@pallet.call(0, args=[("calls", "Vec<RuntimeCall>")], weight=_weight)
def batch(ctx: CallContext, calls: list[RuntimeCall]) -> None:
    """Dispatch calls in order, stopping at the first error."""
    _check_len(calls)
    for i, call in enumerate(calls):
        err = _one(ctx, call)
        if err is not None:
            ctx.deposit_event(BatchInterrupted, i, err.value)
            return
        ctx.deposit_event(ItemCompleted)
    ctx.deposit_event(BatchCompleted)


@pallet.call(2, args=[("calls", "Vec<RuntimeCall>")], weight=_weight)
def batch_all(ctx: CallContext, calls: list[RuntimeCall]) -> None:
    """Dispatch all calls or none: the first error fails (and rolls back) the whole extrinsic."""
    _check_len(calls)
    for call in calls:
        ctx.dispatch(call)
        ctx.deposit_event(ItemCompleted)
    ctx.deposit_event(BatchCompleted)


@pallet.call(4, args=[("calls", "Vec<RuntimeCall>")], weight=_weight)
def force_batch(ctx: CallContext, calls: list[RuntimeCall]) -> None:
    """Dispatch every call, reporting failures instead of stopping."""
    _check_len(calls)
    failed = False
    for call in calls:
        err = _one(ctx, call)
        if err is None:
            ctx.deposit_event(ItemCompleted)
        else:
            failed = True
            ctx.deposit_event(ItemFailed, err.value)
    ctx.deposit_event(BatchCompletedWithErrors if failed else BatchCompleted)
