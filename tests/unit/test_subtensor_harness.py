"""An in-process SubtensorModule chain for the pallet's unit tests, and the tests of its genesis.

`Chain` holds a real Overlay over an in-memory state, builds the pallet's real genesis, runs calls with a
real CallContext inside a transaction (so a failing call rolls back exactly as the executive does) and
runs the real `on_initialize` block step. Other `test_subtensor_*` modules import it from here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from localnet.runtime import balances
from localnet.runtime.context import BlockEnv, CallContext
from localnet.runtime.errors import ModuleError
from localnet.runtime.state import DictState, Overlay
from localnet.runtime.subtensor import pallet as subtensor_pallet
from localnet.runtime.subtensor import storage as st
from localnet.runtime.subtensor.block_step import on_initialize
from localnet.runtime.subtensor.genesis import build

TAO = 10**9


def _dispatch(ctx: CallContext, call: Any) -> Any:
    """The executive's nested dispatch (Sudo, Utility, a passed motion): run the call's function."""
    return call.call.fn(ctx, *call.args)


def event(kind: Any, *args: Any) -> bytes:
    """One deposited event as `Chain.call` returns it: phase ApplyExtrinsic(0), the event, no topics."""
    return b"\x02" + kind.encode(*args) + b"\x00"


def acct(i: int) -> bytes:
    """A distinct 32-byte AccountId per small integer."""
    return bytes([i % 256]) * 31 + bytes([i // 256])


class Chain:
    """One SubtensorModule state machine; `block` is the number of the block being built."""

    def __init__(self, table: dict[str, Any] | None = None, block: int = 1) -> None:
        assert subtensor_pallet.pallet.index == 7
        self.state = Overlay(DictState())
        # The pallet's unit tests follow the 2024 emission rules unless a test asks for the local fallback.
        build({"subtensor": {"emission_without_root": False, **(table or {})}}, self.state)
        self.block = block
        self.events: list[bytes] = []
        self.hashes: dict[int, bytes] = {}

    def env(self) -> BlockEnv:
        return BlockEnv(number=self.block, block_hash=self.hashes.get, dispatcher=_dispatch)

    def fund(self, who: bytes, amount: int) -> None:
        balances.deposit(None, self.state, who, amount)

    def free(self, who: bytes) -> int:
        return balances.free_balance(self.state, who)

    def call(self, origin: Any, fn: Callable[..., None], *args: Any) -> list[bytes]:
        """Dispatch `fn` like the executive does; returns the encoded events it deposited."""
        env = self.env()
        with self.state.transaction():
            fn(CallContext(self.state, origin, env), *args)
        self.events.extend(env.events)
        return env.events

    def error(self, origin: Any, fn: Callable[..., None], *args: Any) -> str:
        """The module error name of a failing call, after checking it changed nothing at all."""
        before = self.state.changes()
        with pytest.raises(ModuleError) as caught:
            self.call(origin, fn, *args)
        assert self.state.changes() == before, "a failed call left writes behind"
        return caught.value.name

    def step(self, blocks: int = 1) -> None:
        """Finish the current block and run `on_initialize` of the next one(s)."""
        for _ in range(blocks):
            self.block += 1
            on_initialize(CallContext(self.state, None, self.env()), self.block)

    def get(self, item: Any, *keys: Any) -> Any:
        return item.get(self.state, *keys)

    def put(self, item: Any, *args: Any) -> None:
        item.set(self.state, *args)


def test_genesis_has_root_network_and_local_limits() -> None:
    chain = Chain()
    assert chain.get(st.NetworksAdded, 0) is True
    assert chain.get(st.TotalNetworks) == 1
    assert chain.get(st.MaxAllowedUids, 0) == 64
    assert chain.get(st.Tempo, 0) == 100
    assert chain.get(st.NetworkRateLimit) == 0
    assert chain.get(st.TxRateLimit) == 0
    assert chain.get(st.NetworkMinLockCost) == 100 * TAO
    assert chain.get(st.NetworkLastLockCost) == 100 * TAO
    assert chain.get(st.AllowLoopbackServing) is True
    assert chain.get(st.DefaultTake) == 11_796  # untouched 2024 default
    local = Overlay(DictState())
    build({"subtensor": {}}, local)
    assert st.EmissionWithoutRoot.get(local) is True


def test_genesis_table_overrides_and_rejects_unknown_keys() -> None:
    chain = Chain({"network_min_lock_cost": 5 * TAO, "tx_rate_limit": 7, "subnet_limit": 3})
    assert chain.get(st.NetworkMinLockCost) == 5 * TAO
    assert chain.get(st.NetworkLastLockCost) == 5 * TAO
    assert chain.get(st.TxRateLimit) == 7
    assert chain.get(st.SubnetLimit) == 3
    with pytest.raises(ValueError, match="network_min_lock_cots"):
        Chain({"network_min_lock_cots": 1})


def test_failed_call_rolls_back_and_reports_module_error() -> None:
    from localnet.runtime.subtensor.staking import add_stake

    chain = Chain()
    chain.fund(acct(1), 10 * TAO)
    assert chain.error(acct(1), add_stake, acct(2), 20 * TAO) == "NotEnoughBalanceToStake"
    assert chain.free(acct(1)) == 10 * TAO
