"""AdminUtils (index 18, crate `pallet_admin_utils`): the `sudo_set_*` hyperparameter setters (§5.2).

Each setter writes one SubtensorModule storage item and deposits the matching SubtensorModule event
(AdminUtils has no events of its own). Origins follow the 2024 pallet: "root" calls need the Sudo key
(dispatched through `Sudo.sudo`); "owner|root" calls also accept the subnet's owner signing directly.
The table below is the whole pallet: index, call and argument names, origin, checks and event, so it
reads like the spec's list and the metadata carries the 2024 names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from localnet.runtime.context import ROOT
from localnet.runtime.errors import bad_origin
from localnet.runtime.framework import EventDef, Pallet
from localnet.runtime.storage import StorageItem
from localnet.runtime.subtensor import events as ev
from localnet.runtime.subtensor import storage as st

pallet = Pallet("AdminUtils", index=18, crate="pallet_admin_utils")
pallet.errors("NetworkDoesNotExist", "StorageValueOutOfRange", "MaxAllowedUIdsNotAllowed")

ROOT_ONLY, OWNER_OR_ROOT = "root", "owner"
#: Calls that are Operational + Pays::No in 2024; the rest are Normal + Pays::Yes.
_FREE = {2, 9, 19, 20, 28, 29, 33, 35, 36, 37, 38, 39, 42}


@dataclass(frozen=True)
class Setter:
    """One `sudo_set_*` call: the item it writes, who may call it, what it checks and the event it emits.

    Declared as data so the tables below read like the spec's list. Most 2024 setters are named after
    their argument (`sudo_set_<arg>`); `name` spells out the few that are not.
    """

    index: int
    arg: str
    ty: str
    item: StorageItem
    event: EventDef | None
    origin: str = OWNER_OR_ROOT
    must_exist: bool = True  # the subnet must exist (NetworkDoesNotExist otherwise)
    check: Callable[[Any, int, int], None] | None = None  # extra bound check: (state, netuid, value)
    name: str = ""

    @property
    def call_name(self) -> str:
        """The dispatchable's 2024 name."""
        return self.name or f"sudo_set_{self.arg}"


def _uids_above_registered(state: Any, netuid: int, value: int) -> None:
    """MaxAllowedUids may not drop to (or below) the neurons already registered."""
    if st.SubnetworkN.get(state, netuid) >= value:
        raise pallet.error("MaxAllowedUIdsNotAllowed")


def _validators_within_uids(state: Any, netuid: int, value: int) -> None:
    """MaxAllowedValidators may not exceed MaxAllowedUids."""
    if value > st.MaxAllowedUids.get(state, netuid):
        raise pallet.error("StorageValueOutOfRange")


#: Per-subnet setters: `fn(origin, netuid, value)`.
_NET_SETTERS: list[Setter] = [
    Setter(3, "serving_rate_limit", "u64", st.ServingRateLimit, ev.ServingRateLimitSet, must_exist=False),
    Setter(4, "min_difficulty", "u64", st.MinDifficulty, ev.MinDifficultySet),
    Setter(5, "max_difficulty", "u64", st.MaxDifficulty, ev.MaxDifficultySet),
    Setter(6, "weights_version_key", "u64", st.WeightsVersionKey, ev.WeightsVersionKeySet),
    Setter(7, "weights_set_rate_limit", "u64", st.WeightsSetRateLimit, ev.WeightsSetRateLimitSet),
    Setter(8, "adjustment_interval", "u16", st.AdjustmentInterval, ev.AdjustmentIntervalSet, ROOT_ONLY),
    Setter(9, "adjustment_alpha", "u64", st.AdjustmentAlpha, ev.AdjustmentAlphaSet),
    Setter(12, "max_weight_limit", "u16", st.MaxWeightsLimit, ev.MaxWeightLimitSet),
    Setter(13, "immunity_period", "u16", st.ImmunityPeriod, ev.ImmunityPeriodSet),
    Setter(14, "min_allowed_weights", "u16", st.MinAllowedWeights, ev.MinAllowedWeightSet),
    Setter(15, "max_allowed_uids", "u16", st.MaxAllowedUids, ev.MaxAllowedUidsSet, ROOT_ONLY,
           check=_uids_above_registered),
    Setter(16, "kappa", "u16", st.Kappa, ev.KappaSet),
    Setter(17, "rho", "u16", st.Rho, None),
    Setter(18, "activity_cutoff", "u16", st.ActivityCutoff, ev.ActivityCutoffSet),
    Setter(19, "registration_allowed", "bool", st.NetworkRegistrationAllowed, ev.RegistrationAllowed,
           must_exist=False, name="sudo_set_network_registration_allowed"),
    Setter(20, "registration_allowed", "bool", st.NetworkPowRegistrationAllowed, ev.PowRegistrationAllowed,
           must_exist=False, name="sudo_set_network_pow_registration_allowed"),
    Setter(21, "target_registrations_per_interval", "u16", st.TargetRegistrationsPerInterval,
           ev.RegistrationPerIntervalSet, ROOT_ONLY),
    Setter(22, "min_burn", "u64", st.MinBurn, ev.MinBurnSet),
    Setter(23, "max_burn", "u64", st.MaxBurn, ev.MaxBurnSet),
    Setter(24, "difficulty", "u64", st.Difficulty, ev.DifficultySet),
    Setter(25, "max_allowed_validators", "u16", st.MaxAllowedValidators, ev.MaxAllowedValidatorsSet, ROOT_ONLY,
           check=_validators_within_uids),
    Setter(26, "bonds_moving_average", "u64", st.BondsMovingAverage, ev.BondsMovingAverageSet),
    Setter(27, "max_registrations_per_block", "u16", st.MaxRegistrationsPerBlock, ev.MaxRegistrationsPerBlockSet,
           ROOT_ONLY),
    Setter(30, "tempo", "u16", st.Tempo, ev.TempoSet, ROOT_ONLY),
    Setter(39, "rao_recycled", "u64", st.RAORecycledForRegistration, ev.RAORecycledForRegistrationSet, ROOT_ONLY),
]

