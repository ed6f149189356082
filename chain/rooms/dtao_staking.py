"""Staking on a dTAO runtime: the sibling of `chain.rooms.staking.Staking`, chosen by `chain.era`.

Stake is alpha of one subnet per (hotkey, netuid), valued in TAO at that subnet's spot price; amounts of
different subnets are different tokens and are only ever added once valued in TAO. The 2024 writes are
inherited and refused by `Connection.compose` (add_stake takes a netuid here) until the dTAO writes are wired.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chain import types as ty
from chain.dtao.portfolio import positions, total_tao_value
from chain.dtao.views import Holdings, StakeRow
from chain.rooms.balances import account_id
from chain.rooms.dtao_writes import not_yet
from chain.rooms.staking import Staking

if TYPE_CHECKING:
    from chain.balance import Balance
    from chain.connection import Connection
    from chain.dtao.connect import DtaoContext
    from chain.prepared import PreparedCall
    from chain.rooms.balances import Balances
    from chain.rooms.delegation import Delegation
    from chain.rooms.dtao_subnets import DtaoSubnets
    from chain.rooms.registration import Registration


class DtaoStaking(Staking):
    """A coldkey's per-subnet stake and its TAO value."""

    def __init__(self, conn: Connection, balances: Balances, registration: Registration, delegation: Delegation,
                 ctx: DtaoContext, subnets: DtaoSubnets) -> None:
        super().__init__(conn, balances, registration, delegation)
        self.ctx = ctx
        self.subnets = subnets

    def holdings(self, coldkey: str, at: str | None = None) -> Holdings:
        """Every non-zero (hotkey, netuid) position in the subnet's alpha, valued in TAO at spot; read at
        one block so the stake and the prices agree."""
        at = at or self.conn.block_hash()
        infos = self.ctx.all_dynamic_info(at)
        prices = self.subnets.prices(infos, at)
        units = self.subnets.symbols(infos, at)
        held = positions(self.ctx.stake_info_for_coldkey(account_id(coldkey), at), prices)
        rows = [StakeRow(p.hotkey, p.netuid, p.alpha, units.get(p.netuid, f"α{p.netuid}"), p.tao_value)
                for p in held]
        return Holdings(rows, total_tao_value(held))

    def delegations(self, coldkey: str, at: str | None = None) -> list[tuple[StakeRow, int]]:
        """`delegate mine`: each position with the take of the hotkey it is staked to (every hotkey is a
        delegate here)."""
        at = at or self.conn.block_hash()
        return [(row, int(self.ctx.read("SubtensorModule", "Delegates", account_id(row.hotkey), at=at)))
                for row in self.holdings(coldkey, at).rows]

    def prepare_add_stake(self, coldkey: str, hotkey: str, amount: Balance) -> PreparedCall:
        raise not_yet(self.ctx, "add_stake", "stake add")

    def prepare_remove_stake(self, coldkey: str, hotkey: str, amount: Balance) -> PreparedCall:
        raise not_yet(self.ctx, "remove_stake", "stake remove")

    def stake_for_coldkey(self, coldkey: str | bytes) -> list[ty.StakeInfo]:
        """Refused: a 2024 StakeInfo holds TAO, and dTAO stake is alpha per subnet (`holdings` values it)."""
        from chain.errors import RuntimeMismatch

        raise RuntimeMismatch("stake on this chain is alpha per subnet; read it with holdings(), which values "
                              "each position in TAO")

