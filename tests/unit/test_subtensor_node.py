"""SubtensorModule through the real node process and the stock substrate-interface client (slow).

A client built for the 2024 chain composes calls by name, reads storage and maps, calls the custom RPCs
and reads module errors from receipts; nothing here knows our code.
"""

from __future__ import annotations

import bt_decode
import pytest
from substrateinterface import Keypair, SubstrateInterface

from tests.integration.node_fixtures import NodeProcess, instant_node  # noqa: F401 - fixture

pytestmark = pytest.mark.slow

ALICE = Keypair.create_from_uri("//Alice")
BOB = Keypair.create_from_uri("//Bob")
MINER = Keypair.create_from_uri("//Bob//miner")
TAO = 10**9


@pytest.fixture(scope="module")
def substrate(instant_node: NodeProcess):  # noqa: F811
    client = SubstrateInterface(url=instant_node.url)
    yield client
    client.close()


def _submit(substrate: SubstrateInterface, signer: Keypair, function: str, params: dict,
            module: str = "SubtensorModule"):
    call = substrate.compose_call(module, function, params)
    xt = substrate.create_signed_extrinsic(call=call, keypair=signer)
    return substrate.submit_extrinsic(xt, wait_for_inclusion=True)


def test_subnet_journey_with_stock_client(substrate: SubstrateInterface) -> None:
    receipt = _submit(substrate, ALICE, "register_network", {})
    assert receipt.is_success, receipt.error_message
    events = [(e.value["module_id"], e.value["event_id"]) for e in receipt.triggered_events]
    assert ("SubtensorModule", "NetworkAdded") in events
    assert receipt.total_fee_amount == 0  # Pays::No
    netuid = max(k.value for k, v in substrate.query_map("SubtensorModule", "NetworksAdded") if v.value)
    assert substrate.query("SubtensorModule", "SubnetOwner", [netuid]).value == ALICE.ss58_address
    for hotkey in (BOB, MINER):
        receipt = _submit(substrate, BOB, "burned_register", {"netuid": netuid, "hotkey": hotkey.ss58_address})
        assert receipt.is_success, receipt.error_message
    receipt = _submit(substrate, BOB, "add_stake", {"hotkey": BOB.ss58_address, "amount_staked": 100 * TAO})
    assert receipt.is_success, receipt.error_message
    assert substrate.query("SubtensorModule", "Stake", [BOB.ss58_address, BOB.ss58_address]).value == 100 * TAO
    receipt = _submit(substrate, MINER, "serve_axon", {
        "netuid": netuid, "version": 1, "ip": 2130706433, "port": 8091, "ip_type": 4, "protocol": 4,
        "placeholder1": 0, "placeholder2": 0})
    assert receipt.is_success, receipt.error_message
    axon = substrate.query("SubtensorModule", "Axons", [netuid, MINER.ss58_address]).value
    assert axon["port"] == 8091 and axon["ip"] == 2130706433

    receipt = _submit(substrate, BOB, "remove_stake", {"hotkey": MINER.ss58_address, "amount_unstaked": 5})
    assert not receipt.is_success
    assert receipt.error_message["name"] == "NotEnoughStaketoWithdraw"

    raw = substrate.rpc_request("neuronInfo_getNeuronsLite", [netuid])["result"]
    neurons = bt_decode.NeuronInfoLite.decode_vec(bytes(raw))
    assert [bytes(n.hotkey) for n in neurons] == [BOB.public_key, MINER.public_key]
    assert neurons[1].axon_info.port == 8091
    info = bt_decode.SubnetInfo.decode(bytes(substrate.rpc_request("subnetInfo_getSubnetInfo", [netuid])["result"]))
    assert info.subnetwork_n == 2 and bytes(info.owner) == ALICE.public_key
    cost = substrate.rpc_request("subnetInfo_getLockCost", [])["result"]
    assert isinstance(cost, int) and cost >= 100 * TAO


def test_admin_setter_through_sudo(substrate: SubstrateInterface) -> None:
    inner = substrate.compose_call("AdminUtils", "sudo_set_tx_rate_limit", {"tx_rate_limit": 3})
    receipt = _submit(substrate, ALICE, "sudo", {"call": inner}, module="Sudo")
    assert receipt.is_success, receipt.error_message
    assert substrate.query("SubtensorModule", "TxRateLimit").value == 3


def test_epochs_pay_emission_on_a_running_chain(tmp_path) -> None:
    """Timed blocks, a short genesis tempo: a validator's weights turn into miner incentive and stake."""
    import time

    genesis = tmp_path / "genesis.toml"
    genesis.write_text("[subtensor]\ntempo = 4\n")
    node = NodeProcess(tmp_path / "chain", "--block-time", "0.1", "--genesis", str(genesis)).start()
    client = SubstrateInterface(url=node.url)
    try:
        assert _submit(client, ALICE, "register_network", {}).is_success
        netuid = 1
        for hotkey in (BOB, MINER):
            receipt = _submit(client, BOB, "burned_register", {"netuid": netuid, "hotkey": hotkey.ss58_address})
            assert receipt.is_success, receipt.error_message
        assert _submit(client, BOB, "add_stake", {"hotkey": BOB.ss58_address, "amount_staked": 100 * TAO}).is_success
        receipt = _submit(client, ALICE, "sudo_set_weights_set_rate_limit",
                          {"netuid": netuid, "weights_set_rate_limit": 0}, module="AdminUtils")
        assert receipt.is_success, receipt.error_message  # the subnet owner signs directly

        def neurons() -> list:
            return bt_decode.NeuronInfoLite.decode_vec(bytes(client.rpc_request("neuronInfo_getNeuronsLite",
                                                                                [netuid])["result"]))

        deadline = time.monotonic() + 30
        while not neurons()[0].validator_permit:
            assert time.monotonic() < deadline, "no validator permit after 30 s"
            time.sleep(0.1)
        receipt = _submit(client, BOB, "set_weights", {"netuid": netuid, "dests": [1], "weights": [65535],
                                                        "version_key": 0})
        assert receipt.is_success, receipt.error_message
        while True:
            miner = neurons()[1]
            stake = dict((bytes(c), s) for c, s in miner.stake).get(BOB.public_key, 0)
            if miner.incentive == 65535 and stake > 0:
                break
            assert time.monotonic() < deadline, f"no incentive/emission after 30 s: {miner}"
            time.sleep(0.1)
        assert neurons()[0].dividends == 65535
    finally:
        client.close()
        node.stop()
