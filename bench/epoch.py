"""Time the Yuma consensus epoch as subnets grow, beside the plain-Python reference.

    .venv/bin/python bench/epoch.py [--repeat 3] [--sizes 256,1024,4096] [--validators 64,256]

Each graph: n uids, the top-staked `validators` of them hold permits and weight every other uid with
random u16 values (dense weight rows, the worst case the chain allows); bonds come from a first epoch,
so the timed epoch does the full EMA. Inputs are prepared once as `SparseU16`; the time to turn storage
rows (Python lists of (uid, value)) into that form is printed separately, as is the cost of turning the
stored bonds back into rows. The reference runs only on the smallest size (it is pure Python).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from itertools import pairwise

import numpy as np

from localnet.runtime.subtensor.epoch import epoch
from localnet.runtime.subtensor.epoch_reference import epoch_reference
from localnet.runtime.subtensor.epoch_types import EpochInput, EpochOutput, SparseU16


def build(n: int, validators: int, seed: int = 0) -> EpochInput:
    """A subnet after one epoch: permits issued, dense validator weights, bonds from that epoch."""
    rng = np.random.default_rng(seed)
    vals = np.sort(rng.permutation(n)[:validators])
    stake = np.zeros(n, dtype=np.int64)
    stake[vals] = rng.integers(10**12, 10**15, size=validators)
    permits = np.zeros(n, dtype=bool)
    permits[vals] = True
    servers = np.setdiff1d(np.arange(n), vals)
    rows = np.repeat(vals, servers.size)
    cols = np.tile(servers, validators)
    weights = SparseU16(n, rows.astype(np.int64), cols.astype(np.int64),
                        rng.integers(1, 65536, size=rows.size).astype(np.int64))
    first = EpochInput(
        n=n, block=100, activity_cutoff=5000, last_update=[50] * n, block_at_registration=[0] * n,
        stake=stake.tolist(), validator_permit=permits.tolist(), max_allowed_validators=validators,
        kappa=32_767, bonds_moving_average=900_000, weights=weights, bonds=SparseU16.empty(n),
        rao_emission=360 * 10**9)
    bonds = epoch(first).bonds
    return replace(first, block=460, bonds=bonds)


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="256,1024,4096")
    parser.add_argument("--validators", default="64,256")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    validator_counts = [int(v) for v in args.validators.split(",")]

    print(f"{'n':>6} {'validators':>10} {'entries':>9} {'epoch s':>9} {'rows->input s':>14} {'bonds->rows s':>14}")
    results: dict[tuple[int, int], float] = {}
    for v in validator_counts:
        for n in sizes:
            if v >= n:
                continue
            inp = build(n, v)
            seconds = best_of(lambda inp=inp: epoch(inp), args.repeat)
            results[(n, v)] = seconds
            rows = inp.weights.to_rows()
            convert = best_of(lambda rows=rows, n=n: SparseU16.from_rows(rows, n), 1)
            out: EpochOutput = epoch(inp)
            to_rows = best_of(out.bond_rows, 1)
            print(f"{n:>6} {v:>10} {inp.weights.vals.size:>9} {seconds:>9.3f} {convert:>14.3f} {to_rows:>14.3f}")

    for v in validator_counts:
        ns = [n for n in sizes if (n, v) in results]
        for a, b in pairwise(ns):
            growth = results[(b, v)] / results[(a, v)]
            print(f"growth {v} validators: n {a} -> {b} (x{b // a}) time x{growth:.1f}")

    n, v = sizes[0], validator_counts[0]
    inp = build(n, v)
    start = time.perf_counter()
    slow = epoch_reference(inp)
    reference = time.perf_counter() - start
    fast = epoch(inp)
    same = slow.stored_vectors() == fast.stored_vectors() and slow.bond_rows() == fast.bond_rows()
    print(f"reference n={n} validators={v}: {reference:.3f} s, vectorised {results[(n, v)]:.4f} s, "
          f"ratio x{reference / results[(n, v)]:.0f}, identical outputs: {same}")
    print(f"median of the timed sizes: {statistics.median(results.values()):.3f} s")


if __name__ == "__main__":
    main()
