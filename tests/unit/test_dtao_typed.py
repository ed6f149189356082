"""Spec-233+ runtime APIs decoded by the types the metadata declares: registries and bytes built from the
layouts of dtao-2025.md §8 (R233) and §P2.4 (HEAD, spec 425), since no runtime of those versions runs here."""

from __future__ import annotations

from fractions import Fraction

import pytest

from chain.dtao.decode import ApiDecoder
from chain.dtao.errors import RuntimeTooNew
from tests.unit.dtao_registry import Registry
from wallet.ss58 import ss58_encode

HOT, COLD = bytes([7] * 32), bytes([9] * 32)
IDENTITY_V2 = [("subnet_name", "Vec<u8>"), ("github_repo", "Vec<u8>"), ("subnet_contact", "Vec<u8>"),
               ("subnet_url", "Vec<u8>"), ("discord", "Vec<u8>"), ("description", "Vec<u8>"),
               ("additional", "Vec<u8>")]
IDENTITY_V3 = [*IDENTITY_V2[:6], ("logo_url", "Vec<u8>"), ("additional", "Vec<u8>")]
POOL = [("alpha_out_emission", "Compact<u64>"), ("alpha_in_emission", "Compact<u64>"),
        ("tao_in_emission", "Compact<u64>"), ("pending_alpha_emission", "Compact<u64>"),
        ("pending_root_emission", "Compact<u64>"), ("subnet_volume", "Compact<u128>")]


def dynamic_layout(identity: str) -> list[tuple[str, str]]:
    """§8 DynamicInfo, R233 order (HEAD keeps it; only the identity becomes V3)."""
    return [("netuid", "Compact<u16>"), ("owner_hotkey", "AccountId32"), ("owner_coldkey", "AccountId32"),
            ("subnet_name", "Vec<Compact<u8>>"), ("token_symbol", "Vec<Compact<u8>>"), ("tempo", "Compact<u16>"),
            ("last_step", "Compact<u64>"), ("blocks_since_last_step", "Compact<u64>"), ("emission", "Compact<u64>"),
            ("alpha_in", "Compact<u64>"), ("alpha_out", "Compact<u64>"), ("tao_in", "Compact<u64>"), *POOL,
            ("network_registered_at", "Compact<u64>"), ("subnet_identity", f"Option<{identity}>"),
            ("moving_price", "I96F32")]


def dynamic_value(identity: dict | None) -> dict:
    return {"netuid": 3, "owner_hotkey": HOT, "owner_coldkey": COLD, "subnet_name": list(b"omron"),
            "token_symbol": list("γ".encode()), "tempo": 99, "last_step": 7_200, "blocks_since_last_step": 12,
            "emission": 0, "alpha_in": 943_304_130_678, "alpha_out": 81_171_897_379, "tao_in": 1_102_503_434_039,
            "alpha_out_emission": 1_000_000_000, "alpha_in_emission": 854_000_000, "tao_in_emission": 998_123,
            "pending_alpha_emission": 5_000_000_000, "pending_root_emission": 0, "subnet_volume": 2**70 + 5,
            "network_registered_at": 4_000_001, "subnet_identity": identity, "moving_price": Fraction(3, 4)}


def make(identity: str) -> tuple[Registry, ApiDecoder]:
    reg = Registry()
    reg.structs["SubnetIdentityV2"], reg.structs["SubnetIdentityV3"] = IDENTITY_V2, IDENTITY_V3
    reg.structs["DynamicInfo"] = dynamic_layout(identity)
    shape = reg.shape({"SubnetInfoRuntimeApi_get_dynamic_info": ([("netuid", "u16")], "Option<DynamicInfo>"),
                       "SubnetInfoRuntimeApi_get_all_dynamic_info": ([], "Vec<Option<DynamicInfo>>")})
    return reg, ApiDecoder(shape, 425)  # the spec version plays no part on a typed runtime


