"""`system_*`, `chain_*` (with head subscriptions), `rpc_methods` and the node's own `localnet_*`/`dev_*`."""

from __future__ import annotations

from typing import Any

from localnet.node import Node
from localnet.rpc.common import block_number, follow_heads, header_json, new_subscription, opt_hash, to_hex
from localnet.rpc.dispatch import Dispatcher, RpcError, Session, invalid_params
from localnet.store import BlockRecord

NODE_NAME = "taocli-localnet"
NODE_VERSION = "0.1.0"

_HEAD_SUBSCRIPTIONS = {
    # subscribe name(s): (notification method, unsubscribe names)
    ("chain_subscribeNewHeads", "chain_subscribeNewHead", "subscribe_newHead"):
        ("chain_newHead", ("chain_unsubscribeNewHeads", "chain_unsubscribeNewHead", "unsubscribe_newHead")),
    ("chain_subscribeFinalizedHeads", "chain_subscribeFinalisedHeads"):
        ("chain_finalizedHead", ("chain_unsubscribeFinalizedHeads", "chain_unsubscribeFinalisedHeads")),
    ("chain_subscribeAllHeads",): ("chain_allHead", ("chain_unsubscribeAllHeads",)),
}


def install(d: Dispatcher, node: Node) -> None:
    """Register the system/chain methods for `node` on the dispatcher."""
    rt = node.runtime

    d.add("system_chain", lambda s: rt.chain_name)
    d.add("system_name", lambda s: NODE_NAME)
    d.add("system_version", lambda s: NODE_VERSION)
    d.add("system_properties", lambda s: rt.properties)
    d.add("system_chainType", lambda s: "Development")
    d.add("system_health", lambda s: {"peers": 0, "isSyncing": False, "shouldHavePeers": False})
    d.add("system_peers", lambda s: [])
    d.add("system_localPeerId", lambda s: "12D3KooWLocalnetTaocliNoPeersNoNetworking")
    d.add("system_localListenAddresses", lambda s: [])
    d.add("system_nodeRoles", lambda s: ["Authority"])
    d.add("system_syncState", lambda s: {"startingBlock": 0, "currentBlock": node.best.number,
                                         "highestBlock": node.best.number})
    d.add("system_accountNextIndex", lambda s, account: _next_index(node, account))
    d.add("rpc_methods", lambda s: {"version": 1, "methods": sorted(d.methods)})

    def get_head(s: Session) -> str:
        return to_hex(node.best.hash)

    for name in ("chain_getHead", "chain_getFinalizedHead", "chain_getFinalisedHead"):
        d.add(name, get_head)

    def get_block_hash(s: Session, number: Any = None) -> Any:
        if number is None:
            return to_hex(node.best.hash)
        if isinstance(number, list):
            return [_hash_or_none(node, block_number(n)) for n in number]
        return _hash_or_none(node, block_number(number))

    d.add("chain_getBlockHash", get_block_hash)
    d.add("chain_getHeader", lambda s, at=None: _maybe(node, at, header_json, with_extrinsics=False))
    d.add("chain_getBlock", lambda s, at=None: _maybe(node, at, _block_json, with_extrinsics=True))
    d.add("chain_getRuntimeVersion", lambda s, at=None: rt.version)

    for subs, (method, unsubs) in _HEAD_SUBSCRIPTIONS.items():
        _install_head_subscription(d, node, subs, method, unsubs)

    d.add("localnet_status", lambda s: node.status())

    async def new_blocks(s: Session, count: Any = 1) -> list[str]:
        """`dev_newBlock`: seal `count` blocks now (useful with --instant, where idle chains stand still)."""
        n = count.get("count", 1) if isinstance(count, dict) else count
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 1000:
            raise invalid_params("count: expected an integer from 1 to 1000")
        return [to_hex((await node.seal()).hash) for _ in range(n)]

    d.add("dev_newBlock", new_blocks)


def _hash_or_none(node: Node, number: int) -> str | None:
    h = node.store.hash_of(number)
    return None if h is None else to_hex(h)


def _maybe(node: Node, at: Any, shape: Any, *, with_extrinsics: bool) -> Any:
    """A block shaped as JSON, or null for an unknown hash (Substrate answers null, not an error)."""
    block_hash = opt_hash(at)
    if block_hash is None:
        record = node.block(None, with_extrinsics=with_extrinsics)
    else:
        record = node.store.block_by_hash(block_hash, with_extrinsics=with_extrinsics)
        if record is None:
            return None
        if with_extrinsics and 0 < record.number < node.store.bodies_from:
            return None  # its body was pruned (not --archive): null, as a pruning Substrate node answers
    return shape(record)


def _block_json(record: BlockRecord) -> dict[str, Any]:
    return {"block": {"header": header_json(record), "extrinsics": [to_hex(x) for x in record.extrinsics]},
            "justifications": None}


def _next_index(node: Node, account: Any) -> int:
    """Next nonce for an account, counting its transactions already queued without a gap."""
    from wallet.ss58 import public_key_from

    try:
        account_id = public_key_from(account)
    except Exception:
        raise invalid_params("account: expected an SS58 address or 0x-hex public key") from None
    nonce = int(node.runtime.account_nonce(node.store.at(), account_id))
    pooled = set(node.pool.nonces_of(account_id))
    while nonce in pooled:  # like Substrate: only a contiguous run counts, a future gap does not
        nonce += 1
    return nonce


def _install_head_subscription(d: Dispatcher, node: Node, subs: tuple[str, ...], method: str,
                               unsubs: tuple[str, ...]) -> None:
    def subscribe(s: Session) -> str:
        sid = new_subscription(s)

        def on_block(record: BlockRecord, changes: dict) -> None:
            s.notify(method, sid, header_json(record))

        follow_heads(node, s, sid, on_block)
        s.after_response(lambda: s.notify(method, sid, header_json(node.best)))
        return sid

    for name in subs:
        d.add(name, subscribe)
    for name in unsubs:
        d.add(name, Session.unsubscribe)


__all__ = ["NODE_NAME", "NODE_VERSION", "RpcError", "install"]
