"""set_weights (call 0): a validator's opinion of its subnet's neurons, or of the subnets on root (§5.1).

The fourteen checks run in the 2024 pallet's order, because when several fail the client sees the
first one, and tools match on that error name. On the root network (netuid 0) the destinations are
netuids, not uids, and the permit check does not apply; there is no separate set_root_weights in 2024.
Stored rows are max-upscaled so their largest entry is 65535 (the epoch normalises them again).
"""

from __future__ import annotations

from typing import Any

from localnet.runtime import system
from localnet.runtime.errors import CALL, invalid
from localnet.runtime.subtensor import host
from localnet.runtime.subtensor.events import WeightsSet
from localnet.runtime.subtensor.fixed import u16_max_upscale_to_u16
from localnet.runtime.subtensor.pallet_math import U16_MAX, weights_within_limit
from localnet.runtime.subtensor.storage import (
    Keys,
    LastUpdate,
    MaxWeightsLimit,
    MinAllowedWeights,
    NetworksAdded,
    SubnetworkN,
    TotalHotkeyStake,
    Uids,
    ValidatorPermit,
    Weights,
    WeightsMinStake,
    WeightsSetRateLimit,
    WeightsVersionKey,
    pallet,
)

State = Any
ROOT_NETUID = 0
U32_MAX = (1 << 32) - 1
U64_MAX = (1 << 64) - 1


def is_self_weight(uid: int, dests: list[int], weights: list[int]) -> bool:
    """A single weight on one's own uid: always allowed, even without a validator permit."""
    return len(weights) == 1 and len(dests) == 1 and dests[0] == uid


def passes_rate_limit(state: State, netuid: int, uid: int, block: int) -> bool:
    """`check_rate_limit`: LastUpdate 0 means "never set"; otherwise WeightsSetRateLimit must pass."""
    last_update = LastUpdate.get(state, netuid)
    last = last_update[uid] if uid < len(last_update) else 0
    return last == 0 or block - last >= WeightsSetRateLimit.get(state, netuid)


def _has_permit(state: State, netuid: int, uid: int) -> bool:
    permits = ValidatorPermit.get(state, netuid)
    return uid < len(permits) and permits[uid]


def _check_targets(state: State, netuid: int, dests: list[int]) -> None:
    if netuid == ROOT_NETUID:
        if any(not NetworksAdded.get(state, d) for d in dests):
            raise pallet.error("InvalidUid")
    elif len(dests) > SubnetworkN.get(state, netuid):
        raise pallet.error("TooManyUids")


def set_weights(ctx: Any, netuid: int, dests: list[int], weights: list[int], version_key: int) -> None:
    """Store the signing hotkey's weight row on `netuid` after the 2024 checks, in their order."""
    hotkey = ctx.ensure_signed()
    state, block = ctx.state, host.block_number(ctx)
    if len(dests) != len(weights):
        raise pallet.error("WeightVecNotEqualSize")
    if not NetworksAdded.get(state, netuid):
        raise pallet.error("NetworkDoesNotExist")
    _check_targets(state, netuid, dests)
    uid = Uids.get(state, netuid, hotkey)
    if uid is None:
        raise pallet.error("NotRegistered")
    if TotalHotkeyStake.get(state, hotkey) < WeightsMinStake.get(state):
        raise pallet.error("NotEnoughStakeToSetWeights")
    required_key = WeightsVersionKey.get(state, netuid)
    if required_key != 0 and version_key < required_key:
        raise pallet.error("IncorrectNetworkVersionKey")
    if not passes_rate_limit(state, netuid, uid, block):
        raise pallet.error("SettingWeightsTooFast")
    self_weight = is_self_weight(uid, dests, weights)
    if netuid != ROOT_NETUID and not self_weight and not _has_permit(state, netuid, uid):
        raise pallet.error("NoValidatorPermit")
    if len(set(dests)) != len(dests):
        raise pallet.error("DuplicateUids")
    if netuid != ROOT_NETUID and any(not Keys.contains(state, netuid, d) for d in dests):
        raise pallet.error("InvalidUid")
    minimum = min(SubnetworkN.get(state, netuid), MinAllowedWeights.get(state, netuid))
    if not (netuid != ROOT_NETUID and self_weight) and len(weights) < minimum:
        raise pallet.error("NotSettingEnoughWeights")
    upscaled = u16_max_upscale_to_u16(list(weights))
    limit = MaxWeightsLimit.get(state, netuid)
    if not self_weight and limit != U16_MAX and not weights_within_limit(upscaled, limit):
        raise pallet.error("MaxWeightExceeded")
    Weights.set(state, netuid, uid, list(zip(dests, upscaled, strict=True)))
    last_update = LastUpdate.get(state, netuid)
    if uid < len(last_update):
        last_update[uid] = block
        LastUpdate.set(state, netuid, last_update)
    ctx.deposit_event(WeightsSet, netuid, uid)


def remove_root_weights_to(state: State, netuid: int) -> None:
    """Zero every root weight that points at a removed subnet (§10.4; the entries stay, at 0)."""
    for (uid,), row in list(Weights.iter_prefix(state, ROOT_NETUID)):
        if any(dest == netuid and value for dest, value in row):
            Weights.set(state, ROOT_NETUID, uid, [(d, 0 if d == netuid else v) for d, v in row])


def signed_priority(state: State, who: bytes, call_name: str, args: tuple[Any, ...]) -> int:
    """SubtensorSignedExtension::validate (§6): pool priority of a SubtensorModule call.

    Weight setters below WeightsMinStake never enter the pool (InvalidTransaction::Call); a registered
    setter is prioritised by how long ago it last set weights (plus u32::MAX), an unregistered one gets
    0. Every other call gets u64::MAX. `System.Number` in the validation state is the best block.
    """
    if call_name != "set_weights":
        return U64_MAX
    if TotalHotkeyStake.get(state, who) < WeightsMinStake.get(state):
        raise invalid(CALL)
    netuid = args[0]
    uid = Uids.get(state, netuid, who)
    if uid is None:
        return 0
    last_update = LastUpdate.get(state, netuid)
    last = last_update[uid] if uid < len(last_update) else 0
    return max(0, system.Number.get(state) - last) + U32_MAX
