"""R218's opaque runtime-API replies decoded by the era table: the real replies captured from chopsticks
(checked value by value against the storage captured at the same block, and against the metadata's declared
defaults for items never written), the bytes §11 measured, and refusals of layouts taocli does not know."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from chain.dtao.decode import ApiDecoder
from chain.dtao.errors import ApiAbsent, RuntimeTooNew
from chain.runtime.portable import decode_all
from chain.runtime.shape import RuntimeShape, shape_from_bytes
from chain.scale import encode_bytes, encode_compact
from chain.types import unwrap_state_call
from wallet.ss58 import ss58_encode

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dtao"
ALICE = bytes.fromhex("d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d")
CAPTURE = json.loads((FIXTURES / "spec218-replies.json").read_text())


@pytest.fixture(scope="module")
def shape() -> RuntimeShape:
    return shape_from_bytes(gzip.decompress((FIXTURES / "spec218-metadata-v15.scale.gz").read_bytes()))


@pytest.fixture(scope="module")
def dec(shape: RuntimeShape) -> ApiDecoder:
    return ApiDecoder(shape, 218)


def reply(name: str) -> bytes:
    return bytes.fromhex(CAPTURE["replies"][name]["reply"][2:])


def stored(shape: RuntimeShape, item: str) -> object:
    """A captured storage value decoded by the type the metadata declares; the declared default if unwritten."""
    pallet_item, _, _ = item.partition("[")
    entry = shape.item("SubtensorModule", pallet_item)
    raw = CAPTURE["storage"][item]
    data = bytes.fromhex(raw[2:]) if raw else entry.default
    return decode_all(shape.metadata, entry.value_id, data)


def test_dynamic_info_equals_storage_value_by_value(dec: ApiDecoder, shape: RuntimeShape) -> None:
    infos = dec.all_dynamic_info(reply("get_all_dynamic_info"))
    assert [i.netuid for i in infos] == [0, 1]
    assert infos[1] == dec.dynamic_info(reply("get_dynamic_info_1"))
    assert infos[0] == dec.dynamic_info(reply("get_dynamic_info_0"))
    for info in infos:
        n = info.netuid
        assert info.tao_in == stored(shape, f"SubnetTAO[{n}]")
        assert info.alpha_in == stored(shape, f"SubnetAlphaIn[{n}]")
        assert info.alpha_out == stored(shape, f"SubnetAlphaOut[{n}]")
        assert info.tempo == stored(shape, f"Tempo[{n}]")
        assert info.emission == stored(shape, f"EmissionValues[{n}]")
        assert info.last_step == stored(shape, f"LastMechansimStepBlock[{n}]")
        assert info.blocks_since_last_step == stored(shape, f"BlocksSinceLastStep[{n}]")
        assert info.total_locked == stored(shape, f"SubnetLocked[{n}]")
        assert info.owner_locked == stored(shape, f"LargestLocked[{n}]")
        assert info.owner_coldkey == ss58_encode(stored(shape, f"SubnetOwner[{n}]"))
        # R218 sends none of R233's fields: unknown, never zero
        assert info.owner_hotkey is None and info.moving_price is None and info.tao_in_emission is None
    assert infos[1].tao_in == 1_001_000_000_000 and infos[1].alpha_in == 900_899_999_999
    assert dec.dynamic_info(reply("get_dynamic_info_99")) is None


def test_hyperparams_are_the_27_field_dtao_layout_and_equal_storage(dec: ApiDecoder, shape: RuntimeShape) -> None:
    hp = dec.hyperparams(reply("get_subnet_hyperparams_1"))
    assert len(hp.values) == 27
    for name, item in (("rho", "Rho"), ("kappa", "Kappa"), ("immunity_period", "ImmunityPeriod"),
                       ("min_allowed_weights", "MinAllowedWeights"), ("max_weights_limit", "MaxWeightsLimit"),
                       ("difficulty", "Difficulty"), ("activity_cutoff", "ActivityCutoff"),
                       ("bonds_moving_avg", "BondsMovingAverage"), ("tempo", "Tempo")):
        assert hp.get(name) == stored(shape, f"{item}[1]"), name
    assert hp.get("bonds_moving_avg") == 990_000  # §10.12: R218's default, not 2024's
    assert (hp.get("alpha_high"), hp.get("alpha_low"), hp.get("liquid_alpha_enabled")) == (58_982, 45_875, False)


def test_stake_info_rows_and_share_value(dec: ApiDecoder, shape: RuntimeShape) -> None:
    rows = dec.stake_info_for_coldkey(reply("get_stake_info_for_coldkey_alice"))
    alice = ss58_encode(ALICE)
    assert [(r.hotkey, r.coldkey, r.netuid) for r in rows] == [(alice, alice, 0), (alice, alice, 1)]
    assert rows[0].stake == 0 and not rows[0].is_registered  # R218 lists zero rows too (§8)
    tha, ths = stored(shape, "TotalHotkeyAlpha[alice,1]"), stored(shape, "TotalHotkeyShares[alice,1]")
    assert (tha, ths) == (7_000_000_000, 5_000_000_000)
    # Alice holds all 5e9 shares: the runtime values them at 1 RAO under THA (fixed-point rounding, §2.2)
    assert rows[1].stake == 6_999_999_999


def test_subnet_state_and_subnet_info_v2(dec: ApiDecoder) -> None:
    state = dec.subnet_state(reply("get_subnet_state_1"))
    assert state.netuid == 1 and len(state.hotkeys) == 1 and state.validator_permit == [True]
    assert state.total_stake == [a + 0 for a in state.alpha_stake]  # no root stake here
    assert state.other["emission_history"] == [[0], [0]]
    info = dec.decode("SubnetInfoRuntimeApi", "get_subnet_info_v2", reply("get_subnet_info_v2_1"))
    assert info["identity"] is None and info["tempo"] == 100 and info["max_allowed_uids"] == 256


def test_spec_section_11_dynamic_info_bytes(dec: ApiDecoder) -> None:
    """§11.12 prints 63 bytes: `a000 00` holds one zero byte too many (0xa0 is a one-byte compact, 40, so
    `a0 00` is last_step 40 and blocks_since_last_step 0). The real reply captured from the same runtime has
    the 11-field, 62-byte layout, so the printed bytes are refused and the corrected ones decode to §11's values."""
    fields = "08 78 a0 00 3ef79be8 079b2ea9d4db 0723dc38e612 0baf369cea0001 00 00"
    printed = bytes.fromhex("01" + ALICE.hex() + fields.replace("a0 00", "a000 00").replace(" ", ""))
    with pytest.raises(RuntimeTooNew, match="1 unexpected trailing bytes"):
        dec.dynamic_info(encode_bytes(printed))
    info = dec.dynamic_info(encode_bytes(bytes.fromhex("01" + ALICE.hex() + fields.replace(" ", ""))))
    assert info.owner_coldkey == ss58_encode(ALICE)
    assert (info.netuid, info.tempo, info.last_step, info.blocks_since_last_step) == (2, 30, 40, 0)
    assert (info.emission, info.alpha_in, info.alpha_out, info.tao_in) == (
        975_633_871, 944_165_695_131, 81_171_897_379, 1_103_447_733_935)
    assert (info.total_locked, info.owner_locked) == (0, 0)


