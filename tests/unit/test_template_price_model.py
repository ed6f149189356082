"""price_prediction: the feed is replayable, the metric is stated, and more training forecasts better."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch

from subnet_templates.price_prediction import training
from subnet_templates.price_prediction.feed import history, log_prices, price_at, prices
from subnet_templates.price_prediction.model import HORIZON, WINDOW, forecast
from subnet_templates.price_prediction.scoring import TOLERANCE, forecast_reward, mean_reward
from subnet_templates.price_prediction.training import TrainConfig, load_or_train, train

torch.set_num_threads(1)  # tests run two at a time on two cores: threads would only fight
HELD_OUT_SEED = 7  # a validator's market: no miner trains on it
LIVE = prices(HELD_OUT_SEED, 0, 2000)
CASES = [(t, h) for t in range(WINDOW, 1900, 11) for h in (1, 3, 5, HORIZON)]


def test_the_feed_is_the_same_however_it_is_read() -> None:
    whole = log_prices(3, 0, 9000)
    pieces = np.concatenate([log_prices(3, 0, 4000), log_prices(3, 4000, 4097), log_prices(3, 4097, 9000)])
    assert np.array_equal(whole, pieces)  # chunk boundaries leave no seam
    assert price_at(3, 5000) == float(np.exp(whole[5000]))
    assert not np.allclose(log_prices(4, 0, 100), whole[:100])  # another seed, another market
    window = history(3, 100, WINDOW)
    assert len(window) == WINDOW and window[-1] == price_at(3, 100)
    with pytest.raises(ValueError):
        history(3, 10, WINDOW)


def test_the_feed_has_trend_season_and_noise() -> None:
    logs = log_prices(3, 0, 4000)
    assert 0.001 < np.std(np.diff(logs)) < 0.02  # moves, but not wildly
    season = np.mean([logs[t + 6] - logs[t] for t in range(0, 3900, 24)])  # a quarter of the 24-step period
    assert abs(season) > 0.005  # the daily-like cycle is there to be learnt


def test_the_reward_is_the_stated_function_of_the_error() -> None:
    assert forecast_reward(100.0, 100.0) == 1.0
    assert math.isclose(forecast_reward(101.0, 100.0), math.exp(-1))  # an error of TOLERANCE (1 %)
    assert TOLERANCE == 0.01
    for bad in (None, float("nan"), float("inf"), -5.0, 0.0, "100"):
        assert forecast_reward(bad, 100.0) == 0.0  # type: ignore[arg-type]
    assert mean_reward([]) == 0.0
    assert math.isclose(mean_reward([(100.0, 100.0), (None, 100.0)]), 0.5)


def held_out_reward(model: object) -> float:
    pairs = [(forecast(model, list(LIVE[t - WINDOW + 1:t + 1]), h), float(LIVE[t + h])) for t, h in CASES]
    return mean_reward(pairs)


@pytest.fixture(scope="module")
def rewards() -> dict[str, float]:
    out = {"naive": mean_reward([(float(LIVE[t]), float(LIVE[t + h])) for t, h in CASES])}
    for steps in (10, 30, 300):
        out[str(steps)] = held_out_reward(train(TrainConfig(steps=steps)))
    return out


def test_more_training_forecasts_a_held_out_market_better(rewards: dict[str, float]) -> None:
    assert rewards["10"] < rewards["30"] - 0.05 < rewards["300"] - 0.1, rewards
    assert rewards["300"] > rewards["naive"] + 0.2  # it learnt the market, not just "tomorrow = today"


def test_forecasts_reject_bad_shapes() -> None:
    model = train(TrainConfig(steps=1))
    with pytest.raises(ValueError):
        forecast(model, [100.0] * WINDOW, HORIZON + 1)
    with pytest.raises(ValueError):
        forecast(model, [100.0] * (WINDOW - 1), 1)


def test_the_cache_returns_the_same_model_without_training(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = TrainConfig(steps=5)
    first = load_or_train(config, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [f"price_mlp-{config.key()}.pt"]
    monkeypatch.setattr(training, "train", lambda _c: (_ for _ in ()).throw(AssertionError("retrained")))
    again = load_or_train(config, tmp_path)
    window = list(LIVE[:WINDOW])
    assert forecast(again, window, 3) == forecast(first, window, 3)
