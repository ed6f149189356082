"""The stock client (substrate-interface + scalecodec) against the real runtime, in process.

`InProcessTransport` replaces only the client's HTTP transport: every JSON-RPC request the client makes
is answered from a real `DevChain` (real runtime, real state, real block hashes), so compose, sign,
nonce, fee queries, storage keys and receipts all go through the client's own code paths.
"""

from __future__ import annotations

from typing import Any

import pytest
from substrateinterface import Keypair, KeypairType, SubstrateInterface
from substrateinterface.base import ExtrinsicReceipt
from substrateinterface.exceptions import SubstrateRequestException

from localnet.runtime.errors import TransactionError
from localnet.runtime.executive import Runtime
from tests.support.devchain import DevChain

TAO = 10**9


class InProcessTransport:
    """Answers the client's JSON-RPC requests from a DevChain; submitted extrinsics are sealed at once."""

    def __init__(self, chain: DevChain) -> None:
        self.chain = chain
        self.pending: list[bytes] = []

    def _block(self, at: str | None) -> Any:
        return self.chain.head if at is None else self.chain.by_hash(bytes.fromhex(at[2:]))

    def _header(self, b: Any) -> dict[str, Any]:
        return {"parentHash": "0x" + b.parent_hash.hex(), "number": hex(b.number),
                "stateRoot": "0x" + b.state_root.hex(), "extrinsicsRoot": "0x" + b.extrinsics_root.hex(),
                "digest": {"logs": []}}

    def answer(self, method: str, params: list[Any]) -> Any:
        rt, chain = self.chain.runtime, self.chain
        if method == "system_chain":
            return rt.chain_name
        if method == "system_properties":
            return rt.properties
        if method == "rpc_methods":
            return {"methods": ["state_call", "chain_getHead", "state_getStorage"]}
        if method in ("chain_getHead", "chain_getFinalizedHead", "chain_getFinalisedHead"):
            return "0x" + chain.head.hash.hex()
        if method == "chain_getBlockHash":
            n = params[0] if params else None
            h = chain.head.hash if n is None else chain.block_hash(n)
            return None if h is None else "0x" + h.hex()
        if method == "chain_getHeader":
            return self._header(self._block(params[0] if params else None))
        if method == "chain_getBlock":
            b = self._block(params[0] if params else None)
            return {"block": {"header": self._header(b), "extrinsics": ["0x" + x.hex() for x in b.extrinsics]},
                    "justifications": None}
        if method in ("state_getRuntimeVersion", "chain_getRuntimeVersion"):
            return rt.version
        if method == "state_getMetadata":
            return "0x" + rt.metadata(14).hex()
        if method in ("state_getStorage", "state_getStorageAt"):
            b = self._block(params[1] if len(params) > 1 else None)
            v = b.state.get(bytes.fromhex(params[0][2:]))
            return None if v is None else "0x" + v.hex()
        if method == "state_call":
            b = self._block(params[2] if len(params) > 2 else None)
            return "0x" + rt.call(b.state, params[0], bytes.fromhex(params[1][2:])).hex()
        if method == "author_submitExtrinsic":
            raw = bytes.fromhex(params[0][2:])
            valid = chain.validate(raw)
            self.pending.append(raw)
            return "0x" + valid.hash.hex()
        raise NotImplementedError(method)

    def rpc_request(self, payload: dict[str, Any], result_handler: Any = None) -> dict[str, Any]:
        try:
            result = self.answer(payload["method"], payload["params"])
        except TransactionError as err:
            return {"jsonrpc": "2.0", "id": payload["id"], "error": err.to_json()}
        return {"jsonrpc": "2.0", "id": payload["id"], "result": result}


@pytest.fixture
def chain() -> DevChain:
    c = DevChain(Runtime())
    c.produce([])
    return c


@pytest.fixture
def client(chain: DevChain) -> SubstrateInterface:
    # Balance = u64 as the real runtime declares it (fee replies included), registered as the official tools do
    si = SubstrateInterface(url="http://127.0.0.1:1", auto_discover=False, type_registry={"types": {"Balance": "u64"}})
    si.transport = InProcessTransport(chain)
    si.reload_type_registry(auto_discover=True)
    si.init_runtime()
    return si


ALICE = Keypair.create_from_uri("//Alice")
BOB = Keypair.create_from_uri("//Bob")


def free(client: SubstrateInterface, who: str) -> int:
    return client.query("System", "Account", [who]).value["data"]["free"]


