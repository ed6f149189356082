"""How dTAO reads are shown: each amount in its own unit (τ, or the subnet's symbol), and "—" for a value
the chain client could not obtain, with one note saying why. Display only: the numbers come from the rooms.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from taocli.commands.chainctx import ChainSession, table, tao

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


def overview(cs: ChainSession, coldkey: str, head: dict[str, Any]) -> None:
    """`wallet overview` on dTAO: the balance valued in TAO, then each of the wallet's hotkeys on each subnet
    with its alpha stake (and that alpha's TAO value), emission, dividends, incentive and permit."""
    from chain.rooms.dtao_subnets import DtaoSubnets
    from wallet.errors import WalletError

    w = cs.wallet_session.wallet
    names: dict[str, str] = {}
    for hk_name in w.hotkey_names():
        try:
            names[w.hotkeypub(hk_name).ss58_address] = hk_name
        except WalletError as exc:  # an encrypted hotkey without its pub file, a corrupt file: say which
            cs.out.warn(f"skipping hotkey {hk_name!r}: {exc}")
    subnets = cs.client.subnets
    assert isinstance(subnets, DtaoSubnets)  # era "dtao" picked the dTAO rooms
    found = subnets.registrations(names)
    neurons = [{"hotkey_name": names[n.hotkey], "netuid": pool.netuid, **n.to_json(pool.symbol)} for pool, n in found]
    data = {"network": cs.network, "wallet": cs.wallet_session.name, **head, "neurons": neurons}

    def render(console: Any) -> None:
        staked = UNKNOWN if head["staked"] is None else tao(head["staked"]["rao"])
        total = UNKNOWN if head["total"] is None else tao(head["total"]["rao"])
        console.print(f"Wallet {cs.wallet_session.name} — coldkey {coldkey} on {cs.network}")
        console.print(f"  free {tao(head['free']['rao'])}   staked (τ at spot) {staked}   total {total}")
        if not found:
            console.print("  No hotkey of this wallet is registered on any subnet.")
            return
        table("Registrations", ["hotkey", "netuid", "uid", "alpha stake", "value (τ)", "emission", "dividends",
                                "incentive", "vpermit"],
              [[names[n.hotkey], str(pool.netuid), str(n.uid), units(n.alpha_stake, pool.symbol),
                units(n.alpha_tao_value, "τ"), units(n.emission, pool.symbol), f"{n.dividends / 65535:.4f}",
                f"{n.incentive / 65535:.4f}", "✓" if n.validator_permit else ""] for pool, n in found])(console)
    cs.out.result(data, render)
