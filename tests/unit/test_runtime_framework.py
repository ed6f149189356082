"""The Overlay (reads, merged key scans, nested rollback) and the Pallet DSL's storage handles."""

from __future__ import annotations

import random

import pytest

from localnet.runtime.context import BlockEnv, CallContext
from localnet.runtime.errors import DispatchError, ModuleError
from localnet.runtime.framework import Pallet
from localnet.runtime.state import DictState, Overlay
from localnet.scale.hashers import blake2_128_concat, twox128

demo = Pallet("Demo", index=200, crate="pallet_demo")
demo.struct("DemoInfo", path="pallet_demo::DemoInfo", fields=[("block", "u64"), ("port", "u16"), ("tag", "Vec<u8>")])
Total = demo.value("Total", "u64", default=7)
Names = demo.map("Names", ("u16", "Identity"), "Vec<u8>")
Stake = demo.double_map("Stake", ("AccountId", "Blake2_128Concat"), ("AccountId", "Identity"), "u64", default=0)
Info = demo.double_map("Info", ("u16", "Identity"), ("AccountId", "Blake2_128Concat"), "DemoInfo", optional=True)
Rows = demo.map("Rows", ("u16", "Twox64Concat"), "Vec<(u16, u16)>")
Happened = demo.event("Happened", [("who", "AccountId"), ("amount", "u64")])
demo.errors("First", "Second")

A, B, C = b"a" * 32, b"b" * 32, b"c" * 32


def test_overlay_reads_writes_and_deletes() -> None:
    base = DictState({b"k1": b"1", b"k2": b"2"})
    o = Overlay(base)
    o.set(b"k1", b"one")
    o.set(b"k2", None)
    o.set(b"k3", b"3")
    assert (o.get(b"k1"), o.get(b"k2"), o.get(b"k3")) == (b"one", None, b"3")
    assert base.get(b"k1") == b"1"
    assert o.changes() == {b"k1": b"one", b"k2": None, b"k3": b"3"}


def test_overlay_key_scan_matches_a_merged_dict() -> None:
    rng = random.Random(3)
    base_data = {bytes([1, rng.randrange(256), rng.randrange(256)]): b"v" for _ in range(400)}
    base = DictState(base_data)
    o = Overlay(base)
    merged = dict(base_data)
    for _ in range(300):
        k = bytes([1, rng.randrange(256), rng.randrange(256)])
        if rng.random() < 0.5:
            o.set(k, None)
            merged.pop(k, None)
        else:
            o.set(k, b"w")
            merged[k] = b"w"
    want = sorted(merged)
    assert list(o.iter_prefix(b"\x01", page=7)) == want
    start = want[50]
    assert o.keys_after(b"\x01", start, 10) == want[51:61]
    assert o.keys_after(b"\x02", None, 10) == []


def test_nested_transactions_roll_back_only_the_failed_layer() -> None:
    o = Overlay(DictState({b"x": b"0"}))
    with o.transaction():
        o.set(b"x", b"1")
        with pytest.raises(RuntimeError), o.transaction():
            o.set(b"x", b"2")
            o.set(b"y", b"2")
            raise RuntimeError
        assert (o.get(b"x"), o.get(b"y")) == (b"1", None)
    with pytest.raises(RuntimeError), o.transaction():
        o.set(b"x", b"3")
        with o.transaction():
            o.set(b"z", b"3")
        raise RuntimeError
    assert (o.get(b"x"), o.get(b"z")) == (b"1", None)


def test_storage_handles() -> None:
    o = Overlay(DictState())
    assert Total.get(o) == 7 and not Total.contains(o)
    Total.set(o, 9)
    assert Total.get(o) == 9
    assert Total.key() == twox128(b"Demo") + twox128(b"Total")
    assert Names.get(o, 3) == b""
    Stake.set(o, A, B, 5)
    Stake.set(o, A, C, 6)
    Stake.set(o, B, A, 1)
    assert Stake.key(A, B) == Stake.prefix + blake2_128_concat(A) + B
    assert sorted(Stake.iter_prefix(o, A)) == [((B,), 5), ((C,), 6)]
    assert sorted(Stake.iter(o)) == sorted([((A, B), 5), ((A, C), 6), ((B, A), 1)])
    assert Info.get(o, 1, A) is None
    info = {"block": 3, "port": 8091, "tag": b"x"}
    Info.set(o, 1, A, info)
    assert Info.get(o, 1, A) == info and Info.contains(o, 1, A)
    Info.set(o, 1, A, None)
    assert not Info.contains(o, 1, A)
    Rows.set(o, 2, [(0, 65535)])
    assert list(Rows.iter(o)) == [((2,), [(0, 65535)])]
    assert Stake.clear(o, A) == 2 and Stake.get(o, A, B) == 0
    with pytest.raises(TypeError):
        Stake.get(o, A)


def test_mutable_defaults_are_fresh_copies() -> None:
    o = Overlay(DictState())
    rows = Rows.get(o, 1)
    rows.append((1, 1))
    assert Rows.get(o, 1) == []


def test_errors_events_and_origins() -> None:
    err = demo.error("Second")
    assert isinstance(err, ModuleError) and err.value == {"Module": {"index": 200, "error": b"\x01\x00\x00\x00"}}
    with pytest.raises(KeyError):
        demo.error("Third")
    env = BlockEnv(1)
    ctx = CallContext(Overlay(DictState()), A, env)
    ctx.deposit_event(Happened, A, 5)
    assert env.events == [env.phase + bytes((200, 0)) + A + (5).to_bytes(8, "little") + b"\x00"]
    assert ctx.ensure_signed() == A
    with pytest.raises(DispatchError):
        ctx.ensure_root()
    with pytest.raises(DispatchError):
        CallContext(ctx.state, None, env).ensure_signed()


def test_declaration_mistakes_fail_loudly() -> None:
    p = Pallet("Oops", index=201, crate="pallet_oops")
    p.value("Once", "u8")
    with pytest.raises(ValueError):
        p.value("Once", "u8")
    with pytest.raises(ValueError):
        p.map("Bad", ("u8", "NoSuchHasher"), "u8")
    p.errors("E")
    with pytest.raises(ValueError):
        p.errors("E")

    @p.call(0, args=[])
    def noop(ctx: CallContext) -> None: ...

    with pytest.raises(ValueError):
        p.call(0, args=[])(noop)


def test_hooks_run_each_block_and_a_failing_hook_is_contained() -> None:
    from localnet.runtime.executive import Runtime
    from tests.support.devchain import DevChain

    hooks = Pallet("Hooks", index=202, crate="pallet_hooks")
    Seen = hooks.value("Seen", "u32", default=0)
    Broken = hooks.value("Broken", "u32", default=0)
    started = hooks.event("Started", [(None, "u32")])

    @hooks.on_initialize
    def count(ctx: CallContext, number: int) -> None:
        Seen.set(ctx.state, number)
        ctx.deposit_event(started, number)

    @hooks.on_finalize
    def explode(ctx: CallContext, number: int) -> None:
        Broken.set(ctx.state, number)
        raise ZeroDivisionError("bug")

    @hooks.genesis
    def build(genesis: object, state: Overlay) -> None:
        Seen.set(state, 99)

    chain = DevChain(Runtime(extra_hooks=[hooks]))
    assert Seen.get(chain.head.state) == 99
    block = chain.produce([])
    assert Seen.get(block.state) == 1 and Broken.get(block.state) == 0
    assert block.outcome.extrinsics and chain.produce([]).number == 2
