"""The runtime's shape and era features, read from the REAL metadata of spec 143 and spec 218 (captured from
chopsticks by tests/fixtures/dtao/capture_chopsticks.py) and from our local chain's own metadata."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from chain.runtime.features import features_of
from chain.runtime.metadata import MetadataError, parse_metadata
from chain.runtime.shape import RuntimeShape, shape_from_bytes, shape_of
from localnet.runtime.executive import Runtime
from localnet.runtime.state import DictState

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dtao"


def load(name: str) -> bytes:
    return gzip.decompress((FIXTURES / name).read_bytes())


@pytest.fixture(scope="module")
def r218() -> RuntimeShape:
    return shape_from_bytes(load("spec218-metadata-v15.scale.gz"))


@pytest.fixture(scope="module")
def r143() -> RuntimeShape:
    return shape_from_bytes(load("spec143-metadata-v14.scale.gz"))


@pytest.fixture(scope="module")
def local() -> RuntimeShape:
    answer = Runtime().call(DictState(), "Metadata_metadata_at_version", (15).to_bytes(4, "little"))
    return shape_from_bytes(answer)


def test_spec218_calls_carry_the_dtao_arguments(r218: RuntimeShape) -> None:
    assert r218.call("SubtensorModule", "add_stake").signature() == (
        "SubtensorModule.add_stake(hotkey: AccountId32, netuid: u16, amount_staked: u64)")
    assert r218.call("SubtensorModule", "remove_stake").arg_names == ("hotkey", "netuid", "amount_unstaked")
    assert r218.call("SubtensorModule", "register_network").arg_names == ("hotkey", "mechid")
    move = r218.call("SubtensorModule", "move_stake")
    assert move.index == (7, 82)  # §9: R218 move_stake is [82]
    assert move.arg_names == ("origin_hotkey", "destination_hotkey", "origin_netuid", "destination_netuid",
                              "alpha_amount")
    assert r218.call("SubtensorModule", "set_children").args[2] == ("children", "Vec<(u64, AccountId32)>")
    assert r218.call("AdminUtils", "sudo_set_tempo").index[0] == 19  # §1: AdminUtils moved 18 -> 19


def test_spec218_storage_events_errors_and_apis(r218: RuntimeShape) -> None:
    alpha = r218.item("SubtensorModule", "Alpha")
    assert alpha.hashers == ("Blake2_128Concat", "Blake2_128Concat", "Identity")
    assert alpha.key == "(AccountId32, AccountId32, u16)" and alpha.value == "u64"
    assert r218.item("SubtensorModule", "TotalHotkeyStake") is None  # §2.1: removed
    assert r218.item("SubtensorModule", "TaoWeight").key == "u16"  # R218: per netuid
    assert r218.events["SubtensorModule.StakeAdded"].fields[-1][1] == "u16"
    assert r218.events["SubtensorModule.StakeMoved"].index == 73  # §9
    assert r218.errors["SubtensorModule.CanNotSetRootNetworkWeights"].index == 50
    assert r218.errors["SubtensorModule.SubnetNotExists"].index == 90
    assert "CheckMetadataHash" in r218.signed_extensions
    dynamic = r218.api("SubnetInfoRuntimeApi", "get_dynamic_info")
    assert dynamic.inputs == (("netuid", "u16"),) and dynamic.output == "Vec<u8>" and dynamic.opaque
    stake = r218.api("StakeInfoRuntimeApi", "get_stake_info_for_coldkey")
    assert stake.inputs == (("coldkey_account_vec", "Vec<u8>"),)
    assert r218.api("SubnetInfoRuntimeApi", "get_metagraph") is None  # R233 only


def test_spec218_features_are_dtao(r218: RuntimeShape) -> None:
    f = features_of(r218)
    assert f.era == "dtao" and f.stake_per_subnet and f.subnet_pools and f.every_hotkey_delegates
    assert f.register_network_args == ("hotkey", "mechid")
    assert not f.root_weights
    assert f.limit_price_calls == frozenset()  # R233 adds them
    assert f.stake_moves == frozenset({"move_stake"})
    assert f.commit_reveal and f.timelocked_commits == frozenset() and not f.mechanisms
    assert f.childkeys and f.childkey_take
    assert f.subnet_identity == "Option<SubnetIdentity>"
    assert f.share_type == "u64" and not f.shares_v2
    assert f.stake_event_fields == ("AccountId32", "AccountId32", "u64", "u64", "u16")
    assert f.typed_runtime_apis is False and f.swap_api is False


def test_spec218_v14_knows_calls_but_not_apis() -> None:
    shape = shape_from_bytes(load("spec218-metadata-v14.scale.gz"))
    assert shape.apis is None and shape.api("SubnetInfoRuntimeApi", "get_dynamic_info") is None
    f = features_of(shape)
    assert f.stake_per_subnet and f.typed_runtime_apis is None and f.swap_api is None  # unknown, not False


def test_spec143_features_are_2024(r143: RuntimeShape) -> None:
    f = features_of(r143)
    assert f.era == "2024" and not f.stake_per_subnet and not f.subnet_pools and not f.every_hotkey_delegates
    assert r143.call("SubtensorModule", "add_stake").arg_names == ("hotkey", "amount_staked")
    assert f.register_network_args == () and f.root_weights
    assert not f.commit_reveal and not f.childkeys and f.stake_moves == frozenset()
    assert f.share_type is None and f.stake_event_fields == ("AccountId32", "u64")
    assert r143.call("AdminUtils", "sudo_set_tempo").index[0] == 18
    assert r143.item("SubtensorModule", "TotalHotkeyStake").value == "u64"


def test_local_chain_is_the_2024_era_with_its_apis(local: RuntimeShape) -> None:
    f = features_of(local)
    assert f.era == "2024" and f.root_weights and not f.stake_per_subnet
    assert local.apis is not None and f.swap_api is False
    assert local.call("SubtensorModule", "add_stake").arg_names == ("hotkey", "amount_staked")
    assert local.api("AccountNonceApi", "account_nonce") is not None


def test_v14_and_v15_of_one_runtime_agree_on_calls_and_storage(r218: RuntimeShape) -> None:
    v14 = shape_from_bytes(load("spec218-metadata-v14.scale.gz"))
    assert v14.calls == r218.calls
    assert {k: (s.hashers, s.key, s.value, s.default) for k, s in v14.storage.items()} == {
        k: (s.hashers, s.key, s.value, s.default) for k, s in r218.storage.items()}


def test_wrapped_replies_are_accepted_and_garbage_is_refused() -> None:
    raw = load("spec143-metadata-v14.scale.gz")
    from chain.scale import encode_bytes

    assert parse_metadata(encode_bytes(raw)).version == 14  # Metadata_metadata's Vec<u8>
    assert shape_of(parse_metadata(b"\x01" + encode_bytes(raw))).calls  # Option<Vec<u8>>
    with pytest.raises(MetadataError, match="no 'meta' magic"):
        parse_metadata(b"\x00" * 40)
    with pytest.raises(MetadataError, match="version 13"):
        parse_metadata(b"meta\x0d" + b"\x00" * 8)


def test_storage_keys_and_values_follow_the_declarations(r218: RuntimeShape) -> None:
    import json

    from chain.runtime.storage_items import decode_value, storage_key
    from chain.storage import blake2_128_concat, key, u16_key

    alice = bytes.fromhex("d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d")
    assert storage_key(r218, "SubtensorModule", "SubnetTAO", u16_key(1)) == key("SubtensorModule", "SubnetTAO",
                                                                                 u16_key(1))
    assert storage_key(r218, "SubtensorModule", "TotalHotkeyAlpha", alice, u16_key(1)) == key(
        "SubtensorModule", "TotalHotkeyAlpha", blake2_128_concat(alice), u16_key(1))
    captured = json.loads((FIXTURES / "spec218-replies.json").read_text())["storage"]
    assert decode_value(r218, "SubtensorModule", "SubnetTAO", bytes.fromhex(captured["SubnetTAO[1]"][2:])) == (
        1_001_000_000_000)
    assert decode_value(r218, "SubtensorModule", "Rho", None) == 10  # never written: the declared default
    assert decode_value(r218, "SubtensorModule", "BondsMovingAverage", None) == 990_000  # R218's, not 2024's
    assert decode_value(r218, "SubtensorModule", "TokenSymbol", None) == b"\xf0\x9d\x9c\x8f"  # 𝜏 (§3)
    with pytest.raises(KeyError, match=r"no storage item SubtensorModule\.TotalHotkeyStake"):
        storage_key(r218, "SubtensorModule", "TotalHotkeyStake")


def test_split_key_reads_the_map_keys_back(r218: RuntimeShape) -> None:
    from chain.runtime.storage_items import split_key, storage_key
    from chain.storage import u16_key

    hot, cold = bytes([1] * 32), bytes([2] * 32)
    key = storage_key(r218, "SubtensorModule", "Alpha", hot, cold, u16_key(7))
    assert split_key(r218, "SubtensorModule", "Alpha", key) == [hot, cold, 7]
    assert split_key(r218, "SubtensorModule", "SubnetTAO", storage_key(r218, "SubtensorModule", "SubnetTAO",
                                                                       u16_key(3))) == [3]
    with pytest.raises(ValueError, match="not under"):
        split_key(r218, "SubtensorModule", "Alpha", storage_key(r218, "SubtensorModule", "SubnetTAO", u16_key(3)))


def test_require_call_names_what_the_chain_takes(r218: RuntimeShape, r143: RuntimeShape) -> None:
    from chain.runtime.calls import CallMismatch, require_call

    assert require_call(r218, "SubtensorModule", "add_stake", ("hotkey", "netuid", "amount_staked")).index == (7, 2)
    with pytest.raises(CallMismatch, match=r"takes \(hotkey, netuid, amount_staked\), this client sends "
                                           r"\(hotkey, amount_staked\)"):
        require_call(r218, "SubtensorModule", "add_stake", ("hotkey", "amount_staked"))
    with pytest.raises(CallMismatch, match=r"this chain has no SubtensorModule\.move_stake"):
        require_call(r143, "SubtensorModule", "move_stake", ("origin_hotkey",))