@pytest.mark.parametrize("identity", ["SubnetIdentityV2", "SubnetIdentityV3"])
def test_dynamic_info_r233_and_head(identity: str) -> None:
    reg, dec = make(identity)
    ident = {name: f"<{name}>".encode() for name, _ in reg.structs[identity]}
    value = dynamic_value(ident)
    info = dec.dynamic_info(reg.encode("Option<DynamicInfo>", value))
    assert info.netuid == 3 and info.owner_hotkey == ss58_encode(HOT) and info.owner_coldkey == ss58_encode(COLD)
    assert (info.subnet_name, info.token_symbol) == ("omron", "γ")  # γ is 2 bytes ≥ 64: 2-byte compacts
    assert (info.tao_in, info.alpha_in, info.alpha_out) == (1_102_503_434_039, 943_304_130_678, 81_171_897_379)
    assert info.subnet_volume == 2**70 + 5 and info.tao_in_emission == 998_123
    assert info.moving_price == Fraction(3, 4)
    assert info.subnet_identity.get("description") == "<description>"
    assert info.subnet_identity.get("logo_url") == ("<logo_url>" if identity.endswith("V3") else "")
    assert info.total_locked is None  # R218-only field: unknown here
    many = dec.all_dynamic_info(reg.encode("Vec<Option<DynamicInfo>>", [value, None, value]))
    assert [i.netuid for i in many] == [3, 3]
    assert dec.dynamic_info(b"\x00") is None


def test_a_v2_decoder_would_misread_v3_but_the_declared_type_does_not() -> None:
    """§P2.4: HEAD's identity is V3 (logo_url before additional); decoding by the declared type reads it right."""
    reg, dec = make("SubnetIdentityV3")
    value = dynamic_value({n: n.encode() for n, _ in IDENTITY_V3})
    info = dec.dynamic_info(reg.encode("Option<DynamicInfo>", value))
    assert info.subnet_identity.get("additional") == "additional" and info.moving_price == Fraction(3, 4)


def test_stake_info_and_subnet_state_typed() -> None:
    reg = Registry()
    base = [("hotkey", "AccountId32"), ("coldkey", "AccountId32"), ("netuid", "Compact<u16>"),
            ("stake", "Compact<u64>"), ("locked", "Compact<u64>"), ("emission", "Compact<u64>")]
    reg.structs["StakeInfo"] = [*base, ("tao_emission", "Compact<u64>"), ("drain", "Compact<u64>"),
                                ("is_registered", "bool")]  # HEAD (+238)
    vectors = [("pruning_score", "Vec<Compact<u16>>"), ("last_update", "Vec<Compact<u64>>"),
               ("emission", "Vec<Compact<u64>>"), ("dividends", "Vec<Compact<u16>>"),
               ("incentives", "Vec<Compact<u16>>"), ("consensus", "Vec<Compact<u16>>"),
               ("trust", "Vec<Compact<u16>>"), ("rank", "Vec<Compact<u16>>"),
               ("block_at_registration", "Vec<Compact<u64>>"), ("alpha_stake", "Vec<Compact<u64>>"),
               ("tao_stake", "Vec<Compact<u64>>"), ("total_stake", "Vec<Compact<u64>>")]
    reg.structs["SubnetState"] = [("netuid", "Compact<u16>"), ("hotkeys", "Vec<AccountId32>"),
                                  ("coldkeys", "Vec<AccountId32>"), ("active", "Vec<bool>"),
                                  ("validator_permit", "Vec<bool>"), *vectors,
                                  ("emission_history", "Vec<Vec<Compact<u64>>>")]
    shape = reg.shape({"StakeInfoRuntimeApi_get_stake_info_for_coldkey": ([("coldkey_account", "AccountId32")],
                                                                          "Vec<StakeInfo>"),
                       "SubnetInfoRuntimeApi_get_subnet_state": ([("netuid", "u16")], "Option<SubnetState>")})
    dec = ApiDecoder(shape, 425)
    assert dec.encode_args("StakeInfoRuntimeApi", "get_stake_info_for_coldkey", COLD) == COLD  # typed: raw 32 bytes
    row = {"hotkey": HOT, "coldkey": COLD, "netuid": 2, "stake": 40_588_990_714, "locked": 0,
           "emission": 150_373_983, "tao_emission": 0, "drain": 0, "is_registered": True}
    (got,) = dec.stake_info_for_coldkey(reg.encode("Vec<StakeInfo>", [row]))
    assert (got.netuid, got.stake, got.emission, got.tao_emission, got.is_registered) == (
        2, 40_588_990_714, 150_373_983, 0, True)
    state = {"netuid": 2, "hotkeys": [HOT, COLD], "coldkeys": [COLD, COLD], "active": [True, False],
             "validator_permit": [True, False], "emission_history": [[1], [2, 3]],
             **{name: [5, 6] for name, _ in vectors}}
    state["alpha_stake"], state["tao_stake"], state["total_stake"] = (
        [82_978_467_731, 0], [112_447_609_978, 0], [103_219_037_519, 0])  # §11.14's measured arrays
    got_state = dec.subnet_state(reg.encode("Option<SubnetState>", state))
    assert got_state.total_stake == [103_219_037_519, 0] and got_state.hotkeys[1] == ss58_encode(COLD)


