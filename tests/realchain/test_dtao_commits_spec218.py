"""Commit-reveal of weights through the real `taocli --json` on the real spec-218 runtime under chopsticks: the
commit's hash and window equal what the runtime stores, a reveal too early is refused naming the first block
(nothing sent), a wrong stored salt gets the runtime's own refusal in one line (the file kept), the reveal in the
window stores exactly the committed weights, `weights set` commits on a commit-reveal subnet, an expired commit
is reported and its file removed; and the validator loop commits, restarts and reveals. Reuses the chain and CLI
set-up of test_dtao_cli_spec218.py."""

from __future__ import annotations

import json
import stat
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from chain.dtao.commit_reveal import commit_hash, reveal_window
from chain.runtime.storage_items import storage_key
from chain.storage import u16_key
from tests.integration.test_cli_chain_support import ChainCli
from tests.realchain.test_dtao_cli_spec218 import cli as cli  # the module fixtures: one chain per module
from tests.realchain.test_dtao_cli_spec218 import with_block
from tests.realchain.test_dtao_spec218 import Chain, M
from tests.realchain.test_dtao_spec218 import chain as chain

pytestmark = [pytest.mark.realchain, pytest.mark.slow]
TEMPO = 10  # a short epoch keeps the walk to the reveal window to a few seconds (dev_newBlock ~0.3 s)


def new_cr_subnet(chain: Chain) -> int:
    """A new subnet (AliceHot is uid 0) with commit-reveal switched on, no weights rate limit, tempo 10."""
    _, netuid = chain.register_network()
    n = u16_key(netuid)
    chain.set_storage([[storage_key(chain.shape, M, "CommitRevealWeightsEnabled", n), "0x01"],
                       [storage_key(chain.shape, M, "WeightsSetRateLimit", n), "0x" + "00" * 8],
                       [storage_key(chain.shape, M, "Tempo", n), "0x" + TEMPO.to_bytes(2, "little").hex()]])
    chain.new_block()
    return netuid


@pytest.fixture(scope="module")
def cr_subnet(chain: Chain) -> int:
    return new_cr_subnet(chain)


def now(chain: Chain) -> int:
    return int(chain.node.call("chain_getHeader")["number"], 16)


def walk_to(chain: Chain, block: int) -> None:
    """Build blocks until the next extrinsic lands in `block`."""
    if block - 1 > now(chain):
        chain.new_block(block - 1 - now(chain))


def stored_commits(chain: Chain, netuid: int) -> list[tuple[bytes, int, int, int]]:
    at = chain.node.call("chain_getBlockHash")
    return chain.read("WeightCommits", u16_key(netuid), chain.pub("AliceHot"), at=at) or []  # type: ignore[return-value]


def test_commit_then_reveal_through_the_cli(chain: Chain, cli: ChainCli, cr_subnet: int) -> None:
    netuid = cr_subnet
    done = with_block(chain, lambda: cli.ok("weights", "commit", "--netuid", str(netuid), "--uids", "0",
                                            "--weights", "1", wallet="owner"))
    assert "SubtensorModule.WeightsCommitted" in done["receipt"]["events"]
    block, window = done["commit_block"], done["reveal_window"]
    first, last = reveal_window(block, netuid, TEMPO, 1)
    assert (window["first"], window["last"], window["exact"]) == (first, last, True)
    ((digest, stored_block, stored_first, stored_last),) = [c for c in stored_commits(chain, netuid)
                                                            if "0x" + bytes(c[0]).hex() == done["hash"]]
    assert (stored_block, stored_first, stored_last) == (block, first, last)  # R218 stores its own window

    path = Path(done["file"])  # the reveal data, private, under the wallet, no secret in it
    kept = json.loads(path.read_text())
    assert path.parent == cli.wallets / "owner" / "commits" / chain.ss58("AliceHot")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert (kept["uids"], kept["values"], kept["commit_block"]) == ([0], [65535], block) and len(kept["salt"]) == 8
    assert commit_hash(chain.pub("AliceHot"), netuid, [0], [65535], kept["salt"], kept["version_key"]) == digest

    before = chain.node.call("chain_getBlockHash")
    line = cli.fails("weights", "reveal", "--netuid", str(netuid), wallet="owner")
    assert "too early" in line and f"opens at block {first}" in line, line
    assert chain.node.call("author_pendingExtrinsics") == [] and chain.node.call("chain_getBlockHash") == before
    assert path.exists()

    walk_to(chain, first)
    forged = {**kept, "salt": [s ^ 1 for s in kept["salt"]]}  # the hash in the file is right, the salt is not
    path.write_text(json.dumps(forged))
    line = with_block(chain, lambda: cli.fails("weights", "reveal", "--netuid", str(netuid), wallet="owner"))
    assert "InvalidRevealCommitHashNotMatch" in line and str(path) in line, line
    assert path.exists() and digest in [c[0] for c in stored_commits(chain, netuid)]  # nothing lost
    path.write_text(json.dumps(kept))

    done = with_block(chain, lambda: cli.ok("weights", "reveal", "--netuid", str(netuid), wallet="owner"))
    (revealed,) = done["revealed"]
    assert "SubtensorModule.WeightsRevealed" in revealed["receipt"]["events"]
    assert first <= revealed["receipt"]["block_number"] <= last
    at = chain.node.call("chain_getBlockHash")
    assert chain.read("Weights", u16_key(netuid), u16_key(0), at=at) == [(0, 65535)]
    assert not path.exists() and digest not in [c[0] for c in stored_commits(chain, netuid)]