def submit(client: SubstrateInterface, chain: DevChain, module: str, function: str, params: dict[str, Any],
           keypair: Keypair = ALICE, **kw: Any) -> ExtrinsicReceipt:
    call = client.compose_call(module, function, params)
    xt = client.create_signed_extrinsic(call, keypair, **kw)
    receipt = client.submit_extrinsic(xt)
    transport = client.transport
    block = chain.produce(transport.pending)
    transport.pending.clear()
    assert not block.outcome.rejected
    return ExtrinsicReceipt(client, extrinsic_hash=receipt.extrinsic_hash, block_hash="0x" + block.hash.hex())


def event_names(receipt: ExtrinsicReceipt) -> list[str]:
    return [f"{e.value['module_id']}.{e.value['event_id']}" for e in receipt.triggered_events]


def test_connect_reads_chain_identity(client: SubstrateInterface) -> None:
    assert client.chain == "Bittensor Local"
    assert client.runtime_version == 143
    assert client.get_constant("Balances", "ExistentialDeposit").value == 500
    assert [p.name for p in client.metadata.pallets][:4] == ["System", "Timestamp", "Balances", "TransactionPayment"]


def test_transfer_pays_fee_and_moves_funds(client: SubstrateInterface, chain: DevChain) -> None:
    a0, b0 = free(client, ALICE.ss58_address), free(client, BOB.ss58_address)
    issuance0 = client.query("Balances", "TotalIssuance").value
    call = client.compose_call("Balances", "transfer_allow_death", {"dest": BOB.ss58_address, "value": 7 * TAO})
    info = client.get_payment_info(call, ALICE)
    receipt = submit(client, chain, "Balances", "transfer_allow_death", {"dest": BOB.ss58_address, "value": 7 * TAO})
    assert receipt.is_success
    fee = receipt.total_fee_amount
    assert fee == info["partialFee"] and fee > 0, info
    assert free(client, BOB.ss58_address) == b0 + 7 * TAO
    assert free(client, ALICE.ss58_address) == a0 - 7 * TAO - fee
    assert client.query("Balances", "TotalIssuance").value == issuance0 - fee  # fees are burned
    assert event_names(receipt) == ["Balances.Withdraw", "Balances.Transfer", "TransactionPayment.TransactionFeePaid",
                                    "System.ExtrinsicSuccess"]
    assert client.get_account_nonce(ALICE.ss58_address) == 1


def test_failed_transfer_keeps_only_fee_and_nonce(client: SubstrateInterface, chain: DevChain) -> None:
    b0 = free(client, BOB.ss58_address)
    a0 = free(client, ALICE.ss58_address)
    receipt = submit(client, chain, "Balances", "transfer_keep_alive",
                     {"dest": ALICE.ss58_address, "value": b0 + 1}, keypair=BOB)
    assert not receipt.is_success
    assert receipt.error_message["name"] == "InsufficientBalance"
    assert free(client, BOB.ss58_address) == b0 - receipt.total_fee_amount
    assert free(client, ALICE.ss58_address) == a0
    assert client.get_account_nonce(BOB.ss58_address) == 1
    assert "Balances.Transfer" not in event_names(receipt)


def test_storage_keys_match_client(client: SubstrateInterface, chain: DevChain) -> None:
    rt = chain.runtime
    cases = [("System", "Account", [ALICE.public_key], [ALICE.ss58_address]),
             ("System", "BlockHash", [0], [0]), ("Balances", "TotalIssuance", [], []),
             ("Timestamp", "Now", [], []), ("Sudo", "Key", [], [])]
    for pallet, item, ours, theirs in cases:
        key = client.create_storage_key(pallet, item, theirs)
        assert "0x" + rt.storage_key(pallet, item, *ours).hex() == key.to_hex(), (pallet, item)
    if client.metadata.get_metadata_pallet("SubtensorModule") is not None:
        key = client.create_storage_key("SubtensorModule", "Stake", [BOB.ss58_address, ALICE.ss58_address])
        ours = rt.storage_key("SubtensorModule", "Stake", BOB.public_key, ALICE.public_key)
        assert key.to_hex() == "0x" + ours.hex()
    assert client.query("Sudo", "Key").value == ALICE.ss58_address
    assert client.query("System", "ExtrinsicCount").value is None  # OptionQuery, absent
    assert client.query("System", "BlockHash", [0]).value == "0x" + chain.genesis_hash.hex()


