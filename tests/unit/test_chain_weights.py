"""Weights are normalised, max-upscaled to u16 and refused for the same reasons the chain would refuse them."""

from __future__ import annotations

import pytest

from chain.weights import InvalidWeights, WeightLimits, normalize, prepare, to_u16

OPEN = WeightLimits(subnetwork_n=10, min_allowed_weights=1, max_weights_limit=65_535)


def test_normalise_and_upscale() -> None:
    assert normalize([1, 1, 2]) == [0.25, 0.25, 0.5]
    assert to_u16([0.25, 0.25, 0.5]) == [32768, 32768, 65535]
    assert prepare([0, 3], [0.2, 0.8], OPEN) == ([0, 3], [16384, 65535])


def test_max_weight_limit_is_checked_on_normalised_shares() -> None:
    capped = WeightLimits(10, 1, 65_535 // 5)  # spec T19: one uid may hold at most ~20%
    with pytest.raises(InvalidWeights, match=r"uid 0 would get 32\.\d+% .* caps one uid at 20\.00%"):
        prepare([0, 1, 2, 3], [16383, 16383, 1213, 16383], capped)
    assert prepare([4], [1.0], capped, own_uid=4) == ([4], [65535])  # self weight is exempt
    _dests, values = prepare(list(range(5)), [1] * 5, capped)
    assert values == [65535] * 5


@pytest.mark.parametrize(
    ("uids", "weights", "limits", "message"),
    [
        ([0, 1], [1.0], OPEN, "2 uids but 1 weights"),
        ([], [], OPEN, "no weights given"),
        ([1, 1], [1, 1], OPEN, "uid 1 appears twice"),
        ([12], [1], OPEN, r"uid 12 does not exist: the subnet has 10 uids \(0..9\)"),
        ([0], [0], OPEN, "all weights are zero"),
        ([0], [-1], OPEN, "non-negative"),
        ([0, 1], [float("nan"), 1], OPEN, "finite"),
        ([0, 1], [float("inf"), 1], OPEN, "finite"),
        ([0, 1], [1, 1], WeightLimits(10, 3, 65_535), "at least 3 uids, 2 given"),
    ],
)
def test_bad_weights_name_the_rule(uids: list[int], weights: list[float], limits: WeightLimits,
                                   message: str) -> None:
    with pytest.raises(InvalidWeights, match=message):
        prepare(uids, weights, limits)


def test_root_weights_take_netuids_and_skip_subnet_rules() -> None:
    root = WeightLimits(subnetwork_n=0, min_allowed_weights=0, max_weights_limit=65_535, is_root=True)
    assert prepare([1, 3], [1, 3], root) == ([1, 3], [21845, 65535])
