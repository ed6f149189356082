"""The text_prompting and price_prediction templates through the contract's loader (neuron.template).

The base loop is replaced by its three calls here (query → miner.forward → reward/matured) so the
templates' own logic is checked fast and in one process; the end-to-end tests run them as real neurons.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import torch

from neuron import template as tpl
from neuron.synapse import TerminalInfo

torch.set_num_threads(1)


def context(tmp_path: Path, name: str, role: str, options: dict[str, str] | None = None,
            state: str = "state") -> tpl.TemplateContext:
    return tpl.TemplateContext(name=name, role=role, netuid=1, hotkey=f"5{role}", cache_dir=tmp_path / "cache",
                               state_dir=tmp_path / state / role, options=options or {}, log=lambda _m: None)


def build(tmp_path: Path, name: str, role: str, **options: str) -> object:
    return tpl.build(tpl.resolve(name=name), context(tmp_path, name, role, dict(options)))


def answered(synapse: object, status: int = 200) -> object:
    """What the dendrite hands back: the miner's reply with the call's status."""
    reply = copy.deepcopy(synapse)
    reply.dendrite = TerminalInfo(status_code=status)
    return reply


def test_text_prompting_better_miners_earn_more_and_silence_earns_nothing(tmp_path: Path) -> None:
    validator = build(tmp_path, "text_prompting", "validator", prompts="48")
    miners = {steps: build(tmp_path, "text_prompting", "miner", steps=str(steps)) for steps in (20, 250)}
    totals = {20: 0.0, 250: 0.0}
    for step in range(3):
        query = validator.query(step)
        assert len(query.prompts) == 48
        responses = [tpl.Response(uid, f"hk{uid}", answered(miners[steps].forward(copy.deepcopy(query))))
                     for uid, steps in enumerate((20, 250))]
        responses.append(tpl.Response(2, "hk2", answered(query, status=408)))  # a timeout
        rewards = validator.reward(step, query, responses)
        assert rewards[2] == 0.0
        totals[20] += rewards[0]
        totals[250] += rewards[1]
    assert totals[250] / 3 > 0.85 and totals[20] / 3 < 0.4, totals


def test_text_prompting_miner_survives_hostile_queries(tmp_path: Path) -> None:
    miner = build(tmp_path, "text_prompting", "miner", steps="5")
    synapse = miner.synapse(prompts=["C123=", "", "R12345678=", "hello", "S321="] + ["C111="] * 100)
    reply = miner.forward(synapse)
    assert len(reply.answers) == 64  # cut to MAX_PROMPTS
    assert reply.answers[1] == reply.answers[2] == reply.answers[3] == ""  # junk gets no answer, no crash


def test_text_prompting_refuses_an_unknown_knob(tmp_path: Path) -> None:
    with pytest.raises(tpl.TemplateError, match="no option 'step'"):
        build(tmp_path, "text_prompting", "miner", step="20")  # a typo, not silently the default


def test_price_prediction_scores_only_after_the_truth_arrives(tmp_path: Path) -> None:
    validator = build(tmp_path, "price_prediction", "validator", seed="7", horizon="3")
    good = build(tmp_path, "price_prediction", "miner", steps="300")
    weak = build(tmp_path, "price_prediction", "miner", steps="10")
    matured: dict[int, list[float]] = {0: [], 1: []}
    for step in range(40):
        query = validator.query(step)
        assert query.step == 1000 + step and len(query.history) == 48 and query.horizon == 3
        responses = [tpl.Response(0, "hk0", answered(good.forward(copy.deepcopy(query)))),
                     tpl.Response(1, "hk1", answered(weak.forward(copy.deepcopy(query)))),
                     tpl.Response(2, "hk2", answered(query, status=503))]
        rewards = validator.reward(step, query, responses)
        assert rewards == [None, None, 0.0]  # deferred, deferred, unreachable scores 0 at once
        scores = validator.matured(step)
        if step < 3:
            assert scores == []  # nothing has reached its target step yet
        for score in scores:
            assert score.hotkey == f"hk{score.uid}" and 0.0 <= score.value <= 1.0
            matured[score.uid].append(score.value)
    assert len(matured[0]) == len(matured[1]) == 37  # every forecast for steps 3..39 was judged, once
    assert sum(matured[0]) > sum(matured[1]) * 1.2, matured


def test_price_prediction_pending_forecasts_and_market_survive_a_restart(tmp_path: Path) -> None:
    first = build(tmp_path, "price_prediction", "validator")  # no seed: drawn once, kept
    miner = build(tmp_path, "price_prediction", "miner", steps="30")
    query = first.query(0)
    assert first.reward(0, query, [tpl.Response(4, "hk4", answered(miner.forward(copy.deepcopy(query))))]) == [None]
    again = build(tmp_path, "price_prediction", "validator")  # a restart, same state directory
    assert again.seed == first.seed and again.query(0).history == query.history
    assert again.matured(1) == [] and [s.uid for s in again.matured(3)] == [4]
    assert again.matured(4) == []  # judged once, then forgotten
    other = tpl.build(tpl.resolve(name="price_prediction"),
                      context(tmp_path, "price_prediction", "validator", state="elsewhere"))
    assert other.query(0).history != query.history  # another validator, another private market


def test_price_prediction_miner_gives_no_forecast_for_a_bad_window(tmp_path: Path) -> None:
    miner = build(tmp_path, "price_prediction", "miner", steps="5")
    for bad in ([100.0] * 47, [100.0] * 47 + [float("nan")], [100.0] * 47 + [-1.0]):
        assert miner.forward(miner.synapse(step=5, history=bad, horizon=3)).prediction is None
    assert miner.forward(miner.synapse(step=5, history=[100.0] * 48, horizon=9)).prediction is None
    assert miner.forward(miner.synapse(step=5, history=[100.0] * 48, horizon=2)).prediction > 0
