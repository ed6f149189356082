"""The era switch at connect on the real local (2024) node: the 2024 rooms are picked from the metadata's
declarations, and the answer is kept by the runtime code's hash so later commands skip the metadata."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from chain.client import Subtensor
from chain.era import is_dtao
from chain.rooms.staking import Staking
from chain.rooms.subnets import Subnets
from chain.runtime.features import features_of
from chain.runtime.fetch import fetch_shape
from tests.integration.node_fixtures import NodeProcess, instant_node  # noqa: F401 - fixture
from tests.integration.test_cli_chain_support import ALICE


def test_the_2024_chain_gets_the_2024_rooms_and_the_answer_is_kept(instant_node: NodeProcess,  # noqa: F811
                                                                    tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAOCLI_CACHE_DIR", str(tmp_path / "cache"))
    with Subtensor(instant_node.url) as client:
        assert not is_dtao(features_of(fetch_shape(client.rpc)))  # what the metadata declares
        assert client.era == "2024"
        assert type(client.staking) is Staking and type(client.subnets) is Subnets  # not the dTAO siblings
        held = client.staking.holdings(ALICE.ss58_address)
        assert held.staked_tao == sum(r.amount for r in held.rows) and all(r.netuid is None for r in held.rows)
    code_hash = instant_node.result("state_getStorageHash", ["0x" + b":code".hex()])
    memo = tmp_path / "cache" / f"era-{code_hash[2:]}.txt"
    assert memo.read_text() == "2024\n" and stat.S_IMODE(memo.stat().st_mode) == 0o600

    memo.write_text("garbage\n")  # an unreadable answer is ignored: the metadata decides, and it is rewritten
    with Subtensor(instant_node.url) as client:
        assert client.era == "2024"
    assert memo.read_text() == "2024\n"

    memo.unlink()
    with Subtensor(instant_node.url, metadata_cache=False) as client:  # no disk: nothing written
        assert client.era == "2024"
    assert not memo.exists()


def test_a_transfer_never_reads_the_metadata_for_the_era(instant_node: NodeProcess) -> None:  # noqa: F811
    with Subtensor(instant_node.url, metadata_cache=False) as client:
        assert client.balances.balance(ALICE.ss58_address).rao > 0
        assert client._rooms is None  # balances are the same in every era
