"""The neuron layer against the real node: metagraph sync, the not-registered refusal, riding out a node outage."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from chain.client import Subtensor
from neuron.base import Neuron, NeuronConfig
from neuron.chain_link import ChainLink
from neuron.metagraph import Metagraph
from tests.integration.node_fixtures import ROOT, NodeProcess, free_port
from tests.integration.subnet_fixtures import build_subnet, seal_until_epoch, start_node

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def subnet(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("neuron-chain")
    node, keys = start_node(root, ["vali", "m1", "m2", "stranger"])
    net = build_subnet(node, root / "wallets", keys, ["vali", "m1", "m2"], stake={"vali": 50})
    net.keys = keys  # type: ignore[attr-defined]
    yield net
    node.stop()


def test_metagraph_matches_the_chain_and_a_second_sync_reads_nothing(subnet) -> None:
    link = ChainLink(subnet.node.url)
    graph = Metagraph(subnet.netuid)
    report = graph.sync(link)
    assert report.read and report.n_after == 3
    with Subtensor(subnet.node.url) as client:
        lite = client.neurons_lite(subnet.netuid)
    assert graph.hotkeys == [n.hotkey for n in sorted(lite, key=lambda n: n.uid)]
    assert graph.stake[subnet.uids["vali"]] == pytest.approx(50.0, rel=1e-6)
    assert graph.uid_of(subnet.hotkeys["m2"]) == subnet.uids["m2"]
    again = graph.sync(link)  # --instant: no block was sealed since, so nothing is read
    assert not again.read and again.block == report.block
    subnet.node.result("dev_newBlock", [{"count": 1}])
    third = graph.sync(link)
    assert third.read and third.block == report.block + 1 and not third.changed
    link.close()


def test_metagraph_weights_on_request(subnet) -> None:
    keys = subnet.keys
    seal_until_epoch(subnet)  # the epoch gives the staked validator its permit
    with Subtensor(subnet.node.url) as client:
        client.set_weights(keys["vali"][1], subnet.netuid, [subnet.uids["m1"], subnet.uids["m2"]], [3, 1])
    link = ChainLink(subnet.node.url)
    graph = Metagraph(subnet.netuid)
    graph.sync(link)
    assert graph.weights is None  # lite by default: no n×n read
    graph.sync(link, lite=False)
    assert graph.weights is not None
    row = graph.weights[subnet.uids["vali"]]
    assert row[subnet.uids["m1"]] == pytest.approx(1.0) and row[subnet.uids["m2"]] == pytest.approx(1 / 3, abs=1e-4)
    link.close()


def _cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home), "TAOCLI_CONFIG": str(home / "config.toml")}
    return subprocess.run([sys.executable, "-m", "taocli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("role", ["miner", "validator"])
def test_an_unregistered_hotkey_is_refused_in_one_line_naming_the_register_command(subnet, tmp_path, role) -> None:
    done = _cli(role, "start", "--template", "echo", "--netuid", str(subnet.netuid), "-w", "stranger",
                "-p", str(subnet.wallet_path), "--network", subnet.node.url, "--axon-port", "0", home=tmp_path)
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"not registered on subnet {subnet.netuid}" in lines[0]
    assert f"taocli subnets register --netuid {subnet.netuid} --wallet-name stranger --hotkey default" in lines[0]


def test_a_missing_subnet_and_a_missing_template_are_one_line_each(subnet, tmp_path) -> None:
    common = ["-w", "m1", "-p", str(subnet.wallet_path), "--network", subnet.node.url]
    done = _cli("miner", "start", "--template", "echo", "--netuid", "77", *common, home=tmp_path)
    assert done.returncode == 1 and "subnet 77 does not exist" in done.stderr and "Traceback" not in done.stderr
    done = _cli("miner", "start", "--template", "nosuch", "--netuid", "1", *common, home=tmp_path)
    assert done.returncode == 2 and "no template named 'nosuch'" in done.stderr and "echo" in done.stderr
    done = _cli("miner", "start", "--template", "echo", "--template-opt", "wrong", "--netuid", "1", *common,
                home=tmp_path)
    assert done.returncode == 2 and "write KEY=VALUE" in done.stderr


def test_retry_backs_off_while_the_node_is_down_and_resumes_when_it_returns(tmp_path, caplog) -> None:
    """A node that is unreachable for a while (stopped, then restarted on the same data and port)."""
    node = NodeProcess(tmp_path / "chain", "--instant").start()
    try:
        config = NeuronConfig(role="miner", netuid=1, network=node.url, hotkey=None,  # type: ignore[arg-type]
                              wallet_name="w", hotkey_name="h", template_dir=tmp_path, state_dir=tmp_path / "state")
        neuron = Neuron(config)
        first = neuron.retry("block number", neuron.link.block)
        node.stop()
        result: dict[str, object] = {}

        def ask() -> None:
            result["block"] = neuron.retry("block number", neuron.link.block)

        caplog.set_level(logging.WARNING, logger="taocli.neuron")
        worker = threading.Thread(target=ask)
        started = time.monotonic()
        worker.start()
        time.sleep(3.5)  # waits of 1 s and 2 s have passed: the third attempt is due at ~3 s
        assert worker.is_alive() and "block" not in result
        node.start()
        worker.join(15)
        assert not worker.is_alive() and result["block"] == first
        waits = [r.getMessage() for r in caplog.records if "retrying in" in r.getMessage()]
        assert len(waits) >= 2 and "retrying in 1 s" in waits[0] and "retrying in 2 s" in waits[1]
        assert "cannot reach the chain" in waits[0]
        assert time.monotonic() - started < 15
        neuron.stop_event.set()
        neuron.link.close()
    finally:
        node.stop()


def test_a_stop_request_ends_the_backoff_at_once(tmp_path) -> None:
    config = NeuronConfig(role="miner", netuid=1, network=f"ws://127.0.0.1:{free_port()}", hotkey=None,  # type: ignore[arg-type]
                          wallet_name="w", hotkey_name="h", template_dir=tmp_path, state_dir=tmp_path / "state")
    neuron = Neuron(config)
    threading.Timer(0.5, neuron.stop_event.set).start()
    started = time.monotonic()
    from neuron.base import Stopped

    with pytest.raises(Stopped):
        neuron.retry("block number", neuron.link.block)
    assert time.monotonic() - started < 2.0
