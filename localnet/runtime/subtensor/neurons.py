"""UID bookkeeping shared by subnet and root registration (spec §9): append, replace, choose whom to prune.

Uids are dense 0..n-1 per subnet. A new neuron is appended while the subnet has room; after that it
takes the uid of the neuron with the lowest pruning score that is out of its immunity period. The
evicted hotkey's per-uid vector entries (LastUpdate, weights, bonds, permit...) are inherited by the
newcomer until the next epoch, exactly as the 2024 pallet does (§9 [quirk]).
"""

from __future__ import annotations

from typing import Any

from localnet.runtime.subtensor.staking import unstake_all_from_hotkey
from localnet.runtime.subtensor.storage import (
    NEURON_VECTORS,
    Active,
    BlockAtRegistration,
    ImmunityPeriod,
    IsNetworkMember,
    Keys,
    LastUpdate,
    PruningScores,
    SubnetworkN,
    Uids,
)

State = Any
U16_MAX = 65_535


def is_registered_anywhere(state: State, hotkey: bytes) -> bool:
    """`is_hotkey_registered_on_any_network`: any IsNetworkMember flag still true for the hotkey."""
    return any(flag for _, flag in IsNetworkMember.iter_prefix(state, hotkey))


def append_neuron(state: State, netuid: int, hotkey: bytes, block: int) -> int:
    """Give `hotkey` the next uid and push a fresh entry onto every per-uid vector."""
    uid = SubnetworkN.get(state, netuid)
    SubnetworkN.set(state, netuid, uid + 1)
    for item, fresh in NEURON_VECTORS:
        item.set(state, netuid, [*item.get(state, netuid), fresh])
    LastUpdate.set(state, netuid, [*LastUpdate.get(state, netuid), block])
    Keys.set(state, netuid, uid, hotkey)
    Uids.set(state, netuid, hotkey, uid)
    BlockAtRegistration.set(state, netuid, uid, block)
    IsNetworkMember.set(state, hotkey, netuid, True)
    return uid


def replace_neuron(state: State, netuid: int, uid: int, hotkey: bytes, block: int) -> None:
    """Hand `uid` to `hotkey`; the old hotkey's stake is refunded if it left its last subnet."""
    old = Keys.get(state, netuid, uid)
    Uids.remove(state, netuid, old)
    IsNetworkMember.remove(state, old, netuid)
    Keys.remove(state, netuid, uid)
    if not is_registered_anywhere(state, old):
        unstake_all_from_hotkey(state, old)
    active = Active.get(state, netuid)
    if uid < len(active):
        active[uid] = True
        Active.set(state, netuid, active)
    Keys.set(state, netuid, uid, hotkey)
    Uids.set(state, netuid, hotkey, uid)
    BlockAtRegistration.set(state, netuid, uid, block)
    IsNetworkMember.set(state, hotkey, netuid, True)


def neuron_to_prune(state: State, netuid: int, block: int) -> int:
    """`get_neuron_to_prune`: lowest pruning score outside immunity, else the lowest immune one.

    Ties among non-immune uids go to the higher uid, among immune ones to the lower uid. The chosen
    uid's pruning score is set to 65535 so it is not chosen twice before the next epoch.
    """
    n = SubnetworkN.get(state, netuid)
    if n == 0:
        return 0
    scores = PruningScores.get(state, netuid)
    immunity = ImmunityPeriod.get(state, netuid)
    min_score, min_uid = U16_MAX, 0
    min_immune, min_immune_uid = U16_MAX, 0
    for uid in range(n):
        score = scores[uid] if uid < len(scores) else U16_MAX
        if score > min_score:
            continue
        if block - BlockAtRegistration.get(state, netuid, uid) < immunity:
            if score < min_immune:
                min_immune, min_immune_uid = score, uid
        else:
            min_score, min_uid = score, uid
    chosen = min_immune_uid if min_score == U16_MAX else min_uid
    if chosen < len(scores):
        scores[chosen] = U16_MAX
        PruningScores.set(state, netuid, scores)
    return chosen
