"""The official bittensor 6.9.3 SDK on `taocli localnet`: transfer, register, stake, set_weights, metagraph.

Issue 9: the SDK's transfers failed on our node ("Failed to get payment info: Decoding <RuntimeDispatchInfo> -
Current offset: 14 / length: 22") because the node encoded the fee as u128 where the real runtime's Balance
is u64. The SDK runs as a subprocess in its own venv (tests/sdk_venv.py); every outcome it reports is checked
again on the chain by taocli's client.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chain.client import Subtensor
from tests.integration.node_fixtures import NodeProcess
from tests.integration.test_cli_chain_support import ALICE
from tests.sdk_venv import require_sdk

pytestmark = [pytest.mark.slow, pytest.mark.interop]

SCRIPT = Path(__file__).with_name("sdk_chain_journey.py")
TAO = 10**9


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    started = NodeProcess(tmp_path_factory.mktemp("localnet"), "--instant").start()
    yield started
    started.stop()


def _subnet_for_the_sdk(url: str) -> int:
    """A subnet Alice owns, with no weights rate limit, so a fresh uid may set weights at once."""
    with Subtensor(url, metadata_cache=False) as client:
        before = set(client.netuids())
        client.register_network(ALICE)
        (netuid,) = set(client.netuids()) - before
        client.execute(client.prepare_sudo_set(ALICE.ss58_address, netuid, "weights_rate_limit", 0), ALICE)
        return netuid


def test_bittensor_693_sdk_journey_on_localnet(node: NodeProcess, tmp_path: Path) -> None:
    python = require_sdk("6.9.3")
    netuid = _subnet_for_the_sdk(node.url)
    proc = subprocess.run([str(python), str(SCRIPT), node.url, str(netuid), str(tmp_path / "wallets")],
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    steps: dict[str, dict[str, Any]] = {}
    for line in proc.stdout.splitlines():
        if line.startswith('{"step"'):
            record = json.loads(line)
            steps[record["step"]] = record
    assert proc.returncode == 0, (proc.stdout[-2000:], proc.stderr[-3000:])
    assert "Failed to get payment info" not in proc.stdout + proc.stderr
    cold, hot = steps["wallets"]["coldkey"], steps["wallets"]["hotkey"]

    with Subtensor(node.url, metadata_cache=False) as client:
        assert steps["transfer"]["ok"] is True and 0 < steps["transfer"]["fee"] < 1000
        assert steps["register"]["ok"] is True
        uid = client.uid_of(netuid, hot)
        assert uid is not None and steps["register"]["uid"] == uid
        # 100 TAO arrived, the burn left for registration, 10 TAO went into stake
        assert steps["transfer"]["balance"] == 100 * TAO
        staked = client.stake(hot, cold).rao
        # the 6.9.3 SDK keeps back its own 1000-RAO fee allowance from the amount asked
        assert steps["stake"]["ok"] is True and steps["stake"]["stake"] == staked
        assert 10 * TAO - 1000 <= staked <= 10 * TAO
        assert steps["set_weights"]["ok"] is True, steps["set_weights"]
        neuron = client.neuron(netuid, uid)
        assert neuron is not None and neuron.weights == [(uid, 65535)]
        graph = steps["metagraph"]
        assert graph["uid"] == uid and graph["coldkey"] == cold and graph["n"] == client.subnet(netuid).subnetwork_n
        assert graph["stake"] == pytest.approx(staked / TAO)
