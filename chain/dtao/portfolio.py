"""A coldkey's dTAO stake as rows and totals valued in TAO: what `stake list`, `wallet balance`, `overview`
and `delegate mine` show, as pure functions over decoded records.

Stake is per (hotkey, netuid) in that subnet's alpha; its TAO value is a valuation at the spot price (what
btcli shows as Value), not what unstaking pays (`amm.unstake_quote`). A price the caller could not obtain is
None, and so is every value and total that depends on it: the CLI shows "—", never a number it guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from chain.dtao.amm import Pool
from chain.dtao.structs import DynamicInfo, StakeInfo


@dataclass(frozen=True, slots=True)
class Position:
    hotkey: str
    netuid: int
    alpha: int  # of `netuid`
    price: Fraction | None  # τ per α
    tao_value: int | None  # RAO of TAO at `price`, floored
    emission: int  # α: the hotkey's last dividend on that subnet
    is_registered: bool


def spot_prices(infos: Iterable[DynamicInfo], mechanisms: Mapping[int, int]) -> dict[int, Fraction]:
    """Spot prices of constant-product runtimes (R218/R233) from their pools: root and mechanism-0 subnets
    are 1:1, others T/A. A netuid missing from `mechanisms` gets no price (its mechanism is unknown).
    Runtimes with a SwapRuntimeApi must take `current_alpha_price` instead (see amm.rules_for)."""
    prices = {}
    for info in infos:
        mechanism = 0 if info.netuid == 0 else mechanisms.get(info.netuid)
        if mechanism is None:
            continue
        prices[info.netuid] = Pool(info.tao_in, info.alpha_in, stable=mechanism == 0).spot_price()
    return prices


def positions(rows: Iterable[StakeInfo], prices: Mapping[int, Fraction]) -> list[Position]:
    """Non-zero positions, valued where a price is known, ordered by netuid then hotkey."""
    out = []
    for row in rows:
        if row.stake == 0:
            continue  # R218 also lists empty (hotkey, netuid) pairs
        price = prices.get(row.netuid)
        value = None if price is None else (row.stake * price).__floor__()
        out.append(Position(row.hotkey, row.netuid, row.stake, price, value, row.emission, row.is_registered))
    return sorted(out, key=lambda p: (p.netuid, p.hotkey))


def total_tao_value(held: Iterable[Position]) -> int | None:
    """Σ TAO value, or None if any position has no price (a partial sum would understate the holding)."""
    total = 0
    for p in held:
        if p.tao_value is None:
            return None
        total += p.tao_value
    return total


def alpha_by_subnet(held: Iterable[Position]) -> dict[int, int]:
    """Alpha per subnet (amounts of different subnets are different tokens and never added together)."""
    sums: dict[int, int] = {}
    for p in held:
        sums[p.netuid] = sums.get(p.netuid, 0) + p.alpha
    return sums


def symbol(netuid: int, chain_symbol: bytes | str | None) -> str:
    """The unit label of a subnet's alpha: the chain's own TokenSymbol (DynamicInfo from R233, storage in
    R218); without one, an unambiguous "α<netuid>" rather than a borrowed glyph."""
    if isinstance(chain_symbol, bytes):
        chain_symbol = chain_symbol.decode("utf-8", errors="replace")
    return chain_symbol or f"α{netuid}"
