"""Scores to weights: the moving average, and weights that pass the chain's own limit checks."""

from __future__ import annotations

import numpy as np
import pytest

from chain.weights import InvalidWeights, WeightLimits, prepare
from neuron.weighting import cap_max_weight, process_weights, resize, update_scores


def test_moving_average_moves_only_the_scored_uids_by_alpha() -> None:
    scores = np.array([0.5, 0.5, 0.5, 0.0])
    out = update_scores(scores, [0, 3], [1.0, 1.0])
    assert out.tolist() == pytest.approx([0.55, 0.5, 0.5, 0.1])
    assert scores.tolist() == [0.5, 0.5, 0.5, 0.0]  # the input is not modified


def test_bad_rewards_are_zero_and_out_of_range_is_clipped() -> None:
    out = update_scores(np.zeros(4), [0, 1, 2, 3], [float("nan"), float("inf"), 7.0, -3.0])
    assert out.tolist() == pytest.approx([0.0, 0.0, 0.1, 0.0])


def test_uids_outside_the_vector_are_ignored() -> None:
    assert update_scores(np.zeros(2), [5, -1, 1], [1.0, 1.0, 1.0]).tolist() == pytest.approx([0.0, 0.1])


def test_repeated_rewards_converge_to_the_reward() -> None:
    scores = np.zeros(2)
    for _ in range(200):
        scores = update_scores(scores, [0, 1], [1.0, 0.25])
    assert scores.tolist() == pytest.approx([1.0, 0.25], abs=1e-6)


def test_resize_keeps_old_scores_and_zeroes_uids_that_changed_hands() -> None:
    assert resize(np.array([0.3, 0.4, 0.5]), 5, replaced=[1]).tolist() == [0.3, 0.0, 0.5, 0.0, 0.0]
    assert resize(np.array([0.3, 0.4, 0.5]), 2).tolist() == [0.3, 0.4]


@pytest.mark.parametrize("limit", [0.2, 0.3, 0.5, 0.9])
def test_cap_never_exceeds_the_limit_and_sums_to_one(limit: float) -> None:
    rng = np.random.default_rng(7)
    for _ in range(50):
        w = rng.exponential(size=rng.integers(5, 40)) ** 3
        capped = cap_max_weight(w, limit)
        assert capped.sum() == pytest.approx(1.0)
        assert capped.max() <= limit + 1e-9
        order = np.argsort(w, kind="stable")
        assert np.all(np.diff(capped[order]) >= -1e-12)  # the ranking is kept (ties allowed at the cap)


def test_cap_impossible_limit_gives_uniform() -> None:
    assert cap_max_weight(np.array([1.0, 0.0, 0.0]), 0.2).tolist() == pytest.approx([1 / 3] * 3)


def test_no_scores_means_uniform_over_every_uid() -> None:
    uids, w = process_weights(np.zeros(4), min_allowed=1, max_share=1.0)
    assert uids.tolist() == [0, 1, 2, 3] and w.tolist() == pytest.approx([0.25] * 4)


def test_enough_scores_weights_only_the_scored_uids() -> None:
    uids, w = process_weights(np.array([0.0, 0.6, 0.2, 0.0]), min_allowed=1, max_share=1.0)
    assert uids.tolist() == [1, 2] and w.tolist() == pytest.approx([0.75, 0.25])


def test_too_few_scored_uids_spreads_a_floor_over_all() -> None:
    uids, w = process_weights(np.array([0.0, 1.0, 0.0, 0.0, 0.0]), min_allowed=3, max_share=1.0)
    assert uids.tolist() == [0, 1, 2, 3, 4]
    assert w.sum() == pytest.approx(1.0)
    assert w[1] > 0.99 and min(w) > 0


@pytest.mark.parametrize(("n", "scored", "min_allowed", "max_u16"),
                         [(8, 5, 3, 65535), (8, 2, 4, 30000), (16, 16, 1, 10000), (10, 1, 10, 65535),
                          (30, 7, 5, 20000)])
def test_processed_weights_pass_the_chains_own_checks(n: int, scored: int, min_allowed: int, max_u16: int) -> None:
    rng = np.random.default_rng(n * 100 + scored)
    scores = np.zeros(n)
    scores[rng.choice(n, scored, replace=False)] = rng.random(scored) + 0.01
    uids, w = process_weights(scores, min_allowed, max_u16 / 65535)
    limits = WeightLimits(subnetwork_n=n, min_allowed_weights=min_allowed, max_weights_limit=max_u16)
    dests, values = prepare(uids.tolist(), w.tolist(), limits)  # raises InvalidWeights if the chain would refuse
    assert dests == uids.tolist() and max(values) == 65535


def test_the_chain_check_does_refuse_raw_scores_that_break_the_cap() -> None:
    """The test above means something: unprocessed scores do fail the same check."""
    limits = WeightLimits(subnetwork_n=4, min_allowed_weights=1, max_weights_limit=30000)
    with pytest.raises(InvalidWeights):
        prepare([0, 1, 2], [0.9, 0.05, 0.05], limits)
