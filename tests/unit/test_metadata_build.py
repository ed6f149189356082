"""Metadata V14 (scalecodec, as substrate-interface reads it) and V15 (parity's decoder via bt-decode)."""

from __future__ import annotations

import bt_decode
import pytest
from scalecodec.base import RuntimeConfigurationObject, ScaleBytes
from scalecodec.type_registry import load_type_registry_preset

from localnet.runtime.executive import Runtime
from localnet.runtime.metadata_build import SIGNED_EXTENSIONS
from localnet.runtime.pallets import PALLETS
from localnet.runtime.state import DictState


@pytest.fixture(scope="module")
def runtime() -> Runtime:
    return Runtime()


@pytest.fixture(scope="module")
def decoded(runtime: Runtime) -> tuple[RuntimeConfigurationObject, object]:
    rc = RuntimeConfigurationObject()
    rc.update_type_registry(load_type_registry_preset("core"))
    md = rc.create_scale_object("MetadataVersioned", data=ScaleBytes(runtime.metadata(14)))
    md.decode()
    rc.add_portable_registry(md)
    return rc, md


def test_v14_is_byte_identical_to_scalecodecs_encoder(runtime: Runtime, decoded: tuple) -> None:
    _, md = decoded
    blob = runtime.metadata(14)
    assert blob[:5] == b"meta\x0e"
    again = RuntimeConfigurationObject()
    again.update_type_registry(load_type_registry_preset("core"))
    assert bytes(again.create_scale_object("MetadataVersioned").encode(md.value).data) == blob


def test_v14_pallets_indices_and_extensions(decoded: tuple) -> None:
    _, md = decoded
    v14 = md.value[1]["V14"]
    indices = {p["name"]: p["index"] for p in v14["pallets"]}
    assert {"System": 0, "Timestamp": 2, "Balances": 5, "TransactionPayment": 6, "Utility": 11,
            "Sudo": 12}.items() <= indices.items()
    assert [e["identifier"] for e in v14["extrinsic"]["signed_extensions"]] == [s[0] for s in SIGNED_EXTENSIONS]
    assert v14["extrinsic"]["version"] == 4


def test_errors_are_dense_and_looked_up_by_name(decoded: tuple) -> None:
    _, md = decoded
    for pallet in md.pallets:
        if pallet.errors:
            assert [e.value["index"] for e in pallet.errors] == list(range(len(pallet.errors)))
    balances = md.get_metadata_pallet("Balances")
    assert md.get_module_error(balances.value["index"], 2).name == "InsufficientBalance"


def test_optional_storage_defaults_decode(decoded: tuple) -> None:
    _, md = decoded
    for pallet in md.pallets:
        for item in pallet.storage or []:
            if item.value["modifier"] == "Optional":
                assert item.value["default"] in ("0x00", "\x00"), (pallet.name, item.name)


def test_v15_decodes_with_parity_decoder(runtime: Runtime) -> None:
    answer = runtime.call(DictState(), "Metadata_metadata_at_version", (15).to_bytes(4, "little"))
    value = bt_decode.MetadataV15.decode_from_metadata_option(answer).value()
    assert [p["name"] for p in value["pallets"]] == [p.name for p in PALLETS]
    apis = {a["name"]: [m["name"] for m in a["methods"]] for a in value["apis"]}
    assert apis["AccountNonceApi"] == ["account_nonce"]
    assert apis["Metadata"] == ["metadata", "metadata_at_version", "metadata_versions"]
    assert set(value["outer_enums"]) == {"call_enum_ty", "event_enum_ty", "error_enum_ty"}
    assert len(value["extrinsic"]["signed_extensions"]) == len(SIGNED_EXTENSIONS)
    assert runtime.call(DictState(), "Metadata_metadata_at_version", (13).to_bytes(4, "little")) == b"\x00"


def test_metadata_state_calls(runtime: Runtime, decoded: tuple) -> None:
    rc, _ = decoded
    versions = runtime.call(DictState(), "Metadata_metadata_versions", b"")
    assert rc.create_scale_object("Vec<u32>", data=ScaleBytes(versions)).decode() == [14, 15]
    opaque = runtime.call(DictState(), "Metadata_metadata", b"")
    assert rc.create_scale_object("Bytes", data=ScaleBytes(opaque)).decode() == "0x" + runtime.metadata(14).hex()
    version = runtime.call(DictState(), "Core_version", b"")
    assert b"node-subtensor" in version and len(version) > 100
    with pytest.raises(ValueError):
        runtime.metadata(13)


def test_parity_decoder_reads_our_storage_values(runtime: Runtime) -> None:
    """bt-decode (scale-info + parity-scale-codec in Rust) decodes AccountInfo and Events as we encode them."""
    from localnet.runtime import system
    from tests.support.devchain import DevChain

    answer = runtime.call(DictState(), "Metadata_metadata_at_version", (15).to_bytes(4, "little"))
    md = bt_decode.MetadataV15.decode_from_metadata_option(answer)
    registry = bt_decode.PortableRegistry.from_metadata_v15(md)
    ids = {tuple(t["type"].get("path", ())): t["id"] for t in md.value()["types"]["types"]}
    chain = DevChain(runtime)
    block = chain.produce([])
    alice = runtime.genesis.dev_accounts["Alice"]
    info = bt_decode.decode(f"scale_info::{ids[('frame_system', 'AccountInfo')]}", registry,
                            block.state.get(system.Account.key(alice)))
    assert info["data"]["free"] == runtime.genesis.balances[alice] and info["providers"] == 1
    records = block.state.get(system.Events.key())
    event_record = ids[("frame_system", "EventRecord")]
    decoded = bt_decode.decode(f"scale_info::{event_record}", registry, records[1:])
    assert "System" in str(decoded) and "ExtrinsicSuccess" in str(decoded)
