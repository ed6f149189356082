"""Commit-reveal without a chain: both window rules against the runtime's own definitions (block arithmetic,
R218/R233; the epoch counter, spec 423+, simulated block by block as run_coinbase advances it), the commits room's
decisions from metadata (the real spec-143 and spec-218 metadata; spec 218's shape with the P2.6 epoch items added
for the index rule, whose storage is SCALE built from the declared types), the reveal-data files, and the CLI's
option parsing. The live proof on spec 218 is tests/realchain/test_dtao_commits_spec218.py."""

from __future__ import annotations

import dataclasses
import gzip
import json
import stat
from pathlib import Path
from typing import Any

import pytest

from chain.commit_store import BadRecord, CommitStore
from chain.dtao.commit_reveal import (
    EARLY,
    EXPIRED,
    OPEN,
    Reveal,
    commit_hash,
    epoch_index,
    fires_at,
    window_by_blocks,
    window_by_index,
)
from chain.errors import PreconditionFailed
from chain.rooms.commits import NO_COMMIT_CALL, CommitNotOnChain, RevealNotYet, WeightCommits
from chain.runtime.metadata import parse_metadata
from chain.runtime.shape import RuntimeShape, shape_of
from chain.runtime.storage_items import storage_key
from chain.storage import u16_key
from tests.integration.test_cli_support import run_cli
from wallet.keypair import Keypair

FIXTURES = Path(__file__).parents[1] / "fixtures" / "dtao"
M = "SubtensorModule"
HOT = Keypair.from_uri("//AliceHot").ss58_address


def shape(spec: int) -> RuntimeShape:
    return shape_of(parse_metadata(gzip.open(FIXTURES / f"spec{spec}-metadata-v14.scale.gz").read()))


# -- the block rule (R218/R233) ------------------------------------------------------------------------------

@pytest.mark.parametrize("netuid,tempo,period", [(1, 10, 1), (3, 30, 1), (7, 99, 2), (0, 360, 1), (12, 1, 3)])
def test_block_window_is_the_runtimes_epoch_definition(netuid: int, tempo: int, period: int) -> None:
    """Revealable exactly while epoch(b) == epoch(commit) + period, expired after (is_reveal_block_range /
    is_commit_expired of R218): checked block by block, not by the formula under test."""
    for commit in range(0, 3 * (tempo + 1) + 5):
        target = epoch_index(commit, netuid, tempo) + period
        for at in range(commit + 1, commit + (period + 2) * (tempo + 1) + 2):
            want = OPEN if epoch_index(at, netuid, tempo) == target else (
                EXPIRED if epoch_index(at, netuid, tempo) > target else EARLY)
            got = window_by_blocks(commit, netuid, tempo, period, at)
            assert got.state == want, (commit, at)
            assert got.exact and got.last - got.first == tempo
            if want == OPEN:
                assert got.first <= at <= got.last


def test_block_window_vector() -> None:
    # netuid 1, tempo 10: commit at 25 is in epoch (25+2)//11 = 2; epoch 3 runs 31..41
    assert [window_by_blocks(25, 1, 10, 1, at).state for at in (30, 31, 41, 42)] == [EARLY, OPEN, OPEN, EXPIRED]
    assert (window_by_blocks(25, 1, 10, 1, 30).first, window_by_blocks(25, 1, 10, 1, 30).last) == (31, 41)


# -- the index rule (spec 423+, P2.6) ------------------------------------------------------------------------

def simulate(tempo: int, blocks: int, pending: dict[int, int] | None = None) -> list[tuple[int, int, int]]:
    """(SubnetEpochIndex, LastEpochBlock, PendingEpochAt) as stored at the END of each block: the epoch runs in
    on_initialize when should_run_epoch, which bumps the counter, sets LastEpochBlock and clears the trigger."""
    index, last, trigger, states = 0, 0, 0, []
    for block in range(blocks):
        trigger = (pending or {}).get(block, trigger)
        if fires_at(last, trigger, tempo, block):
            index, last, trigger = index + 1, block, 0
        states.append((index, last, trigger))
    return states


