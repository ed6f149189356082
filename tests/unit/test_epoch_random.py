"""On random graphs the vectorised epoch, the dense epoch and the plain-Python reference agree exactly.

The graphs are small (n <= 24) so the reference stays fast, but they are built to hit the edges: zero
and near-2^60 stakes, inactive and permit-less validators, outdated weights and bonds, explicit zero
weights, kappa 0 and 65535, bonds moving average 0 and 1_000_000, and u64::MAX emission.
"""

from __future__ import annotations

import numpy as np
import pytest

from localnet.runtime.subtensor import epoch as epoch_module
from localnet.runtime.subtensor.epoch import epoch
from localnet.runtime.subtensor.epoch_types import EpochInput, EpochOutput, SparseU16
from tests.support.epoch_dense import epoch_dense
from tests.support.epoch_reference import epoch_reference


def random_rows(rng: np.random.Generator, n: int, fill: float) -> list[list[tuple[int, int]]]:
    rows = []
    for _ in range(n):
        if rng.random() > fill:
            rows.append([])
            continue
        cols = rng.permutation(n)[: rng.integers(0, n + 1)]
        style = rng.integers(0, 3)
        if style == 0:
            vals = rng.integers(0, 65536, size=cols.size)
        elif style == 1:
            vals = np.full(cols.size, 65535)
        else:
            vals = rng.choice([0, 1, 32767, 32768, 65535], size=cols.size)
        rows.append(list(zip(cols.tolist(), vals.tolist(), strict=True)))
    return rows


def random_input(seed: int) -> EpochInput:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 25))
    scale = [0, 10, 10**12, 1 << 58][rng.integers(0, 4)]
    stake = [int(rng.integers(0, scale + 1)) if rng.random() < 0.8 else 0 for _ in range(n)]
    block = int(rng.integers(0, 40))
    return EpochInput(
        n=n, block=block, activity_cutoff=int(rng.choice([0, 3, 10, 5000])),
        last_update=rng.integers(0, block + 1, size=n).tolist(),
        block_at_registration=rng.integers(0, block + 1, size=n).tolist(),
        stake=stake, validator_permit=(rng.random(n) < 0.7).tolist(),
        max_allowed_validators=int(rng.integers(0, n + 2)),
        kappa=int(rng.choice([0, 1, 32767, 40000, 65535])),
        bonds_moving_average=int(rng.choice([0, 500_000, 900_000, 999_999, 1_000_000])),
        weights=random_rows(rng, n, 0.8), bonds=random_rows(rng, n, 0.5),
        rao_emission=[0, 1, 10**9, (1 << 64) - 1][rng.integers(0, 4)],
    )


def comparable(out: EpochOutput) -> tuple:
    return (out.stored_vectors(), out.server_emission, out.validator_emission, out.bond_rows())


@pytest.mark.parametrize("seed", range(150))
def test_vectorised_equals_reference(seed: int) -> None:
    inp = random_input(seed)
    fast, slow = epoch(inp), epoch_reference(inp)
    assert comparable(fast) == comparable(slow)
    assert sum(fast.emission) <= inp.rao_emission


@pytest.mark.parametrize("seed", range(150))
def test_dense_equals_sparse(seed: int) -> None:
    inp = random_input(seed)
    sparse, dense = epoch(inp), epoch_dense(inp)
    assert sparse.stored_vectors() == dense.stored_vectors()
    assert sparse.emission_tuples() == dense.emission_tuples()
    assert np.array_equal(sparse.bonds.to_dense(), dense.bonds.to_dense())