def test_hyperparams_v2_and_v3_by_name() -> None:
    reg = Registry()
    reg.structs["SubnetHyperparamsV2"] = [("rho", "Compact<u16>"), ("tempo", "Compact<u16>"),
                                          ("alpha_sigmoid_steepness", "I32F32"), ("yuma_version", "Compact<u16>"),
                                          ("transfers_enabled", "bool")]
    reg.enums["HyperparamValue"] = [("Bool", "bool"), ("U16", "u16"), ("U32", "u32"), ("U64", "u64"),
                                    ("U128", "u128"), ("TaoBalance", "Compact<u64>"), ("I32F32", "I32F32"),
                                    ("U64F64", "U64F64")]
    reg.structs["Hyperparam"] = [("name", "Vec<u8>"), ("value", "HyperparamValue")]
    shape = reg.shape({
        "SubnetInfoRuntimeApi_get_subnet_hyperparams_v2": ([("netuid", "u16")], "Option<SubnetHyperparamsV2>"),
        "SubnetInfoRuntimeApi_get_subnet_hyperparams_v3": ([("netuid", "u16")], "Option<Vec<Hyperparam>>")})
    dec = ApiDecoder(shape, 425)
    v2 = dec.hyperparams(reg.encode("Option<SubnetHyperparamsV2>", {
        "rho": 10, "tempo": 360, "alpha_sigmoid_steepness": Fraction(-5, 2), "yuma_version": 3,
        "transfers_enabled": True}), "get_subnet_hyperparams_v2")
    assert v2.values == {"rho": 10, "tempo": 360, "alpha_sigmoid_steepness": Fraction(-5, 2), "yuma_version": 3,
                         "transfers_enabled": True}
    v3 = dec.hyperparams(reg.encode("Option<Vec<Hyperparam>>", [
        {"name": b"tempo", "value": ("U16", 360)}, {"name": b"min_burn", "value": ("TaoBalance", 500_000)},
        {"name": b"owner_cut_enabled", "value": ("Bool", True)},
        {"name": b"burn_increase_mult", "value": ("U64F64", Fraction(63, 50))}]), "get_subnet_hyperparams_v3")
    assert v3.get("tempo") == 360 and v3.get("min_burn") == 500_000 and v3.get("owner_cut_enabled") is True
    assert v3.get("burn_increase_mult") == Fraction(int(Fraction(63, 50) * 2**64), 2**64)  # floored to 64 bits
    assert v3.get("rho") is None  # v3 dropped it: absent, not a default


def test_unknown_newer_layouts_are_refused() -> None:
    reg = Registry()
    renamed = [(("tao_reserve" if n == "tao_in" else n), t) for n, t in dynamic_layout("SubnetIdentityV3")]
    reg.structs["SubnetIdentityV3"], reg.structs["DynamicInfo"] = IDENTITY_V3, renamed
    dec = ApiDecoder(reg.shape({"SubnetInfoRuntimeApi_get_dynamic_info": ([("netuid", "u16")],
                                                                           "Option<DynamicInfo>")}), 500)
    value = dynamic_value(None)
    value["tao_reserve"] = value.pop("tao_in")
    data = reg.encode("Option<DynamicInfo>", value)
    with pytest.raises(RuntimeTooNew, match="runtime is newer than taocli knows: DynamicInfo lacks tao_in"):
        dec.dynamic_info(data)
    reg2, dec2 = make("SubnetIdentityV2")
    good = reg2.encode("Option<DynamicInfo>", dynamic_value(None))
    with pytest.raises(RuntimeTooNew, match="does not match its declared type Option<DynamicInfo>"):
        dec2.dynamic_info(good + b"\x00")


