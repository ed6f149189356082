"""Storage never written reads as the default its own runtime's metadata declares, not a 2024 constant.

spec 218 (raonet, Feb 2025) declares other defaults than the 2024 code the client once copied (Tempo 30,
BondsMovingAverage 990_000, MaxRegistrationsPerBlock 4, TargetRegistrationsPerInterval 4, TxRateLimit 0):
the storage fallbacks must show that chain's values, equal to what a stock substrate-interface query (which
applies the metadata default itself) returns.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chain.client import Subtensor
from chain.hyperparams import TABLE
from tests.realchain.chopsticks import Chopsticks, start_real_chain
from tests.realchain.journey import stock_client

pytestmark = [pytest.mark.realchain, pytest.mark.slow]


@pytest.fixture(scope="module")
def raonet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chopsticks]:
    chain = start_real_chain(tmp_path_factory.mktemp("raonet"), raonet=True)
    try:
        yield chain
    finally:
        chain.stop()


def test_hyperparameters_and_tx_window_use_the_chains_own_defaults(raonet: Chopsticks) -> None:
    stock = stock_client(raonet.url)
    try:
        with Subtensor(raonet.url, metadata_cache=False) as client:
            hp = client.subnets.hyperparameters(0)
            assert hp is not None
            for row in TABLE:
                assert getattr(hp, row.name) == stock.query("SubtensorModule", row.storage, [0]).value, row.name
            assert hp.bonds_moving_avg == 990_000 and hp.max_regs_per_block == 4  # 900_000 and 1 in 2024
            assert client.admin.global_value("tx_rate_limit") == stock.query("SubtensorModule", "TxRateLimit").value
            assert client.storage_default("SubtensorModule", "Tempo") == (30).to_bytes(2, "little")
    finally:
        stock.close()
