"""The §11 info structs rebuilt from plain storage, for chains that lack the subtensor info RPCs.

Why: issue 6 — a node without `subnetInfo_*`, `neuronInfo_*` or `delegateInfo_*` (an older or trimmed
build, a proxy that forwards only the standard methods) still serves `state_*`, and every field of
SubnetInfo, NeuronInfo(Lite) and DelegateInfo is defined by spec §11 in terms of the §3 storage items.
Each builder follows those rules (defaults for absent keys and short vectors, list order, which zero
entries are kept) so it returns dataclasses equal to the RPC path's. Reads go through one StorageView
(one block, batched): a metagraph is five round trips whatever its size.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from chain import storage as st
from chain import types as ty
from chain.scale import Reader
from chain.storage_view import StorageView, decode, key, net_key, prefix, u16_pair, vector
from wallet.ss58 import ss58_encode

U16, U64, BOOL = Reader.u16, Reader.u64, Reader.boolean
ZERO_ACCOUNT = bytes(32)
PREFIX_LEN = 32  # twox128(pallet) ‖ twox128(item)


def _account(r: Reader) -> str:
    return ss58_encode(r.account())


def _tail_u16(storage_key: bytes) -> int:
    """The trailing Identity-hashed u16 (a netuid or uid) of a storage key."""
    return int.from_bytes(storage_key[-2:], "little")


# -- subnets -----------------------------------------------------------------------------------------

# SubnetInfo field -> (storage item keyed by netuid, value reader, §4.1 default), in §11 order. An absent key
# reads as the metadata's default when the view knows it; the §4.1 value only when it does not.
SUBNET_ITEMS: tuple[tuple[str, str, Callable[[Reader], Any], Any], ...] = (
    ("rho", "Rho", U16, 10), ("kappa", "Kappa", U16, 32_767), ("difficulty", "Difficulty", U64, 10_000_000),
    ("immunity_period", "ImmunityPeriod", U16, 4096), ("max_allowed_validators", "MaxAllowedValidators", U16, 128),
    ("min_allowed_weights", "MinAllowedWeights", U16, 1024), ("max_weights_limit", "MaxWeightsLimit", U16, 1000),
    ("scaling_law_power", "ScalingLawPower", U16, 50), ("subnetwork_n", "SubnetworkN", U16, 0),
    ("max_allowed_uids", "MaxAllowedUids", U16, 4096), ("blocks_since_last_step", "BlocksSinceLastStep", U64, 0),
    ("tempo", "Tempo", U16, 99), ("network_modality", "NetworkModality", U16, 0),
    ("emission_values", "EmissionValues", U64, 0), ("burn", "Burn", U64, 10**9),
    ("owner", "SubnetOwner", _account, ss58_encode(ZERO_ACCOUNT)),
)


def _subnet_keys(netuid: int) -> list[str]:
    return [net_key("NetworksAdded", netuid)] + [net_key(item, netuid) for _, item, _, _ in SUBNET_ITEMS]


def _subnet_from(view: StorageView, netuid: int, raws: list[bytes | None]) -> ty.SubnetInfo | None:
    if not decode(raws[0], BOOL, False):
        return None
    fields = {name: decode(view.value_or_default(item, raw), read, default)
              for (name, item, read, default), raw in zip(SUBNET_ITEMS, raws[1:], strict=True)}
    return ty.SubnetInfo(netuid=netuid, network_connect=[], **fields)


def netuid_candidates(view: StorageView) -> list[int]:
    """Netuids with a NetworksAdded entry (true or false), ascending."""
    return sorted(_tail_u16(k) for k in view.keys([prefix("NetworksAdded")])[0])


def subnets(view: StorageView) -> list[ty.SubnetInfo]:
    """Every existing subnet, ascending netuid (subnetInfo_getSubnetsInfo)."""
    candidates = netuid_candidates(view)
    width = 1 + len(SUBNET_ITEMS)
    raws = view.values([k for netuid in candidates for k in _subnet_keys(netuid)])
    found = (_subnet_from(view, n, raws[i * width:(i + 1) * width]) for i, n in enumerate(candidates))
    return [s for s in found if s is not None]


def subnet(view: StorageView, netuid: int) -> ty.SubnetInfo | None:
    """One subnet, or None when it does not exist (subnetInfo_getSubnetInfo)."""
    return _subnet_from(view, netuid, view.values(_subnet_keys(netuid)))


# -- neurons -----------------------------------------------------------------------------------------

# NeuronInfo field -> (per-subnet vector indexed by uid, element reader, default for a short vector).
NEURON_VECTORS: tuple[tuple[str, str, Callable[[Reader], Any], Any], ...] = (
    ("active", "Active", BOOL, False), ("rank", "Rank", U16, 0), ("emission", "Emission", U64, 0),
    ("incentive", "Incentive", U16, 0), ("consensus", "Consensus", U16, 0), ("trust", "Trust", U16, 0),
    ("validator_trust", "ValidatorTrust", U16, 0), ("dividends", "Dividends", U16, 0),
    ("last_update", "LastUpdate", U64, 0), ("validator_permit", "ValidatorPermit", BOOL, False),
    ("pruning_score", "PruningScores", U16, 0),
)
EMPTY_AXON = ty.AxonInfo(0, 0, 0, 0, 0, 0, 0, 0)
EMPTY_PROMETHEUS = ty.PrometheusInfo(0, 0, 0, 0, 0)


def neurons_lite(view: StorageView, netuid: int, uid: int | None = None) -> list[ty.NeuronInfoLite]:
    """Uids 0..n stopping at the first without a hotkey (neuronInfo_getNeuronsLite), or just `uid`."""
    return _neurons(view, netuid, full=False, uid=uid)


def neurons_full(view: StorageView, netuid: int, uid: int | None = None) -> list[ty.NeuronInfo]:
    """As neurons_lite, with each uid's non-zero weights and bonds (neuronInfo_getNeurons)."""
    return [n for n in _neurons(view, netuid, full=True, uid=uid) if isinstance(n, ty.NeuronInfo)]


