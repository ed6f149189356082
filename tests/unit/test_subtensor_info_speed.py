"""Listing neurons reads each per-subnet vector once, and its bytes equal the per-uid reference exactly.

The subnet is built with the pallet's real calls (256 burned registrations, stakes, nominations, axons),
then stored in a real node Store so the reads go through the same StateView the RPC server uses. The
reference below is the earlier per-uid implementation, kept here only to prove the faster one changed
not a byte of any reply.
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

import bt_decode
import pytest

from localnet.runtime.state import Overlay
from localnet.runtime.subtensor import info_codec
from localnet.runtime.subtensor import storage as st
from localnet.runtime.subtensor.info import neuron_bytes, neurons_bytes
from localnet.runtime.subtensor.networks import register_network
from localnet.runtime.subtensor.registration import burned_register
from localnet.runtime.subtensor.serving import serve_axon, serve_prometheus
from localnet.runtime.subtensor.staking import add_stake, become_delegate
from localnet.store import BlockRecord, StateView, Store
from tests.unit.test_subtensor_harness import TAO, Chain, acct

N = 256
NETUID = 1
_VECTORS = (("active", st.Active, False), ("rank", st.Rank, 0), ("emission", st.Emission, 0),
            ("incentive", st.Incentive, 0), ("consensus", st.Consensus, 0), ("trust", st.Trust, 0),
            ("validator_trust", st.ValidatorTrust, 0), ("dividends", st.Dividends, 0),
            ("last_update", st.LastUpdate, 0), ("validator_permit", st.ValidatorPermit, False),
            ("pruning_score", st.PruningScores, 0))


def _reference_neuron(state: Any, netuid: int, uid: int, lite: bool) -> bytes | None:
    """The per-uid implementation this change replaced: every vector decoded again for every uid."""
    if not st.Keys.contains(state, netuid, uid):
        return None
    hotkey = st.Keys.get(state, netuid, uid)
    record: dict[str, Any] = {
        "hotkey": hotkey, "coldkey": st.Owner.get(state, hotkey), "uid": uid, "netuid": netuid,
        "axon_info": st.Axons.get(state, netuid, hotkey),
        "prometheus_info": st.Prometheus.get(state, netuid, hotkey),
        "stake": [(keys[0], amount) for keys, amount in st.Stake.iter_prefix(state, hotkey)],
    }
    for name, item, default in _VECTORS:
        vector = item.get(state, netuid)
        record[name] = vector[uid] if uid < len(vector) else default
    if not lite:
        record["weights"] = [(d, w) for d, w in st.Weights.get(state, netuid, uid) if w]
        record["bonds"] = [(d, b) for d, b in st.Bonds.get(state, netuid, uid) if b]
    return info_codec.neuron_info(record, lite=lite)


def _reference_neurons(state: Any, netuid: int, lite: bool) -> bytes:
    items: list[bytes] = []
    if st.NetworksAdded.get(state, netuid):
        for uid in range(st.SubnetworkN.get(state, netuid)):
            one = _reference_neuron(state, netuid, uid, lite)
            if one is None:
                break
            items.append(one)
    return info_codec.vec(items)


class CountingReader:
    """A StateReader that forwards to a real one and counts reads per key (to show what is read twice)."""

    def __init__(self, inner: StateView) -> None:
        self.inner = inner
        self.reads: dict[bytes, int] = {}

    def get(self, key: bytes) -> bytes | None:
        self.reads[key] = self.reads.get(key, 0) + 1
        return self.inner.get(key)

    def keys_after(self, prefix: bytes, start_after: bytes | None, limit: int) -> list[bytes]:
        return self.inner.keys_after(prefix, start_after, limit)


def _subnet_of_256() -> Chain:
    """256 neurons by real registration; stakes, nominators, axons, weights, bonds and consensus vectors,
    with two vectors shorter than n so the per-uid defaults are exercised too."""
    chain = Chain()
    owner = acct(1)
    chain.fund(owner, 10_000 * TAO)
    chain.call(owner, register_network)
    for name, value in {"Burn": 0, "MaxRegistrationsPerBlock": N, "TargetRegistrationsPerInterval": N,
                        "ImmunityPeriod": 1000}.items():
        chain.put(getattr(st, name), NETUID, value)
    colds = [acct(600 + i) for i in range(16)]
    for cold in colds:
        chain.fund(cold, 10_000 * TAO)
    for i in range(N):
        hot, cold = acct(1000 + i), colds[i % 16]
        chain.call(cold, burned_register, NETUID, hot)
        chain.call(cold, add_stake, hot, (i + 1) * TAO)
        if i % 3 == 0:  # a delegate with a second nominator: two stake entries
            chain.call(cold, become_delegate, hot)
            chain.call(colds[(i + 5) % 16], add_stake, hot, 7 * TAO)
        if i % 2 == 0:
            chain.call(hot, serve_axon, NETUID, 3, 0x0A000001 + i, 8000 + i, 4, 4, 0, 0)
        if i % 7 == 0:
            chain.call(hot, serve_prometheus, NETUID, 1, 0x0A000001 + i, 9100, 4)
    rng = random.Random(7)
    for item in (st.Rank, st.Incentive, st.Consensus, st.ValidatorTrust, st.Dividends, st.PruningScores):
        chain.put(item, NETUID, [rng.randrange(65536) for _ in range(N)])
    chain.put(st.Trust, NETUID, [rng.randrange(65536) for _ in range(N - 56)])
    chain.put(st.Emission, NETUID, [rng.randrange(10**12) for _ in range(N)])
    chain.put(st.ValidatorPermit, NETUID, [rng.random() < 0.25 for _ in range(N - 6)])
    for uid in range(0, N, 4):
        st.Weights.set(chain.state, NETUID, uid, [(d, rng.randrange(65536)) for d in range(0, N, 3)])
        st.Bonds.set(chain.state, NETUID, uid, [(d, rng.randrange(3)) for d in range(0, N, 5)])
    return chain


@pytest.fixture(scope="module")
def node_state(tmp_path_factory: pytest.TempPathFactory) -> StateView:
    """The built subnet committed as one block of a real node Store."""
    chain = _subnet_of_256()
    assert chain.get(st.SubnetworkN, NETUID) == N
    full = {**chain.state.base.data, **chain.state.changes()}
    store = Store(Path(tmp_path_factory.mktemp("info")) / "db")
    store.commit_block(BlockRecord(0, b"\1" * 32, bytes(32), bytes(32), bytes(32), 0, ()),
                       {k: v for k, v in full.items() if v is not None})
    return store.at()


@pytest.mark.parametrize("lite", [True, False])
def test_lists_equal_the_per_uid_reference_byte_for_byte(node_state: StateView, lite: bool) -> None:
    for netuid in (0, NETUID, 9):  # root (empty), the 256-neuron subnet, a missing subnet
        assert neurons_bytes(node_state, netuid, lite=lite) == _reference_neurons(node_state, netuid, lite)
    raw = neurons_bytes(node_state, NETUID, lite=lite)
    decoded = (bt_decode.NeuronInfoLite if lite else bt_decode.NeuronInfo).decode_vec(raw)
    assert [n.uid for n in decoded] == list(range(N))
    assert all(n.trust == 0 for n in decoded[N - 56:]) and any(n.trust for n in decoded[:N - 56])  # defaults
    assert all(not n.validator_permit for n in decoded[N - 6:]) and any(n.validator_permit for n in decoded)
    for uid in (0, 3, 200, 255):
        assert neuron_bytes(node_state, NETUID, uid, lite=lite) == _reference_neuron(node_state, NETUID, uid, lite)


def test_a_gap_in_keys_ends_the_list_in_both(node_state: StateView) -> None:
    state = Overlay(node_state)  # an overlay over the stored block, so the shared fixture stays untouched
    st.Keys.remove(state, NETUID, 130)
    fast = neurons_bytes(state, NETUID, lite=True)
    assert fast == _reference_neurons(state, NETUID, True)
    assert [n.uid for n in bt_decode.NeuronInfoLite.decode_vec(fast)] == list(range(130))


def test_each_vector_is_read_once_and_the_list_is_much_faster(node_state: StateView) -> None:
    reader = CountingReader(node_state)
    neurons_bytes(reader, NETUID, lite=True)
    vector_keys = [item.key(NETUID) for _, item, _ in _VECTORS]
    assert [reader.reads[k] for k in vector_keys] == [1] * len(vector_keys)
    assert max(reader.reads.values()) == 1  # no key at all is read twice

    def best_of(fn: Any, runs: int = 3) -> float:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times)

    fast = best_of(lambda: neurons_bytes(node_state, NETUID, lite=True))
    slow = best_of(lambda: _reference_neurons(node_state, NETUID, True))
    assert fast * 5 < slow, f"{fast * 1000:.1f} ms vs per-uid {slow * 1000:.1f} ms"
