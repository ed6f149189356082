"""What the dTAO reads hand to the CLI: a subnet's pool row and a coldkey's stake rows, each amount with its
unit (τ, or the subnet's own symbol), JSON-ready. A value the client could not obtain is None, never 0 or a
guess; the CLI shows "—" for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - annotations only: `fractions` imports `decimal`, ~3 ms a 2024 command skips
    from fractions import Fraction

RAO = 10**9
TAO_UNIT = "τ"


def decimal(raw: int) -> str:
    """9-decimal text of an integer amount of 1e-9 units (τ's RAO, α's smallest unit), exact."""
    sign = "-" if raw < 0 else ""
    whole, frac = divmod(abs(raw), RAO)
    return f"{sign}{whole}.{frac:09d}"


def amount_json(raw: int | None, unit: str) -> dict[str, Any] | None:
    return None if raw is None else {"raw": raw, "value": decimal(raw), "unit": unit}


def price_json(price: Fraction | None) -> dict[str, Any] | None:
    """τ per α: exact as a fraction, and floored to 9 decimals for display."""
    if price is None:
        return None
    return {"exact": f"{price.numerator}/{price.denominator}", "value": decimal((price * RAO).__floor__()),
            "unit": f"{TAO_UNIT}/α"}


@dataclass(frozen=True, slots=True)
class SubnetPool:
    """One subnet of `subnets list` on a dTAO chain."""

    netuid: int
    symbol: str  # the subnet's alpha unit
    name: str | None
    owner: str
    tempo: int
    price: Fraction | None  # τ per α; None when taocli cannot price this subnet
    tao_in: int  # τ in the pool
    alpha_in: int  # α in the pool
    alpha_out: int  # α outside the pool (staked)
    emission_share: Fraction | None  # this subnet's share of the emission; None when the era does not say

    def to_json(self) -> dict[str, Any]:
        share = self.emission_share
        return {"netuid": self.netuid, "symbol": self.symbol, "name": self.name, "owner": self.owner,
                "tempo": self.tempo, "price": price_json(self.price),
                "tao_in": amount_json(self.tao_in, TAO_UNIT), "alpha_in": amount_json(self.alpha_in, self.symbol),
                "alpha_out": amount_json(self.alpha_out, self.symbol),
                "emission_share": None if share is None else f"{share.numerator}/{share.denominator}"}


@dataclass(frozen=True, slots=True)
class StakeRow:
    """A coldkey's stake on one hotkey (and, on dTAO, one subnet): the amount in its own unit and its TAO
    value at the spot price (None when unpriced). In 2024 the amount is TAO and `netuid` is None."""

    hotkey: str
    netuid: int | None
    amount: int
    unit: str
    tao_value: int | None

    def to_json(self) -> dict[str, Any]:
        return {"hotkey": self.hotkey, "netuid": self.netuid, "amount": amount_json(self.amount, self.unit),
                "tao_value": amount_json(self.tao_value, TAO_UNIT)}


@dataclass(frozen=True, slots=True)
class Holdings:
    """Every stake row of a coldkey and their total in TAO (None if any row is unpriced: a partial sum would
    understate the holding)."""

    rows: list[StakeRow]
    staked_tao: int | None


@dataclass(frozen=True, slots=True)
class NeuronStake:
    """One uid of a dTAO metagraph: its alpha stake on the subnet (and that alpha's TAO value at spot), its
    root stake in τ, and the stake weight the epoch uses (α + w·τ, in the subnet's α units)."""

    uid: int
    hotkey: str
    coldkey: str
    alpha_stake: int  # α of the subnet
    alpha_tao_value: int | None  # τ at spot; None when unpriced
    root_stake: int  # τ staked on root by this hotkey
    stake_weight: int  # α + w·τ
    emission: int  # α of the subnet
    dividends: int  # u16 proportion
    incentive: int  # u16 proportion
    validator_permit: bool
    active: bool

    def to_json(self, symbol: str) -> dict[str, Any]:
        return {"uid": self.uid, "hotkey": self.hotkey, "coldkey": self.coldkey,
                "alpha_stake": amount_json(self.alpha_stake, symbol),
                "alpha_tao_value": amount_json(self.alpha_tao_value, TAO_UNIT),
                "root_stake": amount_json(self.root_stake, TAO_UNIT),
                "stake_weight": amount_json(self.stake_weight, symbol), "emission": amount_json(self.emission, symbol),
                "dividends": self.dividends, "incentive": self.incentive,
                "validator_permit": self.validator_permit, "active": self.active}


@dataclass(frozen=True, slots=True)
class SubnetMetagraph:
    """`subnets show` on a dTAO chain: the subnet's pool and every uid's stake, read at one block."""

    pool: SubnetPool
    neurons: list[NeuronStake]

    def to_json(self) -> dict[str, Any]:
        return {"subnet": self.pool.to_json(), "neurons": [n.to_json(self.pool.symbol) for n in self.neurons]}


@dataclass(frozen=True, slots=True)
class DelegateView:
    """A hotkey that takes nominations on a dTAO chain: its take, and who stakes to it on which subnet (alpha
    in that subnet's unit, valued in TAO at spot). `nominations` None: the share type is unknown to taocli."""

    hotkey: str
    owner: str
    take: int  # u16 proportion of 65535
    registrations: list[int] | None  # None when the runtime did not list it
    nominations: list[tuple[str, int, int, int | None]] | None  # (coldkey, netuid, alpha, τ value)
    units: dict[int, str]
    tao_value: int | None  # Σ τ value of every nomination; None if any is unpriced or unknown

    @staticmethod
    def of(hotkey: str, owner: str, take: int, registrations: list[int] | None, held: list[Any] | None,
           prices: dict[int, Fraction], units: dict[int, str]) -> DelegateView:
        if held is None:
            return DelegateView(hotkey, owner, take, registrations, None, units, None)
        rows = [(n.coldkey, n.netuid, n.alpha,
                 None if n.netuid not in prices else (n.alpha * prices[n.netuid]).__floor__()) for n in held]
        values = [v for *_, v in rows]
        total = None if any(v is None for v in values) else sum(v for v in values if v is not None)
        return DelegateView(hotkey, owner, take, registrations, rows, units, total)

    def unit(self, netuid: int) -> str:
        return self.units.get(netuid, f"α{netuid}")

    def to_json(self) -> dict[str, Any]:
        return {"hotkey": self.hotkey, "owner": self.owner, "take": self.take,
                "take_ratio": f"{self.take}/65535", "registrations": self.registrations,
                "nominators": None if self.nominations is None else [
                    {"coldkey": c, "netuid": n, "alpha": amount_json(a, self.unit(n)),
                     "tao_value": amount_json(v, TAO_UNIT)} for c, n, a, v in self.nominations],
                "total_tao_value": amount_json(self.tao_value, TAO_UNIT)}
