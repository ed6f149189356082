"""The demo's network plan: which neurons, with which commands, and when incentive 'follows quality'."""

from __future__ import annotations

from pathlib import Path

from chain.types import NeuronInfoLite
from taocli.demo.fleet import QUALITY, plan
from taocli.demo.network import NetworkOutcome


def test_the_fleet_is_one_validator_and_three_miners_weakest_first(tmp_path: Path) -> None:
    fleet = plan(tmp_path, "price_prediction", 3, tmp_path / "wallets", "ws://127.0.0.1:1")
    assert [(n.role, n.hotkey, n.quality) for n in fleet.neurons] == [
        ("validator", "default", ""), ("miner", "miner1", "steps=10"), ("miner", "miner2", "steps=30"),
        ("miner", "miner3", "steps=300")]
    argv = fleet.start_argv(fleet.neurons[1])
    assert argv[:4] == ["miner", "start", "--template", "price_prediction"]
    assert argv[argv.index("--template-opt") + 1] == "steps=10" and "--detach" in argv
    assert "--step-seconds" in fleet.start_argv(fleet.neurons[0])
    env = fleet.env()  # everything the neurons write stays in the demo directory
    assert env["HOME"] == str(tmp_path / "home") and env["TAOCLI_CACHE_DIR"] == str(tmp_path / "cache")
    assert fleet.directory(fleet.neurons[1]) == tmp_path / "home/.taocli/neurons/miner/miner1/netuid3/miner"
    assert fleet.stop_commands()[1] == f"HOME={tmp_path / 'home'} taocli miner stop --netuid 3 -w miner -H miner1"
    assert set(QUALITY) == {"text_prompting", "price_prediction"}


def row(uid: int, incentive: int) -> NeuronInfoLite:
    fields = {name: 0 for name in NeuronInfoLite.__dataclass_fields__}
    fields.update(uid=uid, incentive=incentive, hotkey="", coldkey="", stake=[], axon_info=None,
                  prometheus_info=None, validator_permit=False, active=True)
    return NeuronInfoLite(**fields)


def test_incentive_follows_quality_only_when_strictly_ordered() -> None:
    outcome = NetworkOutcome("text_prompting", {1: "steps=20", 2: "steps=80", 3: "steps=250"})
    outcome.neurons = [row(0, 0), row(1, 100), row(2, 200), row(3, 300)]
    assert outcome.follows_quality() and outcome.incentive_order() == [1, 2, 3]
    outcome.neurons = [row(1, 100), row(2, 100), row(3, 300)]  # a tie is not "ordered"
    assert not outcome.follows_quality()
    outcome.neurons = [row(1, 300), row(2, 200), row(3, 100)]
    assert not outcome.follows_quality() and outcome.incentive_order() == [3, 2, 1]