def test_a_fixed_point_field_whose_spelling_contradicts_the_registry_is_refused() -> None:
    reg = Registry()
    reg.structs["P"] = [("price", "U64F64")]
    reg.id("P")
    field = reg.types[reg.id("P")].fields[0]
    # the runtime spells the field I96F32 but declares FixedU128<U64>: no guess, one error
    from chain.runtime.metadata import PortableType, TypeField

    reg.types[reg.id("P")] = PortableType(("x", "P"), (), "composite",
                                          fields=(TypeField("price", field.type_id, "I96F32"),))
    dec = ApiDecoder(reg.shape({"SubnetInfoRuntimeApi_get_price": ([], "P")}), 425)
    with pytest.raises(RuntimeTooNew, match="spelled I96F32 has registry type FixedU128"):
        dec.decode("SubnetInfoRuntimeApi", "get_price", bytes(16))


def metagraph_layout() -> list[tuple[str, str]]:
    """§8 Metagraph (R233): 72 fields in order; HEAD keeps them (identity V3, activity_cutoff Compact<u64>)."""
    c16, c64 = "Compact<u16>", "Compact<u64>"
    head = [("netuid", c16), ("name", "Vec<Compact<u8>>"), ("symbol", "Vec<Compact<u8>>"),
            ("identity", "Option<SubnetIdentityV2>"), ("network_registered_at", c64),
            ("owner_hotkey", "AccountId32"), ("owner_coldkey", "AccountId32"), ("block", c64), ("tempo", c16),
            ("last_step", c64), ("blocks_since_last_step", c64)]
    pool = [("subnet_emission", c64), ("alpha_in", c64), ("alpha_out", c64), ("tao_in", c64), *POOL[:5],
            ("subnet_volume", "Compact<u128>"), ("moving_price", "I96F32")]
    params = [(n, c16) for n in ("rho", "kappa", "min_allowed_weights", "max_weights_limit")] + [
        ("weights_version", c64), ("weights_rate_limit", c64), ("activity_cutoff", c16), ("max_validators", c16),
        ("num_uids", c16), ("max_uids", c16), ("burn", c64), ("difficulty", c64), ("registration_allowed", "bool"),
        ("pow_registration_allowed", "bool"), ("immunity_period", c16), ("min_difficulty", c64),
        ("max_difficulty", c64), ("min_burn", c64), ("max_burn", c64), ("adjustment_alpha", c64),
        ("adjustment_interval", c16), ("target_regs_per_interval", c16), ("max_regs_per_block", c16),
        ("serving_rate_limit", c64), ("commit_reveal_weights_enabled", "bool"), ("commit_reveal_period", c64),
        ("liquid_alpha_enabled", "bool"), ("alpha_high", c16), ("alpha_low", c16), ("bonds_moving_avg", c64)]
    arrays = [("hotkeys", "Vec<AccountId32>"), ("coldkeys", "Vec<AccountId32>"),
              ("identities", "Vec<Option<ChainIdentityV2>>"), ("axons", "Vec<AxonInfo>"), ("active", "Vec<bool>"),
              ("validator_permit", "Vec<bool>")] + [
        (n, f"Vec<{c16 if n in ('pruning_score', 'dividends', 'incentives', 'consensus', 'trust', 'rank') else c64}>")
        for n in ("pruning_score", "last_update", "emission", "dividends", "incentives", "consensus", "trust", "rank",
                  "block_at_registration", "alpha_stake", "tao_stake", "total_stake")] + [
        ("tao_dividends_per_hotkey", "Vec<(AccountId32, Compact<u64>)>"),
        ("alpha_dividends_per_hotkey", "Vec<(AccountId32, Compact<u64>)>")]
    layout = head + pool + params + arrays
    assert len(layout) == 72
    return layout


