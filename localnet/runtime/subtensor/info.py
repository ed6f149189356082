"""The custom RPCs and runtime APIs of spec §11: neurons, subnets, delegates, stake, lock cost.

Each reader gathers one struct from storage exactly as the 2024 `*_info.rs` files do (defaults for
missing vector entries, list order, which zero entries are kept) and `info_codec` lays it out in SCALE.
The JSON-RPC methods return those bytes as a JSON array of ints (as jsonrpsee serialises Vec<u8>); the
runtime APIs return the same bytes, which `state_call` wraps as a SCALE Vec<u8>.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from localnet.runtime import system
from localnet.runtime.subtensor import info_codec
from localnet.runtime.subtensor.networks import lock_cost
from localnet.runtime.subtensor.storage import (
    Active,
    ActivityCutoff,
    AdjustmentAlpha,
    AdjustmentInterval,
    Axons,
    BlocksSinceLastStep,
    Bonds,
    BondsMovingAverage,
    Burn,
    Consensus,
    Delegates,
    Difficulty,
    Dividends,
    Emission,
    EmissionValues,
    ImmunityPeriod,
    Incentive,
    IsNetworkMember,
    Kappa,
    Keys,
    LastUpdate,
    MaxAllowedUids,
    MaxAllowedValidators,
    MaxBurn,
    MaxDifficulty,
    MaxRegistrationsPerBlock,
    MaxWeightsLimit,
    MinAllowedWeights,
    MinBurn,
    MinDifficulty,
    NetworkModality,
    NetworkRegistrationAllowed,
    NetworksAdded,
    Owner,
    Prometheus,
    PruningScores,
    Rank,
    Rho,
    ScalingLawPower,
    ServingRateLimit,
    Stake,
    SubnetOwner,
    SubnetworkN,
    TargetRegistrationsPerInterval,
    Tempo,
    TotalHotkeyStake,
    Trust,
    Uids,
    ValidatorPermit,
    ValidatorTrust,
    Weights,
    WeightsSetRateLimit,
    WeightsVersionKey,
    pallet,
)
from localnet.scale.codec import encode_compact
from wallet.errors import InvalidAddress
from wallet.ss58 import ss58_decode

State = Any
#: U64F64::from_num(0.82): the f64 nearest 0.82, rounded to 64 fractional bits.
_POINT_82 = round(Fraction(0.82) * (1 << 64))


def _at(vector: list, uid: int, default: Any) -> Any:
    return vector[uid] if uid < len(vector) else default


# --- neurons ------------------------------------------------------------------------------------------


#: The per-subnet vectors a neuron record takes one entry of (by uid), with the default for a short vector.
_NEURON_VECTORS = (("active", Active, False), ("rank", Rank, 0), ("emission", Emission, 0),
                   ("incentive", Incentive, 0), ("consensus", Consensus, 0), ("trust", Trust, 0),
                   ("validator_trust", ValidatorTrust, 0), ("dividends", Dividends, 0),
                   ("last_update", LastUpdate, 0), ("validator_permit", ValidatorPermit, False),
                   ("pruning_score", PruningScores, 0))

Vectors = list[tuple[str, list, Any]]


def subnet_vectors(state: State, netuid: int) -> Vectors:
    """Every per-subnet vector a neuron record needs, decoded once.

    Why: each is a whole `Vec<u16>`/`Vec<u64>` of n entries, so decoding them per uid made a list of n
    neurons cost n² element decodes (≈ 200 ms for 256 neurons); a list decodes each once."""
    return [(name, item.get(state, netuid), default) for name, item, default in _NEURON_VECTORS]


def neuron(state: State, netuid: int, uid: int, *, lite: bool,
           vectors: Vectors | None = None) -> dict[str, Any] | None:
    """One neuron's record, or None when no hotkey holds `uid` on `netuid`. `vectors` (from
    `subnet_vectors`) lets a caller listing many neurons read the per-subnet vectors once."""
    raw_hotkey = state.get(Keys.key(netuid, uid))
    if raw_hotkey is None:
        return None
    hotkey = Keys.decode_value(raw_hotkey)
    record: dict[str, Any] = {
        "hotkey": hotkey, "coldkey": Owner.get(state, hotkey), "uid": uid, "netuid": netuid,
        "axon_info": Axons.get(state, netuid, hotkey), "prometheus_info": Prometheus.get(state, netuid, hotkey),
        "stake": [(keys[0], amount) for keys, amount in Stake.iter_prefix(state, hotkey)],
    }
    for name, vector, default in vectors if vectors is not None else subnet_vectors(state, netuid):
        record[name] = vector[uid] if uid < len(vector) else default
    if not lite:
        record["weights"] = [(d, w) for d, w in Weights.get(state, netuid, uid) if w]
        record["bonds"] = [(d, b) for d, b in Bonds.get(state, netuid, uid) if b]
    return record


def neurons_bytes(state: State, netuid: int, *, lite: bool) -> bytes:
    """Vec<NeuronInfo(Lite)>: uids 0..n, stopping at the first uid without a hotkey."""
    items: list[bytes] = []
    if NetworksAdded.get(state, netuid):
        vectors = subnet_vectors(state, netuid)
        for uid in range(SubnetworkN.get(state, netuid)):
            record = neuron(state, netuid, uid, lite=lite, vectors=vectors)
            if record is None:
                break
            items.append(info_codec.neuron_info(record, lite=lite))
    return info_codec.vec(items)


def neuron_bytes(state: State, netuid: int, uid: int, *, lite: bool) -> bytes:
    """One NeuronInfo(Lite), or empty bytes."""
    if not NetworksAdded.get(state, netuid):
        return b""
    record = neuron(state, netuid, uid, lite=lite)
    return info_codec.neuron_info(record, lite=lite) if record else b""


# --- subnets ------------------------------------------------------------------------------------------

_SUBNET_ITEMS = (("rho", Rho), ("kappa", Kappa), ("difficulty", Difficulty), ("immunity_period", ImmunityPeriod),
                 ("max_allowed_validators", MaxAllowedValidators), ("min_allowed_weights", MinAllowedWeights),
                 ("max_weights_limit", MaxWeightsLimit), ("scaling_law_power", ScalingLawPower),
                 ("subnetwork_n", SubnetworkN), ("max_allowed_uids", MaxAllowedUids),
                 ("blocks_since_last_step", BlocksSinceLastStep), ("tempo", Tempo),
                 ("network_modality", NetworkModality), ("emission_values", EmissionValues), ("burn", Burn),
                 ("owner", SubnetOwner))
_HYPER_ITEMS = (("rho", Rho), ("kappa", Kappa), ("immunity_period", ImmunityPeriod),
                ("min_allowed_weights", MinAllowedWeights), ("max_weights_limit", MaxWeightsLimit),
                ("tempo", Tempo), ("min_difficulty", MinDifficulty), ("max_difficulty", MaxDifficulty),
                ("weights_version", WeightsVersionKey), ("weights_rate_limit", WeightsSetRateLimit),
                ("adjustment_interval", AdjustmentInterval), ("activity_cutoff", ActivityCutoff),
                ("registration_allowed", NetworkRegistrationAllowed),
                ("target_regs_per_interval", TargetRegistrationsPerInterval), ("min_burn", MinBurn),
                ("max_burn", MaxBurn), ("bonds_moving_avg", BondsMovingAverage),
                ("max_regs_per_block", MaxRegistrationsPerBlock), ("serving_rate_limit", ServingRateLimit),
                ("max_validators", MaxAllowedValidators), ("adjustment_alpha", AdjustmentAlpha),
                ("difficulty", Difficulty))


def subnet(state: State, netuid: int) -> dict[str, Any] | None:
    """SubnetInfo fields for an existing subnet, else None."""
    if not NetworksAdded.get(state, netuid):
        return None
    record = {name: item.get(state, netuid) for name, item in _SUBNET_ITEMS}
    return {**record, "netuid": netuid, "network_connect": []}


def subnets_bytes(state: State) -> bytes:
    """Vec<Option<SubnetInfo>>: every existing subnet, ascending netuid (all Some)."""
    netuids = sorted(keys[0] for keys, added in NetworksAdded.iter(state) if added)
    return info_codec.vec(b"\x01" + info_codec.subnet_info(subnet(state, n)) for n in netuids)


def subnet_bytes(state: State, netuid: int) -> bytes:
    record = subnet(state, netuid)
    return info_codec.subnet_info(record) if record else b""


def hyperparams_bytes(state: State, netuid: int) -> bytes:
    if not NetworksAdded.get(state, netuid):
        return b""
    return info_codec.subnet_hyperparams({name: item.get(state, netuid) for name, item in _HYPER_ITEMS})


# --- delegates and stake ------------------------------------------------------------------------------


def delegate(state: State, hotkey: bytes) -> dict[str, Any]:
    """DelegateInfo of a delegate hotkey, with the 2024 return estimate (U64F64, 0.82 hard-coded)."""
    registrations = [keys[0] for keys, member in IsNetworkMember.iter_prefix(state, hotkey) if member]
    permits: list[int] = []
    daily = 0  # U64F64 emission per day
    for netuid in registrations:
        uid = Uids.get(state, netuid, hotkey)
        if uid is None:
            continue
        if _at(ValidatorPermit.get(state, netuid), uid, False):
            permits.append(netuid)
        tempo = Tempo.get(state, netuid)
        if tempo:
            epochs_per_day = (7200 << 128) // (tempo << 64)
            daily += (_at(Emission.get(state, netuid), uid, 0) << 64) * epochs_per_day >> 64
    total = TotalHotkeyStake.get(state, hotkey)
    per_1000 = 0
    if total > 0:
        per_thousand_stake = (total << 128) // (1000 << 64)
        per_1000 = ((daily * _POINT_82 >> 64) << 64) // per_thousand_stake
    return {
        "delegate_ss58": hotkey, "take": Delegates.get(state, hotkey),
        "nominators": [(keys[0], s) for keys, s in Stake.iter_prefix(state, hotkey) if s],
        "owner_ss58": Owner.get(state, hotkey), "registrations": registrations, "validator_permits": permits,
        "return_per_1000": per_1000 >> 64, "total_daily_return": daily >> 64,
    }


def delegates_bytes(state: State) -> bytes:
    return info_codec.vec(info_codec.delegate_info(delegate(state, keys[0])) for keys, _ in Delegates.iter(state))


def delegate_bytes(state: State, account: bytes) -> bytes:
    if len(account) != 32 or not Delegates.contains(state, account):
        return b""
    return info_codec.delegate_info(delegate(state, account))


def delegated_bytes(state: State, coldkey: bytes) -> bytes:
    """Vec<(DelegateInfo, Compact<u64>)>: the delegates `coldkey` has stake on, with that stake."""
    items = []
    for (hotkey,), _ in Delegates.iter(state):
        staked = Stake.get(state, hotkey, coldkey) if len(coldkey) == 32 else 0
        if staked:
            items.append(info_codec.delegate_info(delegate(state, hotkey)) + encode_compact(staked))
    return info_codec.vec(items)


def stake_infos(state: State, coldkey: bytes) -> list[bytes]:
    """Every Stake entry of `coldkey` (zeros included), in Stake map order."""
    return [info_codec.stake_info({"hotkey": hk, "coldkey": ck, "stake": s})
            for (hk, ck), s in Stake.iter(state) if ck == coldkey]


def current_lock_cost(state: State) -> int:
    """The lock a subnet registered in the next block would pay."""
    return lock_cost(state, system.Number.get(state) + 1)


# --- JSON-RPC methods ---------------------------------------------------------------------------------


def _ints(data: bytes) -> list[int]:
    return list(data)


def _u16_param(params: list, i: int) -> int:
    """A netuid/uid parameter; a clear one-line error for anything that is not 0..65535."""
    try:
        value = params[i]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 0xFFFF:
            raise ValueError
    except (IndexError, ValueError):
        raise ValueError(f"parameter {i + 1} must be a netuid/uid (integer 0..65535)") from None
    return value


def _account_param(params: list, i: int) -> bytes:
    """An account as bittensor sends it (list of byte values), or 0x-hex, or an SS58 address."""
    try:
        value = params[i]
        if isinstance(value, str):
            return bytes.fromhex(value[2:]) if value.startswith("0x") else ss58_decode(value)
        return bytes(value)
    except (IndexError, ValueError, TypeError, InvalidAddress):
        raise ValueError(f"parameter {i + 1} must be an account: a list of 32 byte values, 0x-hex or "
                         "an SS58 address") from None


_RPCS = {
    "neuronInfo_getNeuronsLite": lambda s, p: neurons_bytes(s, _u16_param(p, 0), lite=True),
    "neuronInfo_getNeuronLite": lambda s, p: neuron_bytes(s, _u16_param(p, 0), _u16_param(p, 1), lite=True),
    "neuronInfo_getNeurons": lambda s, p: neurons_bytes(s, _u16_param(p, 0), lite=False),
    "neuronInfo_getNeuron": lambda s, p: neuron_bytes(s, _u16_param(p, 0), _u16_param(p, 1), lite=False),
    "subnetInfo_getSubnetInfo": lambda s, p: subnet_bytes(s, _u16_param(p, 0)),
    "subnetInfo_getSubnetsInfo": lambda s, p: subnets_bytes(s),
    "subnetInfo_getSubnetHyperparams": lambda s, p: hyperparams_bytes(s, _u16_param(p, 0)),
    "delegateInfo_getDelegates": lambda s, p: delegates_bytes(s),
    "delegateInfo_getDelegate": lambda s, p: delegate_bytes(s, _account_param(p, 0)),
    "delegateInfo_getDelegated": lambda s, p: delegated_bytes(s, _account_param(p, 0)),
}

for _method, _fn in _RPCS.items():
    pallet.rpc(_method)(lambda state, params, _fn=_fn: _ints(_fn(state, list(params))))
pallet.rpc("subnetInfo_getLockCost")(lambda state, params: current_lock_cost(state))


# --- runtime APIs (state_call) --------------------------------------------------------------------------

_V, _NET, _UID = "Vec<u8>", ("netuid", "u16"), ("uid", "u16")


def _api(api: str, method: str, inputs: list[tuple[str, str]], fn: Any, output: str = _V) -> None:
    pallet.runtime_api(api, method, inputs=inputs, output=output)(fn)


_api("DelegateInfoRuntimeApi", "get_delegates", [], lambda s: delegates_bytes(s))
_api("DelegateInfoRuntimeApi", "get_delegate", [("delegate_account_vec", _V)], lambda s, a: delegate_bytes(s, a))
_api("DelegateInfoRuntimeApi", "get_delegated", [("delegatee_account_vec", _V)],
     lambda s, a: delegated_bytes(s, a))
_api("NeuronInfoRuntimeApi", "get_neurons", [_NET], lambda s, n: neurons_bytes(s, n, lite=False))
_api("NeuronInfoRuntimeApi", "get_neuron", [_NET, _UID], lambda s, n, u: neuron_bytes(s, n, u, lite=False))
_api("NeuronInfoRuntimeApi", "get_neurons_lite", [_NET], lambda s, n: neurons_bytes(s, n, lite=True))
_api("NeuronInfoRuntimeApi", "get_neuron_lite", [_NET, _UID], lambda s, n, u: neuron_bytes(s, n, u, lite=True))
_api("SubnetInfoRuntimeApi", "get_subnet_info", [_NET], lambda s, n: subnet_bytes(s, n))
_api("SubnetInfoRuntimeApi", "get_subnets_info", [], lambda s: subnets_bytes(s))
_api("SubnetInfoRuntimeApi", "get_subnet_hyperparams", [_NET], lambda s, n: hyperparams_bytes(s, n))
_api("StakeInfoRuntimeApi", "get_stake_info_for_coldkey", [("coldkey_account_vec", _V)],
     lambda s, c: info_codec.vec(stake_infos(s, c)) if len(c) == 32 else info_codec.vec([]))
_api("StakeInfoRuntimeApi", "get_stake_info_for_coldkeys", [("coldkey_account_vecs", "Vec<Vec<u8>>")],
     lambda s, cs: info_codec.vec(c + info_codec.vec(stake_infos(s, c)) for c in cs if len(c) == 32))
_api("SubnetRegistrationRuntimeApi", "get_network_registration_cost", [], current_lock_cost, output="u64")
