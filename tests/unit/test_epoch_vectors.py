"""Yuma consensus reproduces the 2024 runtime's own epoch tests to the last unit (spec §12 T1-T8).

`Subnet` replays each test's storage history the way the runtime would write it: registration sets
LastUpdate/BlockAtRegistration, set_weights stores the row max-upscaled and stamps LastUpdate, and after
every epoch the new permits and Bonds rows are written back. Each scenario runs against the sparse
production epoch and the dense one; the smaller ones also against the pure-Python reference.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pytest

from localnet.runtime.subtensor.epoch import epoch
from localnet.runtime.subtensor.epoch_types import EpochInput, EpochOutput
from localnet.runtime.subtensor.fixed import u16_max_upscale_to_u16
from tests.support.epoch_dense import epoch_dense
from tests.support.epoch_reference import epoch_reference

EpochFn = Callable[[EpochInput], EpochOutput]
RAO = 1_000_000_000
ALL = [epoch, epoch_dense, epoch_reference]
FAST = [epoch, epoch_dense]


class Subnet:
    """A subnet's consensus-relevant storage, evolved like the runtime's tests evolve it."""

    def __init__(self, stake: Sequence[int], *, max_validators: int, block: int = 0) -> None:
        n = len(stake)
        self.n, self.block, self.stake = n, block, list(stake)
        self.last_update, self.registered = [block] * n, [block] * n
        self.permit = [False] * n
        self.max_validators = max_validators
        self.weights: dict[int, list[tuple[int, int]]] = {}
        self.bonds: dict[int, list[tuple[int, int]]] = {}

    def set_weights(self, uid: int, dests: Sequence[int], values: Sequence[int]) -> None:
        self.weights[uid] = list(zip(dests, u16_max_upscale_to_u16(values), strict=True))
        self.last_update[uid] = self.block

    def replace(self, uid: int, stake: int = 0) -> None:
        """A new hotkey takes `uid`; LastUpdate, weights, bonds and permit are inherited (quirk §9)."""
        self.registered[uid] = self.block
        self.stake[uid] = stake

    def snapshot(self) -> EpochInput:
        return EpochInput(
            n=self.n, block=self.block, activity_cutoff=5000, last_update=self.last_update,
            block_at_registration=self.registered, stake=self.stake, validator_permit=self.permit,
            max_allowed_validators=self.max_validators, kappa=32_767, bonds_moving_average=900_000,
            weights=[self.weights.get(i, []) for i in range(self.n)],
            bonds=[self.bonds.get(i, []) for i in range(self.n)], rao_emission=RAO)

    def run(self, fn: EpochFn) -> EpochOutput:
        out = fn(self.snapshot())
        self.permit = list(out.validator_permit)
        self.bonds.update(out.bond_rows())
        return out

    def bond(self, i: int, j: int) -> int:
        return dict(self.bonds.get(i, [])).get(j, 0)


def zeros_everywhere(out: EpochOutput) -> bool:
    return not any(out.rank + out.trust + out.consensus + out.incentive + out.dividends)


@pytest.mark.parametrize("fn", ALL)
def test_t1_single_neuron_falls_back_to_stake(fn: EpochFn) -> None:
    net = Subnet([1], max_validators=64)
    net.block = 1
    net.set_weights(0, [0], [65535])
    out = net.run(fn)
    assert zeros_everywhere(out)
    assert out.emission == [1_000_000_000]
    assert out.validator_emission == [1_000_000_000] and out.server_emission == [0]


@pytest.mark.parametrize("fn", ALL)
def test_t2_ten_self_weights_truncate_a_tenth(fn: EpochFn) -> None:
    net = Subnet([1] * 10, max_validators=64)
    net.block = 1
    for uid in range(10):
        net.set_weights(uid, [uid], [65535])
    out = net.run(fn)
    assert zeros_everywhere(out)
    assert out.emission == [99_999_999] * 10


def distribute(interleave: int, n: int = 512, validators: int = 64) -> tuple[list[int], list[int]]:
    """Block-wise, regular or (seeded) random placement of validator uids, as the runtime test does."""
    if interleave == 0:
        vals = list(range(validators))
    elif interleave == 1:
        vals = [u for u in range(n) if u % (n // validators) == 0]
    else:
        vals = sorted(np.random.default_rng(7).permutation(n)[:validators].tolist())
    chosen = set(vals)
    return vals, [u for u in range(n) if u not in chosen]


def graph_512(interleave: int, server_self: bool, stake_per_validator: int) -> Subnet:
    validators, servers = distribute(interleave)
    stake = [stake_per_validator if u in set(validators) else 0 for u in range(512)]
    net = Subnet(stake, max_validators=64)
    return net, validators, servers


@pytest.mark.parametrize("interleave", [0, 1, 2])
@pytest.mark.parametrize("server_self", [False, True])
@pytest.mark.parametrize("fn", FAST)
def test_t3_512_graph(fn: EpochFn, interleave: int, server_self: bool) -> None:
    net, validators, servers = graph_512(interleave, server_self, 328_125_000_000_000)
    net.run(fn)  # issue permits
    net.block = 1
    for uid in validators:
        net.set_weights(uid, servers, [65535 // 512] * len(servers))
    if server_self:
        for uid in servers:
            net.set_weights(uid, [uid], [65535])
    for _ in range(3):
        out = net.run(fn)
    server, validator = servers[0], validators[0]
    for uid in validators:
        assert (out.rank[uid], out.trust[uid], out.consensus[uid], out.incentive[uid]) == (0, 0, 0, 0)
        assert out.dividends[uid] == 1023
        assert out.emission[uid] == 7_812_500
        assert net.bond(uid, server) == 65535 and net.bond(uid, validator) == 0
    for uid in servers:
        assert (out.rank[uid], out.consensus[uid], out.incentive[uid]) == (146, 146, 146)
        assert out.trust[uid] == 65535 and out.dividends[uid] == 0
        assert out.emission[uid] == 1_116_071
        assert net.bond(uid, server) == 0 and net.bond(uid, validator) == 0


def test_t3_512_graph_reference_agrees() -> None:
    """The pure-Python reference gives the same 512-graph numbers (one epoch after permits)."""
    net, validators, servers = graph_512(1, True, 328_125_000_000_000)
    net.run(epoch_reference)
    net.block = 1
    for uid in validators:
        net.set_weights(uid, servers, [127] * len(servers))
    for uid in servers:
        net.set_weights(uid, [uid], [65535])
    out = net.run(epoch_reference)
    assert {out.emission[u] for u in validators} == {7_812_500}
    assert {out.emission[u] for u in servers} == {1_116_071}
    assert {out.incentive[u] for u in servers} == {146}


@pytest.mark.parametrize("interleave", [0, 1, 2])
@pytest.mark.parametrize("server_self", [False, True])
def test_t4_512_random_weights_dense_equals_sparse(interleave: int, server_self: bool) -> None:
    results = []
    for fn in (epoch_dense, epoch):
        net, validators, servers = graph_512(interleave, server_self, 1)
        net.run(fn)
        net.block = 1
        rng = np.random.default_rng(interleave)
        for uid in validators:
            raw = rng.integers(0, 65535, size=len(servers))
            normalised = (raw * 65535 // max(int(raw.sum()), 1)).tolist()
            net.set_weights(uid, servers, normalised)
        if server_self:
            for uid in servers:
                net.set_weights(uid, [uid], [65535])
        out = fn(net.snapshot())
        bonds = out.bonds.to_dense()
        results.append((out.stored_vectors(), out.emission_tuples(), bonds))
    (dense_vec, dense_tuples, dense_bonds), (sparse_vec, sparse_tuples, sparse_bonds) = results
    assert dense_vec == sparse_vec
    assert dense_tuples == sparse_tuples
    assert np.array_equal(dense_bonds, sparse_bonds)
    assert len(set(sparse_vec["Incentive"])) > 2  # the weights really differ between servers


@pytest.mark.parametrize("fn", ALL)
def test_t5_bonds_moving_average_sequence(fn: EpochFn) -> None:
    net = Subnet([1, 2, 3, 4, 0, 0, 0, 0], max_validators=8)
    net.run(fn)
    net.block = 1
    for uid in range(4):
        net.set_weights(uid, [4, 5, 6, 7], [16383, 32767, 49149, 65535])
    servers_e = [49_998_779, 100_000_610, 149_996_337, 200_004_272]

    out = net.run(fn)
    assert out.emission == [49_999_998, 99_999_999, 150_000_000, 200_000_001, *servers_e]
    assert [net.bond(i, 4) for i in range(4)] == [16383, 32767, 49151, 65535]

    steps = [
        (0, [0], [44_998_351, 101_110_561, 151_667_215, 202_223_870, *servers_e], 4, [14582, 32767, 49151, 65535]),
        (1, [1], [40_496_805, 90_999_783, 157_929_636, 210_573_773, *servers_e], 4, [12603, 28321, 49151, 65535]),
        (2, [2], [99_999_999, 199_999_999, 299_999_999, 399_999_999, 0, 0, 0, 0], 7, [12602, 28320, 49150, 65535]),
        (2, [7], [36_443_733, 81_898_628, 163_565_493, 218_092_144, 0, 0, 0, 500_000_000], 7,
         [10951, 24609, 49150, 65535]),
        (None, [], [32_799_427, 73_706_612, 168_638_129, 224_855_830, 0, 0, 0, 500_000_000], 7,
         [9559, 21482, 49150, 65535]),
        (None, [], None, 7, [8376, 18824, 49150, 65535]),
    ]
    for uid, dests, emission, column, bonds in steps:
        if uid is not None:
            net.set_weights(uid, dests, [65535])
        net.block += 1
        out = net.run(fn)
        if emission is not None:
            assert out.emission == emission
        assert [net.bond(i, column) for i in range(4)] == bonds


@pytest.mark.parametrize("fn", ALL)
def test_t6_inactive_validator_loses_dividends(fn: EpochFn) -> None:
    net = Subnet([1, 1, 1, 1], max_validators=4)
    net.run(fn)
    net.block = 1
    for uid in (0, 1):
        net.set_weights(uid, [2, 3], [32767, 32767])
    out = net.run(fn)
    assert out.dividends[:2] == [32767, 32767]
    assert out.emission == [250_000_000] * 4
    assert [net.bond(v, s) for v in (0, 1) for s in (2, 3)] == [65535] * 4

    net.block = 5002  # uid1's weights are now older than ActivityCutoff
    net.set_weights(0, [2, 3], [32767, 32767])
    out = net.run(fn)
    assert out.active == [True, False, False, False]
    assert (out.dividends[0], out.emission[0]) == (36044, 274_999_999)
    assert (out.dividends[1], out.emission[1]) == (29490, 224_999_999)
    assert [net.bond(0, s) for s in (2, 3)] == [65535, 65535]
    assert [net.bond(1, s) for s in (2, 3)] == [53619, 53619]

    net.set_weights(1, [2, 3], [32767, 32767])
    net.block = 5003
    out = net.run(fn)
    assert (out.dividends[0], out.emission[0]) == (35716, 272_501_132)
    assert (out.dividends[1], out.emission[1]) == (29818, 227_498_866)
    assert [net.bond(1, s) for s in (2, 3)] == [54712, 54712]
    assert [net.bond(0, s) for s in (2, 3)] == [65535, 65535]


@pytest.mark.parametrize("fn", ALL)
def test_t7_weights_on_a_replaced_uid_are_outdated(fn: EpochFn) -> None:
    net = Subnet([1, 1, 1, 1], max_validators=4)
    net.run(fn)
    net.block = 1
    for uid in (0, 1):
        net.set_weights(uid, [2, 3], [2 * (65535 // 3), 65535 // 3])
    assert net.weights[0] == [(2, 65535), (3, 32768)]
    for uid in (2, 3):
        net.set_weights(uid, [uid], [65535])
    out = net.run(fn)
    assert out.emission == [250_000_000, 250_000_000, 333_331_637, 166_668_361]
    assert out.pruning_scores == [49152, 49152, 65535, 32768]  # T7 as corrected: the runtime rounds

    net.replace(3)  # a new key takes the lowest-scoring uid in block 1
    net.block = 2
    net.set_weights(0, [2, 3], [2 * (65535 // 3), 65535 // 3])
    out = net.run(fn)
    assert out.dividends[0] == 32767
    assert out.emission == [250_000_000, 250_000_000, 500_000_000, 0]
    assert (net.bond(0, 2), net.bond(0, 3)) == (65535, 65535)


@pytest.mark.parametrize("fn", ALL)
def test_t8_zero_effective_weights_fall_back_to_stake(fn: EpochFn) -> None:
    net = Subnet([1, 0], max_validators=64)
    assert net.run(fn).emission == [1_000_000_000, 0]
    net.block = 1
    net.set_weights(1, [1], [65535])
    assert net.run(fn).emission == [1_000_000_000, 0]
    net.block = 2
    net.set_weights(0, [1], [65535])
    net.replace(1)  # the server is re-registered in the same block: uid0's weights are outdated
    assert net.run(fn).emission == [1_000_000_000, 0]
    net.block = 3
    net.set_weights(0, [1], [65535])
    out = net.run(fn)
    assert out.emission == [500_000_000, 500_000_000]
    assert out.emission_tuples() == [(0, 0, 500_000_000), (1, 500_000_000, 0)]


@pytest.mark.parametrize(("n", "k"), [(2, 1), (4, 2), (8, 4)])
@pytest.mark.parametrize("interleave", [0, 1, 2])
@pytest.mark.parametrize("assignment", [0, 1])
def test_t9_permits_follow_the_top_stakes(n: int, k: int, interleave: int, assignment: int) -> None:
    if interleave == 0:
        validators = list(range(k))
    elif interleave == 1:
        validators = [u for u in range(n) if u % (n // k) == 0]
    else:
        validators = sorted(np.random.default_rng(n + assignment).permutation(n)[:k].tolist())
    servers = [u for u in range(n) if u not in validators]
    stake = [(u + n if assignment else 1) if u in validators else (u if assignment else 0) for u in range(n)]
    net = Subnet(stake, max_validators=k)
    out = net.run(epoch)
    assert [u for u in range(n) if out.validator_permit[u]] == validators
    for u in servers:
        net.stake[u] += 2 * n
    net.block = 1
    out = net.run(epoch)
    assert [u for u in range(n) if out.validator_permit[u]] == servers
    assert all(net.bonds[u] == [] for u in validators)  # rows of uids that lost their permit are emptied
