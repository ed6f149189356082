"""The neuron layer against the real node: metagraph sync, the not-registered refusal, riding out a node outage."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
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
    vali, m1, m2 = subnet.uids["vali"], subnet.uids["m1"], subnet.uids["m2"]
    row = graph.weights[vali]
    assert row[m1] == pytest.approx(1.0) and row[m2] == pytest.approx(1 / 3, abs=1e-4)

    # incremental: a new set_weights (no epoch in between) re-reads that one row only
    with Subtensor(subnet.node.url) as client:
        client.set_weights(keys["vali"][1], subnet.netuid, [m1, m2], [1, 4])
        info = client.subnet(subnet.netuid)
    assert info is not None and info.blocks_since_last_step > 0  # still the same epoch (tempo 10, instant node)
    report = graph.sync(link, lite=False)
    assert report.read and report.rows == [vali]
    assert graph.weights[vali][m1] == pytest.approx(0.25, abs=1e-4) and graph.weights[vali][m2] == pytest.approx(1.0)
    fresh = Metagraph(subnet.netuid)
    fresh.sync(link, lite=False)
    assert np.array_equal(fresh.weights, graph.weights) and np.array_equal(fresh.bonds, graph.bonds)
    # an epoch moves every bond: then everything is read again
    seal_until_epoch(subnet)
    assert graph.sync(link, lite=False).rows is None
    fresh.sync(link, lite=False, force=True)
    assert np.array_equal(fresh.bonds, graph.bonds) and np.array_equal(fresh.incentive, graph.incentive)
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


def _validator_config(subnet, tmp_path: Path) -> NeuronConfig:
    from neuron.template import resolve

    return NeuronConfig(role="validator", netuid=subnet.netuid, network=subnet.node.url,
                        hotkey=subnet.keys["vali"][1], wallet_name="vali", hotkey_name="default",
                        template_dir=resolve("echo"), state_dir=tmp_path / "vali", serve=False, step_seconds=0.05)


def test_validator_says_when_and_why_it_cannot_set_weights_and_resumes_its_state(subnet, tmp_path) -> None:
    from neuron.validator import Validator

    keys, netuid = subnet.keys, subnet.netuid
    owner = keys["owner"][0]
    seal_until_epoch(subnet)  # a permit for the staked validator, whatever ran before
    v = Validator(_validator_config(subnet, tmp_path))
    v.check_registered()
    v.setup()
    try:
        v.state.scores[subnet.uids["m1"]] = 0.8
        v.state.scores[subnet.uids["m2"]] = 0.2
        block = v.link.block()
        v.try_set_weights(block)  # rate limit 0 in this fixture: sets at once
        sent = v.status.fields["last_weights"]
        with Subtensor(subnet.node.url) as client:
            assert dict(client.neuron(netuid, subnet.uids["vali"]).weights) == {
                int(k): val for k, val in sent["u16"].items()}
            client.execute(client.prepare_sudo_set(owner.ss58_address, netuid, "weights_rate_limit", 1000), owner)
        try:
            v.weights_due = True
            v.try_set_weights(v.link.block())
            why = v.status.fields["weights_wait"]
            assert f"one set every 1000 blocks; last at block {sent['block']}, next at block {sent['block'] + 1000}" \
                in why
            assert v.weights_due  # still owed: tried again after the window
        finally:
            with Subtensor(subnet.node.url) as client:
                client.execute(client.prepare_sudo_set(owner.ss58_address, netuid, "weights_rate_limit", 0), owner)
        v.state.step = 7
        v.state.save(v.config.state_dir / "state.npz")
    finally:
        v.shutdown()
    again = Validator(_validator_config(subnet, tmp_path))
    again.check_registered()
    again.setup()
    try:
        assert again.state.step == 7
        assert again.state.scores[subnet.uids["m1"]] == pytest.approx(0.8)
        assert again.state.last_weights_block == sent["block"]
    finally:
        again.shutdown()


def test_deferred_scores_arrive_when_the_truth_does_through_a_real_axon(subnet, tmp_path) -> None:
    """A --template-path template whose validator scores a step's answers two steps later (matured)."""
    from neuron.miner import Miner
    from neuron.validator import Validator
    from tests.unit.test_neuron_template import write_deferred_template

    where = write_deferred_template(tmp_path)
    keys, netuid = subnet.keys, subnet.netuid
    common = dict(netuid=netuid, network=subnet.node.url, template_dir=where, hotkey_name="default", axon_port=0)
    miner = Miner(NeuronConfig(role="miner", hotkey=keys["m1"][1], wallet_name="m1", state_dir=tmp_path / "m1",
                               **common))
    miner.check_registered()
    miner.setup()
    v = Validator(NeuronConfig(role="validator", hotkey=keys["vali"][1], wallet_name="vali", serve=False,
                               state_dir=tmp_path / "vali", **common))
    try:
        v.check_registered()
        v.setup()
        m1 = subnet.uids["m1"]
        assert m1 in v.sample()  # m1 serves (m2 may have served in another test: it then answers 503, scored 0)
        seen = []
        for step in range(4):
            v._step(step)
            seen.append(float(v.state.scores[m1]))
        assert seen[0] == seen[1] == 0.0  # answers are in, but the truth is not yet
        assert seen[2] == pytest.approx(0.1) and seen[3] == pytest.approx(0.19)  # matured: the answers were right
        assert miner.axon.stats()["by_status"].get(200) == 4
    finally:
        v.shutdown()
        miner.shutdown()


def test_a_detached_neuron_with_an_encrypted_hotkey_needs_a_password_file(subnet, tmp_path) -> None:
    from wallet.keypair import Keypair
    from wallet.wallet import Wallet

    w = Wallet("locked", "default", str(subnet.wallet_path))
    w.set_coldkeypub(Keypair.from_uri("//locked-cold"))
    w.set_hotkey(Keypair.from_uri("//locked-hot"), password="a long passphrase 42!")
    done = _cli("miner", "start", "--template", "echo", "--netuid", str(subnet.netuid), "-w", "locked",
                "-p", str(subnet.wallet_path), "--network", subnet.node.url, "--detach", home=tmp_path)
    assert done.returncode == 2 and "is encrypted" in done.stderr and "--password-file" in done.stderr
    assert not (tmp_path / ".taocli" / "neurons" / "locked").exists()  # nothing spawned


def test_ctrl_c_stops_a_foreground_miner_cleanly(subnet, tmp_path) -> None:
    import json
    import signal

    env = {**os.environ, "HOME": str(tmp_path), "TAOCLI_CONFIG": str(tmp_path / "config.toml")}
    proc = subprocess.Popen([sys.executable, "-m", "taocli", "miner", "start", "--template", "echo", "--netuid",
                             str(subnet.netuid), "-w", "m2", "-p", str(subnet.wallet_path), "--network",
                             subnet.node.url, "--axon-port", "0"], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    status = tmp_path / ".taocli" / "neurons" / "m2" / "default" / f"netuid{subnet.netuid}" / "miner" / "status.json"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if status.exists() and json.loads(status.read_text() or "{}").get("state") == "running":
                break
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "received SIGINT" in err and "Traceback" not in err
    assert json.loads(status.read_text())["state"] == "stopped"
    assert not (status.parent / "neuron.pid").exists()
