"""How dTAO reads are shown: each amount in its own unit (τ, or the subnet's symbol), and "—" for a value
the chain client could not obtain, with one note saying why. Display only: the numbers come from the rooms.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from taocli.commands.chainctx import table

if TYPE_CHECKING:  # pragma: no cover
    from chain.dtao.views import Holdings, SubnetMetagraph, SubnetPool

UNKNOWN = "—"
UNPRICED_NOTE = "— : taocli cannot price this subnet's alpha on this runtime, so its TAO value is not shown"


def units(raw: int | None, unit: str) -> str:
    """An amount of 1e-9 units with its unit, or "—"."""
    from chain.dtao.views import decimal

    return UNKNOWN if raw is None else f"{decimal(raw)} {unit}"


def price(value: Fraction | None, symbol: str) -> str:
    from chain.dtao.views import decimal

    return UNKNOWN if value is None else f"{decimal((value * 10**9).__floor__())} τ/{symbol}"


def subnet_pools(title: str, pools: list[SubnetPool]) -> Callable[[Any], None]:
    rows = [[str(p.netuid), p.symbol, p.name or "", price(p.price, p.symbol), units(p.tao_in, "τ"),
             units(p.alpha_in, p.symbol), units(p.alpha_out, p.symbol),
             UNKNOWN if p.emission_share is None else f"{float(p.emission_share):.2%}", str(p.tempo), p.owner]
            for p in pools]
    return table(title, ["netuid", "symbol", "name", "price", "TAO in pool", "alpha in pool", "alpha staked",
                         "emission", "tempo", "owner"], rows)


def metagraph(title: str, graph: SubnetMetagraph) -> Callable[[Any], None]:
    p, sym = graph.pool, graph.pool.symbol
    head = (f"{title}: {len(graph.neurons)} uids, tempo {p.tempo}, price {price(p.price, sym)}, "
            f"pool {units(p.tao_in, 'τ')} / {units(p.alpha_in, sym)}")
    rows = [[str(n.uid), n.hotkey, units(n.alpha_stake, sym), units(n.alpha_tao_value, "τ"), units(n.root_stake, "τ"),
             units(n.stake_weight, sym), units(n.emission, sym), f"{n.dividends / 65535:.4f}",
             f"{n.incentive / 65535:.4f}", "✓" if n.validator_permit else "", "✓" if n.active else ""]
            for n in graph.neurons]
    return table(head, ["uid", "hotkey", "alpha stake", "value (τ)", "root stake", "stake weight", "emission",
                        "dividends", "incentive", "vpermit", "active"], rows)


def stake_rows(title: str, held: Holdings) -> Callable[[Any], None]:
    rows = [[r.hotkey, str(r.netuid), units(r.amount, r.unit), units(r.tao_value, "τ")] for r in held.rows]
    return table(title, ["hotkey", "netuid", "stake", "value (τ at spot)"], rows)


def holdings_json(held: Holdings) -> dict[str, Any]:
    from chain.dtao.views import TAO_UNIT, amount_json

    return {"stakes": [r.to_json() for r in held.rows], "staked_tao_value": amount_json(held.staked_tao, TAO_UNIT)}


def unpriced(held: Holdings) -> bool:
    return any(r.tao_value is None for r in held.rows)