def test_mortal_era_accepted_then_outdated(client: SubstrateInterface, chain: DevChain) -> None:
    for _ in range(3):
        chain.produce([])
    call = client.compose_call("Balances", "transfer_keep_alive", {"dest": BOB.ss58_address, "value": TAO})
    xt = client.create_signed_extrinsic(call, ALICE, era={"period": 4})
    raw = bytes(xt.data.data)
    assert chain.validate(raw).longevity <= 4
    for _ in range(6):
        chain.produce([])
    with pytest.raises(TransactionError) as err:
        chain.validate(raw)
    assert err.value.data == "Transaction is outdated"


def test_ed25519_signed_transfer(client: SubstrateInterface, chain: DevChain) -> None:
    ed = Keypair.create_from_seed("0x" + "42" * 32, crypto_type=KeypairType.ED25519)
    funded = submit(client, chain, "Balances", "transfer_allow_death", {"dest": ed.ss58_address, "value": 5 * TAO})
    assert funded.is_success
    receipt = submit(client, chain, "Balances", "transfer_allow_death", {"dest": BOB.ss58_address, "value": TAO},
                     keypair=ed)
    assert receipt.is_success
    assert free(client, ed.ss58_address) == 4 * TAO - receipt.total_fee_amount


def _transfer(client: SubstrateInterface, dest: str, value: int) -> Any:
    return client.compose_call("Balances", "transfer_keep_alive", {"dest": dest, "value": value})


def test_utility_batch_semantics(client: SubstrateInterface, chain: DevChain) -> None:
    charlie = Keypair.create_from_uri("//Charlie").ss58_address
    c0 = free(client, charlie)
    calls = [_transfer(client, charlie, TAO), _transfer(client, charlie, 10**18), _transfer(client, charlie, 2 * TAO)]
    r = submit(client, chain, "Utility", "batch", {"calls": calls})
    assert r.is_success
    names = event_names(r)
    assert "Utility.BatchInterrupted" in names and "Utility.BatchCompleted" not in names
    interrupted = next(e for e in r.triggered_events if e.value["event_id"] == "BatchInterrupted")
    assert interrupted.value["attributes"]["index"] == 1
    assert free(client, charlie) == c0 + TAO

    r = submit(client, chain, "Utility", "batch_all", {"calls": calls})
    assert not r.is_success and r.error_message["name"] == "InsufficientBalance"
    assert free(client, charlie) == c0 + TAO

    r = submit(client, chain, "Utility", "force_batch", {"calls": calls})
    assert r.is_success
    names = event_names(r)
    assert names.count("Utility.ItemCompleted") == 2 and names.count("Utility.ItemFailed") == 1
    assert "Utility.BatchCompletedWithErrors" in names
    assert free(client, charlie) == c0 + 4 * TAO


def test_sudo_only_for_the_key(client: SubstrateInterface, chain: DevChain) -> None:
    dave = Keypair.create_from_uri("//Dave").ss58_address
    inner = client.compose_call("Balances", "force_set_balance", {"who": dave, "new_free": 42 * TAO})
    a0 = free(client, ALICE.ss58_address)
    r = submit(client, chain, "Sudo", "sudo", {"call": inner})
    assert r.is_success and "Sudo.Sudid" in event_names(r)
    assert free(client, dave) == 42 * TAO
    assert free(client, ALICE.ss58_address) == a0  # a successful sudo call is free
    inner2 = client.compose_call("Balances", "force_set_balance", {"who": dave, "new_free": 43 * TAO})
    batch = client.compose_call("Utility", "batch_all", {"calls": [inner2]})
    r = submit(client, chain, "Sudo", "sudo_unchecked_weight",
               {"call": batch, "weight": {"ref_time": 1_000_000, "proof_size": 0}})
    assert r.is_success and free(client, dave) == 43 * TAO  # Root origin flows through batch_all
    r = submit(client, chain, "Sudo", "sudo", {"call": inner}, keypair=BOB)
    assert not r.is_success and r.error_message["name"] == "RequireSudo"
    r = submit(client, chain, "Balances", "force_set_balance", {"who": dave, "new_free": 1}, keypair=BOB)
    assert not r.is_success and r.error_message["name"] == "BadOrigin"


def test_invalid_submission_is_a_1010_error(client: SubstrateInterface, chain: DevChain) -> None:
    assert submit(client, chain, "Balances", "transfer_keep_alive", {"dest": BOB.ss58_address, "value": TAO}).is_success
    stale = client.create_signed_extrinsic(_transfer(client, BOB.ss58_address, TAO), ALICE, nonce=0)
    with pytest.raises(SubstrateRequestException) as err:
        client.submit_extrinsic(stale)
    assert err.value.args[0] == {"code": 1010, "message": "Invalid Transaction", "data": "Transaction is outdated"}
