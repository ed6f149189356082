"""A genesis `[runtime]` table: other pallet indices, spec version and existential deposit.

The indices move calls, events, module errors, the outer enums and the metadata together (one declaration
feeds them all), and a bad table is one GenesisError line. Pallet indices are process-wide, so every test
that moves them builds a default Runtime afterwards (the `restore` fixture) and checks the defaults return;
while a runtime of one configuration is alive, one of another is refused (RuntimeConfigConflict).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from scalecodec.base import RuntimeConfigurationObject, ScaleBytes
from scalecodec.type_registry import load_type_registry_preset

from localnet.genesis import GenesisError, dev_genesis, load_genesis
from localnet.runtime import balances, system, timestamp
from localnet.runtime.executive import Runtime
from localnet.runtime.pallets import BY_INDEX, BY_NAME, DEFAULT_INDICES, RuntimeConfigConflict, decode_call
from localnet.runtime.subtensor import storage as st
from tests.support.devchain import DevChain
from tests.support.devsign import sign_extrinsic
from wallet.keypair import Keypair

ALICE = Keypair.from_uri("//Alice")
OTHER = """
[runtime]
spec_version = 200
existential_deposit = 1000
pallet_indices = { SubtensorModule = 21, Balances = 14, AdminUtils = 30, Timestamp = 3 }
[subtensor]
tempo = 7
burn = 2_500_000_000
"""


@pytest.fixture
def restore() -> Iterator[None]:
    yield
    Runtime(dev_genesis())
    assert {name: BY_NAME[name].index for name in DEFAULT_INDICES} == DEFAULT_INDICES
    assert balances.EXISTENTIAL_DEPOSIT == 500


def other_runtime(tmp_path: Path) -> Runtime:
    path = tmp_path / "other.toml"
    path.write_text(OTHER)
    return Runtime(load_genesis(path))


def pallet_indices_in_metadata(runtime: Runtime) -> dict[str, int]:
    """Decode the V14 metadata with scalecodec (the stock client's decoder), not with our own code."""
    config = RuntimeConfigurationObject()
    config.update_type_registry(load_type_registry_preset("core"))
    meta = config.create_scale_object("MetadataVersioned", data=ScaleBytes(runtime.metadata(14)))
    meta.decode()
    return {p["name"]: p["index"] for p in meta.value[1]["V14"]["pallets"]}


def test_runtime_table_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "g.json"
    path.write_text('{"runtime": {"spec_version": 7, "pallet_indices": {"Sudo": 40}}}')
    g = load_genesis(path)
    assert g.runtime.spec_version == 7 and g.runtime.pallet_indices == {"Sudo": 40}
    assert g.runtime.existential_deposit is None and g.runtime.ed == 500
    assert dev_genesis().runtime.pallet_indices == {}


def test_other_indices_move_metadata_calls_events_and_errors(tmp_path: Path, restore: None) -> None:
    runtime = other_runtime(tmp_path)
    indices = pallet_indices_in_metadata(runtime)
    assert (indices["SubtensorModule"], indices["Balances"], indices["AdminUtils"], indices["Timestamp"]) == (
        21, 14, 30, 3)
    assert indices["System"] == 0 and indices["Sudo"] == 12  # unnamed pallets keep their index
    assert runtime.version["specVersion"] == 200 and BY_INDEX[21].name == "SubtensorModule" and 7 not in BY_INDEX
    transfer = balances.pallet.calls_by_name["transfer_keep_alive"]
    raw = transfer.encode({"Id": Keypair.from_uri("//Bob").public_key}, 600)
    assert raw[0] == 14 and decode_call(raw)[0].call is transfer
    assert balances.pallet.error("ExistentialDeposit").value["Module"]["index"] == 14

    chain = DevChain(runtime)
    fresh = Keypair.from_uri("//Fresh").public_key
    calls = [transfer.encode({"Id": fresh}, 600), transfer.encode({"Id": fresh}, 5_000)]
    xts = [sign_extrinsic(ALICE.public_key, ALICE.sign, call, nonce=n, genesis_hash=chain.genesis_hash,
                          spec_version=200) for n, call in enumerate(calls)]
    block = chain.produce(xts)
    assert not block.outcome.rejected
    assert block.extrinsics[0][1:4] == b"\x04\x03\x00"  # the Timestamp inherent follows its pallet
    assert balances.free_balance(block.state, fresh) == 5_000  # 600 < the new ED of 1000: refused
    events = system.Events.get(block.state)
    # decoded by the runtime's own RuntimeEvent codec, rebuilt for the new indices
    failed = [e["event"]["System"]["ExtrinsicFailed"] for e in events
              if "ExtrinsicFailed" in e["event"].get("System", {})]
    assert len(failed) == 1 and failed[0]["dispatch_error"]["Module"]["index"] == 14
    assert {"Withdraw", "Transfer", "Endowed"} <= {name for e in events for name in e["event"].get("Balances", {})}
    assert timestamp.Now.get(block.state) > 0
    assert st.NewSubnetBurn.get(block.state) == 2_500_000_000 and st.NewSubnetTempo.get(block.state) == 7


def test_default_runtime_is_as_built(restore: None) -> None:
    runtime = Runtime()
    assert pallet_indices_in_metadata(runtime) == DEFAULT_INDICES
    assert runtime.version["specVersion"] == 143
    assert {n: v for n, _, v, _ in balances.pallet.constants}["ExistentialDeposit"] == 500
    assert st.NewSubnetBurn.get(DevChain(runtime).head.state) is None  # 2024 behaviour: Burn left alone


@pytest.mark.parametrize("text, fragment", [
    ("[runtime]\npallet_indices = { Balances = 13, Sudo = 13 }", "gives Balances and Sudo the same index 13"),
    ("[runtime]\npallet_indices = { Balances = 256 }", "pallet_indices.Balances must be an integer from 0 to 255"),
    ("[runtime]\npallet_indices = { Balances = true }", "must be an integer"),
    ("[runtime]\npallet_indices = 5", "must be a table of PalletName = index"),
    ("[runtime]\nspec_version = 0", "spec_version must be an integer from 1"),
    ("[runtime]\nspecversion = 2", "unknown [runtime] key(s) specversion"),
    ("runtime = 3", "runtime must be a table"),
    ("[runtime]\nexistential_deposit = 2_000_000_000_000_000", "above a prefunded balance"),
    ('[runtime]\nexistential_deposit = 2000\n[balances]\n"rao://Zed" = 1500', "below the existential deposit "
                                                                              "(2000 RAO)"),
])
def test_bad_runtime_table_is_one_line(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(GenesisError) as err:
        load_genesis(path)
    assert fragment in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("indices, fragment", [
    ({"Balancez": 13}, "names no pallet of this runtime: Balancez"),
    ({"Balances": 10}, "puts Balances on index 10, which SenateMembers has"),
])
def test_runtime_refuses_unknown_pallets_and_collisions(indices: dict[str, int], fragment: str,
                                                         restore: None) -> None:
    genesis = dev_genesis()
    genesis.runtime.pallet_indices = indices
    with pytest.raises(GenesisError) as err:
        Runtime(genesis)
    assert fragment in str(err.value) and "\n" not in str(err.value)
    assert BY_NAME["Balances"].index == 5  # refused before anything moved


def test_subnet_gets_the_genesis_burn_and_tempo(tmp_path: Path, restore: None) -> None:
    runtime = other_runtime(tmp_path)
    chain = DevChain(runtime)
    register = BY_NAME["SubtensorModule"].calls_by_name["register_network"]
    xt = sign_extrinsic(ALICE.public_key, ALICE.sign, register.encode(), nonce=0,
                        genesis_hash=chain.genesis_hash, spec_version=200)
    block = chain.produce([xt])
    assert not block.outcome.rejected
    (netuid,) = [keys[0] for keys, added in st.NetworksAdded.iter(block.state) if added and keys[0] != 0]
    assert st.Burn.get(block.state, netuid) == 2_500_000_000 and st.Tempo.get(block.state, netuid) == 7


def test_two_configurations_cannot_share_a_process_while_both_live(tmp_path: Path, restore: None) -> None:
    first = other_runtime(tmp_path)
    metadata = first.metadata(14)
    with pytest.raises(RuntimeConfigConflict) as err:
        Runtime(dev_genesis())
    message = str(err.value)
    assert "Balances 14 -> 5" in message and "ExistentialDeposit 1000 -> 500 RAO" in message and "\n" not in message
    # the refused runtime changed nothing: the first keeps its indices and ED and still builds blocks with them
    assert BY_NAME["Balances"].index == 14 and balances.EXISTENTIAL_DEPOSIT == 1000
    twin = other_runtime(tmp_path)  # the same table may run beside it
    assert twin.metadata(14) == metadata == first.metadata(14)
    chain = DevChain(first)
    fresh = Keypair.from_uri("//Fresh").public_key
    transfer = balances.pallet.calls_by_name["transfer_keep_alive"].encode({"Id": fresh}, 5_000)
    assert transfer[0] == 14
    block = chain.produce([sign_extrinsic(ALICE.public_key, ALICE.sign, transfer, nonce=0,
                                          genesis_hash=chain.genesis_hash, spec_version=200)])
    assert not block.outcome.rejected and balances.free_balance(block.state, fresh) == 5_000

    del first, twin, chain  # once no runtime of the old configuration is left, another may take over
    default = Runtime(dev_genesis())
    assert pallet_indices_in_metadata(default) == DEFAULT_INDICES and balances.EXISTENTIAL_DEPOSIT == 500
