"""Yuma consensus on the real spec-143 runtime and on the local chain: the same subnet, stakes and weights,
one epoch each, and every per-uid vector the epoch writes compared exactly (PruningScores included, which the
real runtime rounds: issue 9).

Emission is kept out: the real chain pays this subnet nothing (no root validator weights it) and the local
chain is started with `emission_without_root = false`, so stakes stay what the test set and only the epoch's
normalised outputs are compared (they do not depend on the amount emitted).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chain.balance import Balance
from chain.client import Subtensor
from tests.integration.node_fixtures import NodeProcess
from tests.realchain.chopsticks import Chopsticks, start_real_chain
from tests.realchain.journey import stock_client
from wallet.keypair import Keypair

pytestmark = [pytest.mark.realchain, pytest.mark.slow]

ALICE = Keypair.from_uri("//Alice")
HOTKEYS = [Keypair.from_uri(f"//EpochHotkey{i}") for i in range(4)]
STAKES_TAO = [100, 60, 30, 0]
WEIGHTS = {0: ([1, 2, 3], [1.0, 2.0, 3.0]), 1: ([0, 3], [1.0, 1.0]), 2: ([2, 1], [1.0, 4.0])}
VECTORS = ("Rank", "Trust", "Consensus", "Incentive", "Dividends", "PruningScores", "ValidatorTrust",
           "ValidatorPermit")
QUIET = 10_000  # a tempo that runs no epoch while the test sets things up


@pytest.fixture(scope="module")
def real_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chopsticks]:
    chain = start_real_chain(tmp_path_factory.mktemp("chopsticks-epoch"))
    try:
        chain.fund_and_make_sudo(ALICE.ss58_address, 1_000_000 * 10**9)
        yield chain
    finally:
        chain.stop()


@pytest.fixture(scope="module")
def local_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    root = tmp_path_factory.mktemp("localnet-epoch")
    (root / "genesis.toml").write_text("[subtensor]\nemission_without_root = false\n")
    node = NodeProcess(root / "chain", "--instant", "--genesis", str(root / "genesis.toml")).start()
    yield node
    node.stop()


def _sudo_set(client: Subtensor, netuid: int, name: str, value: int) -> None:
    client.execute(client.admin.prepare_sudo_set(ALICE.ss58_address, netuid, name, value), ALICE)


def _epoch_once(node: Any, client: Subtensor, netuid: int) -> None:
    """Build blocks one at a time until the subnet's epoch has run exactly once."""
    stock = stock_client(node.url)
    try:
        before = stock.query("SubtensorModule", "LastMechansimStepBlock", [netuid]).value
        for _ in range(6):
            node.result("dev_newBlock", [{"count": 1}])
            if stock.query("SubtensorModule", "LastMechansimStepBlock", [netuid]).value != before:
                return
    finally:
        stock.close()
    raise AssertionError("no epoch ran within 6 blocks at tempo 1")


def _scenario(node: Any) -> dict[str, Any]:
    """The same subnet, stakes and weights on `node`; the epoch's vectors after one weighted epoch."""
    with Subtensor(node.url, metadata_cache=False) as client:
        for name in ("network_rate_limit", "tx_rate_limit"):
            client.execute(client.admin.prepare_sudo_set_global(ALICE.ss58_address, name, 0), ALICE)
        netuid = client.subnets.created_netuid(client.subnets.register_network(ALICE))
        assert netuid is not None
        for name, value in (("tempo", QUIET), ("weights_rate_limit", 0), ("target_regs_per_interval", 8),
                            ("max_regs_per_block", 8)):
            _sudo_set(client, netuid, name, value)
        for hotkey in HOTKEYS:
            client.registration.burned_register(ALICE, netuid, hotkey.ss58_address)
        for hotkey, tao in zip(HOTKEYS, STAKES_TAO, strict=True):
            if tao:
                client.staking.add_stake(ALICE, hotkey.ss58_address, Balance.from_tao(tao))
        _sudo_set(client, netuid, "tempo", 1)  # one epoch hands out validator permits
        _epoch_once(node, client, netuid)
        _sudo_set(client, netuid, "tempo", QUIET)
        for uid, (dests, weights) in WEIGHTS.items():
            client.weights.set_weights(HOTKEYS[uid], netuid, dests, weights)
        _sudo_set(client, netuid, "tempo", 1)
        _epoch_once(node, client, netuid)
    stock = stock_client(node.url)
    try:
        out = {item: stock.query("SubtensorModule", item, [netuid]).value for item in VECTORS}
        out["Bonds"] = [stock.query("SubtensorModule", "Bonds", [netuid, uid]).value for uid in range(4)]
        out["Weights"] = [stock.query("SubtensorModule", "Weights", [netuid, uid]).value for uid in range(4)]
    finally:
        stock.close()
    return out


def test_one_epoch_writes_the_same_vectors_on_both_chains(real_chain: Chopsticks, local_chain: NodeProcess,
                                                          tmp_path: Path) -> None:
    real, local = _scenario(real_chain), _scenario(local_chain)
    print(f"\nspec-143 epoch: {real}\nlocalnet epoch: {local}")
    assert real["Weights"] == local["Weights"]
    assert max(real["PruningScores"]) == 65535 and len(set(real["PruningScores"])) > 2  # a real spread
    differing = {item: (real[item], local[item]) for item in real if real[item] != local[item]}
    assert differing == {}
