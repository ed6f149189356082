"""Time the Yuma consensus epoch as subnets grow, beside the plain-Python reference.

    .venv/bin/python bench/epoch.py [--repeat 3] [--sizes 256,1024,4096] [--validators 64,256]
                                    [--reference-max 1024]

Each graph: n uids, the top-staked `validators` of them hold permits and weight every other uid with
random u16 values (dense weight rows, the worst case the chain allows); bonds come from a first epoch,
so the timed epoch does the full EMA. Inputs are prepared once as `SparseU16`; the time to turn storage
rows (Python lists of (uid, value)) into that form is printed separately, as is the cost of turning the
stored bonds back into rows. The pure-Python reference runs beside it up to `--reference-max` (default
1024) and the ratio and whether every stored/paid integer is identical are printed per graph. The growth
lines give the time ratio between sizes and the exponent k of time ~ n^k (dense validator rows make the
work ~ validators * n, so k near 1 means the cost follows the number of weight entries).
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import numpy as np

from localnet.runtime.subtensor.epoch import epoch
from localnet.runtime.subtensor.epoch_types import EpochInput, EpochOutput, SparseU16

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.epoch_reference import epoch_reference


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
    """Fastest of `repeat` runs: the least disturbed by the other work on a shared machine."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def same_outputs(a: EpochOutput, b: EpochOutput) -> bool:
    """Every integer the chain would store or pay: vectors, bond rows and the emission tuples."""
    return (a.stored_vectors() == b.stored_vectors() and a.bond_rows() == b.bond_rows()
            and a.emission_tuples() == b.emission_tuples())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="256,1024,4096")
    parser.add_argument("--validators", default="64,256")
    parser.add_argument("--reference-max", type=int, default=1024,
                        help="run the pure-Python reference up to this n (it takes seconds per graph)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    validator_counts = [int(v) for v in args.validators.split(",")]

    print(f"{'n':>6} {'valid.':>6} {'entries':>8} {'epoch s':>8} {'ns/entry':>9} {'rows->in s':>10} "
          f"{'bonds->rows s':>13} {'reference s':>11} {'ratio':>6} {'same':>5}")
    results: dict[tuple[int, int], float] = {}
    for v in validator_counts:
        for n in sizes:
            if v >= n:
                print(f"{n:>6} {v:>6}  skipped: every uid would be a validator, no miner to weight")
                continue
            inp = build(n, v)
            seconds = best_of(lambda inp=inp: epoch(inp), args.repeat)
            results[(n, v)] = seconds
            rows = inp.weights.to_rows()
            convert = best_of(lambda rows=rows, n=n: SparseU16.from_rows(rows, n), 1)
            out: EpochOutput = epoch(inp)
            to_rows = best_of(out.bond_rows, 1)
            entries = int(inp.weights.vals.size)
            line = (f"{n:>6} {v:>6} {entries:>8} {seconds:>8.4f} {seconds / entries * 1e9:>9.0f} {convert:>10.3f} "
                    f"{to_rows:>13.3f}")
            if n <= args.reference_max:
                start = time.perf_counter()
                slow = epoch_reference(inp)
                reference = time.perf_counter() - start
                line += f" {reference:>11.3f} {reference / seconds:>5.0f}x {same_outputs(slow, out)!s:>5}"
            print(line, flush=True)

    print("growth of the vectorised epoch with n (time ratio; exponent k in time ~ n^k):")
    for v in validator_counts:
        ns = [n for n in sizes if (n, v) in results]
        for a, b in pairwise(ns):
            growth = results[(b, v)] / results[(a, v)]
            print(f"  {v:>3} validators: n {a} -> {b} (x{b / a:g}) time x{growth:.1f}, "
                  f"k = {math.log(growth) / math.log(b / a):.2f}")
    print(f"median of the timed sizes: {statistics.median(results.values()):.3f} s")


if __name__ == "__main__":
    main()
