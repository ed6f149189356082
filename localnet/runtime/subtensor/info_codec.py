"""SCALE layouts of the custom-RPC structs (spec §11): NeuronInfo(Lite), SubnetInfo, hyperparameters,
DelegateInfo, StakeInfo.

These byte layouts are what bittensor's decoders (bt_decode, the SDK's scalecodec types) expect, field
by field, so they are written out by hand here rather than derived: the order and the choice of
Compact vs fixed width below *is* the contract. Inputs are plain dicts built by `info.py` from storage.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from localnet.scale.codec import encode_compact as _c  # short: the encoders below are all compacts

Record = Mapping[str, Any]

_EMPTY_AXON = {"block": 0, "version": 0, "ip": 0, "port": 0, "ip_type": 0, "protocol": 0,
               "placeholder1": 0, "placeholder2": 0}


def _u(value: int, size: int) -> bytes:
    return int(value).to_bytes(size, "little")


def _bool(value: bool) -> bytes:
    return b"\x01" if value else b"\x00"


def vec(items: Iterable[bytes]) -> bytes:
    """`Vec<T>` from already-encoded items."""
    items = list(items)
    return _c(len(items)) + b"".join(items)


def axon_info(axon: Record | None) -> bytes:
    """AxonInfo, all fields fixed width; a neuron that never served gets all zeros."""
    a = axon or _EMPTY_AXON
    return (_u(a["block"], 8) + _u(a["version"], 4) + _u(a["ip"], 16) + _u(a["port"], 2)
            + bytes((a["ip_type"], a["protocol"], a["placeholder1"], a["placeholder2"])))


def prometheus_info(prom: Record | None) -> bytes:
    """PrometheusInfo, all fields fixed width."""
    p = prom or _EMPTY_AXON
    return _u(p["block"], 8) + _u(p["version"], 4) + _u(p["ip"], 16) + _u(p["port"], 2) + bytes((p["ip_type"],))


def _pairs(pairs: Iterable[tuple[int, int]]) -> bytes:
    return vec(_c(a) + _c(b) for a, b in pairs)


def neuron_info(n: Record, *, lite: bool) -> bytes:
    """NeuronInfo (with weights and bonds) or NeuronInfoLite (without)."""
    out = [
        n["hotkey"], n["coldkey"], _c(n["uid"]), _c(n["netuid"]), _bool(n["active"]),
        axon_info(n["axon_info"]), prometheus_info(n["prometheus_info"]),
        vec(coldkey + _c(amount) for coldkey, amount in n["stake"]),
        _c(n["rank"]), _c(n["emission"]), _c(n["incentive"]), _c(n["consensus"]), _c(n["trust"]),
        _c(n["validator_trust"]), _c(n["dividends"]), _c(n["last_update"]), _bool(n["validator_permit"]),
    ]
    if not lite:
        out += [_pairs(n["weights"]), _pairs(n["bonds"])]
    out.append(_c(n["pruning_score"]))
    return b"".join(out)


SUBNET_INFO_FIELDS = ("netuid", "rho", "kappa", "difficulty", "immunity_period", "max_allowed_validators",
                      "min_allowed_weights", "max_weights_limit", "scaling_law_power", "subnetwork_n",
                      "max_allowed_uids", "blocks_since_last_step", "tempo", "network_modality")


def subnet_info(s: Record) -> bytes:
    """SubnetInfo: 14 compacts, network_connect (always empty), emission, burn, owner."""
    head = b"".join(_c(s[name]) for name in SUBNET_INFO_FIELDS)
    connect = vec(_u(a, 2) + _u(b, 2) for a, b in s.get("network_connect", ()))
    return head + connect + _c(s["emission_values"]) + _c(s["burn"]) + s["owner"]


HYPERPARAM_FIELDS = ("rho", "kappa", "immunity_period", "min_allowed_weights", "max_weights_limit", "tempo",
                     "min_difficulty", "max_difficulty", "weights_version", "weights_rate_limit",
                     "adjustment_interval", "activity_cutoff", "registration_allowed",
                     "target_regs_per_interval", "min_burn", "max_burn", "bonds_moving_avg",
                     "max_regs_per_block", "serving_rate_limit", "max_validators", "adjustment_alpha",
                     "difficulty")


def subnet_hyperparams(h: Record) -> bytes:
    """SubnetHyperparams of 2024: every field Compact except `registration_allowed` (bool)."""
    return b"".join(_bool(h[name]) if name == "registration_allowed" else _c(h[name])
                    for name in HYPERPARAM_FIELDS)


def delegate_info(d: Record) -> bytes:
    """DelegateInfo: who, take, nominators with stake, owner, subnets, permits, returns."""
    return b"".join((
        d["delegate_ss58"], _c(d["take"]), vec(who + _c(amount) for who, amount in d["nominators"]),
        d["owner_ss58"], vec(_c(x) for x in d["registrations"]), vec(_c(x) for x in d["validator_permits"]),
        _c(d["return_per_1000"]), _c(d["total_daily_return"]),
    ))


def stake_info(s: Record) -> bytes:
    """StakeInfo: hotkey, coldkey, Compact stake."""
    return s["hotkey"] + s["coldkey"] + _c(s["stake"])
