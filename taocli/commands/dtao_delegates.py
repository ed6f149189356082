"""`taocli delegate list | show | mine` on a dTAO chain (display only; the reads are the dTAO rooms'):
nominations per subnet in that subnet's alpha, each valued in TAO at spot, "—" where taocli cannot value it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from taocli.commands.chainctx import ChainSession, table
from taocli.commands.dtao_display import UNKNOWN, UNPRICED_NOTE, units
from taocli.errors import CliError

if TYPE_CHECKING:  # pragma: no cover
    from chain.rooms.dtao_delegation import DtaoDelegation


def _delegation(cs: ChainSession) -> DtaoDelegation:
    from chain.rooms.dtao_delegation import DtaoDelegation

    room = cs.client.delegation
    assert isinstance(room, DtaoDelegation)  # era "dtao" picked the dTAO rooms (chain.client.rooms_for)
    return room


def _take(take: int) -> str:
    return f"{take / 65535:.2%}"


def list_(cs: ChainSession) -> None:
    found = _delegation(cs).dtao_delegates()
    rows = [[d.hotkey, d.owner, _take(d.take), units(d.tao_value, "τ"),
             UNKNOWN if d.nominations is None else str(len({c for c, *_ in d.nominations})),
             UNKNOWN if d.registrations is None else ",".join(map(str, d.registrations))] for d in found]
    cs.out.result({"network": cs.network, "delegates": [d.to_json() for d in found]},
                  table(f"Delegates on {cs.network}", ["hotkey", "owner", "take", "nominated (τ at spot)",
                                                       "nominators", "subnets"], rows))
    if any(d.tao_value is None for d in found) and not cs.out.json_mode:
        cs.out.note(UNPRICED_NOTE)


def show(cs: ChainSession, hotkey: str) -> None:
    view = _delegation(cs).dtao_delegate(hotkey)
    if view is None:
        raise CliError(f"no coldkey owns hotkey {hotkey}, so it takes no nominations; list delegates with "
                       "`taocli delegate list`")
    rows = [[c, str(n), units(a, view.unit(n)), units(v, "τ")] for c, n, a, v in view.nominations or []]
    cs.out.result({"network": cs.network, "delegate": view.to_json()},
                  table(f"Delegate {view.hotkey} (owner {view.owner}, take {_take(view.take)}, "
                        f"nominated {units(view.tao_value, 'τ')})", ["nominator", "netuid", "stake", "value (τ)"],
                        rows))
    if view.nominations is None and not cs.out.json_mode:
        cs.out.note("— : this runtime's share type is unknown to taocli, so its nominators are not shown")


def mine(cs: ChainSession, coldkey: str) -> None:
    from chain.rooms.dtao_staking import DtaoStaking

    staking = cs.client.staking
    assert isinstance(staking, DtaoStaking)  # era "dtao" picked the dTAO rooms
    held = staking.delegations(coldkey)
    data = [{**row.to_json(), "take": take, "take_ratio": f"{take}/65535"} for row, take in held]
    cs.out.result({"network": cs.network, "coldkey": coldkey, "delegations": data},
                  table(f"Delegations of {coldkey} on {cs.network}", ["hotkey", "netuid", "take", "my stake",
                                                                       "value (τ)"],
                        [[r.hotkey, str(r.netuid), _take(t), units(r.amount, r.unit), units(r.tao_value, "τ")]
                         for r, t in held]))
