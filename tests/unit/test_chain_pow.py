"""Registration PoW: the seal formula of spec §5.1 recomputed independently, and the solver on real cores."""

from __future__ import annotations

import hashlib
import time

import pytest
from Crypto.Hash import keccak

from chain import pow as pw

HOTKEY = bytes(range(32))
BLOCK_HASH = bytes.fromhex("11" * 32)


def k256(data: bytes) -> bytes:
    return keccak.new(data=data, digest_bits=256).digest()


def test_seal_is_the_spec_formula() -> None:
    nonce = 0x0102030405060708
    pre = k256(BLOCK_HASH + HOTKEY)
    expected = k256(hashlib.sha256(bytes([8, 7, 6, 5, 4, 3, 2, 1]) + pre).digest())
    assert pw.seal_for(pw.pre_image(BLOCK_HASH, HOTKEY), nonce) == expected
    # keccak256 is the original Keccak, not NIST SHA3-256 (they differ in padding)
    assert pw.keccak256(b"").hex().startswith("c5d2460186f7233c")


def test_difficulty_check_is_a_u256_overflow_test() -> None:
    assert pw.meets_difficulty(b"\xff" * 32, 1)
    assert not pw.meets_difficulty(b"\xff" * 32, 2)
    half = (1 << 255).to_bytes(32, "big")
    assert not pw.meets_difficulty(half, 2)
    assert pw.meets_difficulty(((1 << 255) - 1).to_bytes(32, "big"), 2)


@pytest.mark.parametrize("processes", [1, 2])
def test_solver_finds_a_seal_the_chain_accepts(processes: int) -> None:
    seen: list[pw.PowProgress] = []
    sol = pw.solve(7, BLOCK_HASH, HOTKEY, 5_000, processes=processes, progress=seen.append, update_interval=0.01)
    assert sol is not None
    assert sol.block_number == 7 and sol.difficulty == 5_000 and sol.hashes >= 1
    assert pw.verify(sol, HOTKEY)
    assert pw.meets_difficulty(pw.seal_for(pw.pre_image(BLOCK_HASH, HOTKEY), sol.nonce), 5_000)
    assert not pw.verify(sol, bytes(32))  # the work is bound to the hotkey


def test_solver_progress_reports_rate_and_can_be_cancelled() -> None:
    seen: list[pw.PowProgress] = []
    t0 = time.perf_counter()
    # difficulty 2^200 is far beyond reach: only cancellation can end this search
    sol = pw.solve(1, BLOCK_HASH, HOTKEY, 1 << 200, processes=2, progress=seen.append,
                   cancel=lambda: time.perf_counter() - t0 > 0.6, update_interval=0.05)
    assert sol is None
    assert time.perf_counter() - t0 < 5
    assert seen and seen[-1].hashes > 0 and seen[-1].hash_rate > 0
    assert seen[-1].difficulty == 1 << 200 and seen[-1].processes == 2


def test_stale_block_abandons_the_search() -> None:
    assert pw.solve(1, BLOCK_HASH, HOTKEY, 1 << 200, processes=1, stale=lambda: True, update_interval=0.01) is None


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="difficulty"):
        pw.solve(1, BLOCK_HASH, HOTKEY, 0)
    with pytest.raises(ValueError, match="32 bytes"):
        pw.pre_image(b"\x00", HOTKEY)