@pytest.mark.parametrize("tempo,period,triggers", [(10, 1, {}), (7, 2, {}), (10, 1, {23: 27}), (360, 1, {})])
def test_index_window_follows_the_counter(tempo: int, period: int, triggers: dict[int, int]) -> None:
    """A commit tagged with the looked-ahead counter is revealable exactly while the looked-ahead counter
    equals its epoch + period; the predicted first/last blocks are where that really happens (once any owner
    trigger is stored: one set later moves the window, which is why these windows say "about")."""
    states = simulate(tempo, 6 * tempo + 10, {k - 1: v for k, v in triggers.items()})
    for commit in range(1, 2 * tempo + 5):
        index, last, trigger = states[commit - 1]  # storage the commit's block starts from
        epoch = index + (1 if fires_at(last, trigger, tempo, commit) else 0)
        opened = [b for b in range(commit + 1, len(states))
                  if states[b - 1][0] + fires_at(states[b - 1][1], states[b - 1][2], tempo, b) == epoch + period]
        for at in range(commit + 1, len(states)):
            got = window_by_index(epoch, period, *states[at - 1], tempo, at)
            want = OPEN if at in opened else EARLY if at < opened[0] else EXPIRED
            assert got.state == want, (commit, at)
            assert not got.exact
            if want != EXPIRED and all(k <= at for k in triggers):  # an owner's later trigger is unforeseeable
                assert (got.first, got.last) == (opened[0], opened[-1]), (commit, at)


# -- the room's decisions from metadata ----------------------------------------------------------------------

class Snapshot:
    """One block's storage of a runtime that does not exist here (spec 423+): SCALE values built from the types
    the shape declares, served by key the way state_getStorage does; the room reads it through its rpc."""

    def __init__(self, shape: RuntimeShape, block: int) -> None:
        self.shape, self.block, self.values = shape, block, {}
        self.rpc = self

    def put(self, item: str, value: bytes, *keys: bytes) -> None:
        self.values[storage_key(self.shape, M, item, *keys)] = "0x" + value.hex()

    def call(self, method: str, params: list[Any]) -> Any:
        if method == "state_getStorage":
            return self.values.get(params[0])
        if method == "chain_getHeader":
            return {"number": hex(self.block)}
        raise AssertionError(method)

    def block_hash(self) -> str:
        return "0x" + "ab" * 32

    def block_number(self) -> int:
        return self.block


def with_epoch_items(base: RuntimeShape) -> RuntimeShape:
    """Spec 218's shape plus P2.6's per-subnet u64 epoch items (declared like RevealPeriodEpochs, default 0)."""
    like = base.item(M, "RevealPeriodEpochs")
    assert like is not None
    added = {f"{M}.{name}": dataclasses.replace(like, name=name, default=bytes(8))
             for name in ("SubnetEpochIndex", "LastEpochBlock", "PendingEpochAt")}
    return dataclasses.replace(base, storage={**base.storage, **added})


def u64(v: int) -> bytes:
    return v.to_bytes(8, "little")


def test_the_rule_is_read_from_the_metadata() -> None:
    s143, s218 = shape(143), shape(218)
    old = WeightCommits(Snapshot(s143, 5), None, lambda: s143)  # type: ignore[arg-type]
    with pytest.raises(PreconditionFailed, match="no commit_weights call"):
        old.need_declared()
    assert NO_COMMIT_CALL.endswith("`taocli weights set --netuid N`") and not old.rules(1).enabled
    node = Snapshot(s218, 5)
    room = WeightCommits(node, None, lambda: s218)  # type: ignore[arg-type]
    rules = room.rules(1)  # nothing written: the declared defaults (off, period 1, tempo 30 at spec 218)
    assert (rules.enabled, rules.period, rules.tempo, rules.by_index) == (False, 1, 30, False)
    node.put("CommitRevealWeightsEnabled", b"\x01", u16_key(1))
    assert room.rules(1).enabled
    assert WeightCommits(node, None, lambda: with_epoch_items(s218)).rules(1).by_index  # type: ignore[arg-type]


