"""Registration proof-of-work (spec §5.1 `register`), solved on every core.

The chain accepts `work` for a hotkey when
    pre  = keccak256(block_hash(block_number) ‖ hotkey_pubkey)
    seal = keccak256(sha256(nonce_le8 ‖ pre))
    int_be(seal) · difficulty < 2^256
so a solver tries nonces until the seal, read big-endian, is small enough. Work is only valid for a few
blocks (current − block_number < 3), so callers pass `stale` to abandon a search whose block went old and
start again on a fresh block hash.

Workers are plain processes that each walk their own stride of nonces and report how many they tried,
so the caller can show a live hash rate; `cancel` (Ctrl-C, or a callable) stops them all promptly.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import queue
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from Crypto.Hash import keccak

U256 = 1 << 256
BATCH = 2_000  # nonces between progress reports / stop checks in a worker


def keccak256(data: bytes) -> bytes:
    return keccak.new(data=data, digest_bits=256).digest()


def pre_image(block_hash: bytes, hotkey_public: bytes) -> bytes:
    """keccak256(block_hash ‖ hotkey): fixed for one block and hotkey, hashed once per search."""
    if len(block_hash) != 32 or len(hotkey_public) != 32:
        raise ValueError("block hash and hotkey public key must both be 32 bytes")
    return keccak256(block_hash + hotkey_public)


def seal_for(pre: bytes, nonce: int) -> bytes:
    """The seal of one nonce: keccak256(sha256(nonce_le8 ‖ pre))."""
    nonce_le8 = (nonce & 0xFFFF_FFFF_FFFF_FFFF).to_bytes(8, "little")
    return keccak256(hashlib.sha256(nonce_le8 + pre).digest())


def meets_difficulty(seal: bytes, difficulty: int) -> bool:
    """The chain's check: the seal as a big-endian 256-bit integer times difficulty must not overflow."""
    return int.from_bytes(seal, "big") * difficulty < U256


@dataclass(frozen=True)
class PowSolution:
    """Work the chain will accept for `hotkey` while `block_number` is recent."""

    block_number: int
    block_hash: bytes
    nonce: int
    seal: bytes
    difficulty: int
    hashes: int
    elapsed: float


@dataclass(frozen=True)
class PowProgress:
    """A snapshot for a progress bar."""

    hashes: int
    elapsed: float
    difficulty: int
    block_number: int
    processes: int

    @property
    def hash_rate(self) -> float:
        return self.hashes / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def expected_hashes(self) -> float:
        """Mean number of tries to find a seal at this difficulty (≈ difficulty)."""
        return float(self.difficulty)


def _worker(pre: bytes, difficulty: int, start: int, stride: int, stop: Any, out: Any) -> None:
    """Try start, start+stride, ... until a seal fits or `stop` is set; report counts as we go."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops us cleanly
    limit = U256
    nonce = start
    sha256 = hashlib.sha256
    while not stop.is_set():
        for tried in range(1, BATCH + 1):
            seal = keccak.new(data=sha256((nonce & 0xFFFF_FFFF_FFFF_FFFF).to_bytes(8, "little") + pre).digest(),
                              digest_bits=256).digest()
            if int.from_bytes(seal, "big") * difficulty < limit:
                out.put(("count", tried, None))
                out.put(("found", nonce, seal))
                return
            nonce += stride
        out.put(("count", BATCH, None))


def default_processes() -> int:
    return max(1, os.cpu_count() or 1)


def solve(
    block_number: int,
    block_hash: bytes,
    hotkey_public: bytes,
    difficulty: int,
    *,
    processes: int | None = None,
    progress: Callable[[PowProgress], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    stale: Callable[[], bool] | None = None,
    update_interval: float = 0.25,
    start_nonce: int | None = None,
) -> PowSolution | None:
    """Search for a seal on `processes` cores; None when cancelled or the block went stale."""
    if difficulty < 1:
        raise ValueError("difficulty must be at least 1")
    n = processes or default_processes()
    if n < 1:
        raise ValueError("processes must be at least 1")
    pre = pre_image(block_hash, hotkey_public)
    start = random.getrandbits(63) if start_nonce is None else start_nonce
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    stop = ctx.Event()
    results: Any = ctx.Queue()
    workers = [ctx.Process(target=_worker, args=(pre, difficulty, start + k, n, stop, results), daemon=True)
               for k in range(n)]
    t0 = time.perf_counter()
    hashes = 0
    found: tuple[int, bytes] | None = None
    for w in workers:
        w.start()
    try:
        last_report = 0.0
        while found is None:
            try:
                kind, value, seal = results.get(timeout=update_interval)
                if kind == "found":
                    found = (value, seal)
                    break
                hashes += value
            except queue.Empty:
                pass
            now = time.perf_counter()
            if progress is not None and now - last_report >= update_interval:
                last_report = now
                progress(PowProgress(hashes, now - t0, difficulty, block_number, n))
            if (cancel is not None and cancel()) or (stale is not None and stale()):
                return None
    finally:
        hashes += _stop_workers(workers, stop, results)
    nonce, seal = found
    return PowSolution(block_number, block_hash, nonce, seal, difficulty, hashes, time.perf_counter() - t0)


def _stop_workers(workers: list[Any], stop: Any, results: Any) -> int:
    """Stop every worker, reading the queue meanwhile (a child with unread queue data cannot exit);
    returns the hashes they reported on the way out."""
    stop.set()
    extra = 0
    deadline = time.monotonic() + 3.0
    while any(w.is_alive() for w in workers) and time.monotonic() < deadline:
        try:
            kind, value, _ = results.get(timeout=0.02)
        except queue.Empty:
            continue
        if kind == "count":
            extra += value
    for w in workers:
        if w.is_alive():
            w.terminate()
        w.join(timeout=2)
    while True:
        try:
            kind, value, _ = results.get_nowait()
        except (queue.Empty, OSError, ValueError):
            break
        if kind == "count":
            extra += value
    results.close()
    return extra


def verify(solution: PowSolution, hotkey_public: bytes) -> bool:
    """Re-check a solution the way the chain will (useful before spending a transaction on it)."""
    seal = seal_for(pre_image(solution.block_hash, hotkey_public), solution.nonce)
    return seal == solution.seal and meets_difficulty(seal, solution.difficulty)
