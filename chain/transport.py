"""substrate-interface with its requests carried over our one `RpcConnection`: a write uses one websocket.

Why: signing needs substrate-interface (metadata, SCALE composing, the signature payload), reads need only
our lean connection. Each opened its own websocket, so every write held two connections to the node (two
handshakes; two sockets for a long-running neuron). Every request substrate-interface makes goes through its
public `rpc_request(method, params, result_handler)`; the subclass here answers it over the connection the
reads use, the inclusion watch (a subscription) included. tests/integration/test_chain_client.py proves that
a write opens exactly one websocket.
"""

from __future__ import annotations

import itertools
from typing import Any

from chain.rpc import RpcConnection


class _NoSocket:
    """Given to substrate-interface in place of a socket so it dials none; `rpc_request` never uses it."""

    def close(self) -> None:
        """Nothing to close: the RpcConnection owns the socket."""


def substrate_over(rpc: RpcConnection, watch_timeout: float, **options: Any) -> Any:
    """A SubstrateInterface whose every request goes over `rpc`; a subscription (the inclusion watch) may
    wait up to `watch_timeout` seconds for its decisive notification (TimeoutError beyond)."""
    from substrateinterface import SubstrateInterface
    from substrateinterface.exceptions import SubstrateRequestException

    class OverRpc(SubstrateInterface):  # type: ignore[misc]  # substrate-interface ships no type hints
        def rpc_request(self, method: str, params: Any, result_handler: Any = None) -> Any:
            with rpc.exclusive():  # a subscription's notifications must not be read by another thread
                reply = rpc.request(method, list(params or []))
                if "error" in reply:
                    raise SubstrateRequestException(reply["error"])
                if not callable(result_handler):
                    return reply
                subscription = reply.get("result")
                updates = itertools.count()
                return rpc.follow(subscription, lambda message: result_handler(message, next(updates), subscription),
                                  watch_timeout)

    return OverRpc(websocket=_NoSocket(), **options)
