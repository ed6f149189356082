"""Subnet lifecycle: register_network (call 59), dissolve_network (61), pruning the weakest subnet (§10).

Creating a subnet locks TAO from the creator: the lock cost doubles after every registration and decays
linearly back to the minimum over NetworkLockReductionInterval blocks, which rate-limits subnet creation
by price. When SubnetLimit is reached, the oldest of the lowest-emission subnets outside their immunity
period is removed (its owner gets the lock back) and its netuid reused.
"""

from __future__ import annotations

from typing import Any

from localnet.runtime.subtensor import events as ev
from localnet.runtime.subtensor import host
from localnet.runtime.subtensor.events import NetworkAdded, NetworkRemoved
from localnet.runtime.subtensor.pallet_math import U16_MAX, network_lock_cost
from localnet.runtime.subtensor.staking import pay_out
from localnet.runtime.subtensor.storage import (
    Active,
    ActivityCutoff,
    AdjustmentAlpha,
    AdjustmentInterval,
    Bonds,
    Burn,
    BurnRegistrationsThisInterval,
    Consensus,
    Difficulty,
    Dividends,
    Emission,
    EmissionValues,
    ImmunityPeriod,
    Incentive,
    Kappa,
    Keys,
    LastUpdate,
    MaxAllowedUids,
    MaxAllowedValidators,
    MaxDifficulty,
    MaxWeightsLimit,
    MinAllowedWeights,
    MinBurn,
    MinDifficulty,
    NetworkImmunityPeriod,
    NetworkLastLockCost,
    NetworkLastRegistered,
    NetworkLockReductionInterval,
    NetworkMinLockCost,
    NetworkModality,
    NetworkRateLimit,
    NetworkRegisteredAt,
    NetworkRegistrationAllowed,
    NetworksAdded,
    NewSubnetBurn,
    NewSubnetTempo,
    POWRegistrationsThisInterval,
    PruningScores,
    Rank,
    RegistrationsThisInterval,
    SubnetLimit,
    SubnetLocked,
    SubnetOwner,
    SubnetworkN,
    TargetRegistrationsPerInterval,
    Tempo,
    TotalNetworks,
    Trust,
    Uids,
    ValidatorPermit,
    ValidatorTrust,
    pallet,
)
from localnet.runtime.subtensor.weights import remove_root_weights_to

State = Any
U64_MAX = (1 << 64) - 1

#: Items `init_new_network` writes with its own values for a user subnet (§4.2).
# Each is written by the pallet's own setter, which deposits its event (the real runtime's create emits all
# twelve, in this order, between Balances.Withdraw and NetworkAdded).
_NEW_SUBNET_VALUES: tuple[tuple[Any, Any, Any], ...] = (
    (NetworkRegistrationAllowed, True, ev.RegistrationAllowed), (MaxAllowedUids, 256, ev.MaxAllowedUidsSet),
    (MaxAllowedValidators, 64, ev.MaxAllowedValidatorsSet), (MinAllowedWeights, 1, ev.MinAllowedWeightSet),
    (MaxWeightsLimit, U16_MAX, ev.MaxWeightLimitSet), (AdjustmentInterval, 360, ev.AdjustmentIntervalSet),
    (TargetRegistrationsPerInterval, 1, ev.RegistrationPerIntervalSet),
    (AdjustmentAlpha, 17_893_341_751_498_265_066, ev.AdjustmentAlphaSet), (ImmunityPeriod, 5000, ev.ImmunityPeriodSet),
    (MinBurn, 1, ev.MinBurnSet), (MinDifficulty, U64_MAX, ev.MinDifficultySet),
    (MaxDifficulty, U64_MAX, ev.MaxDifficultySet),
)
#: Items `init_new_network` makes explicit (writes their default when absent), so the maps that the
#: block step iterates (Tempo above all) know the subnet.
_EXPLICIT = (Tempo, Kappa, Difficulty, MaxAllowedUids, ImmunityPeriod, ActivityCutoff, EmissionValues,
             MaxWeightsLimit, MinAllowedWeights, RegistrationsThisInterval, POWRegistrationsThisInterval,
             BurnRegistrationsThisInterval)
#: Items `remove_network` deletes (§10.4); everything else keyed by the netuid survives [quirk].
_REMOVED_ON_DISSOLVE = (SubnetworkN, NetworkModality, NetworksAdded, NetworkRegisteredAt, Rank, Trust,
                        Active, Emission, Incentive, Consensus, Dividends, PruningScores, LastUpdate,
                        ValidatorPermit, ValidatorTrust, Tempo, Kappa, Difficulty, MaxAllowedUids,
                        ImmunityPeriod, ActivityCutoff, EmissionValues, MaxWeightsLimit, MinAllowedWeights,
                        RegistrationsThisInterval, POWRegistrationsThisInterval, BurnRegistrationsThisInterval)


