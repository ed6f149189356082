"""AdminUtils (index 18, crate `pallet_admin_utils`): the `sudo_set_*` hyperparameter setters (§5.2).

Each setter writes one SubtensorModule storage item and deposits the matching SubtensorModule event
(AdminUtils has no events of its own). Origins follow the 2024 pallet: "root" calls need the Sudo key
(dispatched through `Sudo.sudo`); "owner|root" calls also accept the subnet's owner signing directly.
The table below is the whole pallet: index, call and argument names, origin, checks and event, so it
reads like the spec's list and the metadata carries the 2024 names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from localnet.runtime.context import ROOT
from localnet.runtime.errors import bad_origin
from localnet.runtime.framework import Pallet
from localnet.runtime.subtensor import events as ev
from localnet.runtime.subtensor import storage as st

pallet = Pallet("AdminUtils", index=18, crate="pallet_admin_utils")
pallet.errors("NetworkDoesNotExist", "StorageValueOutOfRange", "MaxAllowedUIdsNotAllowed")

ROOT_ONLY, OWNER_OR_ROOT = "root", "owner"
#: Calls that are Operational + Pays::No in 2024; the rest are Normal + Pays::Yes.
_FREE = {2, 9, 19, 20, 28, 29, 33, 35, 36, 37, 38, 39, 42}

# (index, call name, argument name, type, item, origin, needs existing subnet, event)
_NET_SETTERS: list[tuple[int, str, str, str, Any, str, bool, Any]] = [
    (3, "sudo_set_serving_rate_limit", "serving_rate_limit", "u64", st.ServingRateLimit, OWNER_OR_ROOT, False,
     ev.ServingRateLimitSet),
    (4, "sudo_set_min_difficulty", "min_difficulty", "u64", st.MinDifficulty, OWNER_OR_ROOT, True,
     ev.MinDifficultySet),
    (5, "sudo_set_max_difficulty", "max_difficulty", "u64", st.MaxDifficulty, OWNER_OR_ROOT, True,
     ev.MaxDifficultySet),
    (6, "sudo_set_weights_version_key", "weights_version_key", "u64", st.WeightsVersionKey, OWNER_OR_ROOT, True,
     ev.WeightsVersionKeySet),
    (7, "sudo_set_weights_set_rate_limit", "weights_set_rate_limit", "u64", st.WeightsSetRateLimit,
     OWNER_OR_ROOT, True, ev.WeightsSetRateLimitSet),
    (8, "sudo_set_adjustment_interval", "adjustment_interval", "u16", st.AdjustmentInterval, ROOT_ONLY, True,
     ev.AdjustmentIntervalSet),
    (9, "sudo_set_adjustment_alpha", "adjustment_alpha", "u64", st.AdjustmentAlpha, OWNER_OR_ROOT, True,
     ev.AdjustmentAlphaSet),
    (12, "sudo_set_max_weight_limit", "max_weight_limit", "u16", st.MaxWeightsLimit, OWNER_OR_ROOT, True,
     ev.MaxWeightLimitSet),
    (13, "sudo_set_immunity_period", "immunity_period", "u16", st.ImmunityPeriod, OWNER_OR_ROOT, True,
     ev.ImmunityPeriodSet),
    (14, "sudo_set_min_allowed_weights", "min_allowed_weights", "u16", st.MinAllowedWeights, OWNER_OR_ROOT, True,
     ev.MinAllowedWeightSet),
    (15, "sudo_set_max_allowed_uids", "max_allowed_uids", "u16", st.MaxAllowedUids, ROOT_ONLY, True,
     ev.MaxAllowedUidsSet),
    (16, "sudo_set_kappa", "kappa", "u16", st.Kappa, OWNER_OR_ROOT, True, ev.KappaSet),
    (17, "sudo_set_rho", "rho", "u16", st.Rho, OWNER_OR_ROOT, True, None),
    (18, "sudo_set_activity_cutoff", "activity_cutoff", "u16", st.ActivityCutoff, OWNER_OR_ROOT, True,
     ev.ActivityCutoffSet),
    (19, "sudo_set_network_registration_allowed", "registration_allowed", "bool", st.NetworkRegistrationAllowed,
     OWNER_OR_ROOT, False, ev.RegistrationAllowed),
    (20, "sudo_set_network_pow_registration_allowed", "registration_allowed", "bool",
     st.NetworkPowRegistrationAllowed, OWNER_OR_ROOT, False, ev.PowRegistrationAllowed),
    (21, "sudo_set_target_registrations_per_interval", "target_registrations_per_interval", "u16",
     st.TargetRegistrationsPerInterval, ROOT_ONLY, True, ev.RegistrationPerIntervalSet),
    (22, "sudo_set_min_burn", "min_burn", "u64", st.MinBurn, OWNER_OR_ROOT, True, ev.MinBurnSet),
    (23, "sudo_set_max_burn", "max_burn", "u64", st.MaxBurn, OWNER_OR_ROOT, True, ev.MaxBurnSet),
    (24, "sudo_set_difficulty", "difficulty", "u64", st.Difficulty, OWNER_OR_ROOT, True, ev.DifficultySet),
    (25, "sudo_set_max_allowed_validators", "max_allowed_validators", "u16", st.MaxAllowedValidators, ROOT_ONLY,
     True, ev.MaxAllowedValidatorsSet),
    (26, "sudo_set_bonds_moving_average", "bonds_moving_average", "u64", st.BondsMovingAverage, OWNER_OR_ROOT,
     True, ev.BondsMovingAverageSet),
    (27, "sudo_set_max_registrations_per_block", "max_registrations_per_block", "u16",
     st.MaxRegistrationsPerBlock, ROOT_ONLY, True, ev.MaxRegistrationsPerBlockSet),
    (30, "sudo_set_tempo", "tempo", "u16", st.Tempo, ROOT_ONLY, True, ev.TempoSet),
    (39, "sudo_set_rao_recycled", "rao_recycled", "u64", st.RAORecycledForRegistration, ROOT_ONLY, True,
     ev.RAORecycledForRegistrationSet),
]

# (index, call name, argument name, type, item, event) — global values, all root-only
_GLOBAL_SETTERS: list[tuple[int, str, str, str, Any, Any]] = [
    (1, "sudo_set_default_take", "default_take", "u16", st.DefaultTake, ev.DefaultTakeSet),
    (2, "sudo_set_tx_rate_limit", "tx_rate_limit", "u64", st.TxRateLimit, ev.TxRateLimitSet),
    (28, "sudo_set_subnet_owner_cut", "subnet_owner_cut", "u16", st.SubnetOwnerCut, ev.SubnetOwnerCutSet),
    (29, "sudo_set_network_rate_limit", "rate_limit", "u64", st.NetworkRateLimit, ev.NetworkRateLimitSet),
    (33, "sudo_set_total_issuance", "total_issuance", "u64", st.TotalIssuance, None),
    (35, "sudo_set_network_immunity_period", "immunity_period", "u64", st.NetworkImmunityPeriod,
     ev.NetworkImmunityPeriodSet),
    (36, "sudo_set_network_min_lock_cost", "lock_cost", "u64", st.NetworkMinLockCost, ev.NetworkMinLockCostSet),
    (37, "sudo_set_subnet_limit", "max_subnets", "u16", st.SubnetLimit, ev.SubnetLimitSet),
    (38, "sudo_set_lock_reduction_interval", "interval", "u64", st.NetworkLockReductionInterval,
     ev.NetworkLockCostReductionIntervalSet),
    (42, "sudo_set_weights_min_stake", "min_stake", "u64", st.WeightsMinStake, ev.WeightsMinStake),
]


def ensure_owner_or_root(ctx: Any, netuid: int) -> None:
    """`ensure_subnet_owner_or_root`: Root passes; a signer passes only as SubnetOwner[netuid]."""
    if ctx.origin == ROOT:
        return
    who = ctx.ensure_signed()
    if not st.SubnetOwner.contains(ctx.state, netuid) or st.SubnetOwner.get(ctx.state, netuid) != who:
        raise bad_origin()


def _extra_check(index: int, state: Any, netuid: int, value: int) -> None:
    if index == 15 and st.SubnetworkN.get(state, netuid) >= value:
        raise pallet.error("MaxAllowedUIdsNotAllowed")
    if index == 25 and value > st.MaxAllowedUids.get(state, netuid):
        raise pallet.error("StorageValueOutOfRange")


def _net_setter(index: int, item: Any, origin: str, must_exist: bool, event: Any) -> Callable[..., None]:
    def setter(ctx: Any, netuid: int, value: Any) -> None:
        if origin == ROOT_ONLY:
            ctx.ensure_root()
        else:
            ensure_owner_or_root(ctx, netuid)
        if must_exist and not st.NetworksAdded.get(ctx.state, netuid):
            raise pallet.error("NetworkDoesNotExist")
        _extra_check(index, ctx.state, netuid, value)
        item.set(ctx.state, netuid, value)
        if event is not None:
            ctx.deposit_event(event, netuid, value)
    return setter


def _global_setter(item: Any, event: Any) -> Callable[..., None]:
    def setter(ctx: Any, value: int) -> None:
        ctx.ensure_root()
        item.set(ctx.state, value)
        if event is not None:
            ctx.deposit_event(event, value)
    return setter


def swap_authorities(ctx: Any, new_authorities: list[bytes]) -> None:
    """Aura authority rotation: root-only, and a no-op here (the local node seals blocks itself)."""
    ctx.ensure_root()


def _register(index: int, name: str, args: list[tuple[str, str]], fn: Callable[..., None]) -> None:
    free = index in _FREE
    pallet.call(index, args=args, name=name, pays=not free,
                dispatch_class="Operational" if free else "Normal")(fn)


_register(0, "swap_authorities", [("new_authorities", "Vec<[u8; 32]>")], swap_authorities)
for _i, _name, _arg, _ty, _item, _origin, _exists, _event in _NET_SETTERS:
    _register(_i, _name, [("netuid", "u16"), (_arg, _ty)], _net_setter(_i, _item, _origin, _exists, _event))
for _i, _name, _arg, _ty, _item, _event in _GLOBAL_SETTERS:
    _register(_i, _name, [(_arg, _ty)], _global_setter(_item, _event))
