"""The node's JSON-RPC: `build_dispatcher(node)` gives every method; `RpcServer` serves it on one port."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from localnet.node import Node
    from localnet.rpc.dispatch import Dispatcher


def build_dispatcher(node: Node) -> Dispatcher:
    """All Substrate methods the clients use, plus the runtime's custom RPCs, bound to `node`."""
    from localnet.rpc import author_api, chain_api, state_api
    from localnet.rpc.dispatch import Dispatcher

    d = Dispatcher()
    chain_api.install(d, node)
    state_api.install(d, node)
    author_api.install(d, node)
    return d