def _neurons(view: StorageView, netuid: int, *, full: bool, uid: int | None) -> list[ty.NeuronInfoLite]:
    """The neuron list, or the one `uid` asked for (empty when its Keys entry is absent).

    Round trips: subnet head (exists, n, the vectors) → Keys → Stake key listings → every per-hotkey value.
    """
    head = view.values([net_key("NetworksAdded", netuid), net_key("SubnetworkN", netuid)]
                       + [net_key(item, netuid) for _, item, _, _ in NEURON_VECTORS]
                       + ([] if uid is None else [key("Keys", st.u16_key(netuid), st.u16_key(uid))]))
    if not decode(head[0], BOOL, False):
        return []
    vector_raws = head[2:2 + len(NEURON_VECTORS)]
    vectors = [decode(raw, vector(read), []) for (_, _, read, _), raw in zip(NEURON_VECTORS, vector_raws, strict=True)]
    if uid is None:
        n = decode(head[1], U16, 0)
        raw_keys = view.values([key("Keys", st.u16_key(netuid), st.u16_key(u)) for u in range(n)])
        hotkeys: list[tuple[int, bytes]] = []
        for u, raw in enumerate(raw_keys):
            if raw is None:
                break
            hotkeys.append((u, decode(raw, Reader.account, ZERO_ACCOUNT)))
    else:
        raw = head[-1]
        hotkeys = [] if raw is None else [(uid, decode(raw, Reader.account, ZERO_ACCOUNT))]
    if not hotkeys:
        return []
    stake_keys = view.keys([prefix("Stake", st.blake2_128_concat(hk)) for _, hk in hotkeys])
    per_hotkey = [_neuron_keys(netuid, u, hk, stakes, full) for (u, hk), stakes in zip(hotkeys, stake_keys,
                                                                                       strict=True)]
    raws = iter(view.values([k for keys in per_hotkey for k in keys]))
    out: list[ty.NeuronInfoLite] = []
    for (u, hk), stakes in zip(hotkeys, stake_keys, strict=True):
        fields: dict[str, Any] = {
            "hotkey": ss58_encode(hk), "coldkey": decode(next(raws), _account, ss58_encode(ZERO_ACCOUNT)),
            "uid": u, "netuid": netuid,
            "axon_info": decode(next(raws), ty.AxonInfo.read, EMPTY_AXON),
            "prometheus_info": decode(next(raws), ty.PrometheusInfo.read, EMPTY_PROMETHEUS),
            "stake": [(ss58_encode(k[-32:]), decode(next(raws), U64, 0)) for k in stakes],
        }
        for (name, _, _, default), values in zip(NEURON_VECTORS, vectors, strict=True):
            fields[name] = values[u] if u < len(values) else default
        if full:
            weights = decode(next(raws), vector(u16_pair), [])
            bonds = decode(next(raws), vector(u16_pair), [])
            out.append(ty.NeuronInfo(**fields, weights=[p for p in weights if p[1]], bonds=[p for p in bonds if p[1]]))
        else:
            out.append(ty.NeuronInfoLite(**fields))
    return out


def _neuron_keys(netuid: int, uid: int, hotkey: bytes, stake_keys: list[bytes], full: bool) -> list[str]:
    """The value keys one neuron needs, in the order `_neurons` consumes them."""
    hashed = st.blake2_128_concat(hotkey)
    net = st.u16_key(netuid)
    keys = [key("Owner", hashed), key("Axons", net, hashed), key("Prometheus", net, hashed)]
    keys += ["0x" + k.hex() for k in stake_keys]
    if full:
        keys += [key("Weights", net, st.u16_key(uid)), key("Bonds", net, st.u16_key(uid))]
    return keys


# -- delegates ---------------------------------------------------------------------------------------

POINT_82 = int(Fraction(0.82) * (1 << 64))  # U64F64::from_num(0.82): the f64 0.82 is exact in 64 fraction bits
BLOCKS_PER_DAY = 7200


