"""The real node process with the stock client (slow): a proof-of-work registration found by a solver
and checked by the node, info RPC replies decoded by bt_decode against storage, and bad input: each
error path answers its module error, leaves every storage item except fee and nonce as it was, and the
node keeps producing blocks."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from typing import Any

import bt_decode
import pytest
from Crypto.Hash import keccak
from substrateinterface import Keypair, SubstrateInterface
from xxhash import xxh64

from tests.integration.node_fixtures import NodeProcess, instant_node  # noqa: F401 - fixture
from tests.unit.test_subtensor_governance_client import governance_journey

pytestmark = pytest.mark.slow

ALICE, BOB, CHARLIE, DAVE = (Keypair.create_from_uri(f"//{n}") for n in ("Alice", "Bob", "Charlie", "Dave"))
MINER = Keypair.create_from_uri("//Charlie//pow-miner")
OTHER = Keypair.create_from_uri("//Charlie//other")
TAO = 10**9
DIFFICULTY = 2_000


@pytest.fixture(scope="module")
def substrate(instant_node: NodeProcess) -> Iterator[SubstrateInterface]:  # noqa: F811
    client = SubstrateInterface(url=instant_node.url)
    yield client
    client.close()


def send(client: SubstrateInterface, signer: Keypair, function: str, params: dict[str, Any],
         module: str = "SubtensorModule") -> Any:
    call = client.compose_call(module, function, params)
    xt = client.create_signed_extrinsic(call=call, keypair=signer)
    return client.submit_extrinsic(xt, wait_for_inclusion=True)


def keccak256(data: bytes) -> bytes:
    return keccak.new(data=data, digest_bits=256).digest()


def solve(block_hash: bytes, hotkey: bytes, difficulty: int) -> tuple[int, bytes]:
    """A miner's solver, written from the 2024 seal definition (not the node's code)."""
    pre = keccak256(block_hash + hotkey)
    for nonce in itertools.count():
        seal = keccak256(hashlib.sha256(nonce.to_bytes(8, "little") + pre).digest())
        if int.from_bytes(seal, "big") * difficulty < 2**256:
            return nonce, seal
    raise AssertionError("unreachable")


def head(client: SubstrateInterface) -> tuple[int, bytes]:
    number = int(client.rpc_request("chain_getHeader", [])["result"]["number"], 16)
    block_hash = client.rpc_request("chain_getBlockHash", [number])["result"]
    return number, bytes.fromhex(block_hash[2:])


def twox128(name: str) -> str:
    raw = name.encode()
    return b"".join(xxh64(raw, seed=i).intdigest().to_bytes(8, "little") for i in (0, 1)).hex()


def snapshot(client: SubstrateInterface) -> dict[str, str]:
    """Every storage pair except the per-block bookkeeping (System, Timestamp) and the issuance fees burn."""
    keys: list[str] = []
    while True:
        page = client.rpc_request("state_getKeysPaged", ["0x", 1000, keys[-1] if keys else None])["result"]
        keys += page
        if len(page) < 1000:
            break
    skip = ("0x" + twox128("System"), "0x" + twox128("Timestamp"),
            "0x" + twox128("Balances") + twox128("TotalIssuance"))
    keys = [k for k in keys if not k.startswith(skip)]
    pairs: dict[str, str] = {}
    for i in range(0, len(keys), 500):
        for change in client.rpc_request("state_queryStorageAt", [keys[i:i + 500]])["result"][0]["changes"]:
            pairs[change[0]] = change[1]
    return pairs


def moving_keys(client: SubstrateInterface) -> set[str]:
    """Keys an empty block changes by itself (the block step: emission, counters), sealed via dev_newBlock."""
    before = snapshot(client)
    client.rpc_request("dev_newBlock", [1])
    after = snapshot(client)
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


def account(client: SubstrateInterface, who: Keypair) -> tuple[int, int]:
    info = client.query("System", "Account", [who.ss58_address]).value
    return info["nonce"], info["data"]["free"]


@pytest.fixture(scope="module")
def netuid(substrate: SubstrateInterface) -> int:
    """A subnet owned by Alice (whose free balance then moves every block: the owner cut)."""
    assert send(substrate, ALICE, "register_network", {}).is_success
    return max(k.value for k, v in substrate.query_map("SubtensorModule", "NetworksAdded") if v.value)


def test_pow_registration_end_to_end(substrate: SubstrateInterface, netuid: int) -> None:
    for setter, params in (("sudo_set_difficulty", {"netuid": netuid, "difficulty": DIFFICULTY}),
                           ("sudo_set_network_pow_registration_allowed",
                            {"netuid": netuid, "registration_allowed": True})):
        inner = substrate.compose_call("AdminUtils", setter, params)
        receipt = send(substrate, ALICE, "sudo", {"call": inner}, module="Sudo")
        assert receipt.is_success and "Ok" in str(receipt.triggered_events), receipt.error_message
    assert substrate.query("SubtensorModule", "Difficulty", [netuid]).value == DIFFICULTY

    number, block_hash = head(substrate)
    nonce, seal = solve(block_hash, MINER.public_key, DIFFICULTY)
    receipt = send(substrate, MINER, "register", {
        "netuid": netuid, "block_number": number, "nonce": nonce, "work": "0x" + seal.hex(),
        "hotkey": MINER.ss58_address, "coldkey": CHARLIE.ss58_address})
    assert receipt.is_success, receipt.error_message
    assert ("SubtensorModule", "NeuronRegistered") in [
        (e.value["module_id"], e.value["event_id"]) for e in receipt.triggered_events]
    uid = substrate.query("SubtensorModule", "Uids", [netuid, MINER.ss58_address]).value
    assert substrate.query("SubtensorModule", "Keys", [netuid, uid]).value == MINER.ss58_address
    assert substrate.query("SubtensorModule", "Owner", [MINER.ss58_address]).value == CHARLIE.ss58_address
    assert substrate.query("SubtensorModule", "POWRegistrationsThisInterval", [netuid]).value == 1
    assert substrate.query("SubtensorModule", "UsedWork", ["0x" + seal.hex()]).value > number

    number, _ = head(substrate)
    hard = b"\xff" * 32  # a 32-byte seal that misses the difficulty
    cases = [
        ({"block_number": number, "nonce": 0, "work": "0x" + hard.hex()}, "InvalidDifficulty"),
        ({"block_number": number, "nonce": nonce, "work": "0x" + seal.hex()}, "InvalidSeal"),
        ({"block_number": number + 5, "nonce": 0, "work": "0x" + seal.hex()}, "InvalidWorkBlock"),
    ]
    for params, error in cases:
        receipt = send(substrate, OTHER, "register", {"netuid": netuid, **params, "hotkey": OTHER.ss58_address,
                                                      "coldkey": CHARLIE.ss58_address})
        assert not receipt.is_success and receipt.error_message["name"] == error, receipt.error_message
    assert substrate.query("SubtensorModule", "Uids", [netuid, OTHER.ss58_address]).value is None


def bob_on_root(substrate: SubstrateInterface) -> None:
    if substrate.query("SubtensorModule", "Uids", [0, BOB.ss58_address]).value is None:
        assert send(substrate, BOB, "root_register", {"hotkey": BOB.ss58_address}).is_success


def test_info_rpcs_decode_to_storage(substrate: SubstrateInterface, netuid: int) -> None:
    bob_on_root(substrate)
    assert send(substrate, BOB, "add_stake", {"hotkey": BOB.ss58_address, "amount_staked": 70 * TAO}).is_success
    raw = substrate.rpc_request("delegateInfo_getDelegates", [])["result"]
    delegates = bt_decode.DelegateInfo.decode_vec(bytes(raw))
    bob = next(d for d in delegates if bytes(d.delegate_ss58) == BOB.public_key)
    assert bob.take == substrate.query("SubtensorModule", "Delegates", [BOB.ss58_address]).value
    assert dict((bytes(n), s) for n, s in bob.nominators)[BOB.public_key] == \
        substrate.query("SubtensorModule", "Stake", [BOB.ss58_address, BOB.ss58_address]).value == 70 * TAO
    assert bytes(bob.owner_ss58) == BOB.public_key and 0 in list(bob.registrations)
    subnets = [s for s in bt_decode.SubnetInfo.decode_vec_option(
        bytes(substrate.rpc_request("subnetInfo_getSubnetsInfo", [])["result"])) if s is not None]
    added = sorted(k.value for k, v in substrate.query_map("SubtensorModule", "NetworksAdded") if v.value)
    assert sorted(s.netuid for s in subnets) == added and netuid in added
    for s in subnets:
        assert s.subnetwork_n == substrate.query("SubtensorModule", "SubnetworkN", [s.netuid]).value
        assert s.difficulty == substrate.query("SubtensorModule", "Difficulty", [s.netuid]).value
        assert s.tempo == substrate.query("SubtensorModule", "Tempo", [s.netuid]).value
    raw = substrate.rpc_request("neuronInfo_getNeuronsLite", [netuid])["result"]
    lite = bt_decode.NeuronInfoLite.decode_vec(bytes(raw))
    assert [bytes(n.hotkey) for n in lite] == [
        bytes.fromhex(substrate.ss58_decode(substrate.query("SubtensorModule", "Keys", [netuid, n.uid]).value))
        for n in lite]


def test_bad_input_changes_nothing_and_blocks_keep_coming(substrate: SubstrateInterface, netuid: int) -> None:
    bob_on_root(substrate)
    if substrate.query("SubtensorModule", "Uids", [netuid, MINER.ss58_address]).value is None:
        assert send(substrate, CHARLIE, "burned_register", {"netuid": netuid, "hotkey": MINER.ss58_address}).is_success
    motion = "0x" + "11" * 32
    cases: list[tuple[Keypair, str, str, dict[str, Any], str]] = [
        (CHARLIE, "SubtensorModule", "burned_register", {"netuid": 99, "hotkey": OTHER.ss58_address},
         "NetworkDoesNotExist"),
        (CHARLIE, "SubtensorModule", "burned_register", {"netuid": 0, "hotkey": OTHER.ss58_address},
         "OperationNotPermittedonRootSubnet"),
        (CHARLIE, "SubtensorModule", "burned_register", {"netuid": netuid, "hotkey": MINER.ss58_address},
         "AlreadyRegistered"),
        (CHARLIE, "SubtensorModule", "add_stake", {"hotkey": MINER.ss58_address, "amount_staked": 10**18},
         "NotEnoughBalanceToStake"),
        (CHARLIE, "SubtensorModule", "add_stake", {"hotkey": OTHER.ss58_address, "amount_staked": TAO},
         "NotRegistered"),
        (CHARLIE, "SubtensorModule", "remove_stake", {"hotkey": MINER.ss58_address, "amount_unstaked": 1},
         "NotEnoughStaketoWithdraw"),
        (DAVE, "SubtensorModule", "become_delegate", {"hotkey": MINER.ss58_address}, "NonAssociatedColdKey"),
        (MINER, "SubtensorModule", "serve_axon", {"netuid": netuid, "version": 1, "ip": 1, "port": 1,
                                                  "ip_type": 5, "protocol": 0, "placeholder1": 0, "placeholder2": 0},
         "InvalidIpType"),
        (MINER, "SubtensorModule", "set_weights", {"netuid": netuid, "dests": [0, 1], "weights": [1],
                                                   "version_key": 0}, "WeightVecNotEqualSize"),
        (CHARLIE, "SubtensorModule", "dissolve_network", {"netuid": netuid}, "NotSubnetOwner"),
        (BOB, "SubtensorModule", "root_register", {"hotkey": BOB.ss58_address}, "AlreadyRegistered"),
        (DAVE, "SubtensorModule", "swap_hotkey", {"hotkey": MINER.ss58_address, "new_hotkey": OTHER.ss58_address},
         "NonAssociatedColdKey"),
        (CHARLIE, "SubtensorModule", "vote", {"hotkey": MINER.ss58_address, "proposal": motion, "index": 0,
                                              "approve": True}, "NotSenateMember"),
        (BOB, "SubtensorModule", "vote", {"hotkey": BOB.ss58_address, "proposal": motion, "index": 0,
                                          "approve": True}, "ProposalMissing"),
        (CHARLIE, "AdminUtils", "sudo_set_tempo", {"netuid": netuid, "tempo": 1}, "BadOrigin"),
        (CHARLIE, "Triumvirate", "propose", {"proposal": {"call_module": "SubtensorModule",
                                                          "call_function": "register_network", "call_args": {}},
                                             "length_bound": 100, "duration": 3600}, "NotMember"),
    ]
    for signer, module, function, params, error in cases:
        moving = moving_keys(substrate)
        before, (nonce, free), (number, _) = snapshot(substrate), account(substrate, signer), head(substrate)
        receipt = send(substrate, signer, function, params, module=module)
        assert not receipt.is_success and receipt.error_message["name"] == error, (function, receipt.error_message)
        after = snapshot(substrate)
        changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
        assert changed <= moving, f"{function} changed storage an empty block leaves alone: {changed - moving}"
        assert account(substrate, signer) == (nonce + 1, free - receipt.total_fee_amount), \
            (function, [e.value for e in receipt.triggered_events])
        assert head(substrate)[0] == number + 1
    assert send(substrate, CHARLIE, "add_stake", {"hotkey": MINER.ss58_address, "amount_staked": TAO}).is_success


def test_governance_motion_on_the_node(tmp_path: Any) -> None:
    """Triumvir proposes, senators vote over RPC (first vote free), close runs SubtensorModule.sudo as Root."""
    node = NodeProcess(tmp_path / "chain", "--instant").start()
    client = SubstrateInterface(url=node.url)
    try:
        governance_journey(client, lambda c, module, function, params, signer: send(c, signer, function, params,
                                                                                    module=module))
    finally:
        client.close()
        node.stop()
