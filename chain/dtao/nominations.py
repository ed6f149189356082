"""Who stakes to a hotkey, per subnet, rebuilt from the share map (dTAO's `DelegateInfo.nominators` reads the
frozen 2024 `Stake` map, so it never lists dTAO stakers: dtao-2025.md §8).

Input: the (coldkey, netuid, shares) entries under one hotkey in storage `Alpha` (listed by key prefix and
read back with `chain.runtime.storage_items.split_key`), and that hotkey's pool totals per netuid. Values use
the era's share formula (`shares.value_r218` or `value_u64f64`), so each equals the runtime's own StakeInfo.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

ValueFn = Callable[[int, int, int], int]  # (pool alpha, pool shares, holder shares) -> alpha


@dataclass(frozen=True, slots=True)
class Nomination:
    coldkey: str
    netuid: int
    alpha: int


def nominations(entries: Iterable[tuple[str, int, int]], totals: Mapping[int, tuple[int, int]],
                value: ValueFn) -> list[Nomination]:
    """Non-zero nominations ordered by netuid, then largest first. `totals[netuid]` = (TotalHotkeyAlpha,
    TotalHotkeyShares); a netuid without totals is an inconsistency and raises rather than counting 0."""
    out = []
    for coldkey, netuid, shares in entries:
        if netuid not in totals:
            raise KeyError(f"no pool totals for netuid {netuid}")
        alpha = value(*totals[netuid], shares)
        if alpha:
            out.append(Nomination(coldkey, netuid, alpha))
    return sorted(out, key=lambda n: (n.netuid, -n.alpha, n.coldkey))
