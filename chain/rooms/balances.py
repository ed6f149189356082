"""Balances: free balance and account data, transfers, and the funds checks other rooms run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chain import storage as st
from chain.balance import Balance
from chain.errors import PreconditionFailed
from chain.rooms.checks import short
from wallet.ss58 import public_key_from, ss58_encode

if TYPE_CHECKING:
    from chain.connection import Connection
    from chain.prepared import PreparedCall
    from chain.receipt import Receipt
    from wallet.keypair import Keypair


def account_id(address: str | bytes) -> bytes:
    """The 32-byte account id of an SS58 address (bytes pass through)."""
    return address if isinstance(address, bytes) else public_key_from(address)


class Balances:
    """Free balance, account data and transfers."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def account(self, address: str | bytes) -> dict[str, int]:
        raw = self.conn.storage("Account", st.blake2_128_concat(account_id(address)), pallet="System")
        return st.decode_account_info(raw)

    def balance(self, address: str | bytes) -> Balance:
        """Free balance (zero for an account the chain has never seen)."""
        return Balance(self.account(address)["free"])

    # -- checks other rooms run ------------------------------------------------------------------

    def need_funds(self, coldkey: str, needed: Balance, what: str) -> None:
        have = self.balance(coldkey)
        if have < needed:
            raise PreconditionFailed(f"coldkey {short(coldkey)} has {have}, {needed} needed {what}")

    def need_withdrawable(self, coldkey: str, amount: Balance, what: str) -> None:
        """The chain withdraws stake, burns and locks with KeepAlive (pallet_balances `withdraw`): it refuses
        (BalanceWithdrawalError) when the free balance left would fall below the existential deposit (for an
        account at or above it) or below the frozen amount. Mirror that exactly, so the whole free balance
        is refused here with the amount that can be sent, and everything up to it passes."""
        account = self.account(coldkey)
        free, frozen = account["free"], max(0, account["frozen"] - account["reserved"])
        ed = self.conn.existential_deposit().rao
        keep = max(frozen, ed if free >= ed else 0)
        if amount.rao and amount.rao > free - keep:  # withdrawing zero always succeeds
            most = Balance(max(0, free - keep))
            raise PreconditionFailed(
                f"coldkey {short(coldkey)} has {Balance(free)} free, {amount} needed {what}; the chain keeps "
                f"{Balance(keep)} in the account (existential deposit or frozen), so at most {most} can be used")

    # -- transfers -------------------------------------------------------------------------------

    def prepare_transfer(self, coldkey: str, dest: str, amount: Balance, *, keep_alive: bool = True) -> PreparedCall:
        dest = ss58_encode(public_key_from(dest))  # validates the address (WalletError on a typo)
        if amount.rao <= 0:
            raise PreconditionFailed("the amount to transfer must be more than zero")
        function = "transfer_keep_alive" if keep_alive else "transfer_allow_death"
        prepared = self.conn.prepare("Balances", function, {"dest": dest, "value": amount.rao}, coldkey)
        what = f"to send {amount} plus a fee of {prepared.fee}"
        if keep_alive:  # transfer_keep_alive (and the fee's KeepAlive withdrawal) must leave the deposit
            self.need_withdrawable(coldkey, amount + prepared.fee, what)
        else:
            self.need_funds(coldkey, amount + prepared.fee, what)
        return prepared

    def prepare_transfer_all(self, coldkey: str, dest: str) -> tuple[PreparedCall, Balance]:
        """Send everything but the fee (the account is reaped): returns the call and the amount it sends."""
        dest = ss58_encode(public_key_from(dest))
        free = self.balance(coldkey)
        probe = self.conn.prepare("Balances", "transfer_allow_death", {"dest": dest, "value": free.rao}, coldkey)
        amount = Balance(free.rao - probe.fee.rao)
        if amount.rao <= 0:
            raise PreconditionFailed(f"coldkey {short(coldkey)} has {free}, not even the fee of {probe.fee}")
        return self.prepare_transfer(coldkey, dest, amount, keep_alive=False), amount

    def transfer(self, coldkey: Keypair, dest: str, amount: Balance, *, keep_alive: bool = True) -> Receipt:
        return self.conn.execute(self.prepare_transfer(coldkey.ss58_address, dest, amount, keep_alive=keep_alive),
                                 coldkey)
