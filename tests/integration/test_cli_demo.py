"""`taocli demo` (the README's main job) runs end to end without a terminal, on a real chain it then stops.

One run of `taocli demo --json --dir D` as a subprocess, as `./dev.sh demo` or CI would: the JSON on stdout
must show the journey's promises (a subnet, miners with incentive, a validator with dividends, a nominator
whose stake grew) and the node must be gone afterwards, its port free. A second, human-mode run is not
needed: both modes print the same steps, only to different streams.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest

from tests.integration.test_cli_support import Result, run_cli
from wallet.keyfile import Keyfile

# starts `taocli`, a chain node and four neurons (torch models trained on first use); ~80 s on 2 shared cores
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    home = tmp_path_factory.mktemp("demo-home")
    directory = home / "demo"
    return run_cli(["demo", "--json", "--dir", str(directory)], home, timeout=300), directory


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is not alive
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ")[-1][:1] != "Z"
    except OSError:
        return False


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.3):
            return True
    except OSError:
        return False


def test_demo_json_is_one_document_and_the_journey_pays(demo_run: tuple[Result, Path]) -> None:
    res, _ = demo_run
    assert res.code == 0, res.stdout + res.stderr
    assert "Traceback" not in res.stderr
    doc = json.loads(res.stdout)  # stdout holds the JSON document and nothing else
    assert doc["ok"] is True
    summary = doc["summary"]
    assert summary["subnet_exists"] is True
    assert doc["metagraph"]["subnet"]["netuid"] == doc["netuid"] >= 1
    neurons = {n["role"]: n for n in doc["metagraph"]["neurons"]}
    miners = [n for role, n in neurons.items() if role.startswith("miner")]
    assert len(miners) == 3 and all(m["incentive"] > 0 and m["emission"] > 0 for m in miners)
    assert neurons["validator"]["dividends"] > 0 and neurons["validator"]["validator_permit"] is True
    assert all(v > 0 for v in summary["miner_incentive"].values())
    assert all(v > 0 for v in summary["validator_dividends"].values())
    assert summary["nominator_stake_after"]["rao"] > summary["nominator_stake_before"]["rao"] > 0
    assert summary["nominator_gain"]["rao"] > 0
    nominator = doc["wallets"]["nominator"]["coldkey"]
    assert any(cold == nominator for cold, _ in neurons["validator"]["stake"])
    assert doc["seconds"] < 150  # < 120 s alone on 2 cores (README); CI runs other tests beside it


def test_demo_network_pays_by_model_quality_and_stops_every_neuron(demo_run: tuple[Result, Path]) -> None:
    res, directory = demo_run
    net = json.loads(res.stdout)["network"]
    assert net["template"] == "text_prompting" and net["kept"] is False
    assert len(net["epochs"]) >= 2 and all(b > net["first_weights_block"] for b in net["epochs"])
    miners = [n for n in net["neurons"] if n["role"] == "miner"]
    assert [m["quality"] for m in miners] == ["steps=20", "steps=80", "steps=250"]
    incentive = [m["incentive"] for m in miners]
    assert incentive == sorted(incentive) and len(set(incentive)) == 3  # weakest earns least, strongest most
    assert net["incentive_follows_quality"] is True
    scores = [m["score"] for m in miners]
    assert scores == sorted(scores) and scores[0] > 0  # the validator's own scores rank them the same way
    [validator] = [n for n in net["neurons"] if n["role"] == "validator"]
    assert validator["dividends"] > 0
    assert net["nominator_stake_after"]["rao"] > net["nominator_stake_before"]["rao"]
    for neuron in net["neurons"]:  # every process the demo started is gone
        assert neuron["stopped"] is True and not _alive(neuron["pid"]), neuron
    assert "neurons stopped: pids" in res.stderr
    assert "$ taocli miner start --template text_prompting" in res.stderr  # the commands a user would type
    models = list((directory / "cache" / "templates" / "text_prompting").glob("text_lm-*.pt"))
    assert len(models) == 3  # trained once per quality and cached inside the demo directory


def test_demo_steps_report_block_and_fee(demo_run: tuple[Result, Path]) -> None:
    res, _ = demo_run
    doc = json.loads(res.stdout)
    chain_steps = [s for s in doc["steps"] if "block" in s]
    assert len(chain_steps) >= 12  # 4 faucets, subnet, rate limit, 3 registrations, stake, delegate, nominate...
    blocks = [s["block"] for s in chain_steps]
    assert blocks == sorted(blocks)
    assert all("rao" in s["fee"] for s in chain_steps if "fee" in s)
    assert any(s["step"] == "weights set" for s in doc["steps"])
    # the human lines went to stderr in --json mode, one per step, each with what came back
    assert "• subnet created: netuid" in res.stderr
    assert "== 1. Wallets" in res.stderr and "Metagraph of subnet" in res.stderr


def test_demo_stops_its_node(demo_run: tuple[Result, Path]) -> None:
    res, directory = demo_run
    node = json.loads(res.stdout)["node"]
    assert node["stopped"] is True and node["port_free"] is True
    assert not _alive(node["pid"])
    assert not _port_open(node["port"])
    assert Path(node["data_dir"]) == directory / "chain"
    assert not (directory / "chain" / "node.pid").exists()
    assert "local chain stopped" in res.stderr


def test_demo_leaves_real_wallets_and_never_prints_the_password(demo_run: tuple[Result, Path]) -> None:
    res, directory = demo_run
    wallets = directory / "wallets"
    owner = Keyfile(wallets / "owner" / "coldkeypub.txt").read().ss58_address
    assert (wallets / "owner" / "coldkey").read_bytes().startswith(b"$NACL")
    assert (wallets / "miner" / "hotkeys" / "miner2").exists()
    assert json.loads(res.stdout)["wallets"]["owner"]["coldkey"] == owner
    assert "(rejected" not in res.stdout and "rejected with exit code 1" in res.stderr
    printed = res.stdout + res.stderr
    assert "demo: correct horse" not in printed and "demo: violet anchor" not in printed  # old and new password
    words = (directory / "nominator.mnemonic").read_text().split()
    assert len(words) == 12 and " ".join(words) not in printed  # the words kept for the restore stay in their file


def test_demo_shows_changes_the_password_and_restores(demo_run: tuple[Result, Path]) -> None:
    res, directory = demo_run
    doc = json.loads(res.stdout)
    wallets = directory / "wallets"
    steps = {s["step"]: s["result"] for s in doc["steps"]}
    owner, nominator = doc["wallets"]["owner"]["coldkey"], doc["wallets"]["nominator"]["coldkey"]
    assert steps["wallet show owner"].startswith(f"coldkey {owner[:6]}")
    assert "(encrypted)" in steps["wallet show owner"]
    # change-password kept the old file, and the chain part then unlocked the owner with the new password
    assert "old file kept as coldkey.bak" in steps["owner's password changed"]
    assert (wallets / "owner" / "coldkey.bak").read_bytes().startswith(b"$NACL")
    assert (wallets / "owner" / "coldkey").read_bytes() != (wallets / "owner" / "coldkey.bak").read_bytes()
    assert "owner.new-password" in steps["owner's coldkey unlocked"]
    assert doc["summary"]["subnet_exists"] is True  # created and signed by the re-passworded owner
    # regen-coldkey from the nominator's words gives the nominator's address in another wallet
    restored = Keyfile(wallets / "nominator-restored" / "coldkeypub.txt").read().ss58_address
    assert restored == nominator and (wallets / "nominator-restored" / "coldkey").exists()
    # regen-coldkeypub: a watch-only wallet holding the owner's address and no secret
    watch = wallets / "owner-watch"
    assert sorted(p.name for p in watch.iterdir()) == ["coldkeypub.txt"]
    assert Keyfile(watch / "coldkeypub.txt").read().ss58_address == owner


def test_demo_refuses_a_directory_in_use(tmp_path: Path) -> None:
    used = tmp_path / "used"
    used.mkdir()
    (used / "something").write_text("x")
    res = run_cli(["demo", "--dir", str(used)], tmp_path, timeout=60)
    assert res.code == 2
    assert "not an empty directory" in res.one_error_line()


def test_demo_refuses_a_template_without_a_quality_knob(tmp_path: Path) -> None:
    res = run_cli(["demo", "--template", "echo", "--dir", str(tmp_path / "d")], tmp_path, timeout=60)
    assert res.code == 2
    assert "the demo runs text_prompting or price_prediction" in res.one_error_line()
    assert not (tmp_path / "d").exists()  # refused before anything was made
