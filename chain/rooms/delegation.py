"""Delegation: the delegates, who nominates whom, and making a hotkey a delegate."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chain import storage as st
from chain import storage_reads as sr
from chain import types as ty
from chain.errors import PreconditionFailed
from chain.rooms.balances import account_id
from chain.rooms.checks import need_tx_window, short
from chain.rpc import MethodNotFound
from wallet.ss58 import ss58_encode

if TYPE_CHECKING:
    from chain.connection import Connection
    from chain.prepared import PreparedCall
    from chain.receipt import Receipt
    from chain.rooms.registration import Registration
    from wallet.keypair import Keypair


class Delegation:
    """Delegate reads and `become_delegate`."""

    def __init__(self, conn: Connection, registration: Registration) -> None:
        self.conn = conn
        self.registration = registration

    def delegates(self) -> list[ty.DelegateInfo]:
        try:
            return ty.decode_delegates(self.conn.info("delegateInfo_getDelegates", []))
        except MethodNotFound:
            view = self.conn.view()
            return sr.delegates(view, sr.delegate_hotkeys(view))

    def delegate(self, hotkey: str | bytes) -> ty.DelegateInfo | None:
        try:
            return ty.decode_delegate(self.conn.info("delegateInfo_getDelegate", [list(account_id(hotkey))]))
        except MethodNotFound:
            found = sr.delegates(self.conn.view(), [account_id(hotkey)])
            return found[0] if found else None

    def delegated(self, coldkey: str | bytes) -> list[tuple[ty.DelegateInfo, int]]:
        """The delegates `coldkey` nominates (stake > 0), in Delegates order, with its stake on each."""
        try:
            return ty.decode_delegated(self.conn.info("delegateInfo_getDelegated", [list(account_id(coldkey))]))
        except MethodNotFound:
            view = self.conn.view()
            mine = ss58_encode(account_id(coldkey))
            out = []
            for info in sr.delegates(view, sr.delegate_hotkeys(view)):
                staked = dict(info.nominators).get(mine, 0)
                if staked:
                    out.append((info, staked))
            return out

    def is_delegate(self, hotkey: str | bytes) -> bool:
        return self.conn.storage("Delegates", st.blake2_128_concat(account_id(hotkey))) is not None

    def prepare_become_delegate(self, coldkey: str, hotkey: str) -> PreparedCall:
        owner = self.registration.need_owner(hotkey)
        if owner != coldkey:
            raise PreconditionFailed(f"hotkey {short(hotkey)} belongs to coldkey {short(owner)}, not {short(coldkey)}")
        if self.is_delegate(hotkey):
            raise PreconditionFailed(f"hotkey {short(hotkey)} is already a delegate")
        need_tx_window(self.conn, coldkey)
        return self.conn.prepare("SubtensorModule", "become_delegate", {"hotkey": hotkey}, coldkey)

    def become_delegate(self, coldkey: Keypair, hotkey: str) -> Receipt:
        return self.conn.execute(self.prepare_become_delegate(coldkey.ss58_address, hotkey), coldkey)
