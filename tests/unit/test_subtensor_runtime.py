"""SubtensorModule inside the real Runtime: calls composed by scalecodec from our metadata, signed with
sr25519 dev keys, executed block by block by the executive, results read back by independent decoders."""

from __future__ import annotations

import bt_decode
import pytest
from scalecodec.base import RuntimeConfigurationObject, ScaleBytes
from scalecodec.type_registry import load_type_registry_preset

from localnet.runtime.errors import TransactionError
from localnet.runtime.executive import Runtime
from localnet.runtime.state import DictState
from tests.support.devchain import DevChain
from tests.support.devsign import sign_extrinsic
from wallet.keypair import Keypair

TAO = 10**9


class Client:
    """What a stock client does offline: decode our metadata, compose calls by name, decode events."""

    def __init__(self, runtime: Runtime) -> None:
        self.rc = RuntimeConfigurationObject()
        self.rc.update_type_registry(load_type_registry_preset("core"))
        self.metadata = self.rc.create_scale_object("MetadataVersioned", data=ScaleBytes(runtime.metadata(14)))
        self.metadata.decode()
        self.rc.add_portable_registry(self.metadata)

    def call(self, function: str, module: str = "SubtensorModule", **args: object) -> bytes:
        call = self.rc.create_scale_object("Call", metadata=self.metadata)
        return bytes(call.encode({"call_module": module, "call_function": function, "call_args": args}).data)

    def events(self, raw: bytes) -> list[dict]:
        events_type = self.metadata.get_metadata_pallet("System").get_storage_function("Events")
        obj = self.rc.create_scale_object(events_type.get_value_type_string(), data=ScaleBytes(raw),
                                          metadata=self.metadata)
        obj.decode()
        return [e.value for e in obj.elements]


@pytest.fixture(scope="module")
def runtime() -> Runtime:
    return Runtime()


@pytest.fixture(scope="module")
def client(runtime: Runtime) -> Client:
    return Client(runtime)


class Journey:
    def __init__(self, runtime: Runtime, client: Client) -> None:
        self.runtime, self.client = runtime, client
        self.chain = DevChain(runtime)
        self.nonces: dict[bytes, int] = {}

    def submit(self, signer: Keypair, function: str, module: str = "SubtensorModule", **args: object) -> list[dict]:
        """Sign, include in the next block, and return that block's decoded events of this extrinsic."""
        who = signer.public_key
        nonce = self.nonces.get(who, 0)
        xt = sign_extrinsic(who, signer.sign, self.client.call(function, module, **args), nonce=nonce,
                            genesis_hash=self.chain.genesis_hash)
        self.chain.validate(xt)
        block = self.chain.produce([xt])
        assert not block.outcome.rejected, block.outcome.rejected
        self.nonces[who] = nonce + 1
        raw = block.state.get(self.runtime.storage_key("System", "Events"))
        return [e for e in self.client.events(raw) if e["phase"] != "Initialization"
                and e["extrinsic_idx"] == 1]

    def read(self, item: str, *keys: object) -> object:
        return self.runtime.read(self.chain.head.state, "SubtensorModule", item, *keys)

    def api(self, method: str, data: bytes = b"") -> bytes:
        return self.runtime.call(self.chain.head.state, method, data)


def names(events: list[dict]) -> list[str]:
    return [f"{e['module_id']}.{e['event_id']}" for e in events]


def failure(client: Client, events: list[dict]) -> str:
    """The module error's name, looked up in the metadata the way substrate-interface's receipt does."""
    failed = [e for e in events if e["event_id"] == "ExtrinsicFailed"]
    assert failed, names(events)
    module = failed[0]["attributes"]["dispatch_error"]["Module"]
    error = client.metadata.get_module_error(module_index=module["index"],
                                             error_index=bytes.fromhex(module["error"][2:])[0])
    return f"{client.metadata.get_metadata_pallet('SubtensorModule').name}.{error.name}"


