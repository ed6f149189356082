"""Staking: stake per (hotkey, coldkey), a coldkey's stakes, and adding or removing stake."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chain import storage as st
from chain import types as ty
from chain.balance import Balance
from chain.connection import SUBTENSOR
from chain.errors import PreconditionFailed
from chain.rooms.balances import account_id
from chain.rooms.checks import need_tx_window, short
from chain.rpc import MethodNotFound
from chain.scale import encode_bytes
from wallet.ss58 import ss58_encode

if TYPE_CHECKING:
    from chain.connection import Connection
    from chain.dtao.views import Holdings
    from chain.prepared import PreparedCall
    from chain.receipt import Receipt
    from chain.rooms.balances import Balances
    from chain.rooms.delegation import Delegation
    from chain.rooms.registration import Registration
    from wallet.keypair import Keypair


class Staking:
    """Stake reads and `add_stake` / `remove_stake`."""

    def __init__(self, conn: Connection, balances: Balances, registration: Registration,
                 delegation: Delegation) -> None:
        self.conn = conn
        self.balances = balances
        self.registration = registration
        self.delegation = delegation

    def stake(self, hotkey: str | bytes, coldkey: str | bytes) -> Balance:
        """Stake `coldkey` holds on `hotkey`."""
        raw = self.conn.storage("Stake", st.blake2_128_concat(account_id(hotkey)), account_id(coldkey))
        return Balance(int.from_bytes(raw, "little") if raw else 0)

    def total_hotkey_stake(self, hotkey: str | bytes) -> Balance:
        raw = self.conn.storage("TotalHotkeyStake", account_id(hotkey))
        return Balance(int.from_bytes(raw, "little") if raw else 0)

    def stake_for_coldkey(self, coldkey: str | bytes) -> list[ty.StakeInfo]:
        """Every (hotkey, stake) of a coldkey, non-zero only: runtime API, else a scan of the Stake map."""
        pk = account_id(coldkey)
        try:
            raw = self.conn.state_call("StakeInfoRuntimeApi_get_stake_info_for_coldkey", encode_bytes(pk))
            infos = ty.decode_stake_infos(ty.unwrap_state_call(raw))
        except MethodNotFound:
            infos = self._stake_scan(pk)
        return [s for s in infos if s.stake > 0]

    def holdings(self, coldkey: str) -> Holdings:
        """The coldkey's stake rows and their TAO total; in 2024 stake is TAO, so each row is its own value."""
        from chain.dtao.views import TAO_UNIT, Holdings, StakeRow

        rows = [StakeRow(s.hotkey, None, s.stake, TAO_UNIT, s.stake) for s in self.stake_for_coldkey(coldkey)]
        return Holdings(rows, sum(r.amount for r in rows))

    def _stake_scan(self, coldkey: bytes) -> list[ty.StakeInfo]:
        prefix = "0x" + st.prefix(SUBTENSOR, "Stake").hex()
        out: list[ty.StakeInfo] = []
        start = None
        while True:
            keys = self.conn.rpc.call("state_getKeysPaged", [prefix, 1000, start]) or []
            mine = [k for k in keys if k.endswith(coldkey.hex())]
            for key, raw in zip(mine, self.conn.query_many(mine), strict=True):
                hotkey = bytes.fromhex(key[2 + 64 + 32:2 + 64 + 32 + 64])
                out.append(ty.StakeInfo(ss58_encode(hotkey), ss58_encode(coldkey),
                                        int.from_bytes(raw or b"", "little")))
            if len(keys) < 1000:
                return out
            start = keys[-1]

    def max_stakeable(self, coldkey: str) -> Balance:
        """All free balance but the existential deposit (add_stake withdraws with KeepAlive)."""
        free = self.balances.balance(coldkey)
        keep = self.conn.existential_deposit()
        return Balance(max(0, free.rao - keep.rao))

    def prepare_add_stake(self, coldkey: str, hotkey: str, amount: Balance) -> PreparedCall:
        if amount.rao <= 0:
            raise PreconditionFailed("the amount to stake must be more than zero")
        self.balances.need_withdrawable(coldkey, amount, "to stake")
        owner = self.registration.need_owner(hotkey)
        need_tx_window(self.conn, coldkey)
        if owner != coldkey and not self.delegation.is_delegate(hotkey):
            raise PreconditionFailed(f"hotkey {short(hotkey)} is owned by {short(owner)} and is not a delegate: "
                                     f"you can only stake to your own hotkeys or to delegates")
        return self.conn.prepare("SubtensorModule", "add_stake", {"hotkey": hotkey, "amount_staked": amount.rao},
                                 coldkey)

    def prepare_remove_stake(self, coldkey: str, hotkey: str, amount: Balance) -> PreparedCall:
        if amount.rao <= 0:
            raise PreconditionFailed("the amount to unstake must be more than zero")
        self.registration.need_owner(hotkey)
        staked = self.stake(hotkey, coldkey)
        if staked < amount:
            raise PreconditionFailed(f"coldkey {short(coldkey)} has {staked} staked on hotkey {short(hotkey)}, "
                                     f"{amount} asked to remove")
        need_tx_window(self.conn, coldkey)
        return self.conn.prepare("SubtensorModule", "remove_stake",
                                 {"hotkey": hotkey, "amount_unstaked": amount.rao}, coldkey)

    def add_stake(self, coldkey: Keypair, hotkey: str, amount: Balance) -> Receipt:
        return self.conn.execute(self.prepare_add_stake(coldkey.ss58_address, hotkey, amount), coldkey)

    def remove_stake(self, coldkey: Keypair, hotkey: str, amount: Balance) -> Receipt:
        return self.conn.execute(self.prepare_remove_stake(coldkey.ss58_address, hotkey, amount), coldkey)