@pytest.mark.parametrize("seed", range(0, 150, 3))
def test_sorting_merge_of_bonds_equals_dense_scratch(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Large subnets merge the bonds EMA by sorting instead of a scratch matrix: same result."""
    inp = random_input(seed)
    scratch = epoch(inp)
    monkeypatch.setattr(epoch_module, "DENSE_SCRATCH_CELLS", 0)
    assert comparable(epoch(inp)) == comparable(scratch)


def test_random_graphs_are_not_degenerate() -> None:
    """Guard against a generator that only produces the stake fallback: many graphs reach consensus."""
    with_incentive = sum(any(epoch(random_input(s)).incentive) for s in range(150))
    with_bonds = sum(epoch(random_input(s)).bonds.vals.size > 0 for s in range(150))
    assert with_incentive > 40 and with_bonds > 40


def test_input_shapes_agree() -> None:
    """Rows, a uid->row mapping, a dense array and SparseU16 are the same input."""
    inp = random_input(3)
    rows = [list(r) for r in inp.weights]
    variants = [rows, dict(enumerate(rows)), SparseU16.from_rows(rows, inp.n)]
    dense = SparseU16.from_rows(rows, inp.n).to_dense()
    variants.append(dense)
    outs = [epoch(EpochInput(**{**inp.__dict__, "weights": w})) for w in variants]
    assert all(comparable(o) == comparable(outs[0]) for o in outs)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"stake": [1]}, "stake has 1 entries, expected n=3"),
        ({"kappa": 70_000}, "kappa must be a u16"),
        ({"bonds_moving_average": 1_000_001}, "bonds_moving_average must be 0..1_000_000"),
        ({"weights": [[(1, 5), (1, 6)], [], []]}, "weights: a row names the same uid twice"),
        ({"bonds": [[(1, 70_000)], [], []]}, "bonds: values must be u16"),
        ({"rao_emission": -1}, "rao_emission must be a u64"),
    ],
)
def test_bad_input_is_one_clear_error(change: dict, message: str) -> None:
    base = {
        "n": 3, "block": 1, "activity_cutoff": 5000, "last_update": [0, 0, 0],
        "block_at_registration": [0, 0, 0], "stake": [1, 1, 1], "validator_permit": [True] * 3,
        "max_allowed_validators": 3, "kappa": 32767, "bonds_moving_average": 900_000,
        "weights": [[], [], []], "bonds": [[], [], []], "rao_emission": 10**9,
    }
    with pytest.raises(ValueError, match=message):
        epoch(EpochInput(**{**base, **change}))


def test_out_of_range_uids_are_skipped_like_the_runtime() -> None:
    """`get_weights_sparse` ignores entries naming a uid >= n; so do we."""
    base = random_input(11)
    rows = [list(r) for r in base.weights]
    rows[0] = [*rows[0], (base.n + 5, 65535)]
    with_extra = epoch(EpochInput(**{**base.__dict__, "weights": rows}))
    assert comparable(with_extra) == comparable(epoch(base))


def test_empty_subnet() -> None:
    out = epoch(EpochInput(0, 5, 5000, [], [], [], [], 64, 32767, 900_000, [], [], 10**9))
    assert out.emission == [] and out.emission_tuples() == [] and out.bond_rows() == {}
    assert epoch_dense(EpochInput(0, 5, 5000, [], [], [], [], 64, 32767, 900_000, [], [], 10**9)).emission == []


def test_medium_dense_graph_after_a_first_epoch_equals_reference() -> None:
    """n=160 with 32 validators weighting every server and bonds from a previous epoch (full EMA path)."""
    rng = np.random.default_rng(99)
    n, v = 160, 32
    validators = np.sort(rng.permutation(n)[:v]).tolist()
    stake = [int(rng.integers(10**9, 10**15)) if u in validators else int(rng.integers(0, 10**6))
             for u in range(n)]
    servers = [u for u in range(n) if u not in set(validators)]
    weights = {u: list(zip(servers, rng.integers(0, 65536, size=len(servers)).tolist(), strict=True))
               for u in validators}
    first = EpochInput(n, 10, 5000, [5] * n, [0] * n, stake, [u in validators for u in range(n)], v,
                       32767, 900_000, weights, {}, 10**9)
    previous = epoch(first)
    second = EpochInput(n, 20, 5000, [15] * n, [0] * 150 + [12] * 5 + [17] * 5, stake, previous.validator_permit, v,
                        32767, 900_000, weights, previous.bond_rows(), 10**9)
    fast, slow = epoch(second), epoch_reference(second)
    assert comparable(fast) == comparable(slow)
    assert sum(1 for x in fast.incentive if x) > 100 and fast.bonds.vals.size > 3000
