"""Transaction longevity: a pooled transaction is dropped (banned, its watcher told `invalid`) once a block at
`validated-at + longevity` is imported, in ready or in future, as Substrate's `clear_stale` does.

The first tests drive the pool alone with plain validity records; the last two run the real runtime, a
real SQLite store and the block author: a future-nonce transfer with a short mortal era in timed mode, and
a `set_weights` (longevity 1 block, spec §6) waiting on a nonce gap.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sr25519

from localnet.genesis import dev_genesis
from localnet.node import REVALIDATE_PER_BLOCK, BlockMode, Node
from localnet.pool import Pool, PoolError, tx_hash
from localnet.runtime import balances
from localnet.runtime.executive import Runtime
from localnet.runtime.subtensor.pallet import pallet as subtensor
from localnet.scale.extrinsic import era_birth
from localnet.store import Store
from tests.support.devsign import sign_extrinsic
from wallet.keypair import Keypair

ALICE = Keypair.from_uri("//Alice")
BOB = Keypair.from_uri("//Bob")
CHARLIE = Keypair.from_uri("//Charlie")


@dataclass
class Valid:
    priority: int
    provides: list[bytes]
    requires: list[bytes] = field(default_factory=list)
    longevity: int | None = None


def _tx(sender: str, nonce: int, *, longevity: int | None = None, gap: bool = False,
        salt: bytes = b"") -> tuple[bytes, Valid]:
    """An extrinsic stand-in and its validity; `gap` makes it require the previous nonce's tag."""
    requires = [f"{sender}{nonce - 1}".encode()] if gap else []
    return f"{sender}:{nonce}".encode() + salt, Valid(1, [f"{sender}{nonce}".encode()], requires, longevity)


def _recording_pool() -> tuple[Pool, list[tuple[bytes, str]]]:
    events: list[tuple[bytes, str]] = []
    return Pool(listener=lambda h, status, data: events.append((h, status))), events


def test_ready_and_future_expire_at_their_block_and_are_banned():
    pool, events = _recording_pool()
    ready_xt, ready_v = _tx("bob", 0, longevity=1)
    future_xt, future_v = _tx("alice", 2, longevity=3, gap=True)
    forever_xt, forever_v = _tx("carol", 0)  # no longevity at all: never expires
    assert pool.submit(ready_xt, ready_v, at=10) == "ready"
    assert pool.submit(future_xt, future_v, at=10) == "future"
    pool.submit(forever_xt, forever_v, at=10)
    pool.on_block([], {})  # a caller that does not say which block: nothing can expire
    assert len(pool) == 3
    pool.on_block([], {}, number=11)
    assert (tx_hash(ready_xt), "invalid") in events and tx_hash(ready_xt) not in pool
    assert pool.is_banned(tx_hash(ready_xt))
    pool.on_block([], {}, number=12)
    assert tx_hash(future_xt) in pool and pool.future_count == 1
    pool.on_block([], {}, number=13)
    assert (tx_hash(future_xt), "invalid") in events and pool.future_count == 0
    pool.on_block([], {}, number=10**9)
    assert [x for x in pool.pending()] == [forever_xt]
    with pytest.raises(PoolError) as banned:
        pool.submit(future_xt, future_v, at=13)
    assert banned.value.code == 1012


def test_expiry_is_checked_before_revalidation_which_restarts_the_count():
    pool, events = _recording_pool()
    short_xt, short_v = _tx("bob", 0, longevity=1)
    long_xt, long_v = _tx("alice", 0, longevity=2)
    pool.submit(short_xt, short_v, at=5)
    pool.submit(long_xt, long_v, at=5)
    revalidated: list[bytes] = []

    def revalidate(xt: bytes) -> Valid:
        revalidated.append(xt)
        return _tx("alice", 0, longevity=2)[1]

    pool.on_block([], {}, revalidate, number=6)
    assert revalidated == [long_xt]  # the expired one was gone before re-validation could revive it
    assert [h for h, s in events if s == "invalid"] == [tx_hash(short_xt)]
    pool.on_block([], {}, number=7)  # valid till 5 + 2 = 7 at submission, but re-validated at 6: till 8
    assert tx_hash(long_xt) in pool
    pool.on_block([], {}, number=8)
    assert tx_hash(long_xt) not in pool and events[-1] == (tx_hash(long_xt), "invalid")


