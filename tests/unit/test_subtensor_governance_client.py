"""Governance through the stock client (substrate-interface) against the real runtime, in process:
Sudo seats a triumvir, root registrations seat senators, a proposal wrapping SubtensorModule.sudo is
composed by name, senators vote (first vote free, a changed vote pays), and `close` runs it as Root."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from substrateinterface import Keypair, SubstrateInterface

from localnet.runtime.executive import Runtime
from tests.support.devchain import DevChain
from tests.unit.test_runtime_client import InProcessTransport, event_names, free, submit

ALICE, BOB, CHARLIE, DAVE, EVE = (Keypair.create_from_uri(f"//{n}") for n in ("Alice", "Bob", "Charlie", "Dave", "Eve"))


@pytest.fixture
def client() -> SubstrateInterface:
    chain = DevChain(Runtime())
    chain.produce([])
    si = SubstrateInterface(url="http://127.0.0.1:1", auto_discover=False)
    si.transport = InProcessTransport(chain)
    si.reload_type_registry(auto_discover=True)
    si.init_runtime()
    return si


Send = Callable[[SubstrateInterface, str, str, dict[str, Any], Keypair], Any]


def send_in_process(client: SubstrateInterface, module: str, function: str, params: dict[str, Any],
                    signer: Keypair) -> Any:
    return submit(client, client.transport.chain, module, function, params, keypair=signer)


def test_senate_votes_a_triumvirate_motion_into_a_root_call(client: SubstrateInterface) -> None:
    governance_journey(client, send_in_process)


def governance_journey(client: SubstrateInterface, send: Send) -> None:
    """The whole motion on a fresh chain; `send` includes one signed extrinsic and returns its receipt
    (in process here, over the node's RPC in test_subtensor_node_checks)."""
    seat = client.compose_call("TriumvirateMembers", "add_member", {"who": ALICE.ss58_address})
    assert send(client, "Sudo", "sudo", {"call": seat}, ALICE).is_success
    assert client.query("Triumvirate", "Members").value == [ALICE.ss58_address]
    for senator in (BOB, CHARLIE, DAVE):
        r = send(client, "SubtensorModule", "root_register", {"hotkey": senator.ss58_address}, senator)
        assert r.is_success and "SenateMembers.MemberAdded" in event_names(r), r.error_message
    assert sorted(client.query("SenateMembers", "Members").value) == sorted(
        k.ss58_address for k in (BOB, CHARLIE, DAVE))

    inner = client.compose_call("AdminUtils", "sudo_set_tx_rate_limit", {"tx_rate_limit": 42})
    proposal = client.compose_call("SubtensorModule", "sudo", {"call": inner})
    r = send(client, "Triumvirate", "propose", {"proposal": proposal, "length_bound": 200, "duration": 3600}, ALICE)
    assert r.is_success and "Triumvirate.Proposed" in event_names(r), r.error_message
    motion = client.query("Triumvirate", "Proposals").value[0]
    voting = client.query("Triumvirate", "Voting", [motion]).value
    assert voting["threshold"] == 2 and voting["ayes"] == []
    assert client.query("Triumvirate", "ProposalOf", [motion]).value["call_function"] == "sudo"

    r = send(client, "Triumvirate", "propose", {"proposal": proposal, "length_bound": 200, "duration": 3600}, BOB)
    assert not r.is_success and r.error_message["name"] == "NotMember"
    ballot = {"hotkey": BOB.ss58_address, "proposal": motion, "index": 0, "approve": True}
    r = send(client, "SubtensorModule", "vote", ballot, EVE)
    assert not r.is_success and r.error_message["name"] == "NonAssociatedColdKey" and r.total_fee_amount > 0
    before = free(client, BOB.ss58_address)
    r = send(client, "SubtensorModule", "vote", ballot, BOB)
    assert r.is_success and r.total_fee_amount == 0 and "Triumvirate.Voted" in event_names(r)
    r = send(client, "SubtensorModule", "vote", {**ballot, "approve": False}, BOB)
    assert r.is_success and r.total_fee_amount > 0  # changing a vote pays
    r = send(client, "SubtensorModule", "vote", ballot, BOB)
    assert r.is_success and free(client, BOB.ss58_address) == before - 2 * r.total_fee_amount
    r = send(client, "SubtensorModule", "vote", ballot, BOB)
    assert not r.is_success and r.error_message["name"] == "DuplicateVote"
    r = send(client, "SubtensorModule", "vote", {**ballot, "hotkey": CHARLIE.ss58_address}, CHARLIE)
    assert r.is_success and r.total_fee_amount == 0
    assert client.query("SubtensorModule", "TxRateLimit").value != 42

    r = send(client, "SubtensorModule", "sudo", {"call": inner}, ALICE)
    assert not r.is_success and r.error_message["name"] == "BadOrigin"
    close = {"proposal_hash": motion, "index": 0, "proposal_weight_bound": {"ref_time": 10**10, "proof_size": 0},
             "length_bound": 200}
    r = send(client, "Triumvirate", "close", close, EVE)
    assert r.is_success, r.error_message
    assert event_names(r)[1:5] == ["Triumvirate.Closed", "Triumvirate.Approved", "SubtensorModule.TxRateLimitSet",
                                   "SubtensorModule.Sudid"]
    executed = next(e for e in r.triggered_events if e.value["event_id"] == "Executed")
    assert executed.value["attributes"]["result"] == {"Ok": ()}
    assert client.query("SubtensorModule", "TxRateLimit").value == 42
    assert client.query("Triumvirate", "Proposals").value == []
    assert client.query("Triumvirate", "Voting", [motion]).value is None
