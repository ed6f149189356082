"""The transaction pool: nonce ordering via tags, future promotion, dedupe, bans, replacement, limits."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from localnet.pool import Pool, PoolError, tx_hash


@dataclass
class Valid:
    priority: int
    provides: list[bytes]
    requires: list[bytes] = field(default_factory=list)


def _tag(sender: str, nonce: int) -> bytes:
    return sender.encode() + nonce.to_bytes(4, "little")


def _tx(sender: str, nonce: int, chain_nonce: int = 0, priority: int = 1, salt: bytes = b"") -> tuple[bytes, Valid]:
    xt = f"{sender}:{nonce}".encode() + salt
    requires = [_tag(sender, nonce - 1)] if nonce > chain_nonce else []
    return xt, Valid(priority, [_tag(sender, nonce)], requires)


def test_future_waits_for_the_gap_and_blocks_keep_nonce_order():
    events: list[tuple[bytes, str]] = []
    pool = Pool(listener=lambda h, status, data: events.append((h, status)))
    for n in (2, 1):
        xt, v = _tx("alice", n)
        assert pool.submit(xt, v) == "future"
    xt0, v0 = _tx("alice", 0)
    xb, vb = _tx("bob", 0, priority=5)
    assert pool.submit(xt0, v0) == "ready"
    assert pool.ready_count == 3 and pool.future_count == 0
    pool.submit(xb, vb)
    order = [xt for _, xt in pool.ready()]
    assert order == [b"bob:0", b"alice:0", b"alice:1", b"alice:2"]
    assert (tx_hash(b"alice:2"), "ready") in events
    assert pool.pending()[0] in order


def test_included_transactions_are_banned_and_unblock_futures():
    pool = Pool()
    xt0, v0 = _tx("alice", 0)
    xt2, v2 = _tx("alice", 2)
    pool.submit(xt0, v0)
    pool.submit(xt2, v2)
    assert pool.future_count == 1
    pool.on_block([tx_hash(xt0)], {})
    with pytest.raises(PoolError) as banned:
        pool.submit(xt0, v0)
    assert banned.value.code == 1012
    xt1, v1 = _tx("alice", 1, chain_nonce=1)
    assert pool.submit(xt1, v1) == "ready"
    assert [x for _, x in pool.ready()] == [xt1, xt2]


def test_duplicates_replacement_and_limits():
    pool = Pool(max_ready=2, max_future=1)
    xt, v = _tx("alice", 0)
    pool.submit(xt, v)
    with pytest.raises(PoolError) as dup:
        pool.submit(xt, v)
    assert (dup.value.code, dup.value.message) == (1013, "Transaction Already Imported")
    same_nonce, low = _tx("alice", 0, salt=b"x")
    with pytest.raises(PoolError) as too_low:
        pool.submit(same_nonce, low)
    assert too_low.value.code == 1014
    statuses: list[str] = []
    pool.listener = lambda h, s, d: statuses.append(s)
    higher, hv = _tx("alice", 0, priority=9, salt=b"y")
    pool.submit(higher, hv)
    assert "usurped" in statuses and len(pool) == 1
    pool.submit(*_tx("bob", 0))
    with pytest.raises(PoolError) as full:
        pool.submit(*_tx("carol", 0))
    assert full.value.code == 1016
    pool.submit(*_tx("dave", 5))
    with pytest.raises(PoolError):
        pool.submit(*_tx("erin", 5))


def test_revalidation_drops_invalid_and_demotes_to_future():
    pool = Pool()
    a0, b0 = _tx("alice", 0), _tx("bob", 0)
    pool.submit(*a0)
    pool.submit(*b0)
    pool.submit(*_tx("bob", 1))

    class Invalid(Exception):
        code = 1010

    def revalidate(xt: bytes) -> Valid:
        if xt == a0[0]:
            raise Invalid("bad")
        if xt == b0[0]:  # pretend bob's first nonce is now one ahead of chain
            return Valid(1, [_tag("bob", 0)], [b"bob-gap"])
        return _tx("bob", 1)[1]

    pool.on_block([], {}, revalidate)
    assert a0[0] not in [x for x in pool.pending()]
    assert pool.is_banned(tx_hash(a0[0]))
    assert pool.ready_count == 0 and pool.future_count == 2
