"""JSON-RPC 2.0 framing: parse, route, batch, and turn every failure into an error object.

Why a separate layer: the transports (WebSocket, HTTP POST) and the method handlers never deal with
malformed input; whatever arrives, this module answers with a JSON-RPC response (or nothing for
notifications) and never raises, so the node keeps running whatever it receives.
"""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger("localnet.rpc")

MAX_REQUEST_BYTES = 15 * 1024 * 1024  # Substrate's default --rpc-max-request-size
MAX_RESPONSE_BYTES = 15 * 1024 * 1024  # Substrate's default --rpc-max-response-size, per payload (whole batch)
MAX_BATCH = 1024


class RpcError(Exception):
    """An error answer: `code`, `message` and optional `data`, exactly as sent to the client."""

    def __init__(self, code: int, message: str, data: Any = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def to_json(self) -> dict[str, Any]:
        err: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.data is not None:
            err["data"] = self.data
        return err


def invalid_params(why: str) -> RpcError:
    return RpcError(-32602, "Invalid params", why)


class Session:
    """One client connection: where notifications go and which subscriptions to drop when it closes."""

    def __init__(self, send: Callable[[str], None] | None):
        self._send = send
        self.subscriptions: dict[str, Callable[[], None]] = {}
        self.deferred: list[Callable[[], None]] = []
        self.closed = False

    @property
    def can_subscribe(self) -> bool:
        return self._send is not None

    def notify(self, method: str, subscription: str, result: Any) -> None:
        """Send a subscription notification (dropped silently once the connection is gone)."""
        if self.closed or self._send is None:
            return
        payload = {"jsonrpc": "2.0", "method": method, "params": {"subscription": subscription, "result": result}}
        self._send(json.dumps(payload, separators=(",", ":")))

    def after_response(self, fn: Callable[[], None]) -> None:
        """Run `fn` right after the current response is written (first notification after the sub id)."""
        self.deferred.append(fn)

    def run_deferred(self) -> None:
        todo, self.deferred = self.deferred, []
        for fn in todo:
            try:
                fn()
            except Exception:
                log.exception("deferred notification failed")

    def unsubscribe(self, sid: Any) -> bool:
        """Drop one subscription of this connection (every `*_unsubscribe*` method); False if unknown.

        A non-text id is unknown rather than an error, as jsonrpsee answers `false` for it.
        """
        cleanup = self.subscriptions.pop(sid, None) if isinstance(sid, str) else None
        if cleanup is None:
            return False
        cleanup()
        return True

    def close(self) -> None:
        self.closed = True
        subs, self.subscriptions = self.subscriptions, {}
        for cleanup in subs.values():
            try:
                cleanup()
            except Exception:
                log.exception("subscription cleanup failed")


Handler = Callable[..., Any]


class Dispatcher:
    """Method table plus the JSON-RPC envelope. Handlers take `(session, *params)` and may be async."""

    def __init__(self) -> None:
        self.methods: dict[str, Handler] = {}
        self._signatures: dict[str, inspect.Signature] = {}

    def add(self, name: str, handler: Handler) -> None:
        self.methods[name] = handler
        self._signatures[name] = inspect.signature(handler)

    # Whole payloads ----------------------------------------------------------------------------------

    def handle(self, raw: bytes | str, session: Session) -> str | Awaitable[str | None] | None:
        """Answer one payload. Returns the response text, None (nothing to send) or an awaitable of either;
        synchronous handlers are answered without creating a task, which keeps pipelined calls fast."""
        if len(raw) > MAX_REQUEST_BYTES:
            return _dump(_error(None, RpcError(-32007, "Request is too big",
                                               f"Exceeded max limit of {MAX_REQUEST_BYTES}")))
        try:
            req = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: JSON nested too deep
            return _dump(_error(None, RpcError(-32700, "Parse error")))
        if isinstance(req, list):
            return self._batch(req, session)
        out = self._one(req, session)
        if inspect.isawaitable(out):
            return _await_dump(out)
        return None if out is None else _capped(_dump(out), out.get("id"))

    def _batch(self, reqs: list[Any], session: Session) -> str | Awaitable[str | None]:
        """Answer a batch, stopping the work once the reply reaches MAX_RESPONSE_BYTES.

        Why: a 78 KB batch of 1,024 `state_getKeys("0x")` made the node build a ~400 MB reply on the event
        loop (3.5 s stall, 1.7 GB RSS). Requests after the budget is spent are not run; each gets -32008."""
        if not reqs:
            return _dump(_error(None, RpcError(-32600, "Invalid request", "empty batch")))
        if len(reqs) > MAX_BATCH:
            return _dump(_error(None, RpcError(-32600, "Invalid request", f"batch larger than {MAX_BATCH}")))
        outs: list[Any] = []
        used = 0
        for r in reqs:
            rid = r.get("id") if isinstance(r, dict) else None
            if used > MAX_RESPONSE_BYTES:
                outs.append(_error(rid, _too_big()))
                continue
            out = self._one(r, session)
            if isinstance(out, dict):
                used += len(_dump(out))
                if used > MAX_RESPONSE_BYTES:
                    out = _error(rid, _too_big())
            outs.append((rid, out) if inspect.isawaitable(out) else out)
        if any(isinstance(o, tuple) for o in outs):
            return self._gather(outs, used)
        results = [o for o in outs if o is not None]
        return _dump(results) if results else None  # type: ignore[return-value]

    @staticmethod
    async def _gather(outs: list[Any], used: int) -> str | None:
        """Await a batch's async answers one by one (they start only when awaited), spending the same budget:
        once it is spent, the rest are never run."""
        done: list[Any] = []
        for o in outs:
            if isinstance(o, tuple):
                rid, pending = o
                if used > MAX_RESPONSE_BYTES:
                    pending.close()
                    o = _error(rid, _too_big())
                else:
                    o = await pending
                    if o is not None:
                        used += len(_dump(o))
                        if used > MAX_RESPONSE_BYTES:
                            o = _error(rid, _too_big())
            done.append(o)
        results = [d for d in done if d is not None]
        return _dump(results) if results else None

    # One request --------------------------------------------------------------------------------------

    def _one(self, req: Any, session: Session) -> dict | Awaitable[dict | None] | None:
        if not isinstance(req, dict):
            return _error(None, RpcError(-32600, "Invalid request"))
        rid = req.get("id")
        if isinstance(rid, bool) or not isinstance(rid, (int, str, type(None))):
            return _error(None, RpcError(-32600, "Invalid request", "id must be a number or string"))
        method = req.get("method")
        if req.get("jsonrpc") != "2.0" or not isinstance(method, str):
            return _error(rid, RpcError(-32600, "Invalid request"))
        notification = "id" not in req
        params = req.get("params", [])
        if params is None:
            params = []
        handler = self.methods.get(method)
        if handler is None:
            return None if notification else _error(rid, RpcError(-32601, "Method not found"))
        if not isinstance(params, (list, dict)):
            return _error(rid, invalid_params("params must be an array or an object"))
        try:
            args, kwargs = _bind(self._signatures[method], params)
            result = handler(session, *args, **kwargs)
        except Exception as err:
            return None if notification else _error(rid, _as_rpc_error(err, method))
        if inspect.isawaitable(result):
            return _finish(rid, result, notification, method)
        return None if notification else {"jsonrpc": "2.0", "result": result, "id": rid}


def _bind(sig: inspect.Signature, params: list | dict) -> tuple[list, dict]:
    """Check params against the handler's signature so a wrong call is -32602, not a crash."""
    try:
        if isinstance(params, dict):
            sig.bind(None, **params)
            return [], params
        sig.bind(None, *params)
        return list(params), {}
    except TypeError as err:
        raise invalid_params(str(err)) from None


async def _finish(rid: Any, awaitable: Awaitable[Any], notification: bool, method: str) -> dict | None:
    try:
        result = await awaitable
    except Exception as err:
        return None if notification else _error(rid, _as_rpc_error(err, method))
    return None if notification else {"jsonrpc": "2.0", "result": result, "id": rid}


async def _await_dump(out: Awaitable[dict | None]) -> str | None:
    res = await out
    return None if res is None else _capped(_dump(res), res.get("id"))


def _too_big() -> RpcError:
    return RpcError(-32008, "Response is too big", f"Exceeded max limit of {MAX_RESPONSE_BYTES}")


def _capped(text: str, rid: Any) -> str:
    """The reply, or -32008 when it is larger than MAX_RESPONSE_BYTES (jsonrpsee's answer)."""
    if len(text) <= MAX_RESPONSE_BYTES:
        return text
    return _dump(_error(rid, _too_big()))


def _as_rpc_error(err: Exception, method: str) -> RpcError:
    """Map any exception to an answer: RpcError as is, anything with Substrate's `code` (runtime
    TransactionError, PoolError) with its code/message/data, the rest as -32603 (and logged)."""
    if isinstance(err, RpcError):
        return err
    code = getattr(err, "code", None)
    if isinstance(code, int) and isinstance(getattr(err, "message", None), str):
        return RpcError(code, err.message, getattr(err, "data", None))  # type: ignore[attr-defined]
    if isinstance(err, (ValueError, KeyError, IndexError, TypeError)):
        return invalid_params(f"{type(err).__name__}: {err}")
    log.exception("internal error in %s", method)
    return RpcError(-32603, "Internal error", f"{type(err).__name__}: {err}")


def _error(rid: Any, err: RpcError) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "error": err.to_json(), "id": rid}


def _dump(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"))
