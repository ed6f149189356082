"""The struct layouts of the dTAO runtime APIs, one table per era, each with the spec versions it covers.

Only replies the runtime declares as opaque `Vec<u8>` need a table: R218 (the rao-games build measured in
dtao-2025.md §8/§11). From spec 233 the metadata declares every reply type, so those are decoded by the
chain's own registry (`typed.py`) and this module lists only the field names taocli needs from them
(`REQUIRED_FIELDS`), so a renamed or removed field is refused by name instead of read as something else.

A table's spec range is the versions whose bytes were measured or read from source; an opaque reply from a
runtime outside every range is refused (`RuntimeTooNew`), never decoded by the nearest guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chain.dtao.layout import Layout
from chain.types import HYPERPARAM_FIELDS

_HYPER_2024: Layout = tuple((name, "bool" if kind == "bool" else "C<u64>") for name, kind in HYPERPARAM_FIELDS)

IDENTITIES: dict[str, Layout] = {
    "SubnetIdentity": (("subnet_name", "Bytes"), ("github_repo", "Bytes"), ("subnet_contact", "Bytes")),
    "SubnetIdentityV2": (("subnet_name", "Bytes"), ("github_repo", "Bytes"), ("subnet_contact", "Bytes"),
                         ("subnet_url", "Bytes"), ("discord", "Bytes"), ("description", "Bytes"),
                         ("additional", "Bytes")),
    "SubnetIdentityV3": (("subnet_name", "Bytes"), ("github_repo", "Bytes"), ("subnet_contact", "Bytes"),
                         ("subnet_url", "Bytes"), ("discord", "Bytes"), ("description", "Bytes"),
                         ("logo_url", "Bytes"), ("additional", "Bytes")),
    "ChainIdentity": (("name", "Bytes"), ("url", "Bytes"), ("image", "Bytes"), ("discord", "Bytes"),
                      ("description", "Bytes"), ("additional", "Bytes")),
    "ChainIdentityV2": (("name", "Bytes"), ("url", "Bytes"), ("github_repo", "Bytes"), ("image", "Bytes"),
                        ("discord", "Bytes"), ("description", "Bytes"), ("additional", "Bytes")),
}


@dataclass(frozen=True)
class OpaqueApi:
    """How one opaque runtime API answers: `reply` is the type inside the `Vec<u8>` wrapper."""

    reply: str
    account_args_as_vec: bool = True  # R218 passes accounts as Vec<u8> (0x80 ‖ pubkey)


@dataclass(frozen=True)
class EraTable:
    era: str
    specs: tuple[int, int]  # inclusive spec_version range whose opaque replies have these layouts
    structs: dict[str, Layout]
    apis: dict[str, OpaqueApi] = field(default_factory=dict)  # "Api_method" -> reply

    def covers(self, spec_version: int) -> bool:
        return self.specs[0] <= spec_version <= self.specs[1]


R218 = EraTable(
    era="R218",
    specs=(218, 218),
    structs={
        **IDENTITIES,
        "DynamicInfo": (
            ("owner_coldkey", "AccountId"), ("netuid", "C<u16>"), ("tempo", "C<u16>"), ("last_step", "C<u64>"),
            ("blocks_since_last_step", "C<u64>"), ("emission", "C<u64>"), ("alpha_in", "C<u64>"),
            ("alpha_out", "C<u64>"), ("tao_in", "C<u64>"), ("total_locked", "C<u64>"), ("owner_locked", "C<u64>"),
        ),
        "SubnetState": (
            ("netuid", "C<u16>"), ("hotkeys", "Vec<AccountId>"), ("coldkeys", "Vec<AccountId>"),
            ("active", "Vec<bool>"), ("validator_permit", "Vec<bool>"), ("pruning_score", "Vec<C<u16>>"),
            ("last_update", "Vec<C<u64>>"), ("emission", "Vec<C<u64>>"), ("dividends", "Vec<C<u16>>"),
            ("incentives", "Vec<C<u16>>"), ("consensus", "Vec<C<u16>>"), ("trust", "Vec<C<u16>>"),
            ("rank", "Vec<C<u16>>"), ("block_at_registration", "Vec<C<u64>>"), ("alpha_stake", "Vec<C<u64>>"),
            ("tao_stake", "Vec<C<u64>>"), ("total_stake", "Vec<C<u64>>"), ("emission_history", "Vec<Vec<C<u64>>>"),
        ),
        "StakeInfo": (
            ("hotkey", "AccountId"), ("coldkey", "AccountId"), ("netuid", "C<u16>"), ("stake", "C<u64>"),
            ("locked", "C<u64>"), ("emission", "C<u64>"), ("drain", "C<u64>"), ("is_registered", "bool"),
        ),
        "SubnetHyperparams": (
            *_HYPER_2024, ("commit_reveal_weights_interval", "C<u64>"), ("commit_reveal_weights_enabled", "bool"),
            ("alpha_high", "C<u16>"), ("alpha_low", "C<u16>"), ("liquid_alpha_enabled", "bool"),
        ),
        # 2024 layout; `nominators` reads the frozen Stake map, so it never lists dTAO stakers (§8)
        "DelegateInfo": (
            ("delegate_ss58", "AccountId"), ("take", "C<u16>"), ("nominators", "Vec<(AccountId, C<u64>)>"),
            ("owner_ss58", "AccountId"), ("registrations", "Vec<C<u16>>"), ("validator_permits", "Vec<C<u16>>"),
            ("return_per_1000", "C<u64>"), ("total_daily_return", "C<u64>"),
        ),
        "SubnetInfoV2": (
            ("netuid", "C<u16>"), ("rho", "C<u16>"), ("kappa", "C<u16>"), ("difficulty", "C<u64>"),
            ("immunity_period", "C<u16>"), ("max_allowed_validators", "C<u16>"), ("min_allowed_weights", "C<u16>"),
            ("max_weights_limit", "C<u16>"), ("scaling_law_power", "C<u16>"), ("subnetwork_n", "C<u16>"),
            ("max_allowed_uids", "C<u16>"), ("blocks_since_last_step", "C<u64>"), ("tempo", "C<u16>"),
            ("network_modality", "C<u16>"), ("network_connect", "Vec<(u16, u16)>"), ("emission_values", "C<u64>"),
            ("burn", "C<u64>"), ("owner", "AccountId"), ("identity", "Option<SubnetIdentity>"),
        ),
    },
    apis={
        # §8: singular getters answer the bare struct (or zero bytes); these two carry an Option inside.
        "SubnetInfoRuntimeApi_get_dynamic_info": OpaqueApi("Option<DynamicInfo>"),
        "SubnetInfoRuntimeApi_get_all_dynamic_info": OpaqueApi("Vec<Option<DynamicInfo>>"),
        "SubnetInfoRuntimeApi_get_subnet_state": OpaqueApi("Option<SubnetState>"),
        "SubnetInfoRuntimeApi_get_subnet_hyperparams": OpaqueApi("SubnetHyperparams"),
        "SubnetInfoRuntimeApi_get_subnet_info_v2": OpaqueApi("SubnetInfoV2"),
        "SubnetInfoRuntimeApi_get_subnets_info_v2": OpaqueApi("Vec<Option<SubnetInfoV2>>"),
        "StakeInfoRuntimeApi_get_stake_info_for_coldkey": OpaqueApi("Vec<StakeInfo>"),
        "DelegateInfoRuntimeApi_get_delegates": OpaqueApi("Vec<DelegateInfo>"),
        "DelegateInfoRuntimeApi_get_delegate": OpaqueApi("DelegateInfo"),
        "DelegateInfoRuntimeApi_get_delegated": OpaqueApi("Vec<(DelegateInfo, C<u64>)>"),
        "StakeInfoRuntimeApi_get_stake_info_for_coldkeys": OpaqueApi("Vec<(AccountId, Vec<StakeInfo>)>"),
    },
)

OPAQUE_TABLES: tuple[EraTable, ...] = (R218,)

# Typed eras (spec 233+): the fields taocli reads, by name, from the struct the metadata declares.
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "DynamicInfo": ("netuid", "owner_hotkey", "owner_coldkey", "subnet_name", "token_symbol", "tempo", "last_step",
                    "blocks_since_last_step", "alpha_in", "alpha_out", "tao_in", "alpha_out_emission",
                    "alpha_in_emission", "tao_in_emission", "pending_alpha_emission", "pending_root_emission",
                    "network_registered_at", "subnet_identity", "moving_price"),
    "SubnetState": ("netuid", "hotkeys", "coldkeys", "active", "validator_permit", "emission", "dividends",
                    "incentives", "alpha_stake", "tao_stake", "total_stake"),
    "StakeInfo": ("hotkey", "coldkey", "netuid", "stake", "emission", "is_registered"),
    "DelegateInfo": ("delegate_ss58", "take", "nominators", "owner_ss58", "registrations", "validator_permits"),
    "Metagraph": ("netuid", "name", "symbol", "tempo", "owner_hotkey", "owner_coldkey", "alpha_in", "alpha_out",
                  "tao_in", "hotkeys", "coldkeys", "axons", "active", "validator_permit", "emission", "dividends",
                  "incentives", "alpha_stake", "tao_stake", "total_stake"),
}


def table_for(spec_version: int) -> EraTable | None:
    return next((t for t in OPAQUE_TABLES if t.covers(spec_version)), None)
