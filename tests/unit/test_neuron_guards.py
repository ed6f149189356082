"""The axon's bookkeeping without a server: nonce table bounds, priority gate order, rate limit, ip helpers."""

from __future__ import annotations

import asyncio

import pytest

from neuron._admission import PriorityGate, RateLimiter
from neuron._replay import WALL_CLOCK_NS, ReplayGuard
from neuron.network import AxonInfo, advertised_ip, detect_external_ip, route_ip, valid_ip

NOW = 1_800_000_000 * 10**9
WINDOW = 16 * 10**9


def test_wall_clock_nonces_get_the_window_both_ways() -> None:
    guard = ReplayGuard()
    assert guard.check("a", NOW - WINDOW - 1, modern=True, window_ns=WINDOW, now_ns=NOW) is not None
    assert guard.check("a", NOW + WINDOW + 1, modern=True, window_ns=WINDOW, now_ns=NOW) is not None
    assert guard.check("a", NOW - WINDOW + 1, modern=True, window_ns=WINDOW, now_ns=NOW) is None


def test_an_exact_repeat_is_refused_but_an_overtaken_nonce_is_not() -> None:
    guard = ReplayGuard()
    for nonce in (NOW, NOW - 5):  # the second was sent first but arrives later
        assert guard.check("a", nonce, modern=True, window_ns=WINDOW, now_ns=NOW) is None
        guard.commit("a", nonce, modern=True, window_ns=WINDOW, now_ns=NOW)
    assert "already used" in guard.check("a", NOW, modern=True, window_ns=WINDOW, now_ns=NOW)
    assert guard.check("b", NOW, modern=True, window_ns=WINDOW, now_ns=NOW) is None  # another endpoint


def test_the_table_forgets_what_the_window_refuses_anyway() -> None:
    guard = ReplayGuard()
    for i in range(100):
        guard.commit("a", NOW + i, modern=True, window_ns=WINDOW, now_ns=NOW)
    assert len(guard) == 100
    later = NOW + WINDOW + 1000
    guard.prune(later)
    assert len(guard) == 0
    assert guard.check("a", NOW + 5, modern=True, window_ns=WINDOW, now_ns=later) is not None  # stale now


def test_the_table_has_a_hard_bound_and_evicted_nonces_stay_refused() -> None:
    guard = ReplayGuard(max_entries=10)
    for i in range(50):
        guard.commit(f"e{i}", NOW + i, modern=True, window_ns=WINDOW, now_ns=NOW)
    assert len(guard) == 10
    assert guard.check("e3", NOW + 3, modern=True, window_ns=WINDOW, now_ns=NOW) is not None
    assert guard.check("new", NOW + 100, modern=True, window_ns=WINDOW, now_ns=NOW) is None


def test_a_wall_clock_nonce_cannot_pick_the_weak_check_with_an_old_version_header() -> None:
    guard = ReplayGuard()
    assert guard.check("a", NOW - 60 * 10**9, modern=False, window_ns=WINDOW, now_ns=NOW) is not None


def test_monotonic_nonces_must_rise_per_endpoint_in_a_bounded_lru() -> None:
    guard = ReplayGuard(max_legacy_keys=3)
    small = 10**12
    assert small < WALL_CLOCK_NS
    guard.commit("a", small, modern=False, window_ns=WINDOW, now_ns=NOW)
    assert guard.check("a", small, modern=False, window_ns=WINDOW, now_ns=NOW) is not None
    assert guard.check("a", small + 1, modern=False, window_ns=WINDOW, now_ns=NOW) is None
    for key in "bcd":
        guard.commit(key, small, modern=False, window_ns=WINDOW, now_ns=NOW)
    assert len(guard) == 3
    strict = ReplayGuard(allow_legacy=False)
    assert "time-based" in strict.check("a", small, modern=False, window_ns=WINDOW, now_ns=NOW)


def test_priority_gate_hands_free_slots_to_the_highest_priority() -> None:
    async def main() -> list[str]:
        gate = PriorityGate(1)
        order: list[str] = []
        await gate.acquire(0)

        async def wait(name: str, priority: float) -> None:
            await gate.acquire(priority)
            order.append(name)
            gate.release()

        tasks = [asyncio.ensure_future(wait(n, p)) for n, p in [("low", 1), ("high", 9), ("mid", 5), ("high2", 9)]]
        await asyncio.sleep(0)
        cancelled = asyncio.ensure_future(wait("gave-up", 100))
        await asyncio.sleep(0)
        cancelled.cancel()
        gate.release()
        await asyncio.gather(*tasks)
        assert gate.active == 0
        return order

    assert asyncio.run(main()) == ["high", "high2", "mid", "low"]


def test_rate_limit_is_a_token_bucket_per_hotkey() -> None:
    limiter = RateLimiter(per_minute=60)
    assert all(limiter.allow("a", now=0.0) for _ in range(60))
    assert not limiter.allow("a", now=0.0)
    assert limiter.allow("b", now=0.0)
    assert limiter.allow("a", now=1.0) and not limiter.allow("a", now=1.0)  # one token per second
    limiter.prune(now=1000.0)
    assert len(limiter._buckets) == 0
    assert RateLimiter(None).allow("x")


def test_ip_helpers() -> None:
    assert valid_ip(" 203.0.113.7 ") == "203.0.113.7"
    with pytest.raises(ValueError, match="not an IP address"):
        valid_ip("example.com")
    assert detect_external_ip("2001:db8::1") == "2001:db8::1"
    assert valid_ip(route_ip())
    assert advertised_ip("10.1.2.3") == "10.1.2.3"
    assert advertised_ip("0.0.0.0") == route_ip()
    assert AxonInfo("::1", 8091, "5X").url == "http://[::1]:8091"
