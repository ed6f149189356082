"""Halving and issuance (spec §14.1, §14.2) through the real Runtime, block by block, in process.

The chain's genesis holds almost 10.5M TAO of real balances, so the pallet's TotalIssuance starts just
below the first halving. Signed extrinsics (scalecodec-composed from our metadata, sr25519-signed) create
a subnet, register and stake a neuron; the executive runs each block's step. The tests then read every
block's state: block emission must follow the issuance the chain has really minted (it halves in the
block after minted emission crosses 10.5M TAO), and TotalIssuance must always equal the tokens that
exist — free balances + stake + subnet locks (+ transaction fees, which Balances burns but the pallet
does not count) — so add_stake moves tokens without raising it and a drain counts its emission once.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

import pytest

from localnet.genesis import dev_genesis
from localnet.runtime.executive import Runtime
from localnet.runtime.subtensor import storage as st
from localnet.runtime.subtensor.networks import register_network
from localnet.runtime.subtensor.registration import burned_register
from localnet.runtime.subtensor.root import root_register
from localnet.runtime.subtensor.staking import add_stake
from localnet.runtime.subtensor.weights import set_weights
from tests.support.devchain import DevBlock
from tests.unit.test_subtensor_harness import Chain, acct
from tests.unit.test_subtensor_runtime import Client, Journey
from wallet.keypair import Keypair

TAO = 10**9
CAP = 21_000_000 * TAO
FIRST_HALVING = CAP // 2
TEMPO = 2
MARGIN = 4 * TAO  # genesis issuance sits this far below 10.5M TAO

ALICE, BOB = Keypair.from_uri("//Alice"), Keypair.from_uri("//Bob")
ZED = Keypair.from_uri("//Zed")
HOT = Keypair.from_uri("//Bob//hot")


def expected_block_emission(issuance: int) -> int:
    """§1 "current" formula `floor(1e9 / 2^floor(log2(cap / (cap - issuance))))`, exactly.

    floor(log2(x)) = floor(log2(floor(x))) for x >= 1, and for an integer that is bit_length - 1.
    """
    if issuance >= CAP:
        return 0
    return TAO >> ((CAP // (CAP - issuance)).bit_length() - 1)


class Books:
    """Reads of one block's state through the runtime's storage declarations."""

    def __init__(self, runtime: Runtime, block: DevBlock) -> None:
        self.runtime, self.block = runtime, block

    def sub(self, item: str, *keys: object) -> int:
        return self.runtime.read(self.block.state, "SubtensorModule", item, *keys)

    def balances_issuance(self) -> int:
        return self.runtime.read(self.block.state, "Balances", "TotalIssuance")

    def fees(self, client: Client) -> int:
        """Fees paid in this block (TransactionPayment burns them from Balances)."""
        raw = self.block.state.get(self.runtime.storage_key("System", "Events"))
        if raw is None:  # genesis
            return 0
        return sum(e["attributes"]["actual_fee"] for e in client.events(raw)
                   if e["event_id"] == "TransactionFeePaid")

    def locks(self) -> int:
        return sum(self.sub("SubnetLocked", netuid) for netuid in (0, 1))  # root and the one subnet


@pytest.fixture(scope="module")
def chain() -> tuple[Runtime, Client, Journey, dict[str, int]]:
    """A subnet with one staked neuron, run until well past the first halving."""
    genesis = dev_genesis()
    genesis = replace(genesis, balances={**genesis.balances, ZED.public_key: FIRST_HALVING - MARGIN
                                         - sum(genesis.balances.values())},
                      sections={"subtensor": {"tempo": TEMPO}})
    runtime = Runtime(genesis)
    client = Client(runtime)
    j = Journey(runtime, client)
    marks = {}
    j.submit(ALICE, "register_network")
    j.submit(BOB, "burned_register", netuid=1, hotkey="0x" + HOT.public_key.hex())
    j.submit(BOB, "add_stake", hotkey="0x" + HOT.public_key.hex(), amount_staked=50 * TAO)
    marks["add_stake"] = j.chain.head.number
    for _ in range(20):
        j.chain.produce()
    return runtime, client, j, marks


def test_genesis_issuance_is_the_real_balances(chain) -> None:
    runtime, _, j, _ = chain
    genesis = Books(runtime, j.chain.blocks[0])
    assert genesis.sub("TotalIssuance") == genesis.balances_issuance() == FIRST_HALVING - MARGIN


def test_block_emission_halves_when_minted_issuance_crosses_10_5m(chain) -> None:
    runtime, _, j, _ = chain
    seen = []
    for parent, block in pairwise(j.chain.blocks):
        issuance_before = Books(runtime, parent).sub("TotalIssuance")
        now = Books(runtime, block)
        assert now.sub("BlockEmission") == expected_block_emission(issuance_before), block.number
        # the local fallback shares block emission between user subnets (one here) once it exists
        if Books(runtime, parent).sub("NetworksAdded", 1):
            assert now.sub("EmissionValues", 1) == now.sub("BlockEmission")
        seen.append((issuance_before >= FIRST_HALVING, now.sub("BlockEmission")))
    assert (False, TAO) in seen and (True, TAO // 2) in seen
    crossing = next(i for i, (above, _) in enumerate(seen) if above)
    assert all(not above for above, _ in seen[:crossing]) and all(above for above, _ in seen[crossing:])
    # the halving was reached by minting, not by a write: nobody set TotalIssuance in these blocks
    head = Books(runtime, j.chain.head)
    assert head.sub("TotalIssuance") > FIRST_HALVING
    assert head.sub("TotalIssuance") == head.balances_issuance() + head.sub("TotalStake") + head.locks()


def test_issuance_counts_only_tokens_that_exist_every_block(chain) -> None:
    runtime, client, j, _ = chain
    paid_fees = 0
    for block in j.chain.blocks:
        books = Books(runtime, block)
        paid_fees += books.fees(client)
        assert books.sub("TotalIssuance") == (books.balances_issuance() + books.sub("TotalStake") + books.locks()
                                              + paid_fees), block.number


def test_add_stake_moves_tokens_without_minting(chain) -> None:
    runtime, _, j, marks = chain
    number = marks["add_stake"]
    before, after = Books(runtime, j.chain.blocks[number - 1]), Books(runtime, j.chain.blocks[number])
    bob = runtime.read(after.block.state, "System", "Account", BOB.public_key)["data"]["free"]
    bob_before = runtime.read(before.block.state, "System", "Account", BOB.public_key)["data"]["free"]
    assert bob_before - bob == 50 * TAO
    moved_in = after.sub("Stake", HOT.public_key, BOB.public_key) - before.sub("Stake", HOT.public_key, BOB.public_key)
    assert moved_in >= 50 * TAO
    minted = (after.sub("TotalIssuance") - before.sub("TotalIssuance"))
    owner_cut = (runtime.read(after.block.state, "System", "Account", ALICE.public_key)["data"]["free"]
                 - runtime.read(before.block.state, "System", "Account", ALICE.public_key)["data"]["free"])
    payouts = moved_in - 50 * TAO
    assert minted == owner_cut + payouts  # the 2024 pallet would add the 50 TAO as well


def test_drain_counts_emission_once(chain) -> None:
    runtime, _, j, _ = chain
    drains = 0
    for parent, block in pairwise(j.chain.blocks):
        loaded = Books(runtime, parent).sub("LoadedEmission", 1)
        if not loaded or block.outcome is None or block.extrinsics[1:]:
            continue
        drains += 1
        before, after = Books(runtime, parent), Books(runtime, block)
        paid = sum(se + ve for _, se, ve in loaded)
        assert after.sub("TotalStake") - before.sub("TotalStake") == paid
        owner_cut = after.balances_issuance() - before.balances_issuance()
        assert 0 < owner_cut < after.sub("EmissionValues", 1)
        assert after.sub("TotalIssuance") - before.sub("TotalIssuance") == paid + owner_cut  # 2024: 2·paid + cut
    assert drains >= 3


def test_sudo_set_total_issuance_drives_block_emission_down_to_the_cap() -> None:
    runtime = Runtime()
    client = Client(runtime)
    j = Journey(runtime, client)
    j.submit(ALICE, "register_network")
    j.submit(BOB, "burned_register", netuid=1, hotkey="0x" + HOT.public_key.hex())
    j.submit(BOB, "add_stake", hotkey="0x" + HOT.public_key.hex(), amount_staked=50 * TAO)
    for issuance in (FIRST_HALVING - 1, FIRST_HALVING, CAP * 3 // 4, CAP - 1, CAP):
        inner = {"call_module": "AdminUtils", "call_function": "sudo_set_total_issuance",
                 "call_args": {"total_issuance": issuance}}
        events = j.submit(ALICE, "sudo", module="Sudo", call=inner)
        assert any(e["event_id"] == "Sudid" and "Ok" in str(e["attributes"]) for e in events)
        assert j.read("TotalIssuance") == issuance
        block = j.chain.produce()
        assert j.read("BlockEmission") == expected_block_emission(issuance)
        assert j.read("EmissionValues", 1) == j.read("BlockEmission"), block.number
    # at the cap nothing is minted any more: neither owner cut nor stake
    for _ in range(2 * (TEMPO + 1)):
        j.chain.produce()
    assert j.read("BlockEmission") == 0 and j.read("TotalIssuance") == CAP



def test_root_directed_subnets_follow_the_halving_at_once() -> None:
    """EmissionValues are amounts fixed by the root epoch; a halving between root epochs must cut them
    too, or subnets keep receiving the old amount for up to a root tempo (100 blocks)."""
    chain = Chain({"subnet_owner_cut": 0})
    chain.put(st.WeightsSetRateLimit, 0, 0)
    owner, miner_cold, miner, root_cold, root_hot = acct(1), acct(2), acct(3), acct(4), acct(5)
    chain.fund(owner, 1_000 * TAO)
    chain.call(owner, register_network)
    chain.put(st.Tempo, 1, TEMPO)
    chain.fund(miner_cold, 10 * TAO)
    chain.call(miner_cold, burned_register, 1, miner)
    chain.call(miner_cold, add_stake, miner, TAO)
    chain.fund(root_cold, 10 * TAO)
    chain.call(root_cold, root_register, root_hot)
    chain.call(root_cold, add_stake, root_hot, TAO)
    chain.call(root_hot, set_weights, 0, [1], [1], 0)
    while chain.get(st.EmissionValues, 1) == 0:  # the first root epoch (root tempo 100)
        chain.step()
    root_epoch_block = chain.block
    chain.put(st.TotalIssuance, FIRST_HALVING - 1)  # as if minted: the halving falls within a few blocks
    crossed = None
    for _ in range(3 * (TEMPO + 1)):
        pending, issuance = chain.get(st.PendingEmission, 1), chain.get(st.TotalIssuance)
        chain.step()
        emission = chain.get(st.BlockEmission)
        assert emission == expected_block_emission(issuance)
        assert chain.get(st.EmissionValues, 1) == emission, chain.block  # the one weighted subnet gets it all
        if chain.get(st.PendingEmission, 1):  # not the epoch block, which drains it
            assert chain.get(st.PendingEmission, 1) - pending == emission, chain.block
        if emission == TAO // 2 and crossed is None:
            crossed = chain.block
    assert crossed is not None and crossed - root_epoch_block < 100  # well before the next root epoch
