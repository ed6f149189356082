"""Delegation on a dTAO runtime: the sibling of `chain.rooms.delegation.Delegation`, chosen by `chain.era`.

Every owned hotkey takes nominations here, so `become_delegate` is refused in one line naming what replaces it.
Who nominates a hotkey is rebuilt from the `Alpha` share map (R218/R233's DelegateInfo reads the frozen 2024
`Stake` map and never lists dTAO stakers), each share valued by the era's formula so it equals the runtime's
own StakeInfo, and valued in TAO at the subnet's spot price.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING

from chain.dtao.nominations import Nomination, nominations
from chain.dtao.views import DelegateView
from chain.errors import PreconditionFailed
from chain.rooms.balances import account_id
from chain.rooms.delegation import Delegation
from chain.runtime.storage_items import decode_value, split_key, storage_key
from chain.storage import u16_key
from wallet.ss58 import ss58_encode

if TYPE_CHECKING:
    from chain.connection import Connection
    from chain.dtao.connect import DtaoContext
    from chain.prepared import PreparedCall
    from chain.rooms.dtao_subnets import DtaoSubnets
    from chain.rooms.registration import Registration

MODULE = "SubtensorModule"
PAGE = 1000
EVERY_HOTKEY_DELEGATES = ("every hotkey takes nominations on this chain (dTAO), so there is nothing to become: "
                          "nominators stake to the hotkey on a subnet directly")


def share_value(share_type: str | None) -> Callable[[int, int, int], int] | None:
    """The era's (pool alpha, pool shares, holder shares) -> alpha, by the declared type of `Alpha`; None
    for a share type taocli does not know (its nominations are then not shown, never guessed)."""
    from chain.dtao import shares

    if share_type == "u64":
        return shares.value_r218
    if share_type is not None and "U64F64" in share_type:
        return shares.value_u64f64
    return None


class DtaoDelegation(Delegation):
    def __init__(self, conn: Connection, registration: Registration, ctx: DtaoContext,
                 subnets: DtaoSubnets) -> None:
        super().__init__(conn, registration)
        self.ctx = ctx
        self.subnets = subnets

    def prepare_become_delegate(self, coldkey: str, hotkey: str) -> PreparedCall:
        if self.ctx.features.every_hotkey_delegates:
            raise PreconditionFailed(EVERY_HOTKEY_DELEGATES)
        return super().prepare_become_delegate(coldkey, hotkey)

    def dtao_delegates(self, at: str | None = None) -> list[DelegateView]:
        """Every hotkey the runtime lists as a delegate, with its nominations per subnet, largest first."""
        at = at or self.conn.block_hash()
        market = self._market(at)
        found = [self._view(d.hotkey, d.owner, d.take, d.registrations, at, market) for d in self.ctx.delegates(at)]
        return sorted(found, key=lambda v: (v.tao_value is None, -(v.tao_value or 0), v.hotkey))

    def dtao_delegate(self, hotkey: str, at: str | None = None) -> DelegateView | None:
        """Any owned hotkey (every one takes nominations); None for a hotkey nobody owns."""
        at = at or self.conn.block_hash()
        listed = {d.hotkey: d for d in self.ctx.delegates(at)}
        if hotkey in listed:
            d = listed[hotkey]
            return self._view(d.hotkey, d.owner, d.take, d.registrations, at, self._market(at))
        owner = bytes(self.ctx.read(MODULE, "Owner", account_id(hotkey), at=at))
        if owner == bytes(32):  # `Owner`'s declared default, the zero account: nobody owns this hotkey
            return None
        take = self.ctx.read(MODULE, "Delegates", account_id(hotkey), at=at)  # the declared default if unset
        return self._view(hotkey, ss58_encode(owner), take, None, at, self._market(at))

    def prepare_set_take(self, coldkey: str, hotkey: str, take: int) -> PreparedCall:
        """decrease_take or increase_take (both `(hotkey, take: u16)`), whichever moves the current take to
        `take`, checked as the runtime does: the caller owns the hotkey, MinDelegateTake ≤ take ≤
        MaxDelegateTake, and a different take than now (an increase is rate limited on chain)."""
        from chain.rooms.dtao_writes import prepare

        owner = self.registration.need_owner(hotkey)
        if owner != coldkey:
            raise PreconditionFailed(f"hotkey {hotkey} belongs to coldkey {owner}: only its owner sets its take")
        at = self.conn.block_hash()
        current = self.take_of(hotkey, at)
        low = int(self.ctx.read(MODULE, "MinDelegateTake", at=at))
        high = int(self.ctx.read(MODULE, "MaxDelegateTake", at=at))
        if not low <= take <= high:
            raise PreconditionFailed(f"take {take}/65535 is outside this chain's bounds {low}..{high} (of 65535)")
        if take == current:
            raise PreconditionFailed(f"hotkey {hotkey} already takes {take}/65535")
        call = "increase_take" if take > current else "decrease_take"
        return prepare(self.conn, self.ctx, call, {"hotkey": hotkey, "take": take}, coldkey)

    def take_of(self, hotkey: str, at: str | None = None) -> int:
        return int(self.ctx.read(MODULE, "Delegates", account_id(hotkey), at=at))

    def _market(self, at: str) -> tuple[dict[int, Fraction], dict[int, str]]:
        """Every subnet's price and unit at `at`, read once for all the delegates shown."""
        infos = self.ctx.all_dynamic_info(at)
        return self.subnets.prices(infos, at), self.subnets.symbols(infos, at)

    def _view(self, hotkey: str, owner: str, take: int, registrations: list[int] | None, at: str,
              market: tuple[dict[int, Fraction], dict[int, str]]) -> DelegateView:
        prices, units = market
        return DelegateView.of(hotkey, owner, take, registrations, self.nominations(hotkey, at), prices, units)

    def nominations(self, hotkey: str, at: str) -> list[Nomination] | None:
        """Who holds alpha on `hotkey`, per subnet, from the share map at one block."""
        value = share_value(self.ctx.features.share_type)
        if value is None:
            return None
        hot = account_id(hotkey)
        keys = self._keys(storage_key(self.ctx.shape, MODULE, "Alpha", hot), at)
        raws = self.ctx.raw_many(keys, at)
        entries = []
        for key, raw in zip(keys, raws, strict=True):
            _, coldkey, netuid = split_key(self.ctx.shape, MODULE, "Alpha", key)
            entries.append((ss58_encode(coldkey), netuid, decode_value(self.ctx.shape, MODULE, "Alpha", raw)))
        totals = {n: (self.ctx.read(MODULE, "TotalHotkeyAlpha", hot, u16_key(n), at=at),
                      self.ctx.read(MODULE, "TotalHotkeyShares", hot, u16_key(n), at=at))
                  for n in {netuid for _, netuid, _ in entries}}
        return nominations(entries, totals, value)

    def _keys(self, prefix: str, at: str) -> list[str]:
        keys: list[str] = []
        start = prefix
        while True:
            page = self.ctx.rpc.call("state_getKeysPaged", [prefix, PAGE, start, at]) or []
            keys += page
            if len(page) < PAGE:
                return keys
            start = page[-1]