def test_weights_set_commits_on_a_commit_reveal_subnet(chain: Chain, cli: ChainCli, cr_subnet: int) -> None:
    netuid = cr_subnet
    done = with_block(chain, lambda: cli.ok("weights", "set", "--netuid", str(netuid), "--uids", "0", "--weights",
                                            "1", wallet="owner"))
    assert done["committed"] is True and "SubtensorModule.WeightsCommitted" in done["receipt"]["events"]
    assert done["hash"] in ["0x" + bytes(c[0]).hex() for c in stored_commits(chain, netuid)]
    assert Path(done["file"]).exists()
    people = cli.run("weights", "set", "--netuid", str(netuid), "--uids", "0", "--weights", "1", wallet="owner",
                     json_out=False, yes=False)  # no stdin: it stops at the confirmation, after saying why
    assert "has commit-reveal on" in people.stdout and "weights reveal --netuid" in people.stdout
    assert chain.node.call("author_pendingExtrinsics") == []

    walk_to(chain, done["reveal_window"]["last"] + 1)  # past the window: expired, reported, file removed
    line = cli.fails("weights", "reveal", "--netuid", str(netuid), wallet="owner")
    assert "nothing to reveal" in line and "1 expired (removed)" in line, line
    assert not Path(done["file"]).exists()


def test_btcli_form_reveal_and_refusals(chain: Chain, cli: ChainCli, cr_subnet: int) -> None:
    """btcli 9's `weights reveal --uids --weights --salt`; a commit on a subnet with commit-reveal off and a
    reveal of weights never committed: one line each, nothing sent."""
    netuid = cr_subnet
    done = with_block(chain, lambda: cli.ok("weights", "commit", "--netuid", str(netuid), "-u", "0", "--weights",
                                            "3", "-s", "1,2,3", wallet="owner"))
    Path(done["file"]).unlink()  # the user kept the salt elsewhere, as btcli users do
    line = cli.fails("weights", "reveal", "--netuid", str(netuid), "-u", "0", "--weights", "1", "-s", "1,2,4",
                     wallet="owner")
    assert "is not on chain" in line, line
    walk_to(chain, done["reveal_window"]["first"])
    shown = with_block(chain, lambda: cli.ok("weights", "reveal", "--netuid", str(netuid), "-u", "0", "--weights",
                                             "1", "-s", "1,2,3", wallet="owner"))
    assert "SubtensorModule.WeightsRevealed" in shown["receipt"]["events"]
    before = chain.node.call("chain_getBlockHash")
    line = cli.fails("weights", "commit", "--netuid", "1", "--uids", "0", "--weights", "1", wallet="owner")
    assert "commit-reveal is off on subnet 1" in line and "weights set --netuid 1" in line, line
    line = cli.fails("weights", "reveal", "--netuid", str(netuid), "--uids", "0", wallet="owner")
    assert "together" in line
    assert chain.node.call("chain_getBlockHash") == before and chain.node.call("author_pendingExtrinsics") == []


def land(chain: Chain, sender: threading.Thread | None) -> None:
    """Build one block once the validator's sender thread has put its extrinsic in the pool (Manual mode)."""
    assert sender is not None
    deadline = time.monotonic() + 30
    while not chain.node.call("author_pendingExtrinsics") and sender.is_alive():
        assert time.monotonic() < deadline, "the validator never submitted"
        time.sleep(0.05)
    if sender.is_alive():
        chain.new_block()
    sender.join(30)