def test_metagraph_typed_72_fields() -> None:
    reg = Registry()
    reg.structs["SubnetIdentityV2"] = IDENTITY_V2
    reg.structs["ChainIdentityV2"] = [(n, "Vec<u8>") for n in ("name", "url", "github_repo", "image", "discord",
                                                              "description", "additional")]
    reg.structs["AxonInfo"] = [("block", "u64"), ("version", "u32"), ("ip", "u128"), ("port", "u16"),
                               ("ip_type", "u8"), ("protocol", "u8"), ("placeholder1", "u8"), ("placeholder2", "u8")]
    reg.structs["Metagraph"] = metagraph_layout()
    dec = ApiDecoder(reg.shape({"SubnetInfoRuntimeApi_get_metagraph": ([("netuid", "u16")], "Option<Metagraph>")}),
                     233)
    axon = {"block": 9, "version": 1, "ip": 2130706433, "port": 8091, "ip_type": 4, "protocol": 4,
            "placeholder1": 0, "placeholder2": 0}
    value: dict = {name: 0 for name, _ in reg.structs["Metagraph"]}
    value.update({name: False for name, ty in reg.structs["Metagraph"] if ty == "bool"})
    value.update({"netuid": 2, "name": list(b"apex"), "symbol": list("β".encode()), "identity": None,
                  "owner_hotkey": HOT, "owner_coldkey": COLD, "moving_price": Fraction(1, 8), "tempo": 99,
                  "tao_in": 1_103_447_733_935, "alpha_in": 944_165_695_131, "alpha_out": 81_171_897_379,
                  "hotkeys": [HOT, COLD], "coldkeys": [COLD, COLD], "identities": [None, None], "axons": [axon, axon],
                  "active": [True, True], "validator_permit": [True, False],
                  "tao_dividends_per_hotkey": [(HOT, 0)], "alpha_dividends_per_hotkey": [(HOT, 77)]})
    for name, _ in reg.structs["Metagraph"][58:70]:
        value[name] = [1, 2]
    value["alpha_stake"], value["tao_stake"], value["total_stake"] = [82_978_467_731, 0], [112_447_609_978, 0], [
        103_219_037_519, 0]
    mg = dec.metagraph(reg.encode("Option<Metagraph>", value))
    assert (mg.netuid, mg.name, mg.symbol, mg.tempo) == (2, "apex", "β", 99)
    assert mg.alpha_stake == [82_978_467_731, 0] and mg.total_stake == [103_219_037_519, 0]
    assert mg.axons[0]["port"] == 8091 and mg.other["moving_price"] == Fraction(1, 8)
    assert mg.other["alpha_dividends_per_hotkey"] == [(HOT, 77)]