def delegate_hotkeys(view: StorageView) -> list[bytes]:
    """Every delegate hotkey, in Delegates map (hash) order."""
    return [k[-32:] for k in view.keys([prefix("Delegates")])[0]]


def delegates(view: StorageView, hotkeys: list[bytes]) -> list[ty.DelegateInfo]:
    """DelegateInfo of each of `hotkeys` that is a delegate (delegateInfo_getDelegate(s)), in the order given.

    Round trips: Stake and IsNetworkMember listings per hotkey → every value (takes, owners, total stakes,
    stakes, memberships, uids, and Tempo / Emission / ValidatorPermit of each subnet involved).
    """
    listings = view.keys([prefix(item, st.blake2_128_concat(hk)) for hk in hotkeys
                          for item in ("Stake", "IsNetworkMember")])
    stake_keys, member_keys = listings[0::2], listings[1::2]
    netuids = sorted({_tail_u16(k) for keys in member_keys for k in keys})
    per_net = [net_key(item, n) for n in netuids for item in ("Tempo", "Emission", "ValidatorPermit")]
    per_hotkey: list[str] = []
    for hk, stakes, members in zip(hotkeys, stake_keys, member_keys, strict=True):
        hashed = st.blake2_128_concat(hk)
        per_hotkey += [key("Delegates", hashed), key("Owner", hashed), key("TotalHotkeyStake", hk)]
        per_hotkey += ["0x" + k.hex() for k in stakes + members]
        per_hotkey += [key("Uids", st.u16_key(_tail_u16(k)), hashed) for k in members]
    raws = view.values(per_net + per_hotkey)
    subnet_state: dict[int, tuple[int, list[int], list[bool]]] = {}
    for i, n in enumerate(netuids):
        tempo, emission, permit = raws[3 * i:3 * i + 3]
        subnet_state[n] = (decode(view.value_or_default("Tempo", tempo), U16, 99), decode(emission, vector(U64), []),
                           decode(permit, vector(BOOL), []))
    rest = iter(raws[len(per_net):])
    out: list[ty.DelegateInfo] = []
    for hk, stakes, members in zip(hotkeys, stake_keys, member_keys, strict=True):
        take, owner, total = next(rest), next(rest), decode(next(rest), U64, 0)
        nominators = [(ss58_encode(k[-32:]), decode(next(rest), U64, 0)) for k in stakes]
        registered = [(_tail_u16(k), decode(next(rest), BOOL, False)) for k in members]
        uids = [decode(next(rest), U16, None) for _ in members]
        if take is None:
            continue  # not a delegate
        out.append(_delegate_info(hk, decode(take, U16, 11_796), decode(owner, _account, ss58_encode(ZERO_ACCOUNT)),
                                  total, nominators, registered, uids, subnet_state))
    return out


def daily_emission(emissions: list[tuple[int, int]]) -> int:
    """Σ emission·(7200/tempo) over (emission RAO per epoch, tempo) pairs, as U64F64 bits (64 fraction bits).

    Each step truncates as the runtime's fixed-point types do, so the floor of the result is the chain's
    total_daily_return to the RAO. A zero tempo (the runtime would divide by zero) contributes nothing.
    """
    daily = 0
    for emission, tempo in emissions:
        if tempo:
            epochs_per_day = (BLOCKS_PER_DAY << 64) // tempo
            daily += (emission << 64) * epochs_per_day >> 64
    return daily


def return_per_1000(daily: int, total_stake: int) -> int:
    """§11's daily·0.82 / (TotalHotkeyStake/1000), floored to RAO; 0 without stake (0.82 is hard-coded)."""
    if total_stake <= 0:
        return 0
    stake_per_1000 = (total_stake << 64) // 1000
    return (((daily * POINT_82 >> 64) << 64) // stake_per_1000) >> 64


def _delegate_info(hotkey: bytes, take: int, owner: str, total_stake: int, nominators: list[tuple[str, int]],
                   registered: list[tuple[int, bool]], uids: list[int | None],
                   subnet_state: dict[int, tuple[int, list[int], list[bool]]]) -> ty.DelegateInfo:
    """One DelegateInfo: registrations in IsNetworkMember order, then the permits and the emission of the
    subnets where the hotkey still holds a uid."""
    registrations = [n for n, member in registered if member]
    permits: list[int] = []
    emissions: list[tuple[int, int]] = []
    for (netuid, member), uid in zip(registered, uids, strict=True):
        if not member or uid is None:
            continue
        tempo, emission, permit = subnet_state[netuid]
        if uid < len(permit) and permit[uid]:
            permits.append(netuid)
        emissions.append((emission[uid] if uid < len(emission) else 0, tempo))
    daily = daily_emission(emissions)
    return ty.DelegateInfo(
        hotkey=ss58_encode(hotkey), take=take, nominators=[(c, s) for c, s in nominators if s > 0], owner=owner,
        registrations=registrations, validator_permits=permits,
        return_per_1000=return_per_1000(daily, total_stake), total_daily_return=daily >> 64,
    )
