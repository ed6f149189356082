"""The node's SQLite store: versioned reads, key iteration, pruning and reopening, on a real database file."""

from __future__ import annotations

import hashlib
import random

import pytest

from localnet.store import BlockRecord, StateDiscarded, Store


def _h(*parts: object) -> bytes:
    return hashlib.blake2b(repr(parts).encode(), digest_size=32).digest()


def _commit(store: Store, changes: dict[bytes, bytes | None], xts: tuple[bytes, ...] = ()) -> BlockRecord:
    number = store.best_number + 1
    parent = store.best.hash if store.best else b"\0" * 32
    block = BlockRecord(number, _h("block", number), parent, _h("s", number), _h("x", number), 1000 + number, xts)
    store.commit_block(block, changes)
    return block


def test_reads_at_every_kept_block_match_a_replayed_model(tmp_path):
    rng = random.Random(7)
    store = Store(tmp_path / "db", archive=True)
    keys = [bytes([p]) + bytes([i]) for p in (1, 2) for i in range(20)]
    model: dict[bytes, bytes] = {}
    snapshots = []
    for n in range(60):
        changes: dict[bytes, bytes | None] = {}
        for key in rng.sample(keys, 6):
            changes[key] = None if rng.random() < 0.3 else rng.randbytes(4)
        for k, v in changes.items():
            if v is None:
                model.pop(k, None)
            else:
                model[k] = v
        _commit(store, changes, (bytes([n]),))
        snapshots.append(dict(model))
    for n, snap in enumerate(snapshots):
        view = store.at(n)
        for key in keys:
            assert view.get(key) == snap.get(key), (n, key)
        expect = sorted(k for k in snap if k[:1] == b"\x02")
        assert view.keys_after(b"\x02", None, 100) == expect
        if len(expect) > 2:
            assert view.keys_after(b"\x02", expect[2], 3) == expect[3:6]
        assert view.keys_after(b"", None, 1000) == sorted(snap)
    assert store.block_by_number(5).extrinsics == (bytes([5]),)
    assert store.number_of(_h("block", 9)) == 9
    assert store.hash_of(9) == _h("block", 9)
    assert store.hash_of(99) is None


def test_pruning_keeps_the_window_and_every_latest_value(tmp_path):
    store = Store(tmp_path / "db", keep_blocks=256)
    _commit(store, {b"stays": b"genesis", b"gone": b"x"})
    for n in range(1, 400):
        changes: dict[bytes, bytes | None] = {b"counter": n.to_bytes(4, "little")}
        if n == 10:
            changes[b"gone"] = None
        _commit(store, changes)
    assert store.oldest_state > 0
    with pytest.raises(StateDiscarded):
        store.at(0)
    best = store.best_number
    oldest = best - 255
    assert store.at(oldest).get(b"counter") == oldest.to_bytes(4, "little")
    assert store.at(oldest).get(b"stays") == b"genesis"
    assert store.at(oldest).get(b"gone") is None
    assert store.at(best).get(b"stays") == b"genesis"
    # far fewer rows than one per block for the counter
    assert store.state_rows() < 400


def test_reopen_restores_head_and_history(tmp_path):
    store = Store(tmp_path / "db")
    for n in range(5):
        _commit(store, {b"k%d" % n: b"v", b"n": bytes([n])})
    best = store.best
    store.close()
    again = Store(tmp_path / "db")
    assert again.best == best
    assert again.at().get(b"n") == bytes([4])
    assert again.at(2).get(b"n") == bytes([2])
    assert again.at().keys_after(b"k", None, 10) == [b"k%d" % n for n in range(5)]


def test_a_block_that_does_not_extend_the_head_is_refused_and_changes_nothing(tmp_path):
    store = Store(tmp_path / "db")
    _commit(store, {b"a": b"1"})
    bad = BlockRecord(5, _h("bad"), b"\1" * 32, _h(1), _h(2), 0)
    with pytest.raises(ValueError, match="does not extend"):
        store.commit_block(bad, {b"a": b"2"})
    assert store.at().get(b"a") == b"1"
    assert store.best_number == 0
