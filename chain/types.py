"""Typed views of the subtensor info RPC replies, decoded from the exact SCALE layouts of spec §11.

Accounts are turned into SS58 strings here (prefix 42), stakes and emissions stay integers of RAO, and
u16 proportions stay raw integers with a float helper, so nothing loses precision on the way to the CLI.
Each `decode_*` function insists that the whole reply was consumed: a runtime with a different layout
fails loudly (ScaleError) instead of yielding shifted garbage.
"""

from __future__ import annotations

import ipaddress
from dataclasses import asdict, dataclass, field
from typing import Any

from chain.scale import Reader
from wallet.ss58 import ss58_encode

U16_MAX = 65_535


def _ss58(r: Reader) -> str:
    return ss58_encode(r.account())


def proportion(value: int) -> float:
    """A u16 proportion (stored as floor(r·65535)) as a float in [0, 1]."""
    return value / U16_MAX


@dataclass(frozen=True)
class AxonInfo:
    """Where a neuron serves (all zeros when it never called serve_axon)."""

    block: int
    version: int
    ip: int
    port: int
    ip_type: int
    protocol: int
    placeholder1: int
    placeholder2: int

    @property
    def is_serving(self) -> bool:
        return self.ip != 0 and self.port != 0

    @property
    def ip_str(self) -> str:
        if self.ip == 0:
            return "0.0.0.0"
        return str(ipaddress.IPv4Address(self.ip) if self.ip_type == 4 else ipaddress.IPv6Address(self.ip))

    @staticmethod
    def read(r: Reader) -> AxonInfo:
        return AxonInfo(r.u64(), r.u32(), r.u128(), r.u16(), r.u8(), r.u8(), r.u8(), r.u8())


@dataclass(frozen=True)
class PrometheusInfo:
    """Where a neuron exports metrics."""

    block: int
    version: int
    ip: int
    port: int
    ip_type: int

    @staticmethod
    def read(r: Reader) -> PrometheusInfo:
        return PrometheusInfo(r.u64(), r.u32(), r.u128(), r.u16(), r.u8())


@dataclass(frozen=True)
class NeuronInfoLite:
    """One uid of a subnet without its weight and bond rows (what the metagraph table needs)."""

    hotkey: str
    coldkey: str
    uid: int
    netuid: int
    active: bool
    axon_info: AxonInfo
    prometheus_info: PrometheusInfo
    stake: list[tuple[str, int]]
    rank: int
    emission: int
    incentive: int
    consensus: int
    trust: int
    validator_trust: int
    dividends: int
    last_update: int
    validator_permit: bool
    pruning_score: int

    @property
    def total_stake(self) -> int:
        """RAO staked on this hotkey by every coldkey (owner and nominators)."""
        return sum(amount for _, amount in self.stake)

    def to_json(self) -> dict[str, Any]:
        # Built by hand: dataclasses.asdict deep-copies recursively and costs ~40 ms per 256-uid metagraph.
        data = {name: getattr(self, name) for name in _LITE_SCALARS}
        data["axon_info"] = self.axon_info.__dict__.copy()
        data["prometheus_info"] = self.prometheus_info.__dict__.copy()
        data["stake"] = [[cold, amount] for cold, amount in self.stake]
        data["total_stake"] = self.total_stake
        return data

    @staticmethod
    def _head(r: Reader) -> dict[str, Any]:
        return {
            "hotkey": _ss58(r), "coldkey": _ss58(r), "uid": r.compact(), "netuid": r.compact(),
            "active": r.boolean(), "axon_info": AxonInfo.read(r), "prometheus_info": PrometheusInfo.read(r),
            "stake": r.vec(lambda x: (_ss58(x), x.compact())), "rank": r.compact(), "emission": r.compact(),
            "incentive": r.compact(), "consensus": r.compact(), "trust": r.compact(),
            "validator_trust": r.compact(), "dividends": r.compact(), "last_update": r.compact(),
            "validator_permit": r.boolean(),
        }

    @staticmethod
    def read(r: Reader) -> NeuronInfoLite:
        head = NeuronInfoLite._head(r)
        return NeuronInfoLite(**head, pruning_score=r.compact())


