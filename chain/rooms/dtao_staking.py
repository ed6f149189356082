"""Staking on a dTAO runtime: the sibling of `chain.rooms.staking.Staking`, chosen by `chain.era`.

Stake is alpha of one subnet per (hotkey, netuid), valued in TAO at that subnet's spot price; amounts of
different subnets are different tokens and are only ever added once valued in TAO. The 2024 writes are
2024 one-step writes (no netuid) are refused; the dTAO writes are `prepare_stake`, `prepare_unstake` and
`prepare_move`, each returning the composed call with the trade plan the CLI shows before signing (alpha for
TAO at the block's price, slippage, fee), refused in one line past the user's tolerance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chain import types as ty
from chain.dtao.portfolio import positions, total_tao_value
from chain.dtao.trade import checked
from chain.dtao.views import Holdings, StakeRow
from chain.errors import PreconditionFailed
from chain.rooms.balances import account_id
from chain.rooms.checks import short
from chain.rooms.dtao_moves import absent, compose_swap, compose_transfer, side, transfers_allowed, transition_plan
from chain.rooms.dtao_writes import (
    PreparedTrade,
    need_min_unstake,
    not_yet,
    per_subnet,
    pool_of,
    prepare,
    quote_leg,
    quote_rules,
    trade_call,
)
from chain.rooms.staking import Staking

if TYPE_CHECKING:
    from fractions import Fraction

    from chain.balance import Balance
    from chain.connection import Connection
    from chain.dtao.connect import DtaoContext
    from chain.dtao.transition import Side
    from chain.prepared import PreparedCall
    from chain.rooms.balances import Balances
    from chain.rooms.delegation import Delegation
    from chain.rooms.dtao_children import ChildkeyTake
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
        """The 2024 form (no subnet) has no meaning here: one line naming the dTAO command."""
        raise per_subnet(self.ctx, "add_stake", "stake add")

    def prepare_remove_stake(self, coldkey: str, hotkey: str, amount: Balance) -> PreparedCall:
        raise per_subnet(self.ctx, "remove_stake", "stake remove")

    def alpha_held(self, coldkey: str, hotkey: str, netuid: int, at: str | None = None) -> int:
        """The coldkey's alpha on (hotkey, netuid), as the runtime values its shares."""
        at = at or self.conn.block_hash()
        return sum(r.stake for r in self.ctx.stake_info_for_coldkey(account_id(coldkey), at)
                   if r.hotkey == hotkey and r.netuid == netuid)

    def _symbol(self, netuid: int, at: str) -> str:
        info = self.ctx.dynamic_info(netuid, at)
        return self.subnets.symbols([info], at).get(netuid, f"α{netuid}") if info else f"α{netuid}"

    def prepare_stake(self, coldkey: str, hotkey: str, netuid: int, amount: Balance,
                      tolerance: Fraction | None, partial: bool = False) -> PreparedTrade:
        """Buy `netuid`'s alpha with `amount` TAO staked on `hotkey`: the runtime's checks in its order
        (subnet, balance, hotkey), the quote at the current block, the tolerance, then the call: the
        limit-price call where the runtime declares it, with limit_price = spot·(1 + tolerance) and
        `allow_partial` = `partial`; a stable subnet (root) trades 1:1, so it gets the plain call (as btcli)."""
        quote_rules(self.ctx, "stake add")
        if amount.rao <= 0:
            raise PreconditionFailed("the amount to stake must be more than zero")
        at = self.conn.block_hash()
        pool = pool_of(self.ctx, netuid, at)
        self.balances.need_withdrawable(coldkey, amount, "to stake")
        self.registration.need_owner(hotkey)
        legs = (quote_leg(self.ctx, pool, netuid, amount.rao, True, self._symbol(netuid, at), at),)
        declared = "add_stake_limit" in self.ctx.features.limit_price_calls and not pool.stable
        plan = checked(legs, tolerance, declared, partial)
        call, args = trade_call(self.ctx, "add_stake", "add_stake_limit",
                                {"hotkey": hotkey, "netuid": netuid, "amount_staked": amount.rao}, plan, "stake add")
        return PreparedTrade(prepare(self.conn, self.ctx, call, args, coldkey), plan)

    def prepare_unstake(self, coldkey: str, hotkey: str, netuid: int, alpha: int | None,
                        tolerance: Fraction | None, partial: bool = False) -> PreparedTrade:
        """Sell `alpha` (None: all the coldkey holds there) of `netuid` staked on `hotkey` back to TAO; the
        limit call (limit_price = spot·(1 − tolerance)) where declared, as in `prepare_stake`."""
        quote_rules(self.ctx, "stake remove")
        at = self.conn.block_hash()
        pool = pool_of(self.ctx, netuid, at)
        self.registration.need_owner(hotkey)
        held = self.alpha_held(coldkey, hotkey, netuid, at)
        alpha = held if alpha is None else alpha
        if alpha <= 0:
            raise PreconditionFailed(f"coldkey {short(coldkey)} has no stake on hotkey {short(hotkey)} on subnet "
                                     f"{netuid}" if held == 0 else "the amount to unstake must be more than zero")
        symbol = self._symbol(netuid, at)
        if alpha > held:
            raise PreconditionFailed(f"coldkey {short(coldkey)} holds {alpha_text(held, symbol)} on hotkey "
                                     f"{short(hotkey)} on subnet {netuid}, {alpha_text(alpha, symbol)} asked to "
                                     f"remove")
        legs = (quote_leg(self.ctx, pool, netuid, alpha, False, symbol, at),)
        need_min_unstake(self.ctx, legs[0], emptying=alpha == held)
        declared = "remove_stake_limit" in self.ctx.features.limit_price_calls and not pool.stable
        plan = checked(legs, tolerance, declared, partial)
        call, args = trade_call(self.ctx, "remove_stake", "remove_stake_limit",
                                {"hotkey": hotkey, "netuid": netuid, "amount_unstaked": alpha}, plan, "stake remove")
        return PreparedTrade(prepare(self.conn, self.ctx, call, args, coldkey), plan)

    def prepare_move(self, coldkey: str, origin_hotkey: str, destination_hotkey: str, origin_netuid: int,
                     destination_netuid: int, alpha: int | None, tolerance: Fraction | None) -> PreparedTrade:
        """move_stake: sell `alpha` of the origin subnet, buy the destination's alpha with the TAO it pays
        (`transition_plan`: the era's legs; R233 trades both legs even on one subnet at half the fee each; a
        SwapRuntimeApi runtime charges its swap fee on one leg only, §P2.5, and each leg is its own sim_swap)."""
        quote_rules(self.ctx, "stake move")
        if "move_stake" not in self.ctx.features.stake_moves:
            raise not_yet(self.ctx, "move_stake", "stake move")
        at = self.conn.block_hash()
        source = side(self.ctx, origin_netuid, self._symbol(origin_netuid, at), at)
        target = side(self.ctx, destination_netuid, self._symbol(destination_netuid, at), at)
        self.registration.need_owner(origin_hotkey)
        self.registration.need_owner(destination_hotkey)
        held = self.alpha_held(coldkey, origin_hotkey, origin_netuid, at)
        alpha = held if alpha is None else alpha
        symbol = source.symbol
        if alpha <= 0 or alpha > held:
            raise PreconditionFailed(f"coldkey {short(coldkey)} holds {alpha_text(held, symbol)} on hotkey "
                                     f"{short(origin_hotkey)} on subnet {origin_netuid}; asked to move "
                                     f"{alpha_text(alpha, symbol)}")
        plan = transition_plan(self.ctx, source, target, alpha, at, tolerance)
        prepared = prepare(self.conn, self.ctx, "move_stake", {
            "origin_hotkey": origin_hotkey, "destination_hotkey": destination_hotkey,
            "origin_netuid": origin_netuid, "destination_netuid": destination_netuid, "alpha_amount": alpha},
            coldkey)
        return PreparedTrade(prepared, plan)

    def _ends(self, coldkey: str, hotkey: str, origin_netuid: int, destination_netuid: int, alpha: int | None,
              at: str) -> tuple[Side, Side, int]:
        """Both subnets' pools at `at`, the hotkey checked, and the alpha to move (None: all held), refused in
        one line past what the coldkey holds."""
        origin = side(self.ctx, origin_netuid, self._symbol(origin_netuid, at), at)
        destination = side(self.ctx, destination_netuid, self._symbol(destination_netuid, at), at)
        self.registration.need_owner(hotkey)
        held = self.alpha_held(coldkey, hotkey, origin_netuid, at)
        alpha = held if alpha is None else alpha
        if alpha <= 0 or alpha > held:
            raise PreconditionFailed(f"coldkey {short(coldkey)} holds {alpha_text(held, origin.symbol)} on hotkey "
                                     f"{short(hotkey)} on subnet {origin_netuid}; asked to move "
                                     f"{alpha_text(alpha, origin.symbol)}")
        return origin, destination, alpha

    def prepare_transfer(self, coldkey: str, destination_coldkey: str, hotkey: str, origin_netuid: int,
                         destination_netuid: int, alpha: int | None, tolerance: Fraction | None) -> PreparedTrade:
        """transfer_stake: give `alpha` (None: all) on `hotkey` to another coldkey, on the same or another
        subnet; checked against what the chain holds at one block (TransferToggle where declared)."""
        if "transfer_stake" not in self.ctx.features.stake_moves:
            raise absent(self.ctx, "transfer_stake")
        if destination_coldkey == coldkey and origin_netuid == destination_netuid:
            raise PreconditionFailed("the destination coldkey is this wallet's, on the same subnet: nothing would "
                                     "change (`taocli stake move` changes the hotkey)")
        quote_rules(self.ctx, "stake transfer")
        at = self.conn.block_hash()
        origin, destination, alpha = self._ends(coldkey, hotkey, origin_netuid, destination_netuid, alpha, at)
        transfers_allowed(self.ctx, (origin_netuid, destination_netuid), at)
        plan = transition_plan(self.ctx, origin, destination, alpha, at, tolerance)
        composed = compose_transfer(self.ctx, plan, origin, destination, destination_coldkey, hotkey, alpha)
        return PreparedTrade(prepare(self.conn, self.ctx, composed.call, composed.args, coldkey), composed.plan)

    def prepare_swap(self, coldkey: str, hotkey: str, origin_netuid: int, destination_netuid: int,
                     alpha: int | None, tolerance: Fraction | None, partial: bool = False) -> PreparedTrade:
        """swap_stake(_limit): move `alpha` (None: all) on `hotkey` from one subnet to another."""
        if "swap_stake" not in self.ctx.features.stake_moves:
            raise absent(self.ctx, "swap_stake")
        quote_rules(self.ctx, "stake swap")
        at = self.conn.block_hash()
        origin, destination, alpha = self._ends(coldkey, hotkey, origin_netuid, destination_netuid, alpha, at)
        limited = partial and tolerance is not None and "swap_stake_limit" in self.ctx.features.limit_price_calls
        plan = transition_plan(self.ctx, origin, destination, alpha, at, tolerance, check=not limited)
        composed = compose_swap(self.ctx, plan, origin, destination, hotkey, alpha, partial)
        return PreparedTrade(prepare(self.conn, self.ctx, composed.call, composed.args, coldkey), composed.plan)

    def children(self, hotkey: str, netuid: int) -> list[tuple[Fraction, str]]:
        from chain.rooms.dtao_children import children_of

        return children_of(self.ctx, hotkey, netuid)

    def prepare_set_children(self, coldkey: str, hotkey: str, netuid: int,
                             children: list[tuple[str, Fraction]]) -> PreparedCall:
        from chain.rooms.dtao_children import prepare_set_children

        return prepare_set_children(self.conn, self.ctx, self.registration, coldkey, hotkey, netuid, children)

    def childkey_take(self, hotkey: str, netuid: int) -> ChildkeyTake:
        from chain.rooms.dtao_children import childkey_take

        return childkey_take(self.ctx, hotkey, netuid)

    def prepare_set_childkey_take(self, coldkey: str, hotkey: str, netuid: int, take: int) -> PreparedCall:
        from chain.rooms.dtao_children import prepare_set_childkey_take

        return prepare_set_childkey_take(self.conn, self.ctx, self.registration, coldkey, hotkey, netuid, take)

    def stake_for_coldkey(self, coldkey: str | bytes) -> list[ty.StakeInfo]:
        """Refused: a 2024 StakeInfo holds TAO, and dTAO stake is alpha per subnet (`holdings` values it)."""
        from chain.errors import RuntimeMismatch

        raise RuntimeMismatch("stake on this chain is alpha per subnet; read it with holdings(), which values "
                              "each position in TAO")



def alpha_text(raw: int, symbol: str) -> str:
    from chain.dtao.views import decimal

    return f"{decimal(raw)} {symbol}"