def test_fixed_point_width_comes_from_the_typenum_parameter_when_unspelled() -> None:
    from chain.runtime.fixed import I96F32, I110F18, U64F64

    reg = Registry()
    dec = ApiDecoder(reg.shape({"SwapRuntimeApi_moving": ([], "I96F32"), "SwapRuntimeApi_shares": ([], "U64F64"),
                                "SwapRuntimeApi_pool": ([], "I110F18")}), 425)
    assert dec.decode("SwapRuntimeApi", "moving", I96F32.encode(Fraction(-7, 4))) == Fraction(-7, 4)
    assert dec.decode("SwapRuntimeApi", "shares", U64F64.encode(Fraction(1, 3))) == Fraction(
        (2**64) // 3, 2**64)  # floored to 64 fractional bits, exactly
    assert dec.decode("SwapRuntimeApi", "pool", I110F18.encode(5)) == 5
    assert I96F32.from_bytes((3 << 31).to_bytes(16, "little")) == Fraction(3, 2)


def test_swap_api_quotes_and_prices() -> None:
    reg = Registry()
    reg.structs["SimSwapResult"] = [(n, "u64") for n in ("tao_amount", "alpha_amount", "tao_fee", "alpha_fee",
                                                         "tao_slippage", "alpha_slippage")]
    reg.structs["SubnetPrice"] = [("netuid", "u16"), ("price", "u64")]
    dec = ApiDecoder(reg.shape({
        "SwapRuntimeApi_sim_swap_tao_for_alpha": ([("netuid", "u16"), ("tao", "u64")], "SimSwapResult"),
        "SwapRuntimeApi_sim_swap_alpha_for_tao": ([("netuid", "u16"), ("alpha", "u64")], "SimSwapResult"),
        "SwapRuntimeApi_current_alpha_price": ([("netuid", "u16")], "u64"),
        "SwapRuntimeApi_current_alpha_price_all": ([], "Vec<SubnetPrice>")}), 425)
    assert dec.encode_args("SwapRuntimeApi", "sim_swap_tao_for_alpha", 3, 10**9) == b"\x03\x00" + (10**9).to_bytes(
        8, "little")
    quote = {"tao_amount": 10**9, "alpha_amount": 855_000_000, "tao_fee": 503_547, "alpha_fee": 0,
             "tao_slippage": 0, "alpha_slippage": 1_200}
    got = dec.sim_swap(reg.encode("SimSwapResult", quote), buying=True)
    assert (got.alpha_amount, got.tao_fee, got.alpha_slippage, got.failed) == (855_000_000, 503_547, 1_200, False)
    zeros = dec.sim_swap(reg.encode("SimSwapResult", dict.fromkeys(quote, 0)), buying=False)
    assert zeros.failed  # §P2.4: all zeros = the simulation failed
    assert dec.alpha_price(reg.encode("u64", 1_168_701_000)) == Fraction(1_168_701, 10**6)
    assert dec.alpha_prices(reg.encode("Vec<SubnetPrice>", [{"netuid": 0, "price": 10**9},
                                                           {"netuid": 2, "price": 500_000_000}])) == {
        0: 1, 2: Fraction(1, 2)}


def test_delegates_with_per_subnet_nominators_and_the_frozen_2024_form() -> None:
    def delegate_shape(nominators: str) -> tuple[Registry, ApiDecoder]:
        reg = Registry()
        reg.structs["DelegateInfo"] = [
            ("delegate_ss58", "AccountId32"), ("take", "Compact<u16>"), ("nominators", nominators),
            ("owner_ss58", "AccountId32"), ("registrations", "Vec<Compact<u16>>"),
            ("validator_permits", "Vec<Compact<u16>>"), ("return_per_1000", "Compact<u64>"),
            ("total_daily_return", "Compact<u64>")]
        return reg, ApiDecoder(reg.shape({
            "DelegateInfoRuntimeApi_get_delegates": ([], "Vec<DelegateInfo>"),
            "DelegateInfoRuntimeApi_get_delegate": ([("delegate_account", "AccountId32")], "Option<DelegateInfo>")}),
            425)

    head, dec = delegate_shape("Vec<(AccountId32, Vec<(Compact<u16>, Compact<u64>)>)>")  # spec 244+
    record = {"delegate_ss58": HOT, "take": 11_796, "owner_ss58": COLD, "registrations": [0, 2],
              "validator_permits": [2], "return_per_1000": 263, "total_daily_return": 0,
              "nominators": [(COLD, [(0, 200 * 10**9), (2, 40_588_990_714), (3, 0)])]}
    (got,) = dec.delegates(head.encode("Vec<DelegateInfo>", [record]))
    assert got.nominations == [(ss58_encode(COLD), 0, 200 * 10**9), (ss58_encode(COLD), 2, 40_588_990_714)]
    assert (got.hotkey, got.take, got.registrations) == (ss58_encode(HOT), 11_796, [0, 2])
    empty = dict(record, nominators=[])
    assert dec.delegate(head.encode("Option<DelegateInfo>", empty)).nominations == []  # known: nobody
    r233, dec233 = delegate_shape("Vec<(AccountId32, Compact<u64>)>")  # the frozen Stake map (§8)
    frozen = dict(record, nominators=[])
    assert dec233.delegate(r233.encode("Option<DelegateInfo>", frozen)).nominations is None  # unknown, not none