#: Global setters: `fn(origin, value)`, all root-only (origin, must_exist and check do not apply).
_GLOBAL_SETTERS: list[Setter] = [
    Setter(1, "default_take", "u16", st.DefaultTake, ev.DefaultTakeSet),
    Setter(2, "tx_rate_limit", "u64", st.TxRateLimit, ev.TxRateLimitSet),
    Setter(28, "subnet_owner_cut", "u16", st.SubnetOwnerCut, ev.SubnetOwnerCutSet),
    Setter(29, "rate_limit", "u64", st.NetworkRateLimit, ev.NetworkRateLimitSet, name="sudo_set_network_rate_limit"),
    Setter(33, "total_issuance", "u64", st.TotalIssuance, None),
    Setter(35, "immunity_period", "u64", st.NetworkImmunityPeriod, ev.NetworkImmunityPeriodSet,
           name="sudo_set_network_immunity_period"),
    Setter(36, "lock_cost", "u64", st.NetworkMinLockCost, ev.NetworkMinLockCostSet,
           name="sudo_set_network_min_lock_cost"),
    Setter(37, "max_subnets", "u16", st.SubnetLimit, ev.SubnetLimitSet, name="sudo_set_subnet_limit"),
    Setter(38, "interval", "u64", st.NetworkLockReductionInterval, ev.NetworkLockCostReductionIntervalSet,
           name="sudo_set_lock_reduction_interval"),
    Setter(42, "min_stake", "u64", st.WeightsMinStake, ev.WeightsMinStake, name="sudo_set_weights_min_stake"),
]


def ensure_owner_or_root(ctx: Any, netuid: int) -> None:
    """`ensure_subnet_owner_or_root`: Root passes; a signer passes only as SubnetOwner[netuid]."""
    if ctx.origin == ROOT:
        return
    who = ctx.ensure_signed()
    if not st.SubnetOwner.contains(ctx.state, netuid) or st.SubnetOwner.get(ctx.state, netuid) != who:
        raise bad_origin()


def _net_setter(spec: Setter) -> Callable[..., None]:
    def setter(ctx: Any, netuid: int, value: Any) -> None:
        if spec.origin == ROOT_ONLY:
            ctx.ensure_root()
        else:
            ensure_owner_or_root(ctx, netuid)
        if spec.must_exist and not st.NetworksAdded.get(ctx.state, netuid):
            raise pallet.error("NetworkDoesNotExist")
        if spec.check is not None:
            spec.check(ctx.state, netuid, value)
        spec.item.set(ctx.state, netuid, value)
        if spec.event is not None:
            ctx.deposit_event(spec.event, netuid, value)
    return setter


def _global_setter(spec: Setter) -> Callable[..., None]:
    def setter(ctx: Any, value: int) -> None:
        ctx.ensure_root()
        spec.item.set(ctx.state, value)
        if spec.event is not None:
            ctx.deposit_event(spec.event, value)
    return setter


def swap_authorities(ctx: Any, new_authorities: list[bytes]) -> None:
    """Aura authority rotation: root-only, and a no-op here (the local node seals blocks itself)."""
    ctx.ensure_root()


def _register(index: int, name: str, args: list[tuple[str, str]], fn: Callable[..., None]) -> None:
    free = index in _FREE
    pallet.call(index, args=args, name=name, pays=not free,
                dispatch_class="Operational" if free else "Normal")(fn)


_register(0, "swap_authorities", [("new_authorities", "Vec<[u8; 32]>")], swap_authorities)
for _spec in _NET_SETTERS:
    _register(_spec.index, _spec.call_name, [("netuid", "u16"), (_spec.arg, _spec.ty)], _net_setter(_spec))
for _spec in _GLOBAL_SETTERS:
    _register(_spec.index, _spec.call_name, [(_spec.arg, _spec.ty)], _global_setter(_spec))
