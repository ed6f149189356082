"""The root network (netuid 0): root_register (call 62), its genesis, and the root-epoch wiring (§10).

Root validators are the hotkeys with the most stake; their weights on subnets decide each subnet's
share of block emission (EmissionValues), recomputed every root tempo. The maths lives in
`root_epoch.py` (pure functions); this module only reads its inputs from storage and writes its
outputs back.

A root registration also seats the hotkey in the Senate (`senate.seat_in_senate`).
"""

from __future__ import annotations

from typing import Any

from localnet.runtime.subtensor import host
from localnet.runtime.subtensor.events import NeuronRegistered
from localnet.runtime.subtensor.neurons import append_neuron, replace_neuron
from localnet.runtime.subtensor.registration import bump, check_window
from localnet.runtime.subtensor.root_epoch import RootEpochError, root_epoch
from localnet.runtime.subtensor.senate import seat_in_senate
from localnet.runtime.subtensor.staking import create_account_if_missing
from localnet.runtime.subtensor.storage import (
    BlockEmission,
    Delegates,
    EmissionValues,
    Kappa,
    Keys,
    MaxAllowedUids,
    MaxAllowedValidators,
    MaxWeightsLimit,
    MinAllowedWeights,
    NetworkRegistrationAllowed,
    NetworksAdded,
    RegistrationsThisBlock,
    RegistrationsThisInterval,
    Rho,
    SubnetworkN,
    TargetRegistrationsPerInterval,
    Tempo,
    TotalHotkeyStake,
    TotalNetworks,
    Weights,
    pallet,
)

State = Any
ROOT_NETUID = 0
ROOT_DELEGATE_TAKE = 11_796


def create_root_network(state: State) -> None:
    """`migrate_create_root_network` (§4.3): what genesis writes so root registration works."""
    if NetworksAdded.get(state, ROOT_NETUID):
        return
    NetworksAdded.set(state, ROOT_NETUID, True)
    TotalNetworks.set(state, TotalNetworks.get(state) + 1)
    SubnetworkN.set(state, ROOT_NETUID, 0)
    for item, value in ((MaxAllowedUids, 64), (MaxAllowedValidators, 64), (MinAllowedWeights, 0),
                        (MaxWeightsLimit, 65_535), (Tempo, 100), (NetworkRegistrationAllowed, True),
                        (TargetRegistrationsPerInterval, 1)):
        item.set(state, ROOT_NETUID, value)


def root_register(ctx: Any, hotkey: bytes) -> None:
    """Join the root network; when full, evict the root validator with the least stake (if less)."""
    coldkey = ctx.ensure_signed()
    state, block = ctx.state, host.block_number(ctx)
    if not NetworksAdded.get(state, ROOT_NETUID):
        raise pallet.error("NetworkDoesNotExist")
    check_window(state, ROOT_NETUID, hotkey)
    create_account_if_missing(state, coldkey, hotkey)
    if SubnetworkN.get(state, ROOT_NETUID) < MaxAllowedUids.get(state, ROOT_NETUID):
        uid = append_neuron(state, ROOT_NETUID, hotkey, block)
    else:
        lowest_stake, uid = (1 << 64) - 1, 0
        for (uid_i,), hotkey_i in Keys.iter_prefix(state, ROOT_NETUID):
            stake_i = TotalHotkeyStake.get(state, hotkey_i)
            if stake_i < lowest_stake:
                lowest_stake, uid = stake_i, uid_i
        if lowest_stake >= TotalHotkeyStake.get(state, hotkey):
            raise pallet.error("StakeTooLowForRoot")
        replace_neuron(state, ROOT_NETUID, uid, hotkey, block)
    seat_in_senate(ctx, hotkey)
    if not Delegates.contains(state, hotkey):
        Delegates.set(state, hotkey, ROOT_DELEGATE_TAKE)
    bump(state, ROOT_NETUID, RegistrationsThisInterval, RegistrationsThisBlock)
    ctx.deposit_event(NeuronRegistered, ROOT_NETUID, uid, hotkey)


def root_epoch_inputs(state: State) -> dict[str, Any]:
    """What §10.2 reads: root stakes, root weights as rows over the subnet list, rho, kappa, emission."""
    n = SubnetworkN.get(state, ROOT_NETUID)
    hotkeys = [Keys.get(state, ROOT_NETUID, uid) for uid in range(n)]
    netuids = [keys[0] for keys, added in NetworksAdded.iter(state) if added]
    position = {netuid: j for j, netuid in enumerate(netuids)}
    weights = [[0] * len(netuids) for _ in range(n)]
    for (uid,), row in Weights.iter_prefix(state, ROOT_NETUID):
        if uid < n:
            for dest, value in row:
                if dest in position:
                    weights[uid][position[dest]] = value
    return {
        "stake": [TotalHotkeyStake.get(state, hk) for hk in hotkeys], "weights": weights,
        "netuids": netuids, "rho": Rho.get(state, ROOT_NETUID), "kappa": Kappa.get(state, ROOT_NETUID),
        "block_emission": BlockEmission.get(state),
    }


def run_root_epoch(state: State, block: int) -> bool:
    """Recompute EmissionValues from root weights; False (values unchanged) when it cannot run.

    Like the 2024 runtime, a root epoch without validators, subnets or stake changes nothing; where the
    Rust code would panic on a fixed-point overflow, the local chain keeps the old values instead of
    halting.
    """
    inputs = root_epoch_inputs(state)
    netuids = inputs.pop("netuids")
    try:
        values = root_epoch(inputs.pop("stake"), inputs.pop("weights"), **inputs)
    except (RootEpochError, OverflowError, ZeroDivisionError):
        return False
    for netuid, value in zip(netuids, values, strict=True):
        EmissionValues.set(state, netuid, int(value))
    return True


def root_directs_emission(state: State) -> bool:
    """Whether some root validator with stake puts weight on an existing user subnet."""
    for (uid,), row in Weights.iter_prefix(state, ROOT_NETUID):
        if not Keys.contains(state, ROOT_NETUID, uid):
            continue
        if any(value and dest != ROOT_NETUID and NetworksAdded.get(state, dest) for dest, value in row) \
                and TotalHotkeyStake.get(state, Keys.get(state, ROOT_NETUID, uid)) > 0:
            return True
    return False


def share_emission_equally(state: State) -> None:
    """Local-chain fallback (EmissionWithoutRoot): each user subnet gets BlockEmission / count."""
    netuids = [keys[0] for keys, added in NetworksAdded.iter(state) if added]
    subnets = [n for n in netuids if n != ROOT_NETUID]
    each = BlockEmission.get(state) // len(subnets) if subnets else 0
    for netuid in netuids:
        EmissionValues.set(state, netuid, 0 if netuid == ROOT_NETUID else each)
