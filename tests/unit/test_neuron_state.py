"""Validator state and metagraph files: restored exactly, never unpickled, robust to damage."""

from __future__ import annotations

import numpy as np
import pytest

from chain.types import AxonInfo, NeuronInfo, NeuronInfoLite, PrometheusInfo
from neuron.metagraph import Metagraph
from neuron.state import ValidatorState


def _neuron(uid: int, hotkey: str, *, full: bool = False, stake: int = 0, incentive: int = 0,
            serving: bool = True) -> NeuronInfoLite:
    axon = AxonInfo(block=5, version=1, ip=0x7F000001 if serving else 0, port=9000 + uid if serving else 0,
                    ip_type=4, protocol=4, placeholder1=0, placeholder2=0)
    fields = dict(hotkey=hotkey, coldkey=f"cold{uid}", uid=uid, netuid=1, active=True, axon_info=axon,
                  prometheus_info=PrometheusInfo(0, 0, 0, 0, 0), stake=[(f"cold{uid}", stake)], rank=0,
                  emission=uid * 10**9, incentive=incentive, consensus=0, trust=65535, validator_trust=0,
                  dividends=0, last_update=uid, validator_permit=uid == 0, pruning_score=1)
    if full:
        return NeuronInfo(**fields, weights=[(1, 65535), (2, 32768)] if uid == 0 else [], bonds=[])
    return NeuronInfoLite(**fields)


def test_state_round_trip(tmp_path) -> None:
    state = ValidatorState(step=42, scores=np.array([0.1, 0.0, 0.7]), hotkeys=["a", "b", "c"], last_weights_block=99)
    path = state.save(tmp_path / "v" / "state.npz")
    back = ValidatorState.load(path)
    assert back is not None
    assert (back.step, back.scores.tolist(), back.hotkeys, back.last_weights_block) == \
        (42, [0.1, 0.0, 0.7], ["a", "b", "c"], 99)
    assert not list((tmp_path / "v").glob("*.tmp"))  # written atomically


def test_unrevealed_commits_survive_a_restart_and_old_states_load_without_them(tmp_path) -> None:
    commit = {"netuid": 3, "uids": [0, 2], "values": [65535, 100], "salt": [1, 2], "version_key": 0,
              "hash": "ab" * 32, "commit_block": 41, "weights": {"0": 0.9985, "2": 0.0015}}
    path = ValidatorState(step=1, scores=np.array([1.0]), hotkeys=["a"], commits=[commit]).save(tmp_path / "s.npz")
    back = ValidatorState.load(path)
    assert back is not None and back.commits == [commit]
    with np.load(path, allow_pickle=False) as data:  # a state saved before commits existed: loads with none
        np.savez(tmp_path / "old.npz", **{k: data[k] for k in data.files if k != "commits"})
    old = ValidatorState.load(tmp_path / "old.npz")
    assert old is not None and old.commits == [] and old.step == 1
    with np.load(path, allow_pickle=False) as data:  # damaged commits: the state is refused, never half-read
        np.savez(tmp_path / "bad.npz", **{**{k: data[k] for k in data.files}, "commits": np.array('{"a": 1}')})
    assert ValidatorState.load(tmp_path / "bad.npz") is None


def test_state_align_forgets_uids_that_changed_hands(tmp_path) -> None:
    state = ValidatorState(step=3, scores=np.array([0.5, 0.6, 0.7]), hotkeys=["a", "b", "c"])
    reset = state.align(["a", "X", "c", "d"])
    assert reset == [1]
    assert state.scores.tolist() == [0.5, 0.0, 0.7, 0.0]
    assert state.align(["a"]) == [] and state.scores.tolist() == [0.5]


def test_damaged_or_foreign_state_starts_fresh_instead_of_crashing(tmp_path) -> None:
    bad = tmp_path / "state.npz"
    bad.write_bytes(b"not a zip")
    assert ValidatorState.load(bad) is None
    assert ValidatorState.load(tmp_path / "missing.npz") is None
    np.savez(bad, step=np.array([object()], dtype=object))  # a pickle inside: must be refused, not loaded
    assert ValidatorState.load(bad) is None


def test_metagraph_fill_save_load_round_trip(tmp_path) -> None:
    graph = Metagraph(1, "local")
    graph.fill([_neuron(2, "hk2", serving=False), _neuron(0, "hk0", stake=5 * 10**9, incentive=65535),
                _neuron(1, "hk1")], block=77)
    assert graph.n == 3 and graph.hotkeys == ["hk0", "hk1", "hk2"]  # ordered by uid
    assert graph.stake.tolist() == [5.0, 0.0, 0.0] and graph.incentive.tolist() == [1.0, 0.0, 0.0]
    assert graph.serving.tolist() == [True, True, False]
    assert graph.axon(1) == ("127.0.0.1", 9001, "hk1")
    assert graph.has("hk1") and not graph.has("nope") and graph.stake_of("hk0") == 5.0
    back = Metagraph.load(graph.save(tmp_path / "mg.npz"))
    for name in ("hotkeys", "coldkeys", "axon_ip"):
        assert getattr(back, name) == getattr(graph, name)
    for name in ("stake", "emission", "incentive", "trust", "validator_permit", "last_update", "axon_port"):
        assert np.array_equal(getattr(back, name), getattr(graph, name)), name
    assert (back.block, back.netuid, back.network, back.weights) == (77, 1, "local", None)
    assert back.has("hk2")


def test_metagraph_with_weights_round_trip(tmp_path) -> None:
    graph = Metagraph(1)
    graph.fill([_neuron(u, f"hk{u}", full=True) for u in range(3)], block=5)
    assert graph.weights is not None
    assert graph.weights[0].tolist() == pytest.approx([0.0, 1.0, 32768 / 65535])
    back = Metagraph.load(graph.save(tmp_path / "mg.npz"))
    assert np.array_equal(back.weights, graph.weights) and back.bonds is not None


def test_metagraph_file_with_a_pickle_is_refused(tmp_path) -> None:
    graph = Metagraph(1)
    graph.fill([_neuron(0, "hk0")], block=1)
    path = graph.save(tmp_path / "mg.npz")
    with np.load(path) as data:
        arrays = dict(data)
    arrays["hotkeys"] = np.array([{"evil": 1}], dtype=object)
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="pickle"):
        Metagraph.load(path)
    path.write_bytes(b"PK junk")
    with pytest.raises((ValueError, OSError)):
        Metagraph.load(path)


def test_an_unexpected_error_costs_one_tick_not_the_process(tmp_path) -> None:
    from neuron.base import Neuron, NeuronConfig, NeuronError

    class Flaky(Neuron):
        ticks = 0

        def tick(self) -> None:
            self.ticks += 1
            if self.ticks == 1:
                raise RuntimeError("a bug in a dependency")
            if self.ticks == 2:
                raise NeuronError("deregistered")

    config = NeuronConfig(role="miner", netuid=1, network="ws://127.0.0.1:1", hotkey=None,  # type: ignore[arg-type]
                          wallet_name="w", hotkey_name="h", template_dir=tmp_path, state_dir=tmp_path / "s")
    import neuron.base as base

    flaky = Flaky(config)
    base.BACKOFF_START, saved = 0.01, base.BACKOFF_START
    try:
        with pytest.raises(NeuronError):
            flaky.loop()
    finally:
        base.BACKOFF_START = saved
    assert flaky.ticks == 2 and "unexpected error (1 in a row)" in flaky.status.fields["error"]