def test_the_index_branch_on_built_storage() -> None:
    """Spec 423+: WeightCommits holds (hash, commit_epoch, commit_block, 0) and the window follows the counter."""
    s = with_epoch_items(shape(218))
    node = Snapshot(s, 104)  # the reveal would land in block 105
    room = WeightCommits(node, None, lambda: s)  # type: ignore[arg-type]
    n, hot = u16_key(3), Keypair.from_uri("//AliceHot").public_key
    reveal = Reveal(3, (0, 1), (65535, 1000), (9, 9), 0)
    digest = reveal.digest(hot)
    node.put("CommitRevealWeightsEnabled", b"\x01", n)
    node.put("Tempo", (10).to_bytes(2, "little"), n)
    node.put("SubnetEpochIndex", u64(7), n)
    node.put("LastEpochBlock", u64(100), n)
    node.put("WeightCommits", b"\x04" + digest + u64(7) + u64(103) + u64(0), n, hot)
    (commit,) = room.on_chain(HOT, 3, room.rules(3))
    assert (commit.digest, commit.commit_epoch, commit.commit_block) == (digest, 7, 103)
    with pytest.raises(RevealNotYet, match="from about block 110 to 119 \\(now 104\\): retry at block 110") as exc:
        room.prepare_reveal_weights(HOT, reveal)
    assert exc.value.first == 110
    node.block = 109  # an epoch fires in block 110: the looked-ahead counter is 8 there
    _, (state,) = room.pending(HOT, 3, [digest])
    assert state.window is not None and state.window.state == OPEN and (state.window.first, state.window.last) == (
        110, 119)
    node.put("SubnetEpochIndex", u64(8), n)
    node.put("LastEpochBlock", u64(110), n)
    node.block = 119  # block 120 starts epoch 9: expired
    _, (state,) = room.pending(HOT, 3, [digest])
    assert state.window is not None and state.window.state == EXPIRED
    with pytest.raises(CommitNotOnChain):
        room.prepare_reveal_weights(HOT, Reveal(3, (0, 1), (65535, 1000), (9, 8), 0))


# -- the reveal data on disk ---------------------------------------------------------------------------------

def test_the_store_keeps_private_files_without_secrets(tmp_path: Path) -> None:
    store = CommitStore(tmp_path / "w")
    reveal = Reveal(2, (0, 4), (65535, 3), (1, 2, 3), 7)
    digest = commit_hash(Keypair.from_uri("//AliceHot").public_key, 2, (0, 4), (65535, 3), (1, 2, 3), 7)
    saved = store.save(HOT, "0xgen", reveal, digest)
    assert saved.path == tmp_path / "w" / "commits" / HOT / f"2-{digest.hex()[:16]}.json"
    assert stat.S_IMODE(saved.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(saved.path.parent.stat().st_mode) == 0o700
    doc = json.loads(saved.path.read_text())
    assert set(doc) == {"format", "hotkey", "genesis", "netuid", "uids", "values", "salt", "version_key", "hash",
                        "commit_block", "written"}
    store.save(HOT, "0xgen", reveal, digest, commit_block=41)  # completed once included: same file
    (record,), bad = store.pending(HOT, 2, "0xgen")
    assert (record.reveal, record.digest, record.commit_block, bad) == (reveal, digest, 41, [])
    assert store.pending(HOT, 2, "0xother") == ([], []) and store.pending(HOT, 3, "0xgen") == ([], [])
    broken = saved.path.with_name("2-broken.json")
    broken.write_text('{"format": 1, "uids": [70000]}')
    _, (problem,) = store.pending(HOT, 2, "0xgen")
    assert isinstance(problem, BadRecord) and "2-broken.json is unreadable" in str(problem) and broken.exists()
    store.remove(record)
    assert not record.path.exists()


def test_reveal_data_refuses_what_the_chain_cannot_take() -> None:
    for bad in [dict(uids=(0,), values=(1, 2)), dict(salt=(70_000,)), dict(values=(-1,)), dict(uids=(True,))]:
        fields: dict[str, Any] = {"netuid": 1, "uids": (0,), "values": (1,), "salt": (1,), "version_key": 0, **bad}
        with pytest.raises(ValueError):
            Reveal(**fields)


# -- the command line ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("args,line", [
    (["weights", "commit", "--netuid", "1", "--uids", "0", "--weights", "1", "--salt", "70000"],
     "--salt '70000': give comma-separated integers from 0 to 65535"),
    (["weights", "commit", "--netuid", "1", "-u", "0,x", "--weights", "1"], "--uids '0,x': give comma-separated"),
    (["weights", "reveal", "--netuid", "1", "--uids", "0"], "give --uids, --weights and --salt together"),
    (["weights", "reveal", "--netuid", "1", "-u", "0", "--weights", "1"], "give --uids, --weights and --salt"),
])
def test_cli_flags_are_parsed_before_any_chain(tmp_path: Path, args: list[str], line: str) -> None:
    """btcli 9's spellings (--uids/-u, --weights, --salt/-s, --netuid) parse; bad ones are one line, and no
    chain is dialled (the network flag points nowhere)."""
    res = run_cli([*args, "-n", "ws://127.0.0.1:9"], tmp_path)
    assert res.code != 0 and "Traceback" not in res.stderr
    assert line in res.one_error_line(), res.stderr
