"""Issue 5 end to end: Yuma consensus and emission on the running node, exact to the last RAO (slow).

One real node process (`--instant`, a genesis file with a short subnet tempo and the 2024 rule that only
root validators direct emission) is driven by the stock substrate-interface client: Alice creates
subnet 1, two validators and two miners burn-register, stake is added (Bob's validator is a delegate
with Ferdie as nominator), Bob's validator joins root and weights subnet 1, both validators weight the
subnet, and blocks are sealed with `dev_newBlock` past two subnet epochs.

Every expectation below is derived from chain state read at the right block hashes (history reads) and
the payout rules of spec §7.4/§7.5, re-derived here in integer fixed point; nothing is a stored number.
The epoch's vectors are also recomputed from the inputs the chain held one block earlier with the
plain-Python reference epoch, which shares no code with the vectorised epoch the node runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bt_decode
import pytest
from substrateinterface import Keypair, SubstrateInterface

from localnet.runtime.subtensor.epoch_types import EpochInput
from tests.integration.node_fixtures import NodeProcess
from tests.support.epoch_reference import epoch_reference

pytestmark = pytest.mark.slow

TAO = 10**9
U16_MAX = 65_535
NETUID = 1
SUBNET_TEMPO = 9
ROOT_TEMPO = 4

ALICE = Keypair.create_from_uri("//Alice")  # sudo and subnet owner
BOB = Keypair.create_from_uri("//Bob")  # coldkey of the delegate validator
CHARLIE = Keypair.create_from_uri("//Charlie")  # coldkey of the plain validator
DAVE = Keypair.create_from_uri("//Dave")
EVE = Keypair.create_from_uri("//Eve")
FERDIE = Keypair.create_from_uri("//Ferdie")  # nominator of Bob's validator
B_HOT = Keypair.create_from_uri("//Bob//validator")
C_HOT = Keypair.create_from_uri("//Charlie//validator")
MINER_1 = Keypair.create_from_uri("//Dave//miner")
MINER_2 = Keypair.create_from_uri("//Eve//miner")

#: (hotkey, coldkey that burn-registers it), in uid order.
NEURONS = ((B_HOT, BOB), (C_HOT, CHARLIE), (MINER_1, DAVE), (MINER_2, EVE))
VECTORS = ("Rank", "Trust", "Consensus", "Incentive", "Dividends", "ValidatorTrust", "Emission",
           "PruningScores", "ValidatorPermit", "Active")
#: storage item -> NeuronInfoLite field
LITE_FIELD = {"Rank": "rank", "Trust": "trust", "Consensus": "consensus", "Incentive": "incentive",
              "Dividends": "dividends", "ValidatorTrust": "validator_trust", "Emission": "emission",
              "PruningScores": "pruning_score", "ValidatorPermit": "validator_permit", "Active": "active"}


# --- the fixed-point rules of §7.4/§7.5, written out independently of the runtime ----------------------


def owner_cut(emission: int, cut_u16: int) -> tuple[int, int]:
    """(cut credited to the owner, remaining added to PendingEmission), both from one I96F32 value."""
    cut_bits = (emission * cut_u16 << 32) // U16_MAX
    return cut_bits >> 32, ((emission << 32) - cut_bits) >> 32


def expected_payout(se: int, ve: int, owner: str, take: int | None, stakes: dict[str, int],
                    total: int) -> dict[str, int]:
    """coldkey -> stake added for one (hotkey, server, validator) tuple (§7.5, I64F64)."""
    if take is None:
        return {owner: se + ve}
    take_rao = ((take << 64) // U16_MAX) * ve >> 64
    rest = ve - take_rao
    paid = {coldkey: (((stake << 64) // total) * rest >> 64) if total else 0 for coldkey, stake in stakes.items()}
    paid[owner] = paid.get(owner, 0) + take_rao + (rest - sum(paid.values())) + se
    return paid


# --- driving the node ----------------------------------------------------------------------------------


@dataclass
class Net:
    """The running chain and what the set-up learnt about it."""

    node: NodeProcess
    client: SubstrateInterface
    weights_block: int = 0
    root_weights_block: int = 0
    epochs: list[int] = field(default_factory=list)
    fees: int = 0  # paid by the set-up's extrinsics (burned by TransactionPayment)

    def submit(self, signer: Keypair, function: str, params: dict | None = None,
               module: str = "SubtensorModule") -> Any:
        call = self.client.compose_call(module, function, params or {})
        xt = self.client.create_signed_extrinsic(call=call, keypair=signer)
        receipt = self.client.submit_extrinsic(xt, wait_for_inclusion=True)
        assert receipt.is_success, (function, receipt.error_message)
        self.fees += receipt.total_fee_amount
        return receipt

    def sudo(self, function: str, params: dict) -> None:
        inner = self.client.compose_call("AdminUtils", function, params)
        receipt = self.submit(ALICE, "sudo", {"call": inner}, module="Sudo")
        events = [(e.value["module_id"], e.value["event_id"]) for e in receipt.triggered_events]
        assert ("Sudo", "Sudid") in events
        sudid = next(e.value["attributes"] for e in receipt.triggered_events if e.value["event_id"] == "Sudid")
        assert "Ok" in str(sudid), sudid

    def seal(self, count: int = 1) -> None:
        self.node.result("dev_newBlock", [{"count": count}])

    def head(self) -> int:
        return self.client.get_block_number(self.client.get_chain_head())

    def hash(self, number: int) -> str:
        return self.client.get_block_hash(number)

    def q(self, item: str, params: list | None = None, at: int | None = None) -> Any:
        block_hash = None if at is None else self.hash(at)
        return self.client.query("SubtensorModule", item, params or [], block_hash=block_hash).value

    def free(self, who: Keypair, at: int) -> int:
        account = self.client.query("System", "Account", [who.ss58_address], block_hash=self.hash(at))
        return account.value["data"]["free"]

    def stakes(self, hotkey: str, at: int) -> dict[str, int]:
        return {k.value: v.value for k, v in self.client.query_map("SubtensorModule", "Stake", [hotkey],
                                                                    block_hash=self.hash(at))}

    def delegates(self, at: int) -> dict[str, int]:
        """Delegates is a ValueQuery with the default take: only its keys say who is a delegate."""
        return {k.value: v.value for k, v in self.client.query_map("SubtensorModule", "Delegates",
                                                                    block_hash=self.hash(at))}

    def neurons(self, at: int, lite: bool = True) -> list:
        method = "neuronInfo_getNeuronsLite" if lite else "neuronInfo_getNeurons"
        raw = self.client.rpc_request(method, [NETUID, self.hash(at)])["result"]
        return (bt_decode.NeuronInfoLite if lite else bt_decode.NeuronInfo).decode_vec(bytes(raw))

    def seal_until_epoch(self, after: int) -> int:
        """Seal blocks one at a time until subnet 1 has stepped at a block later than `after`."""
        for _ in range(SUBNET_TEMPO + 2):
            if self.q("LastMechansimStepBlock", [NETUID]) > after:
                return self.q("LastMechansimStepBlock", [NETUID])
            self.seal()
        raise AssertionError(f"no subnet epoch within {SUBNET_TEMPO + 2} blocks after {after}")


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Net]:
    """Subnet 1 with a delegate validator (nominated), a plain validator and two miners, two epochs run."""
    data: Path = tmp_path_factory.mktemp("emission")
    genesis = data / "genesis.toml"
    genesis.write_text(f"[subtensor]\ntempo = {SUBNET_TEMPO}\nemission_without_root = false\n")
    node = NodeProcess(data / "chain", "--instant", "--genesis", str(genesis)).start()
    client = SubstrateInterface(url=node.url)
    net = Net(node, client)
    try:
        net.submit(ALICE, "register_network")
        assert net.q("SubnetOwner", [NETUID]) == ALICE.ss58_address
        assert net.q("Tempo", [NETUID]) == SUBNET_TEMPO
        net.sudo("sudo_set_tempo", {"netuid": 0, "tempo": ROOT_TEMPO})
        net.sudo("sudo_set_weights_set_rate_limit", {"netuid": 0, "weights_set_rate_limit": 0})
        net.sudo("sudo_set_target_registrations_per_interval",
                 {"netuid": NETUID, "target_registrations_per_interval": len(NEURONS)})
        net.submit(ALICE, "sudo_set_weights_set_rate_limit", {"netuid": NETUID, "weights_set_rate_limit": 0},
                   module="AdminUtils")  # the subnet owner signs directly
        for hotkey, coldkey in NEURONS:
            net.submit(coldkey, "burned_register", {"netuid": NETUID, "hotkey": hotkey.ss58_address})
        net.submit(BOB, "add_stake", {"hotkey": B_HOT.ss58_address, "amount_staked": 400 * TAO})
        net.submit(BOB, "become_delegate", {"hotkey": B_HOT.ss58_address})
        net.submit(FERDIE, "add_stake", {"hotkey": B_HOT.ss58_address, "amount_staked": 300 * TAO})
        net.submit(CHARLIE, "add_stake", {"hotkey": C_HOT.ss58_address, "amount_staked": 1000 * TAO})
        net.submit(BOB, "root_register", {"hotkey": B_HOT.ss58_address})
        net.submit(B_HOT, "set_weights", {"netuid": 0, "dests": [NETUID], "weights": [U16_MAX], "version_key": 0})
        net.root_weights_block = net.head()
        # permits are issued by the first epoch after registration; weights need them
        permits_epoch = net.seal_until_epoch(net.head())
        assert net.q("ValidatorPermit", [NETUID])[:2] == [True, True], permits_epoch
        # Charlie (more stake) backs Bob's validator and both miners; Bob backs Charlie and both miners.
        # Each row includes a self weight ; the epoch drops the diagonal.
        net.submit(B_HOT, "set_weights", {"netuid": NETUID, "dests": [0, 1, 2, 3],
                                          "weights": [65_535, 20_000, 65_535, 30_000],
                                          "version_key": 0})
        net.submit(C_HOT, "set_weights", {"netuid": NETUID, "dests": [0, 1, 2, 3],
                                          "weights": [25_000, 65_535, 50_000, 65_535],
                                          "version_key": 0})
        net.weights_block = net.head()
        for _ in range(2):
            epoch_block = net.seal_until_epoch(max([net.weights_block, *net.epochs]))
            net.seal()  # the payout block
            net.epochs.append(epoch_block)
        yield net
    finally:
        client.close()
        node.stop()


# --- the tests -------------------------------------------------------------------------------------------


def test_epochs_fall_on_the_tempo_schedule(net: Net) -> None:
    first, second = net.epochs
    for block in net.epochs:
        assert (block + NETUID + 1) % (SUBNET_TEMPO + 1) == SUBNET_TEMPO  # §7.4 blocks_until_next_epoch == 0
    assert second - first == SUBNET_TEMPO + 1
    assert net.q("BlocksSinceLastStep", [NETUID], at=second) == 0
    assert net.q("BlocksSinceLastStep", [NETUID], at=second - 1) == SUBNET_TEMPO


def test_root_weights_direct_block_emission_to_the_subnet(net: Net) -> None:
    before = net.root_weights_block - 1
    assert net.q("EmissionValues", [NETUID], at=before) == 0  # 2024 rule: no root weights, no emission
    assert net.q("PendingEmission", [NETUID], at=before) == 0
    for block in net.epochs:
        emission = net.q("EmissionValues", [NETUID], at=block)
        block_emission = net.q("BlockEmission", at=block)
        assert block_emission == TAO  # far below 10.5M TAO issued
        # the only weighted subnet gets the whole block emission, up to fixed-point truncation
        assert 0 < block_emission - emission <= 1 or emission == block_emission
        assert net.q("EmissionValues", [0], at=block) == 0


def test_owner_cut_and_pending_emission_add_up_every_block(net: Net) -> None:
    """Each block: owner's free balance + PendingEmission grow by exactly the subnet's emission share."""
    cut_u16 = net.q("SubnetOwnerCut")
    first, second = net.epochs
    for block in range(first + 2, second + 2):  # blocks with no extrinsic from Alice
        emission = net.q("EmissionValues", [NETUID], at=block)
        cut, remaining = owner_cut(emission, cut_u16)
        assert net.free(ALICE, block) - net.free(ALICE, block - 1) == cut
        assert cut == emission * cut_u16 // U16_MAX  # the cut is 18% of emission, truncated
        pending = net.q("PendingEmission", [NETUID], at=block)
        if block == second:
            assert pending == 0  # drained into the epoch
        else:
            assert pending - net.q("PendingEmission", [NETUID], at=block - 1) == remaining


@pytest.mark.parametrize("which", [0, 1])
def test_stake_grows_by_exactly_the_epoch_emission(net: Net, which: int) -> None:
    epoch = net.epochs[which]
    cut_u16 = net.q("SubnetOwnerCut")
    _, remaining = owner_cut(net.q("EmissionValues", [NETUID], at=epoch), cut_u16)
    drained = net.q("PendingEmission", [NETUID], at=epoch - 1) + remaining
    tuples = net.q("LoadedEmission", [NETUID], at=epoch)
    hotkeys = [net.q("Keys", [NETUID, uid], at=epoch) for uid in range(len(NEURONS))]
    assert [hk for hk, _, _ in tuples] == hotkeys == [hk.ss58_address for hk, _ in NEURONS]
    paid = sum(se + ve for _, se, ve in tuples)
    emission_vector = net.q("Emission", [NETUID], at=epoch)
    # Only rounding dust stays unpaid: each amount is floor(share · drained) of a share computed in I32F32,
    # so it may be short by its floor plus a few 2^-32 ulps of the drain.
    ulps = -(-drained // 2**32)
    assert paid <= drained and drained - paid <= 2 * len(tuples) * (1 + ulps)
    assert sum(emission_vector) <= drained and drained - sum(emission_vector) <= len(tuples) * (1 + ulps)
    for (_, se, ve), emission in zip(tuples, emission_vector, strict=True):
        # Emission = floor(normalize(I + D) · drained) vs floor(I/s · drained) + floor(D/s · drained)
        assert abs(se + ve - emission) <= 1 + 2 * ulps
    assert net.q("LoadedEmission", [NETUID], at=epoch + 1) is None  # drained in the next block

    delegates = net.delegates(epoch)
    expected: dict[tuple[str, str], int] = {}
    for hotkey, se, ve in tuples:
        take = delegates.get(hotkey)
        payout = expected_payout(se, ve, net.q("Owner", [hotkey], at=epoch), take, net.stakes(hotkey, epoch),
                                 net.q("TotalHotkeyStake", [hotkey], at=epoch))
        for coldkey, amount in payout.items():
            expected[(hotkey, coldkey)] = amount
    for (hotkey, coldkey), amount in expected.items():
        grew = net.q("Stake", [hotkey, coldkey], at=epoch + 1) - net.q("Stake", [hotkey, coldkey], at=epoch)
        assert grew == amount, (hotkey, coldkey)
    assert net.q("TotalStake", at=epoch + 1) - net.q("TotalStake", at=epoch) == paid == sum(expected.values())
    # the delegate paths were really exercised: take, a nominator share and server emission to a delegate
    b_hot, bob, ferdie = B_HOT.ss58_address, BOB.ss58_address, FERDIE.ss58_address
    b_tuple = tuples[0]
    assert b_tuple[1] > 0 and b_tuple[2] > 0  # Bob's validator earns incentive (Charlie backs it) and dividends
    assert expected[(b_hot, ferdie)] > 0 and expected[(b_hot, bob)] > expected[(b_hot, ferdie)]
    assert tuples[1][1] == 0 and tuples[1][2] > 0  # Charlie's validator: backed by a minority, dividends only
    # issuance: minted once (stake) plus the owner's cut of that block, nothing else
    cut_next = owner_cut(net.q("EmissionValues", [NETUID], at=epoch + 1), cut_u16)[0]
    assert net.q("TotalIssuance", at=epoch + 1) - net.q("TotalIssuance", at=epoch) == paid + cut_next


@pytest.mark.parametrize("which", [0, 1])
def test_epoch_results_are_in_storage_and_in_neuron_info(net: Net, which: int) -> None:
    epoch = net.epochs[which]
    stored = {item: net.q(item, [NETUID], at=epoch) for item in VECTORS}
    lite = net.neurons(epoch)
    assert len(lite) == len(NEURONS)
    for item, field_name in LITE_FIELD.items():
        assert [getattr(n, field_name) for n in lite] == stored[item], item
    full = net.neurons(epoch, lite=False)
    for uid, neuron in enumerate(full):
        bonds = [tuple(pair) for pair in net.q("Bonds", [NETUID, uid], at=epoch)]
        assert sorted(tuple(b) for b in neuron.bonds) == sorted(b for b in bonds if b[1]), uid
        weights = [tuple(pair) for pair in net.q("Weights", [NETUID, uid], at=epoch)]
        assert sorted(tuple(w) for w in neuron.weights) == sorted(w for w in weights if w[1]), uid
        stakes = net.stakes(net.q("Keys", [NETUID, uid], at=epoch), epoch)
        assert {net.client.ss58_encode(bytes(c)): s for c, s in lite[uid].stake} == stakes, uid
        assert [getattr(neuron, f) for f in LITE_FIELD.values()] == [getattr(lite[uid], f) for f in LITE_FIELD.values()]
    # what the stored vectors mean here
    assert stored["Active"] == [True] * len(NEURONS)
    assert stored["ValidatorPermit"] == [True] * len(NEURONS)  # fewer uids than MaxAllowedValidators
    assert stored["Incentive"][1] == 0 and stored["Consensus"][1] == 0  # only Bob (minority stake) backs Charlie
    assert min(stored["Incentive"][i] for i in (0, 2, 3)) > 0
    assert stored["Dividends"][2:] == [0, 0] and min(stored["Dividends"][:2]) > 0
    assert stored["ValidatorTrust"][2:] == [0, 0] and min(stored["ValidatorTrust"][:2]) > 0
    assert max(stored["PruningScores"]) == U16_MAX
    assert any(net.q("Bonds", [NETUID, uid], at=epoch) for uid in (0, 1))


@pytest.mark.parametrize("which", [0, 1])
def test_epoch_equals_the_reference_on_the_chains_own_inputs(net: Net, which: int) -> None:
    """Recompute the epoch from what the chain held one block earlier, with the plain-Python reference."""
    epoch = net.epochs[which]
    before = epoch - 1
    n = net.q("SubnetworkN", [NETUID], at=before)
    hotkeys = [net.q("Keys", [NETUID, uid], at=before) for uid in range(n)]
    _, remaining = owner_cut(net.q("EmissionValues", [NETUID], at=epoch), net.q("SubnetOwnerCut"))
    rows = {item: {uid: net.q(item, [NETUID, uid], at=before) for uid in range(n)} for item in ("Weights", "Bonds")}
    inp = EpochInput(
        n=n, block=epoch, activity_cutoff=net.q("ActivityCutoff", [NETUID], at=before),
        last_update=net.q("LastUpdate", [NETUID], at=before),
        block_at_registration=[net.q("BlockAtRegistration", [NETUID, uid], at=before) for uid in range(n)],
        stake=[net.q("TotalHotkeyStake", [hk], at=before) for hk in hotkeys],
        validator_permit=net.q("ValidatorPermit", [NETUID], at=before),
        max_allowed_validators=net.q("MaxAllowedValidators", [NETUID], at=before),
        kappa=net.q("Kappa", [NETUID], at=before),
        bonds_moving_average=net.q("BondsMovingAverage", [NETUID], at=before),
        weights={uid: [tuple(e) for e in row] for uid, row in rows["Weights"].items()},
        bonds={uid: [tuple(e) for e in row] for uid, row in rows["Bonds"].items()},
        rao_emission=net.q("PendingEmission", [NETUID], at=before) + remaining)
    out = epoch_reference(inp)
    stored = {item: net.q(item, [NETUID], at=epoch) for item in VECTORS}
    assert out.stored_vectors() == stored
    assert [[hk, se, ve] for hk, (_, se, ve) in zip(hotkeys, out.emission_tuples(), strict=True)] == \
        [list(t) for t in net.q("LoadedEmission", [NETUID], at=epoch)]
    for uid, row in out.bond_rows().items():
        assert [tuple(e) for e in net.q("Bonds", [NETUID, uid], at=epoch)] == [tuple(e) for e in row], uid


def test_issuance_is_the_tokens_that_exist(net: Net) -> None:
    """§14.2 on the node: free balances + stake + the subnet lock (+ burned fees) = TotalIssuance."""
    head = net.head()
    balances = net.client.query("Balances", "TotalIssuance", block_hash=net.hash(head)).value
    locked = sum(net.q("SubnetLocked", [netuid], at=head) for netuid in (0, NETUID))
    assert net.fees > 0  # the owner's direct AdminUtils call pays a fee
    assert net.q("TotalIssuance", at=head) == balances + net.q("TotalStake", at=head) + locked + net.fees
