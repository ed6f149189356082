"""When each subnet's epoch runs (spec §7.4, §12 T10)."""

from __future__ import annotations

import pytest

from localnet.runtime.subtensor.pallet_math import blocks_until_next_epoch


@pytest.mark.parametrize(
    ("netuid", "tempo", "block", "expected"),
    [(0, 0, 0, 1000), (0, 1, 0, 0), (1, 1, 0, 1), (0, 1, 1, 1), (1, 1, 1, 0), (1, 10, 0, 8), (1, 10, 8, 0)],
)
def test_spec_values(netuid: int, tempo: int, block: int, expected: int) -> None:
    assert blocks_until_next_epoch(netuid, tempo, block) == expected


def test_countdown_reaches_zero_exactly_on_epoch_blocks() -> None:
    """For netuid < 30, block < 30, tempo 1..29: counts down by one each block, 0 iff the epoch runs."""
    for netuid in range(30):
        for tempo in range(1, 30):
            for block in range(30):
                left = blocks_until_next_epoch(netuid, tempo, block)
                assert 0 <= left <= tempo
                assert (left == 0) == ((block + netuid + 2) % (tempo + 1) == 0)
                nxt = blocks_until_next_epoch(netuid, tempo, block + 1)
                assert nxt == (tempo if left == 0 else left - 1)


def test_observed_schedule_of_netuid_1_tempo_9() -> None:
    assert [b for b in range(40) if blocks_until_next_epoch(1, 9, b) == 0] == [7, 17, 27, 37]
    assert [b for b in range(1, 400) if blocks_until_next_epoch(0, 99, b) == 0] == [98, 198, 298, 398]