def test_a_validator_commits_then_reveals_after_a_restart(chain: Chain, tmp_path: Path) -> None:
    """The validator loop on a commit-reveal subnet: its weights go out as a commit, the reveal data is in its
    saved state, and a restarted validator reveals them in the window; the chain then holds exactly them."""
    from neuron.base import NeuronConfig
    from neuron.template import resolve
    from neuron.validator import Validator
    from wallet.keypair import Keypair

    netuid = new_cr_subnet(chain)
    n = u16_key(netuid)
    config = NeuronConfig(role="validator", netuid=netuid, network=chain.node.url,
                          hotkey=Keypair.from_uri("//AliceHot"), wallet_name="owner", hotkey_name="default",
                          template_dir=resolve("echo"), state_dir=tmp_path / "vali", serve=False, step_seconds=0.05)
    v = Validator(config)
    v.check_registered()
    v.setup()
    try:
        assert v.uid == 0
        v.state.scores[0] = 1.0  # a self weight: the one uid of this subnet
        v.metagraph.validator_permit[0] = True  # the loop's own permit check (the chain waives it for self weight)
        v.try_set_weights(v.link.block())
        land(chain, v._sending)
        v.wait_for_weights(5)
        (entry,) = v.state.commits
        assert v.status.fields["last_commit"]["block"] == entry["commit_block"] and not v.weights_due
        from taocli.commands.neurons import status_lines  # what `taocli validator status` shows people

        shown = dict(status_lines({"role": "validator", **v.status.fields}))
        assert shown["last weights committed"].startswith(f"block #{entry['commit_block']} (hash {entry['hash'][:16]}")
        ((digest, block, first, last),) = stored_commits(chain, netuid)
        assert (digest.hex(), block) == (entry["hash"], entry["commit_block"])
        v.weights_due = True  # the next epoch's weights wait for this commit's reveal (it resets the rate limit)
        v.try_set_weights(v.link.block())
        assert v._sending is None and "revealing the previous commit first" in v.status.fields["weights_wait"]
    finally:
        v.shutdown()

    again = Validator(config)  # a restart: only the saved state knows the salt
    again.check_registered()
    again.setup()
    try:
        assert [c["hash"] for c in again.state.commits] == [entry["hash"]]
        again.try_reveal(now(chain))
        assert again._sending is None and f"revealed from block {first}" in again.status.fields["reveal_wait"]
        assert f"revealed from block {first}" in dict(status_lines({"role": "validator",
                                                                     **again.status.fields}))["reveal waits"]
        walk_to(chain, first)
        again.try_reveal(now(chain))
        land(chain, again._sending)
        again.wait_for_weights(5)
        at = chain.node.call("chain_getBlockHash")
        assert chain.read("Weights", n, u16_key(0), at=at) == [(0, 65535)] == [tuple(entry["uids"] + entry["values"])]
        assert again.state.commits == [] and stored_commits(chain, netuid) == []
        assert first <= again.status.fields["last_weights"]["block"] == again.state.last_weights_block <= last
    finally:
        again.shutdown()


def test_a_commit_the_runtime_refuses_leaves_no_reveal_data(chain: Chain, cli: ChainCli, cr_subnet: int) -> None:
    """The reveal data is written before signing; when the runtime then refuses the commit (here commit-reveal
    is switched off while the commit waits in the pool: CommitRevealDisabled), the file goes with it."""
    netuid, key = cr_subnet, storage_key(chain.shape, M, "CommitRevealWeightsEnabled", u16_key(cr_subnet))
    folder = cli.wallets / "owner" / "commits" / chain.ss58("AliceHot")
    before = set(folder.glob(f"{netuid}-*.json")) if folder.exists() else set()
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(lambda: cli.fails("weights", "commit", "--netuid", str(netuid), "--uids", "0",
                                                "--weights", "1", wallet="owner"))
        deadline = time.monotonic() + 30
        while not chain.node.call("author_pendingExtrinsics"):
            assert time.monotonic() < deadline and not running.done(), "the CLI never submitted"
            time.sleep(0.05)
        assert set(folder.glob(f"{netuid}-*.json")) - before  # written before signing
        chain.set_storage([[key, "0x00"]])
        chain.new_block()
        line = running.result(timeout=60)
    chain.set_storage([[key, "0x01"]])
    chain.new_block()
    assert "CommitRevealDisabled" in line, line
    assert set(folder.glob(f"{netuid}-*.json")) == before