def test_operator_journey_through_signed_extrinsics(runtime: Runtime, client: Client) -> None:
    j = Journey(runtime, client)
    alice, bob = Keypair.from_uri("//Alice"), Keypair.from_uri("//Bob")
    miner = Keypair.from_uri("//Bob//miner")
    events = j.submit(alice, "register_network")
    assert "SubtensorModule.NetworkAdded" in names(events)
    assert j.read("SubnetOwner", 1) == alice.public_key
    events = j.submit(bob, "burned_register", netuid=1, hotkey="0x" + bob.public_key.hex())
    assert "SubtensorModule.NeuronRegistered" in names(events)
    j.submit(bob, "burned_register", netuid=1, hotkey="0x" + miner.public_key.hex())
    events = j.submit(bob, "add_stake", hotkey="0x" + bob.public_key.hex(), amount_staked=500 * TAO)
    assert "SubtensorModule.StakeAdded" in names(events)
    events = j.submit(miner, "serve_axon", netuid=1, version=1, ip=(10 << 24) + 5, port=8091, ip_type=4,
                      protocol=4, placeholder1=0, placeholder2=0)
    assert "SubtensorModule.AxonServed" in names(events)
    events = j.submit(bob, "become_delegate", hotkey="0x" + bob.public_key.hex())
    assert "SubtensorModule.DelegateAdded" in names(events)
    # a failing call is included, pays nothing (Pays::No) and names the module error
    events = j.submit(alice, "remove_stake", hotkey="0x" + bob.public_key.hex(), amount_unstaked=1)
    assert failure(client, events) == "SubtensorModule.NotEnoughStaketoWithdraw"

    neurons = bt_decode.NeuronInfoLite.decode_vec(bytes(runtime.rpc_methods["neuronInfo_getNeuronsLite"](
        j.chain.head.state, [1, None])))
    assert [bytes(n.hotkey) for n in neurons] == [bob.public_key, miner.public_key]
    assert neurons[1].axon_info.port == 8091
    assert dict((bytes(c), s) for c, s in neurons[0].stake)[bob.public_key] == 500 * TAO
    # the same bytes through state_call, wrapped as a SCALE Vec<u8>
    raw = j.api("NeuronInfoRuntimeApi_get_neurons_lite", (1).to_bytes(2, "little"))
    length_prefix = len(raw) - len(bytes(runtime.rpc_methods["neuronInfo_getNeuronsLite"](
        j.chain.head.state, [1, None])))
    assert length_prefix in (1, 2, 4)
    delegates = bt_decode.DelegateInfo.decode_vec(bytes(runtime.rpc_methods["delegateInfo_getDelegates"](
        j.chain.head.state, [None])))
    assert [bytes(d.delegate_ss58) for d in delegates] == [bob.public_key]
    cost = int.from_bytes(j.api("SubnetRegistrationRuntimeApi_get_network_registration_cost"), "little")
    assert cost == runtime.rpc_methods["subnetInfo_getLockCost"](j.chain.head.state, [None])


def test_weights_priority_and_pool_rejection(runtime: Runtime, client: Client) -> None:
    j = Journey(runtime, client)
    alice, bob = Keypair.from_uri("//Alice"), Keypair.from_uri("//Bob")
    j.submit(alice, "register_network")
    j.submit(bob, "burned_register", netuid=1, hotkey="0x" + bob.public_key.hex())
    call = client.call("set_weights", netuid=1, dests=[0], weights=[65535], version_key=0)
    xt = sign_extrinsic(bob.public_key, bob.sign, call, nonce=j.nonces[bob.public_key],
                        genesis_hash=j.chain.genesis_hash)
    valid = j.chain.validate(xt)
    assert valid.priority >= 2**32 - 1
    block = j.chain.produce([xt])
    raw = block.state.get(runtime.storage_key("System", "Events"))
    failed = failure(client, [e for e in client.events(raw) if e["extrinsic_idx"] == 1])
    assert failed == "SubtensorModule.SettingWeightsTooFast"
    state = DictState(dict(block.state.data))
    state.data[runtime.storage_key("SubtensorModule", "WeightsMinStake")] = (10**12).to_bytes(8, "little")
    again = sign_extrinsic(bob.public_key, bob.sign, call, nonce=j.nonces[bob.public_key] + 1,
                           genesis_hash=j.chain.genesis_hash)
    with pytest.raises(TransactionError, match="Transaction call is not expected"):
        runtime.validate_transaction(state, again, best_number=block.number, block_hash=j.chain.block_hash,
                                     genesis_hash=j.chain.genesis_hash)


def test_pool_priority_and_longevity_of_every_call(runtime: Runtime, client: Client) -> None:
    """§6: set_weights lives 1 block with its own priority; every other call of every pallet (a Balances
    transfer included) gets priority u64::MAX plus nothing else, and the era's longevity."""
    j = Journey(runtime, client)
    alice, bob = Keypair.from_uri("//Alice"), Keypair.from_uri("//Bob")
    j.submit(alice, "register_network")
    j.submit(bob, "burned_register", netuid=1, hotkey="0x" + bob.public_key.hex())

    def validity(signer: Keypair, call: bytes, **kw: object):
        xt = sign_extrinsic(signer.public_key, signer.sign, call, nonce=j.nonces.get(signer.public_key, 0),
                            genesis_hash=j.chain.genesis_hash, **kw)
        return j.chain.validate(xt)

    weights = validity(bob, client.call("set_weights", netuid=1, dests=[0], weights=[1], version_key=0))
    assert weights.longevity == 1
    assert weights.priority == 2**32 - 1  # registered in the best block: 0 blocks since LastUpdate, + u32::MAX
    stake = validity(bob, client.call("add_stake", hotkey="0x" + bob.public_key.hex(), amount_staked=TAO))
    transfer = validity(alice, client.call("transfer_keep_alive", "Balances", dest={"Id": "0x" + bob.public_key.hex()},
                                           value=TAO), tip=5)
    assert stake.priority == transfer.priority == 2**64 - 1  # saturating: the tip cannot overflow u64
    assert stake.longevity == transfer.longevity == 2**64 - 1  # immortal era, no extension limit
