"""Root-network emission split reproduces the runtime's numbers (spec §10.2, §12 T15 and T16)."""

from __future__ import annotations

import math
from decimal import Decimal, getcontext

import pytest

from localnet.runtime.subtensor.root_epoch import (
    E_I9F23,
    ONE64,
    RootEpochError,
    exp64,
    root_emission_values,
    root_epoch,
)

MOCK_RHO = 30  # the runtime test mock's Rho (spec §4.6)


def test_t15_one_validator_per_subnet_splits_evenly() -> None:
    """10 root validators of equal stake, validator i weights only the subnet at position i."""
    weights = [[65535 if j == i else 0 for j in range(10)] for i in range(10)]
    emission = root_epoch([1000] * 10, weights, rho=MOCK_RHO, kappa=32767, block_emission=10**9)
    assert emission[1:] == [99_999_999] * 9
    assert emission[0] == 99_999_999  # root's own share: set, never minted


def test_t16_network_pruning_emission_values() -> None:
    """Validator i weights netuids 0..i-1 equally (stored max-upscaled: 65535 each), 11 networks."""
    weights = [[65535 if j < i else 0 for j in range(11)] for i in range(10)]
    emission = root_epoch([1000] * 10, weights, rho=MOCK_RHO, kappa=32767, block_emission=10**9)
    assert emission[:6] == [277_820_113, 246_922_263, 215_549_466, 176_432_500, 77_181_559, 5_857_251]
    assert sum(emission) <= 10**9
    assert emission[9] == emission[10] == 0  # nobody weights the newest subnets


@pytest.mark.parametrize("x", [0.5, 2.0, 5.0, 9.99, -0.5, -3.0, -15.0])
def test_exp_is_close_to_the_real_thing(x: float) -> None:
    raw = int(x * ONE64)
    assert exp64(raw) / ONE64 == pytest.approx(math.exp(raw / ONE64), rel=1e-12)


def test_exp_special_cases() -> None:
    getcontext().prec = 50
    assert exp64(0) == ONE64
    assert int(Decimal(1).exp() * (1 << 23)) == E_I9F23
    assert exp64(ONE64) == E_I9F23 << 41  # the coarse constant, not the series
    assert exp64(ONE64 + 1) > exp64(ONE64)  # ... which is why exp(1) < exp(1 + 2^-64) by far
    with pytest.raises(OverflowError):
        exp64(100 * ONE64)


@pytest.mark.parametrize(
    ("stake", "weights", "message"),
    [
        ([], [], "No validators"),
        ([1, 1], [[]] * 2, "No networks"),
        ([0, 0], [[65535], [65535]], "No stake on network"),
        ([1, 1], [[65535]], "weights has 1 rows"),
    ],
)
def test_runtime_errors_leave_emission_unchanged(stake: list[int], weights: list[list[int]],
                                                  message: str) -> None:
    with pytest.raises(RootEpochError, match=message):
        root_epoch(stake, weights, rho=10, kappa=32767, block_emission=10**9)


def test_block_step_entry_point() -> None:
    """The pallet calls `root_emission_values(**inputs)`; failures return [] (values stay unchanged)."""
    weights = [[65535 if j == i else 0 for j in range(10)] for i in range(10)]
    values = root_emission_values(stake=[1000] * 10, weights=weights, netuids=list(range(10)),
                                  rho=MOCK_RHO, kappa=32767, block_emission=10**9)
    assert values == [99_999_999] * 10
    assert root_emission_values(stake=[0, 0], weights=[[1], [1]], netuids=[0], rho=10, kappa=32767,
                                block_emission=10**9) == []
    assert root_emission_values(stake=[1], weights=[[65535]], netuids=[0], rho=65535, kappa=0,
                                block_emission=10**9) == []  # exp(-65535·(1-0)) overflows I64F64