def lock_cost(state: State, block: int) -> int:
    """The TAO a new subnet locks at `block` (also served by `subnetInfo_getLockCost`)."""
    return network_lock_cost(NetworkLastLockCost.get(state), NetworkMinLockCost.get(state),
                             NetworkLockReductionInterval.get(state), NetworkLastRegistered.get(state), block)


def init_new_network(state: State, netuid: int, tempo: int, ctx: Any = None) -> None:
    """`init_new_network`: the subnet exists, with the 2024 values for a user-created subnet (inside a call,
    `ctx`, each value's setter event is deposited, as the real runtime does)."""
    Tempo.set(state, netuid, tempo)
    SubnetworkN.set(state, netuid, 0)
    NetworksAdded.set(state, netuid, True)
    TotalNetworks.set(state, TotalNetworks.get(state) + 1)
    NetworkModality.set(state, netuid, 0)
    for item, value, event in _NEW_SUBNET_VALUES:
        item.set(state, netuid, value)
        if ctx is not None:
            ctx.deposit_event(event, netuid, value)
    for item in _EXPLICIT:
        if not item.contains(state, netuid):
            item.set(state, netuid, item.get(state, netuid))


def subnet_to_prune(state: State, block: int) -> int:
    """`get_subnet_to_prune`: lowest EmissionValues outside immunity, ties to the oldest; 0 if none.

    The 2024 code starts its scan after netuid 0, so the root network is never a candidate.
    """
    immunity = NetworkImmunityPeriod.get(state)
    candidates = [netuid for (netuid,), added in NetworksAdded.iter(state)
                  if added and netuid != 0 and block - NetworkRegisteredAt.get(state, netuid) >= immunity]
    if not candidates:
        return 0
    ordered = sorted(sorted(candidates), key=lambda n: (-EmissionValues.get(state, n),
                                                          -NetworkRegisteredAt.get(state, n)))
    return ordered[-1]


def remove_network(state: State, netuid: int) -> None:
    """`remove_network`: refund the lock to the owner and forget the subnet's neurons and parameters."""
    owner = SubnetOwner.get(state, netuid)
    locked = SubnetLocked.get(state, netuid)
    was_added = NetworksAdded.get(state, netuid)
    for item in _REMOVED_ON_DISSOLVE:
        item.remove(state, netuid)
    if was_added:
        TotalNetworks.set(state, max(0, TotalNetworks.get(state) - 1))
    for prefixed in (Uids, Keys, Bonds):
        for keys, _ in list(prefixed.iter_prefix(state, netuid)):
            prefixed.remove(state, netuid, *keys)
    remove_root_weights_to(state, netuid)
    pay_out(state, owner, locked)
    SubnetLocked.set(state, netuid, 0)
    SubnetOwner.remove(state, netuid)


def _next_free_netuid(state: State) -> int:
    netuid = 1
    while NetworksAdded.get(state, netuid):
        netuid += 1
    return netuid


def register_network(ctx: Any) -> None:
    """Create a subnet owned by the signing coldkey, locking the current lock cost from its balance."""
    coldkey = ctx.ensure_signed()
    state, block = ctx.state, host.block_number(ctx)
    if block - NetworkLastRegistered.get(state) < NetworkRateLimit.get(state):
        raise pallet.error("TxRateLimitExceeded")
    cost = lock_cost(state, block)
    if not host.can_withdraw(state, coldkey, cost):
        raise pallet.error("NotEnoughBalanceToStake")
    if TotalNetworks.get(state) - 1 < SubnetLimit.get(state):
        netuid = _next_free_netuid(state)
    else:
        netuid = subnet_to_prune(state, block)
        if netuid == 0:
            raise pallet.error("AllNetworksInImmunity")
        remove_network(state, netuid)
        ctx.deposit_event(NetworkRemoved, netuid)
    if not host.withdraw_keep_alive(state, coldkey, cost, ctx):
        raise pallet.error("BalanceWithdrawalError")
    SubnetLocked.set(state, netuid, cost)
    NetworkLastLockCost.set(state, cost)
    init_new_network(state, netuid, NewSubnetTempo.get(state), ctx)
    if (burn := NewSubnetBurn.get(state)) is not None:
        Burn.set(state, netuid, burn)
    NetworkLastRegistered.set(state, block)
    NetworkRegisteredAt.set(state, netuid, block)
    SubnetOwner.set(state, netuid, coldkey)
    ctx.deposit_event(NetworkAdded, netuid, 0)


def dissolve_network(ctx: Any, netuid: int) -> None:
    """Remove a subnet at its owner's request; the owner gets the locked TAO back."""
    caller = ctx.ensure_signed()
    state = ctx.state
    if not NetworksAdded.get(state, netuid):
        raise pallet.error("NetworkDoesNotExist")
    if not SubnetOwner.contains(state, netuid) or SubnetOwner.get(state, netuid) != caller:
        raise pallet.error("NotSubnetOwner")
    remove_network(state, netuid)
    ctx.deposit_event(NetworkRemoved, netuid)