def test_spec_section_11_stake_info_rows(dec: ApiDecoder) -> None:
    hot, cold = bytes(range(32)), ALICE
    rows = [(0, 0, 0, True), (1, 0, 0, False), (2, 40_588_990_714, 150_373_983, True)]
    body = b"".join(hot + cold + encode_compact(n) + encode_compact(s) + b"\x00" + encode_compact(e) + b"\x00"
                    + bytes([reg]) for n, s, e, reg in rows)
    got = dec.stake_info_for_coldkey(encode_bytes(encode_compact(3) + body))
    assert [(r.netuid, r.stake, r.emission, r.is_registered) for r in got] == rows


def test_unknown_layouts_are_refused_in_one_line(dec: ApiDecoder, shape: RuntimeShape) -> None:
    good = reply("get_dynamic_info_1")
    inner = unwrap_state_call(good)  # the 62-byte struct inside its Vec<u8> wrapper
    assert len(inner) == 62
    longer = encode_bytes(inner + b"\x00")  # one more field than R218 sends
    with pytest.raises(RuntimeTooNew, match="runtime is newer than taocli knows: the SubnetInfoRuntimeApi_get_dyna"):
        dec.dynamic_info(longer)
    with pytest.raises(RuntimeTooNew, match="reply truncated"):
        dec.dynamic_info(encode_bytes(inner[:-3]))
    with pytest.raises(RuntimeTooNew, match="opaque SubnetInfoRuntimeApi_get_dynamic_info reply of spec 219"):
        ApiDecoder(shape, 219).dynamic_info(good)
    with pytest.raises(ApiAbsent, match="has no SubnetInfoRuntimeApi_get_metagraph"):
        dec.metagraph(b"")
    v14 = shape_from_bytes(gzip.decompress((FIXTURES / "spec218-metadata-v14.scale.gz").read_bytes()))
    with pytest.raises(RuntimeTooNew, match="V14 only"):
        ApiDecoder(v14, 218).dynamic_info(good)
    assert str(RuntimeTooNew("x")).count("\n") == 0


def test_arguments_follow_the_declared_input_types(dec: ApiDecoder) -> None:
    assert dec.encode_args("StakeInfoRuntimeApi", "get_stake_info_for_coldkey", ALICE) == b"\x80" + ALICE
    assert dec.encode_args("SubnetInfoRuntimeApi", "get_dynamic_info", 2) == b"\x02\x00"  # §11.12: 0x0200
    for name, entry in CAPTURE["replies"].items():  # the capture used these same encodings
        method = entry["method"].split("_", 1)[1]
        if name.startswith("get_dynamic_info_"):
            assert dec.encode_args("SubnetInfoRuntimeApi", method, int(name.rsplit("_", 1)[1])).hex() == entry["args"]
