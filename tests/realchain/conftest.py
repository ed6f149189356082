"""Print the realchain journey timings at the end of the run (also under xdist, where the journeys run in a
worker): the tests store them in pytest's cache, the controller prints them in the terminal summary."""

from __future__ import annotations

from typing import Any

import pytest

TIMINGS_KEY = "taocli/realchain-timings"


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput") and session.config.cache is not None:
        session.config.cache.set(TIMINGS_KEY, {})  # the controller starts each run clean


def store_timings(config: pytest.Config, chain: str, seconds: dict[str, float], startup: float) -> None:
    if config.cache is None:
        return
    found: dict[str, Any] = config.cache.get(TIMINGS_KEY, {}) or {}
    found[chain] = {"startup": round(startup, 2), "steps": seconds}
    config.cache.set(TIMINGS_KEY, found)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if hasattr(config, "workerinput") or config.cache is None:
        return
    found = config.cache.get(TIMINGS_KEY, {}) or {}
    if not found:
        return
    terminalreporter.section("realchain journey timings (s)")
    chains = sorted(found)
    steps: list[str] = []
    for chain in chains:
        steps += [s for s in found[chain]["steps"] if s not in steps]
    terminalreporter.write_line(f"{'step':<36}" + "".join(f"{c:>14}" for c in chains))
    terminalreporter.write_line(f"{'chain start-up':<36}" + "".join(f"{found[c]['startup']:>14.2f}" for c in chains))
    for step in steps:
        cells = "".join(f"{found[c]['steps'].get(step, float('nan')):>14.2f}" for c in chains)
        terminalreporter.write_line(f"{step:<36}{cells}")
    totals = "".join(f"{sum(found[c]['steps'].values()):>14.2f}" for c in chains)
    terminalreporter.write_line(f"{'journey total':<36}{totals}")