def test_successors_of_an_expired_ready_transaction_fall_back_to_future():
    pool, events = _recording_pool()
    first, first_v = _tx("alice", 0, longevity=2)
    second, second_v = _tx("alice", 1, gap=True)
    pool.submit(first, first_v, at=1)
    assert pool.submit(second, second_v, at=1) == "ready"
    pool.on_block([], {}, number=3)
    assert events[-1] == (tx_hash(first), "invalid") and (tx_hash(second), "invalid") not in events
    assert pool.ready() == [] and (pool.ready_count, pool.future_count) == (0, 1)
    again, again_v = _tx("alice", 0, salt=b"re-signed")
    assert pool.submit(again, again_v, at=3) == "ready"
    assert [x for _, x in pool.ready()] == [again, second]


# -- the node with the real runtime -------------------------------------------------------------------


@pytest.fixture(scope="module")
def runtime() -> Runtime:
    return Runtime(dev_genesis())


def _signed(node: Node, signer: Keypair, call: bytes, nonce: int, era: tuple[int, int] | None = None) -> bytes:
    """Signed as a client does: a mortal era is born at the best block, whose hash the signature covers."""
    birth_hash = None if era is None else node.store.hash_of(era_birth(era, node.best.number))
    pair = (signer.public_key, signer.private_key)
    return sign_extrinsic(signer.public_key, lambda payload: sr25519.sign(pair, payload), call, nonce=nonce,
                          genesis_hash=node.genesis_hash, era=era, birth_hash=birth_hash)


def _transfer(node: Node, signer: Keypair, nonce: int, era: tuple[int, int] | None = None) -> bytes:
    call = balances.pallet.calls[3].encode({"Id": CHARLIE.public_key}, 10**9)
    return _signed(node, signer, call, nonce, era)


def test_future_transfer_with_a_short_era_is_dropped_when_the_era_ends(runtime: Runtime, tmp_path: Path):
    node = Node(runtime, Store(tmp_path / "db"), BlockMode(instant=False, interval=0.03))

    async def seal_to(number: int) -> None:
        while node.best.number < number:
            await node.seal()

    asyncio.run(seal_to(3))
    # Older future transfers fill the node's per-block re-validation, so only longevity can expire the
    # mortal one (re-validation alone would also notice an ended era, but only for the oldest entries).
    fillers = [_transfer(node, BOB, 10 + i) for i in range(REVALIDATE_PER_BLOCK)]
    for xt in fillers:
        assert node.submit(xt)[1] == "future"
    period = 8
    era = (period, node.best.number % period)
    birth = era_birth(era, node.best.number)
    mortal = _transfer(node, ALICE, 1, era)  # nonce 0 is never sent: it waits in future until the era ends
    seen: list[tuple[object, int]] = []
    _, status = node.submit(mortal, watcher=lambda event: seen.append((event, node.best.number)))
    assert status == "future"

    async def run() -> None:
        node.start()
        for _ in range(400):
            if seen:
                break
            await asyncio.sleep(0.01)
        await node.stop()

    asyncio.run(run())
    assert seen == [("invalid", birth + period - 1)]  # the last block that could still have included it
    assert tx_hash(mortal) not in node.pool and node.pool.future_count == len(fillers)
    with pytest.raises(PoolError) as banned:
        node.submit(mortal)
    assert banned.value.code == 1012
    node.store.close()


def test_future_set_weights_lives_one_block_while_a_transfer_waits_on(runtime: Runtime, tmp_path: Path):
    node = Node(runtime, Store(tmp_path / "db"), BlockMode(instant=False, interval=60))
    weights = _signed(node, ALICE, subtensor.calls[0].encode(1, [0], [65535], 0), nonce=1)
    transfer = _transfer(node, BOB, 1)
    valid = node.validate(weights)
    assert valid.longevity == 1 and valid.requires  # §6: one block, and it waits on Alice's nonce 0
    events: list[object] = []
    assert node.submit(weights, watcher=events.append)[1] == "future"
    assert node.submit(transfer)[1] == "future"
    asyncio.run(node.seal())
    assert events == ["invalid"]
    assert [tx_hash(x) for x in node.pool.pending()] == [tx_hash(transfer)]
    asyncio.run(node.seal())
    assert tx_hash(transfer) in node.pool  # immortal: still waiting for Bob's nonce 0
    node.store.close()
