"""The node process driven by the unmodified `substrate-interface` client, as a public chain would be."""

from __future__ import annotations

import pytest
from substrateinterface import Keypair, SubstrateInterface
from substrateinterface.exceptions import SubstrateRequestException

from tests.integration.node_fixtures import NodeProcess, instant_node  # noqa: F401 - fixture

pytestmark = pytest.mark.slow

ALICE = Keypair.create_from_uri("//Alice")
BOB = Keypair.create_from_uri("//Bob")
CHARLIE = Keypair.create_from_uri("//Charlie")
DAVE = Keypair.create_from_uri("//Dave")
EVE = Keypair.create_from_uri("//Eve")


@pytest.fixture(scope="module")
def substrate(instant_node: NodeProcess):  # noqa: F811
    # Subtensor's Balance is u64 (fee replies included), as on the real runtime: register it as the official
    # tools do (bittensor's type registry); stock substrate-interface would assume u128.
    client = SubstrateInterface(url=instant_node.url, type_registry={"types": {"Balance": "u64"}})
    yield client
    client.close()


def _free(substrate: SubstrateInterface, who: Keypair, block_hash: str | None = None) -> int:
    return substrate.query("System", "Account", [who.ss58_address], block_hash=block_hash).value["data"]["free"]


def _transfer(substrate: SubstrateInterface, to: Keypair, amount: int, signer: Keypair = ALICE, **kw):
    call = substrate.compose_call("Balances", "transfer_keep_alive", {"dest": to.ss58_address, "value": amount})
    return substrate.create_signed_extrinsic(call=call, keypair=signer, **kw)


def test_connect_query_and_query_map(substrate: SubstrateInterface, instant_node: NodeProcess):  # noqa: F811
    substrate.init_runtime()
    assert substrate.chain and substrate.chain.lower() not in ("polkadot", "kusama", "westend")
    assert substrate.runtime_version is not None
    assert _free(substrate, ALICE) > 0
    accounts = {str(k.value): v.value for k, v in substrate.query_map("System", "Account", page_size=2)}
    assert ALICE.ss58_address in accounts and BOB.ss58_address in accounts
    assert instant_node.startup_seconds < 5


def test_signed_transfer_is_included_with_fee_and_events(substrate: SubstrateInterface):
    before_bob = _free(substrate, BOB)
    before_alice = _free(substrate, ALICE)
    receipt = substrate.submit_extrinsic(_transfer(substrate, BOB, 10**9), wait_for_inclusion=True)
    assert receipt.is_success, receipt.error_message
    fee = receipt.total_fee_amount
    assert fee > 0
    names = [(e.value["module_id"], e.value["event_id"]) for e in receipt.triggered_events]
    assert ("Balances", "Transfer") in names and ("System", "ExtrinsicSuccess") in names
    assert _free(substrate, BOB) == before_bob + 10**9
    assert _free(substrate, ALICE) == before_alice - 10**9 - fee
    # reads at the old block still see the old balance
    parent = substrate.get_block_header(receipt.block_hash)["header"]["parentHash"]
    assert _free(substrate, BOB, block_hash=parent) == before_bob


