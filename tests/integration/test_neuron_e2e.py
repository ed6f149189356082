"""End to end on a real local chain: 1 validator and 3 echo miners as separate processes, started by
`taocli validator|miner start --detach`, through two epochs of Yuma consensus.

Shown here: every miner that answers right earns incentive, the validator earns dividends, the miner that
answers wrong (`--template-opt wrong=true`) ends with the least incentive, the validator's weights on chain
are what it says it set from its scores, a second start of a running neuron is refused with its pid, and
the neurons ride out a chain restart and a miner going away. Everything started is stopped by pid.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from chain.client import Subtensor
from localnet.daemon import pid_alive
from neuron.state import ValidatorState
from neuron.weighting import process_weights, to_u16
from tests.integration.node_fixtures import ROOT, free_port
from tests.integration.subnet_fixtures import build_subnet, start_node

pytestmark = pytest.mark.slow

MINERS = ("good1", "good2", "bad")
TEMPO = 10


class Cli:
    def __init__(self, home: Path, wallet_path: Path, url: str, netuid: int) -> None:
        self.env = {**os.environ, "HOME": str(home), "TAOCLI_CONFIG": str(home / "config.toml")}
        self.common = ["-p", str(wallet_path), "--network", url]
        self.netuid = netuid

    def spawn(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, "-m", "taocli", *args], cwd=ROOT, env=self.env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "taocli", *args], cwd=ROOT, env=self.env, text=True,
                              capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)

    def start_args(self, role: str, wallet: str, *extra: str) -> list[str]:
        return [role, "start", "--template", "echo", "--netuid", str(self.netuid), "-w", wallet, *self.common,
                "--axon-port", str(free_port()), "--detach", "--json", *extra]

    def status(self, role: str, wallet: str) -> dict[str, Any]:
        done = self.run(role, "status", "--netuid", str(self.netuid), "-w", wallet, "--json")
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def stop(self, role: str, wallet: str) -> None:
        self.run(role, "stop", "--netuid", str(self.netuid), "-w", wallet, "--json")


def _wait(what: str, check: Any, timeout: float, every: float = 0.5) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def test_validator_and_three_miners_earn_by_their_answers(tmp_path: Path) -> None:
    t0 = time.monotonic()
    node, keys = start_node(tmp_path, ["vali", *MINERS], "--fast", tempo=TEMPO)
    pids: list[int] = []
    cli: Cli | None = None
    try:
        subnet = build_subnet(node, tmp_path / "wallets", keys, ["vali", *MINERS], stake={"vali": 100})
        cli = Cli(tmp_path / "home", subnet.wallet_path, node.url, subnet.netuid)
        uid = subnet.uids

        # -- four separate processes, started concurrently by the real commands ----------------------
        starts = {"vali": cli.spawn(*cli.start_args("validator", "vali", "--step-seconds", "0.5"))}
        for name in MINERS:
            extra = ("--template-opt", "wrong=true") if name == "bad" else ()
            starts[name] = cli.spawn(*cli.start_args("miner", name, *extra))
        for name, proc in starts.items():
            out, err = proc.communicate(timeout=90)
            assert proc.returncode == 0, f"{name}: {err}"
            info = json.loads(out)
            assert info["started"] and info["uid"] == uid[name], info
            pids.append(int(info["pid"]))
        assert all(pid_alive(pid) for pid in pids)

        again = cli.run(*cli.start_args("miner", "good1"))
        assert again.returncode == 1 and f"already running (pid {pids[1]})" in again.stderr, again.stderr

        # -- two epochs after the validator's first weights ---------------------------------------
        client = Subtensor(node.url)

        def weights_block() -> int:
            row = client.subnets.neuron_lite(subnet.netuid, uid["vali"])
            return row.last_update if row is not None and row.last_update and _has_weights(client, subnet, uid) else 0

        first = _wait("the validator's first weights", weights_block, 120)

        def paid() -> list[Any] | None:
            neurons = {n.uid: n for n in client.subnets.neurons_lite(subnet.netuid)}
            block = client.block_number()
            done = block >= first + 2 * (TEMPO + 1) + 1
            good = all(neurons[uid[m]].incentive > 0 for m in ("good1", "good2"))
            return [neurons, block] if done and good and neurons[uid["vali"]].dividends > 0 else None

        neurons, _ = _wait("two epochs with incentive and dividends", paid, 120)
        bad = neurons[uid["bad"]].incentive
        assert bad < min(neurons[uid["good1"]].incentive, neurons[uid["good2"]].incentive)
        assert neurons[uid["vali"]].dividends > 0

        miner_status = cli.status("miner", "good1")
        assert miner_status["uid"] == uid["good1"] and miner_status["requests_served"] > 0
        assert miner_status["axon"].startswith("127.0.0.1:") and miner_status["state"] == "running"
        status_text = cli.run("miner", "status", "--netuid", str(subnet.netuid), "-w", "good1")
        assert "incentive" in status_text.stdout and "requests served" in status_text.stdout

        # -- a chain restart and a miner going away: the neurons keep going ------------------------
        node.stop()
        time.sleep(1.0)
        node.start()
        client.close()  # the test's own connection died with the node; the neurons must reconnect by themselves
        client = Subtensor(node.url)
        restarted = client.block_number()
        cli.stop("miner", "good2")
        step_before = cli.status("validator", "vali")["step"]
        def back_on_chain() -> bool:  # stepping again, and reading blocks of the restarted chain (after its backoff)
            status = cli.status("validator", "vali")
            return status["step"] >= step_before + 4 and status["block"] >= restarted - 1

        _wait("validator steps and reads the chain again after the restart", back_on_chain, 60)
        vali = cli.status("validator", "vali")
        assert vali["state"] == "running" and vali["block"] >= restarted - 1
        assert all(pid_alive(pid) for i, pid in enumerate(pids) if i != 2)

        # -- the weights on chain are what the validator set from its scores -------------------------
        stopped = cli.run("validator", "stop", "--netuid", str(subnet.netuid), "-w", "vali", "--json")
        assert json.loads(stopped.stdout)["stopped"] == [{"netuid": subnet.netuid, "pid": pids[0], "clean": True}]
        assert not pid_alive(pids[0])
        final = cli.status("validator", "vali")
        assert final["state"] == "stopped"
        sent = {int(k): v for k, v in final["last_weights"]["weights"].items()}
        state = ValidatorState.load(Path(final["dir"]) / "state.npz")
        assert state is not None and state.step == final["step"]
        assert state.scores[uid["bad"]] == 0 and state.scores[uid["good1"]] > 0
        assert uid["bad"] not in sent and uid["good1"] in sent
        row = dict(client.subnets.neuron(subnet.netuid, uid["vali"]).weights)
        sent_u16 = {int(k): v for k, v in final["last_weights"]["u16"].items()}
        assert row == sent_u16  # what it says it set is what the chain holds
        min_allowed, max_u16 = final["last_weights"]["rules"]
        dests, shares = process_weights(np.array(final["last_weights"]["from_scores"]), min_allowed, max_u16 / 65535)
        assert dict(zip(dests.tolist(), to_u16(shares), strict=True)) == row  # and it follows from its scores
        client.close()
    except BaseException:
        for pid in pids:  # a stuck neuron writes its threads' stacks into its log (neuron.base)
            if pid_alive(pid):
                os.kill(pid, signal.SIGUSR1)
        time.sleep(0.5)
        raise
    finally:
        if cli is not None:
            for role, name in (("validator", "vali"), *(("miner", m) for m in MINERS)):
                cli.stop(role, name)
        for pid in pids:
            if pid_alive(pid):
                os.kill(pid, 9)
        node.stop()
    assert time.monotonic() - t0 < 180  # ~25 s alone on 2 cores; generous for a loaded CI machine
    assert not any(pid_alive(pid) for pid in pids)


def _has_weights(client: Subtensor, subnet: Any, uid: dict[str, int]) -> bool:
    row = client.subnets.neuron(subnet.netuid, uid["vali"])
    return row is not None and bool(row.weights)
