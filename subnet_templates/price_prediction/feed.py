"""A deterministic, replayable price feed: the market the price_prediction subnet forecasts.

The price at step t (the validator uses the chain's block number) is

    log p(t) = log(100) + DRIFT·t + A1·sin(2πt/P1) + A2·sin(2πt/P2 + φ) + x(t)

where x(t) is mean-reverting noise: a moving average x(t) = σ·Σ_{k<K} θ^k·ε(t−k) of standard normal shocks.
The shocks come in chunks drawn from numpy's PCG64 seeded by (seed, chunk), so any step can be computed
without replaying the steps before it, and the same seed gives the same prices on every machine and run.

A validator keeps its seed to itself (miners see only the history window it sends); miners train on the same
dynamics under other seeds, as a real forecaster learns from past markets and not from tomorrow's.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

START_PRICE = 100.0
DRIFT = 2e-5  # a slow trend: ×1.2 over 10,000 steps
SEASONS = ((24, 0.02, 0.0), (97, 0.01, 1.3), (2000, 0.1, 0.4))  # (period in steps, amplitude in log price, phase)
SIGMA = 0.002
THETA = 0.9
MEMORY = 48  # K: shocks older than θ^48 ≈ 0.6 % of their size are dropped
CHUNK = 4096


@lru_cache(maxsize=64)
def _shocks(seed: int, chunk: int) -> np.ndarray:
    """The standard normal shocks ε of steps [chunk·CHUNK, (chunk+1)·CHUNK) for `seed`."""
    if chunk < 0:
        return np.zeros(CHUNK)  # before step 0 the market was calm
    rng = np.random.Generator(np.random.PCG64([seed, chunk]))
    values = rng.standard_normal(CHUNK)
    values.setflags(write=False)
    return values


def _shock_range(seed: int, start: int, stop: int) -> np.ndarray:
    first, last = math.floor(start / CHUNK), math.floor((stop - 1) / CHUNK)
    joined = np.concatenate([_shocks(seed, c) for c in range(first, last + 1)])
    offset = start - first * CHUNK
    return joined[offset:offset + (stop - start)]


_KERNEL = SIGMA * THETA ** np.arange(MEMORY)


def log_prices(seed: int, start: int, stop: int) -> np.ndarray:
    """log p(t) for t in [start, stop), as float64."""
    if stop <= start:
        return np.zeros(0)
    if start < 0:
        raise ValueError("the feed starts at step 0")
    steps = np.arange(start, stop, dtype=np.float64)
    level = math.log(START_PRICE) + DRIFT * steps
    for period, amplitude, phase in SEASONS:
        level = level + amplitude * np.sin(2 * math.pi * steps / period + phase)
    shocks = _shock_range(seed, start - MEMORY + 1, stop)
    noise = np.convolve(shocks, _KERNEL, mode="valid")  # noise[i] = Σ_k θ^k·σ·ε(start+i−k)
    return level + noise


def prices(seed: int, start: int, stop: int) -> np.ndarray:
    """Prices p(t) for t in [start, stop)."""
    return np.exp(log_prices(seed, start, stop))


def price_at(seed: int, step: int) -> float:
    return float(prices(seed, step, step + 1)[0])


def history(seed: int, step: int, window: int) -> list[float]:
    """The `window` prices up to and including `step` (what a validator shows a miner), oldest first."""
    if step + 1 < window:
        raise ValueError(f"step {step} has fewer than {window} prices before it")
    return [float(p) for p in prices(seed, step - window + 1, step + 1)]
