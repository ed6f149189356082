"""The block author in process with the real runtime and a real SQLite store: instant batching, nonce gaps
filled from the future queue, watcher notifications in Substrate's order, timed empty blocks, history
reads and reopening."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

import pytest
import sr25519

from localnet.genesis import dev_genesis
from localnet.node import BlockMode, Node, header_hash
from localnet.pool import PoolError
from localnet.runtime import balances
from localnet.runtime.errors import TransactionError
from localnet.runtime.executive import Runtime
from localnet.store import Store
from tests.support.devsign import sign_extrinsic
from wallet.keypair import Keypair

ALICE = Keypair.from_uri("//Alice")
BOB = Keypair.from_uri("//Bob")


@pytest.fixture(scope="module")
def runtime() -> Runtime:
    return Runtime(dev_genesis())


def _transfer(node: Node, nonce: int, value: int = 10**9, signer: Keypair = ALICE) -> bytes:
    call = balances.pallet.calls[3].encode({"Id": BOB.public_key}, value)
    pair = (signer.public_key, signer.private_key)
    return sign_extrinsic(signer.public_key, lambda payload: sr25519.sign(pair, payload), call, nonce=nonce,
                          genesis_hash=node.genesis_hash)


def _free(node: Node, who: Keypair, block_hash: bytes | None = None) -> int:
    return node.runtime.read(node.state(block_hash), "System", "Account", who.public_key)["data"]["free"]


def test_instant_mode_batches_fills_nonce_gaps_and_notifies_in_order(runtime: Runtime, tmp_path: Path):
    node = Node(runtime, Store(tmp_path / "db"), BlockMode(instant=True))
    genesis = node.best
    assert genesis.number == 0
    assert genesis.hash == header_hash(genesis.parent, 0, genesis.state_root, genesis.extrinsics_root)
    events: list[object] = []

    async def run() -> None:
        node.start()
        _, status2 = node.submit(_transfer(node, 2), watcher=events.append)
        assert status2 == "future"
        _, status0 = node.submit(xt0)
        _, status1 = node.submit(xt1)
        assert (status0, status1) == ("ready", "ready")
        with pytest.raises(PoolError) as dup:
            node.submit(xt1)
        assert dup.value.code == 1013
        with pytest.raises(PoolError) as same_nonce:  # sr25519 signs randomly: other bytes, same nonce
            node.submit(_transfer(node, 1))
        assert same_nonce.value.code == 1014
        for _ in range(200):
            if node.best.number >= 1 and not len(node.pool):
                break
            await asyncio.sleep(0.01)
        await node.stop()

    bob_before = _free(node, BOB)
    xt0, xt1 = _transfer(node, 0), _transfer(node, 1)
    asyncio.run(run())
    assert node.best.number == 1  # all three in one block, nothing sealed while idle
    block = node.block(None)
    assert len(block.extrinsics) == 4  # timestamp inherent + three transfers in nonce order
    assert _free(node, BOB) == bob_before + 3 * 10**9
    assert _free(node, BOB, genesis.hash) == bob_before
    best = "0x" + node.best.hash.hex()
    assert events == ["ready", {"inBlock": best}, {"finalized": best}]  # promoted, included, final
    with pytest.raises(PoolError) as banned:
        node.submit(xt0)
    assert banned.value.code == 1012
    with pytest.raises(TransactionError) as stale:
        node.submit(_transfer(node, 0, value=7))
    assert stale.value.data == "Transaction is outdated"
    node.store.close()

    reopened = Node(runtime, Store(tmp_path / "db"), BlockMode(instant=True))
    assert reopened.best == node.best and reopened.genesis_hash == node.genesis_hash
    assert _free(reopened, BOB) == bob_before + 3 * 10**9


def test_timed_mode_seals_empty_blocks_on_schedule(runtime: Runtime, tmp_path: Path):
    node = Node(runtime, Store(tmp_path / "db"), BlockMode(instant=False, interval=0.05))
    heads: list[int] = []
    node.add_head_listener(lambda record, changes: heads.append(record.number))

    async def run() -> None:
        node.start()
        await asyncio.sleep(0.5)
        await node.stop()

    asyncio.run(run())
    assert len(heads) >= 3 and heads == list(range(1, len(heads) + 1))
    numbers = [node.store.block_by_number(n) for n in heads]
    assert all(len(b.extrinsics) == 1 for b in numbers)  # only the timestamp inherent
    assert all(b.timestamp > a.timestamp for a, b in itertools.pairwise(numbers))
    status = node.status()
    assert status["best"] == heads[-1] and status["accounts"] >= 6
