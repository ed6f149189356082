"""The epoch's inputs and outputs: plain data the pallet reads from and writes to storage.

Kept apart from the maths so `epoch.py` reads like spec §8 and so the reference, the dense and the sparse
implementations share one contract. Matrices travel as `SparseU16`: the entries of the stored rows
(`Weights[netuid][i]` or `Bonds[netuid][i]`, raw u16 values) in row order, each row in its stored order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, pairwise
from typing import Union

import numpy as np

from .fixed import IntArray

Row = Sequence[tuple[int, int]]
RowsLike = Union["SparseU16", Sequence[Row], Mapping[int, Row], np.ndarray]

U16_LIMIT = 1 << 16
U64_LIMIT = 1 << 64


@dataclass(frozen=True)
class SparseU16:
    """Row-sorted entries of an n×n matrix: `rows[k], cols[k], vals[k]`, no duplicate (row, col)."""

    n: int
    rows: IntArray
    cols: IntArray
    vals: IntArray

    @classmethod
    def empty(cls, n: int) -> SparseU16:
        """A matrix with no entries (nobody has set weights or holds bonds)."""
        zero = np.zeros(0, dtype=np.int64)
        return cls(n, zero, zero.copy(), zero.copy())

    @classmethod
    def from_rows(cls, rows: Sequence[Row] | Mapping[int, Row], n: int, what: str = "rows") -> SparseU16:
        """Build from storage rows; entries naming a uid >= n are skipped as `get_weights_sparse` does."""
        items = rows.items() if isinstance(rows, Mapping) else enumerate(rows)
        items = [(i, row) for i, row in items if 0 <= i < n and len(row)]
        if not items:
            return cls.empty(n)
        lengths = np.fromiter((len(row) for _, row in items), dtype=np.int64, count=len(items))
        row_ids = np.repeat(np.fromiter((i for i, _ in items), dtype=np.int64, count=len(items)), lengths)
        flat = np.fromiter(chain.from_iterable(chain.from_iterable(row for _, row in items)), dtype=np.int64)
        if flat.size != 2 * int(lengths.sum()):
            raise ValueError(f"{what}: every entry must be a (uid, value) pair")
        cols, vals = flat[0::2], flat[1::2]
        if vals.size and (int(vals.min()) < 0 or int(vals.max()) >= U16_LIMIT):
            raise ValueError(f"{what}: values must be u16 (0..65535)")
        keep = (cols >= 0) & (cols < n)
        if not keep.all():
            row_ids, cols, vals = row_ids[keep], cols[keep], vals[keep]
        order = np.argsort(row_ids, kind="stable")
        matrix = cls(n, row_ids[order], cols[order], vals[order])
        matrix.check_unique(what)
        return matrix

    @classmethod
    def from_dense(cls, matrix: np.ndarray, what: str = "matrix") -> SparseU16:
        """Build from an n×n array of raw u16 values; zero cells are absent entries."""
        matrix = np.asarray(matrix)
        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
            raise ValueError(f"{what}: a dense matrix must be square (n×n)")
        if matrix.size and (int(matrix.min()) < 0 or int(matrix.max()) >= U16_LIMIT):
            raise ValueError(f"{what}: values must be u16 (0..65535)")
        rows, cols = np.nonzero(matrix)
        return cls(matrix.shape[0], rows.astype(np.int64), cols.astype(np.int64),
                   matrix[rows, cols].astype(np.int64))

    @classmethod
    def coerce(cls, value: RowsLike, n: int, what: str) -> SparseU16:
        """Accept any of the input shapes the pallet or a test may hold."""
        if isinstance(value, SparseU16):
            if value.n != n:
                raise ValueError(f"{what}: matrix is for n={value.n}, expected n={n}")
            return value
        if isinstance(value, np.ndarray):
            dense = cls.from_dense(value, what)
            if dense.n != n:
                raise ValueError(f"{what}: matrix is {dense.n}×{dense.n}, expected {n}×{n}")
            return dense
        return cls.from_rows(value, n, what)

    def check_unique(self, what: str = "matrix") -> None:
        """Reject a row naming the same uid twice (the chain's set_weights refuses DuplicateUids)."""
        if self.vals.size > 1:
            keys = np.sort(self.rows * max(self.n, 1) + self.cols)
            if bool((keys[1:] == keys[:-1]).any()):
                raise ValueError(f"{what}: a row names the same uid twice")

    def to_dense(self) -> IntArray:
        """The n×n int64 matrix (absent entries are 0)."""
        dense = np.zeros((self.n, self.n), dtype=np.int64)
        dense[self.rows, self.cols] = self.vals
        return dense

    def row(self, i: int) -> list[tuple[int, int]]:
        """Row i as storage holds it: [(uid, value), ...]."""
        lo, hi = np.searchsorted(self.rows, [i, i + 1])
        return list(zip(self.cols[lo:hi].tolist(), self.vals[lo:hi].tolist(), strict=True))

    def to_rows(self) -> list[list[tuple[int, int]]]:
        """Every row as a list of (uid, value) pairs."""
        bounds = np.searchsorted(self.rows, np.arange(self.n + 1))
        cols, vals = self.cols.tolist(), self.vals.tolist()
        return [list(zip(cols[a:b], vals[a:b], strict=True)) for a, b in pairwise(bounds.tolist())]


@dataclass(frozen=True)
class EpochInput:
    """Everything `epoch(netuid, rao_emission)` reads from storage (spec §8 "Inputs")."""

    n: int
    block: int
    activity_cutoff: int
    last_update: Sequence[int]
    block_at_registration: Sequence[int]
    stake: Sequence[int]
    validator_permit: Sequence[bool]
    max_allowed_validators: int
    kappa: int
    bonds_moving_average: int
    weights: RowsLike
    bonds: RowsLike
    rao_emission: int

    def check(self) -> None:
        """Raise ValueError naming the first malformed field (lengths, integer ranges)."""
        if self.n < 0 or self.n > 65_535:
            raise ValueError(f"n must be 0..65535, got {self.n}")
        for name in ("last_update", "block_at_registration", "stake", "validator_permit"):
            if len(getattr(self, name)) != self.n:
                raise ValueError(f"{name} has {len(getattr(self, name))} entries, expected n={self.n}")
        if not 0 <= self.kappa < U16_LIMIT:
            raise ValueError(f"kappa must be a u16, got {self.kappa}")
        if not 0 <= self.bonds_moving_average <= 1_000_000:
            raise ValueError(f"bonds_moving_average must be 0..1_000_000, got {self.bonds_moving_average}")
        if not 0 <= self.rao_emission < U64_LIMIT:
            raise ValueError(f"rao_emission must be a u64, got {self.rao_emission}")
        if not 0 <= self.max_allowed_validators < U16_LIMIT:
            raise ValueError(f"max_allowed_validators must be a u16, got {self.max_allowed_validators}")
        if any(s < 0 or s >= U64_LIMIT for s in self.stake):
            raise ValueError("stake entries must be u64 RAO amounts")
        if sum(self.stake) >= 1 << 63:
            raise ValueError("total stake exceeds the I64F64 integer range")


@dataclass(frozen=True)
class EpochOutput:
    """What the epoch writes back (spec §8 step 17) and the emission it returns (step 18).

    `bonds` holds the max-upscaled u16 bonds of uids that keep a validator permit; `bond_rows()` gives
    every Bonds row to write, including the emptied rows of uids that just lost their permit.
    """

    active: list[bool]
    emission: list[int]
    rank: list[int]
    trust: list[int]
    consensus: list[int]
    incentive: list[int]
    dividends: list[int]
    validator_trust: list[int]
    pruning_scores: list[int]
    validator_permit: list[bool]
    server_emission: list[int]
    validator_emission: list[int]
    bonds: SparseU16
    old_validator_permit: list[bool] = field(repr=False)

    def bond_rows(self) -> dict[int, list[tuple[int, int]]]:
        """uid -> Bonds row to store; uids absent from the dict keep their stored row."""
        rows = self.bonds.to_rows()
        out: dict[int, list[tuple[int, int]]] = {}
        for uid, (new, old) in enumerate(zip(self.validator_permit, self.old_validator_permit, strict=True)):
            if new:
                out[uid] = rows[uid]
            elif old:
                out[uid] = []
        return out

    def emission_tuples(self) -> list[tuple[int, int, int]]:
        """[(uid, server_emission, validator_emission)] in uid order (Keys iteration order)."""
        return [(uid, se, ve) for uid, (se, ve) in
                enumerate(zip(self.server_emission, self.validator_emission, strict=True))]

    def stored_vectors(self) -> dict[str, list[int] | list[bool]]:
        """The per-uid vectors by storage item name, for comparisons and for the pallet's writes."""
        return {
            "Active": self.active, "Emission": self.emission, "Rank": self.rank, "Trust": self.trust,
            "Consensus": self.consensus, "Incentive": self.incentive, "Dividends": self.dividends,
            "ValidatorTrust": self.validator_trust, "PruningScores": self.pruning_scores,
            "ValidatorPermit": self.validator_permit,
        }