_LITE_SCALARS = ("hotkey", "coldkey", "uid", "netuid", "active", "rank", "emission", "incentive", "consensus",
                 "trust", "validator_trust", "dividends", "last_update", "validator_permit", "pruning_score")


def _pairs(r: Reader) -> list[tuple[int, int]]:
    return r.vec(lambda x: (x.compact(), x.compact()))


@dataclass(frozen=True)
class NeuronInfo(NeuronInfoLite):
    """One uid with its weight and bond rows (uid, u16 value), non-zero entries only."""

    weights: list[tuple[int, int]] = field(default_factory=list)
    bonds: list[tuple[int, int]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = super().to_json()
        data["weights"] = [list(p) for p in self.weights]
        data["bonds"] = [list(p) for p in self.bonds]
        return data

    @staticmethod
    def read(r: Reader) -> NeuronInfo:
        head = NeuronInfoLite._head(r)
        weights = _pairs(r)
        bonds = _pairs(r)
        return NeuronInfo(**head, weights=weights, bonds=bonds, pruning_score=r.compact())


@dataclass(frozen=True)
class SubnetInfo:
    """A subnet's registration and consensus settings as `subnetInfo_getSubnetInfo` declares them."""

    netuid: int
    rho: int
    kappa: int
    difficulty: int
    immunity_period: int
    max_allowed_validators: int
    min_allowed_weights: int
    max_weights_limit: int
    scaling_law_power: int
    subnetwork_n: int
    max_allowed_uids: int
    blocks_since_last_step: int
    tempo: int
    network_modality: int
    network_connect: list[tuple[int, int]]
    emission_values: int
    burn: int
    owner: str

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["network_connect"] = [list(p) for p in self.network_connect]
        return data

    @staticmethod
    def read(r: Reader) -> SubnetInfo:
        c = r.compact
        return SubnetInfo(
            netuid=c(), rho=c(), kappa=c(), difficulty=c(), immunity_period=c(), max_allowed_validators=c(),
            min_allowed_weights=c(), max_weights_limit=c(), scaling_law_power=c(), subnetwork_n=c(),
            max_allowed_uids=c(), blocks_since_last_step=c(), tempo=c(), network_modality=c(),
            network_connect=r.vec(lambda x: (x.u16(), x.u16())), emission_values=c(), burn=c(), owner=_ss58(r),
        )


# Field order = encoding order; "c16"/"c64" compact, "bool" a byte. The 2024 layout (spec §11).
HYPERPARAM_FIELDS: tuple[tuple[str, str], ...] = (
    ("rho", "c16"), ("kappa", "c16"), ("immunity_period", "c16"), ("min_allowed_weights", "c16"),
    ("max_weights_limit", "c16"), ("tempo", "c16"), ("min_difficulty", "c64"), ("max_difficulty", "c64"),
    ("weights_version", "c64"), ("weights_rate_limit", "c64"), ("adjustment_interval", "c16"),
    ("activity_cutoff", "c16"), ("registration_allowed", "bool"), ("target_regs_per_interval", "c16"),
    ("min_burn", "c64"), ("max_burn", "c64"), ("bonds_moving_avg", "c64"), ("max_regs_per_block", "c16"),
    ("serving_rate_limit", "c64"), ("max_validators", "c16"), ("adjustment_alpha", "c64"), ("difficulty", "c64"),
)


@dataclass(frozen=True)
class SubnetHyperparams:
    """The tunable parameters of one subnet (what `sudo set` changes)."""

    rho: int
    kappa: int
    immunity_period: int
    min_allowed_weights: int
    max_weights_limit: int
    tempo: int
    min_difficulty: int
    max_difficulty: int
    weights_version: int
    weights_rate_limit: int
    adjustment_interval: int
    activity_cutoff: int
    registration_allowed: bool
    target_regs_per_interval: int
    min_burn: int
    max_burn: int
    bonds_moving_avg: int
    max_regs_per_block: int
    serving_rate_limit: int
    max_validators: int
    adjustment_alpha: int
    difficulty: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def read(r: Reader) -> SubnetHyperparams:
        values: list[Any] = [r.boolean() if kind == "bool" else r.compact() for _, kind in HYPERPARAM_FIELDS]
        return SubnetHyperparams(*values)


@dataclass(frozen=True)
class DelegateInfo:
    """A hotkey that accepts nominations: its take, nominators and where it validates."""

    hotkey: str
    take: int
    nominators: list[tuple[str, int]]
    owner: str
    registrations: list[int]
    validator_permits: list[int]
    return_per_1000: int
    total_daily_return: int

    @property
    def total_stake(self) -> int:
        return sum(amount for _, amount in self.nominators)

    @property
    def take_ratio(self) -> float:
        return proportion(self.take)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["nominators"] = [[cold, amount] for cold, amount in self.nominators]
        data["total_stake"] = self.total_stake
        data["take_ratio"] = round(self.take_ratio, 6)
        return data

    @staticmethod
    def read(r: Reader) -> DelegateInfo:
        return DelegateInfo(
            hotkey=_ss58(r), take=r.compact(), nominators=r.vec(lambda x: (_ss58(x), x.compact())), owner=_ss58(r),
            registrations=r.vec(Reader.compact), validator_permits=r.vec(Reader.compact),
            return_per_1000=r.compact(), total_daily_return=r.compact(),
        )


@dataclass(frozen=True)
class StakeInfo:
    """Stake one coldkey holds on one hotkey."""

    hotkey: str
    coldkey: str
    stake: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def read(r: Reader) -> StakeInfo:
        return StakeInfo(hotkey=_ss58(r), coldkey=_ss58(r), stake=r.compact())


# -- whole replies ---------------------------------------------------------------------------------

def _whole(data: bytes | list[int], read: Any) -> Any:
    r = Reader(data)
    value = read(r)
    r.done()
    return value


def decode_neurons_lite(data: bytes | list[int]) -> list[NeuronInfoLite]:
    return _whole(data, lambda r: r.vec(NeuronInfoLite.read))


def decode_neurons(data: bytes | list[int]) -> list[NeuronInfo]:
    return _whole(data, lambda r: r.vec(NeuronInfo.read))


def decode_neuron_lite(data: bytes | list[int]) -> NeuronInfoLite | None:
    """A single neuron, or None for the empty reply the chain gives for an unknown uid."""
    return _whole(data, NeuronInfoLite.read) if len(data) else None


def decode_neuron(data: bytes | list[int]) -> NeuronInfo | None:
    return _whole(data, NeuronInfo.read) if len(data) else None


def decode_subnet(data: bytes | list[int]) -> SubnetInfo | None:
    return _whole(data, SubnetInfo.read) if len(data) else None


def decode_subnets(data: bytes | list[int]) -> list[SubnetInfo]:
    """`Vec<Option<SubnetInfo>>`: the chain lists only existing subnets, None entries are dropped."""
    found = _whole(data, lambda r: r.vec(lambda x: x.option(SubnetInfo.read)))
    return [s for s in found if s is not None]


def decode_hyperparams(data: bytes | list[int]) -> SubnetHyperparams | None:
    return _whole(data, SubnetHyperparams.read) if len(data) else None


def decode_delegates(data: bytes | list[int]) -> list[DelegateInfo]:
    return _whole(data, lambda r: r.vec(DelegateInfo.read))


def decode_delegate(data: bytes | list[int]) -> DelegateInfo | None:
    return _whole(data, DelegateInfo.read) if len(data) else None


def decode_delegated(data: bytes | list[int]) -> list[tuple[DelegateInfo, int]]:
    """`Vec<(DelegateInfo, Compact<u64>)>`: the delegates a coldkey nominates and its stake on each."""
    return _whole(data, lambda r: r.vec(lambda x: (DelegateInfo.read(x), x.compact())))


def decode_stake_infos(data: bytes | list[int]) -> list[StakeInfo]:
    return _whole(data, lambda r: r.vec(StakeInfo.read))


def unwrap_state_call(data: bytes) -> bytes:
    """A runtime API returning Vec<u8> comes back from state_call as SCALE bytes: strip the length."""
    r = Reader(data)
    inner = r.take(r.compact())
    r.done()
    return inner