def test_a_failing_call_reports_its_module_error(substrate: SubstrateInterface):
    receipt = substrate.submit_extrinsic(_transfer(substrate, CHARLIE, 10**30 // 10**12, signer=BOB),
                                         wait_for_inclusion=True)
    assert not receipt.is_success
    assert receipt.error_message["name"] in ("InsufficientBalance", "FundsUnavailable", "Expendability")
    assert receipt.total_fee_amount > 0  # the fee is still paid


def test_mortal_era_transaction(substrate: SubstrateInterface):
    receipt = substrate.submit_extrinsic(_transfer(substrate, CHARLIE, 12345, era={"period": 64}),
                                         wait_for_inclusion=True)
    assert receipt.is_success, receipt.error_message


def test_stale_nonce_and_bad_signature_are_rejected_on_submit(substrate: SubstrateInterface):
    used = substrate.get_account_nonce(ALICE.ss58_address)
    assert used > 0
    with pytest.raises(SubstrateRequestException) as stale:
        substrate.submit_extrinsic(_transfer(substrate, BOB, 1, nonce=used - 1), wait_for_inclusion=True)
    assert stale.value.args[0]["code"] == 1010
    assert stale.value.args[0]["data"] == "Transaction is outdated"
    xt = _transfer(substrate, BOB, 1)
    raw = bytearray(bytes.fromhex(str(xt.data)[2:]))
    sig_at = raw.index(bytes(ALICE.public_key)) + 32 + 1  # after the signer and the MultiSignature variant
    raw[sig_at + 5] ^= 0xFF
    with pytest.raises(SubstrateRequestException) as bad:
        substrate.rpc_request("author_submitExtrinsic", ["0x" + raw.hex()])
    err = bad.value.args[0]
    assert err["code"] == 1010 and err["data"] == "Transaction has a bad signature"


def test_expired_mortal_transaction_is_rejected(substrate: SubstrateInterface, instant_node):  # noqa: F811
    xt = _transfer(substrate, BOB, 99, era={"period": 4})
    instant_node.result("dev_newBlock", [{"count": 6}])
    with pytest.raises(SubstrateRequestException) as expired:
        substrate.rpc_request("author_submitExtrinsic", [str(xt.data)])
    assert expired.value.args[0]["code"] == 1010
    assert expired.value.args[0]["data"] in ("Transaction is outdated", "Transaction has an ancient birth block")


def test_a_nonce_gap_waits_in_the_future_queue(substrate: SubstrateInterface, instant_node):  # noqa: F811
    nonce = substrate.get_account_nonce(EVE.ss58_address)
    later = _transfer(substrate, BOB, 5, signer=EVE, nonce=nonce + 1)
    first = _transfer(substrate, BOB, 6, signer=EVE, nonce=nonce)
    substrate.rpc_request("author_submitExtrinsic", [str(later.data)])
    assert str(later.data) in instant_node.result("author_pendingExtrinsics")
    assert instant_node.result("system_accountNextIndex", [EVE.ss58_address]) == nonce  # the gap is still open
    receipt = substrate.submit_extrinsic(first, wait_for_inclusion=True)
    assert receipt.is_success
    for _ in range(100):
        if substrate.get_account_nonce(EVE.ss58_address) == nonce + 2:
            break
        import time

        time.sleep(0.02)
    assert substrate.get_account_nonce(EVE.ss58_address) == nonce + 2
    assert instant_node.result("author_pendingExtrinsics") == []


def test_pool_refuses_duplicates_and_counts_pending_nonces(substrate: SubstrateInterface, instant_node):  # noqa: F811
    xt = _transfer(substrate, BOB, 7)
    first = substrate.submit_extrinsic(xt, wait_for_inclusion=True)
    assert first.is_success
    with pytest.raises(SubstrateRequestException) as again:
        substrate.rpc_request("author_submitExtrinsic", [str(xt.data)])
    assert again.value.args[0]["code"] == 1012
    nonce = instant_node.result("system_accountNextIndex", [ALICE.ss58_address])
    assert nonce == substrate.get_account_nonce(ALICE.ss58_address)


def test_payment_info_and_runtime_calls(substrate: SubstrateInterface):
    call = substrate.compose_call("Balances", "transfer_keep_alive", {"dest": BOB.ss58_address, "value": 1})
    info = substrate.get_payment_info(call, ALICE)
    assert info["partialFee"] > 0
    version = substrate.rpc_request("state_call", ["Core_version", "0x"])["result"]
    assert version.startswith("0x") and len(version) > 10


def test_http_post_serves_the_same_client(instant_node: NodeProcess):  # noqa: F811
    client = SubstrateInterface(url=instant_node.http_url)
    try:
        assert client.query("System", "Account", [ALICE.ss58_address]).value["data"]["free"] > 0
        assert client.get_block_number(client.get_chain_head()) >= 0
    finally:
        client.close()


def test_new_heads_subscription_delivers_headers(tmp_path):
    node = NodeProcess(tmp_path / "fast", "--block-time", "0.1").start()
    client = SubstrateInterface(url=node.url)
    try:
        seen: list[int] = []

        def on_head(header, update_nr, subscription_id):
            seen.append(int(header["header"]["number"]))
            if len(seen) >= 3:
                return seen

        result = client.subscribe_block_headers(on_head)
        assert len(result) == 3 and result == sorted(result) and result[-1] > result[0]
        finalized = client.subscribe_block_headers(lambda h, n, s: h if n >= 1 else None, finalized_only=True)
        assert int(finalized["header"]["number"]) > 0
    finally:
        client.close()
        node.stop()


def test_storage_subscription_and_custom_rpcs(instant_node: NodeProcess, substrate: SubstrateInterface):  # noqa: F811
    import threading

    updates: list[int] = []

    def on_change(account, update_nr, subscription_id):
        updates.append(account.value["data"]["free"])
        if len(updates) >= 2:
            return updates

    def later() -> None:  # a transfer to Dave once the subscription is in place
        import time

        time.sleep(0.3)
        client = SubstrateInterface(url=instant_node.url)
        try:
            client.submit_extrinsic(_transfer(client, DAVE, 4242), wait_for_inclusion=True)
        finally:
            client.close()

    thread = threading.Thread(target=later)
    thread.start()
    result = substrate.query("System", "Account", [DAVE.ss58_address], subscription_handler=on_change)
    thread.join(10)
    assert result[1] == result[0] + 4242
    subnets = instant_node.result("subnetInfo_getSubnetsInfo", [None])
    assert isinstance(subnets, list) and all(isinstance(b, int) for b in subnets)


def test_old_state_is_pruned_but_recent_history_stays(instant_node: NodeProcess):  # noqa: F811
    genesis = instant_node.result("chain_getBlockHash", [0])
    key = "0x26aa394eea5630e07c48ae0c9558cef702a5c1b19ab7a04f536c519aca4983ac"  # System.Number
    for _ in range(3):
        instant_node.result("dev_newBlock", [{"count": 100}])
    best = int(instant_node.result("chain_getHeader")["number"], 16)
    gone = instant_node.rpc("state_getStorage", [key, genesis])
    assert gone["error"]["code"] == 4003 and "discarded" in gone["error"]["message"]
    kept = instant_node.result("chain_getBlockHash", [best - 255])
    number = instant_node.result("state_getStorage", [key, kept])
    assert int.from_bytes(bytes.fromhex(number[2:]), "little") == best - 255
    assert instant_node.result("chain_getHeader", [genesis])["number"] == "0x0"  # blocks themselves stay


def test_v15_metadata_and_info_rpcs_decode_with_parity_decoder(instant_node: NodeProcess):  # noqa: F811
    import bt_decode

    versions = instant_node.result("state_call", ["Metadata_metadata_versions", "0x"])
    assert versions.startswith("0x")
    raw = bytes.fromhex(instant_node.result("state_call", ["Metadata_metadata_at_version", "0x0f000000"])[2:])
    metadata = bt_decode.MetadataV15.decode_from_metadata_option(raw)
    assert bt_decode.PortableRegistry.from_metadata_v15(metadata) is not None
    subnets = instant_node.result("subnetInfo_getSubnetsInfo", [None])
    decoded = bt_decode.SubnetInfo.decode_vec_option(bytes(subnets))
    assert len(decoded) >= 1
    unknown = instant_node.rpc("state_call", ["NoSuchApi_nothing", "0x"])
    assert unknown["error"]["code"] == 4003


def test_a_reaped_account_can_sign_again_from_nonce_zero(substrate: SubstrateInterface):
    """A transfer of the whole balance reaps the account, so its nonce starts again at 0 once refunded
    (as on subtensor). The pool must not keep refusing nonce 0 as outdated because an earlier nonce-0
    transaction of the same account was included (seen with `transfer --all` then `delegate add`)."""
    who = Keypair.create_from_mnemonic(Keypair.generate_mnemonic())
    assert substrate.submit_extrinsic(_transfer(substrate, who, 10**12), wait_for_inclusion=True).is_success
    drain = substrate.compose_call("Balances", "transfer_all", {"dest": ALICE.ss58_address, "keep_alive": False})
    receipt = substrate.submit_extrinsic(substrate.create_signed_extrinsic(call=drain, keypair=who),
                                         wait_for_inclusion=True)
    assert receipt.is_success, receipt.error_message
    assert substrate.get_account_nonce(who.ss58_address) == 0  # reaped
    assert substrate.submit_extrinsic(_transfer(substrate, who, 10**12), wait_for_inclusion=True).is_success
    again = substrate.submit_extrinsic(_transfer(substrate, BOB, 10**9, signer=who), wait_for_inclusion=True)
    assert again.is_success, again.error_message
