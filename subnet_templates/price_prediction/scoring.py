"""How a price forecast is scored, once the truth is known.

The error of one forecast is its absolute percentage error, APE = |forecast − truth| / truth. Its reward is
exp(−APE / TOLERANCE): 1 for a perfect forecast, 0.37 at an error of TOLERANCE (1 %), near 0 beyond a few
percent; a missing, non-finite or non-positive forecast earns 0. A miner's score for a batch of matured
forecasts is the mean of their rewards. Pure Python: the validator needs no torch.
"""

from __future__ import annotations

import math

TOLERANCE = 0.01


def absolute_percentage_error(forecast: float, truth: float) -> float:
    return abs(forecast - truth) / truth


def is_usable(forecast: object) -> bool:
    """A forecast that can be judged: a finite positive number (bool is not a number here)."""
    return (isinstance(forecast, (int, float)) and not isinstance(forecast, bool) and math.isfinite(forecast)
            and forecast > 0)


def forecast_reward(forecast: float | None, truth: float) -> float:
    if not is_usable(forecast):
        return 0.0
    return math.exp(-absolute_percentage_error(float(forecast), truth) / TOLERANCE)


def mean_reward(pairs: list[tuple[float | None, float]]) -> float:
    """Mean reward over (forecast, truth) pairs; 0 when there are none."""
    if not pairs:
        return 0.0
    return sum(forecast_reward(f, t) for f, t in pairs) / len(pairs)
