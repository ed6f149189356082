"""`author_*` (submission, watching, the pool), `payment_*` and the runtime's own custom RPCs.

Substrate's answers are kept: an invalid extrinsic is an error *on the submit call* (1010 Invalid
Transaction / 1011 Unknown Transaction Validity with the reason in `data`), a pool refusal is 1012–1016,
and bytes that do not decode at all are 1001 "Extrinsic has invalid format"; a bug of the node is -32603.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from localnet.node import Node
from localnet.rpc.common import hex_bytes, new_subscription, opt_hash, state_at, to_hex
from localnet.rpc.dispatch import Dispatcher, RpcError, Session, invalid_params
from localnet.scale.codec import ScaleDecodeError

WATCH_METHOD = "author_extrinsicUpdate"
log = logging.getLogger("localnet.rpc")


def _extrinsic(value: Any) -> bytes:
    raw = hex_bytes(value, "extrinsic")
    if not raw:
        raise RpcError(1001, "Extrinsic has invalid format", "empty extrinsic")
    return raw


def _bad_format(err: Exception) -> RpcError:
    """The answer to a refused extrinsic: the runtime's or pool's Substrate code as is, 1001 for bytes that
    do not decode, and -32603 (logged with its traceback) for anything else: that is a bug of this node,
    and calling it "invalid format" would send the user hunting in bytes that are fine."""
    if getattr(err, "code", None) is not None and isinstance(getattr(err, "message", None), str):
        return RpcError(err.code, err.message, getattr(err, "data", None))  # type: ignore[attr-defined]
    if isinstance(err, ScaleDecodeError):
        return RpcError(1001, "Extrinsic has invalid format", f"{type(err).__name__}: {err}")
    log.error("internal error while handling an extrinsic", exc_info=err)
    return RpcError(-32603, "Internal error", f"{type(err).__name__}: {err}")


def install(d: Dispatcher, node: Node) -> None:
    """Register author/payment/custom methods for `node` on the dispatcher."""
    rt = node.runtime

    def submit(s: Session, xt: Any) -> str:
        raw = _extrinsic(xt)
        try:
            h, _ = node.submit(raw)
        except Exception as err:
            raise _bad_format(err) from None
        return to_hex(h)

    def submit_and_watch(s: Session, xt: Any) -> str:
        raw = _extrinsic(xt)
        sid = new_subscription(s)

        def on_update(event: Any) -> None:
            s.notify(WATCH_METHOD, sid, event)
            if event in ("invalid", "dropped") or (
                isinstance(event, dict) and ("finalized" in event or "usurped" in event)
            ):
                s.subscriptions.pop(sid, None)

        try:
            h, status = node.submit(raw, watcher=on_update)
        except Exception as err:
            raise _bad_format(err) from None
        s.subscriptions[sid] = lambda: node.unwatch(h, on_update)
        s.after_response(lambda: s.notify(WATCH_METHOD, sid, status))
        return sid

    d.add("author_submitExtrinsic", submit)
    d.add("author_submitAndWatchExtrinsic", submit_and_watch)
    d.add("author_unwatchExtrinsic", Session.unsubscribe)
    d.add("author_pendingExtrinsics", lambda s: [to_hex(x) for x in node.pool.pending()])

    def query_info(s: Session, xt: Any, at: Any = None) -> Any:
        raw = _extrinsic(xt)
        view = state_at(node, at)
        try:
            return rt.query_info(view, raw)
        except Exception as err:
            raise _bad_format(err) from None

    def fee_details(s: Session, xt: Any, at: Any = None) -> Any:
        raw = _extrinsic(xt)
        view = state_at(node, at)
        try:
            if hasattr(rt, "query_fee_details"):
                return rt.query_fee_details(view, raw)
            info = rt.query_info(view, raw)
        except Exception as err:
            raise _bad_format(err) from None
        fee = int(info.get("partialFee", 0))
        return {"inclusionFee": {"baseFee": hex(fee), "lenFee": "0x0", "adjustedWeightFee": "0x0"}, "tip": "0x0"}

    d.add("payment_queryInfo", query_info)
    d.add("payment_queryFeeDetails", fee_details)

    for name, fn in dict(getattr(rt, "rpc_methods", {}) or {}).items():
        d.add(name, _custom(node, name, fn))


def _custom(node: Node, name: str, fn: Any) -> Any:
    """Wrap a pallet RPC `fn(state, params)`: params as sent; a trailing block hash selects the state."""

    async def handler(s: Session, *params: Any) -> Any:
        at = params[-1] if params and isinstance(params[-1], str) and len(params[-1]) == 66 else None
        try:
            if at is not None and node.store.number_of(opt_hash(at) or b"") is None:
                at = None  # a 32-byte argument that is not one of our blocks (e.g. an account): read at best
        except RpcError:
            at = None  # not hex at all: the pallet's own parser judges it
        view = state_at(node, at)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(None, fn, view, list(params))
        except RpcError:
            raise
        except Exception as err:
            if getattr(err, "code", None) is not None and isinstance(getattr(err, "message", None), str):
                raise
            raise invalid_params(f"{name}: {type(err).__name__}: {err}") from None

    return handler
