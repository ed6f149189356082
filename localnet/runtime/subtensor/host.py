"""What SubtensorModule needs from the rest of the runtime: block number, block hashes, free balance.

The 2024 pallet talks to pallet_balances through `T::Currency` (withdraw with KeepAlive, deposit_creating)
and to frame_system for block hashes. Keeping every such touch point in this one module means the
calls never know how System/Balances store accounts: here they go through the currency
helpers of the Balances pallet (which keeps Balances.TotalIssuance in step), so a client querying
balances sees exactly what the pallet changed.
"""

from __future__ import annotations

from typing import Any

from localnet.runtime import balances
from localnet.runtime.errors import DispatchError

State = Any


def block_number(ctx: Any) -> int:
    """The number of the block being built (the pallet's `get_current_block_as_u64`)."""
    return int(ctx.block_number)


def block_hash(ctx: Any, number: int, current: int) -> bytes:
    """`frame_system::block_hash(number)`: zeros for the current block and for unknown/old blocks."""
    if number >= current:
        return bytes(32)
    return ctx.block_hash(number) or bytes(32)


def free_balance(state: State, who: bytes) -> int:
    """The account's free balance (0 for an unknown account)."""
    return balances.free_balance(state, who)


def can_withdraw(state: State, who: bytes, amount: int) -> bool:
    """`can_remove_balance_from_coldkey_account`: enough free balance, none of it frozen."""
    return balances.can_withdraw(state, who, amount, keep_alive=False)


def withdraw_keep_alive(state: State, who: bytes, amount: int, ctx: Any = None) -> bool:
    """Withdraw (burn from Balances) without reaping the account; False if it would fall below ED.

    Withdrawing nothing always succeeds, as `Currency::withdraw` returns early for a zero amount. Inside a
    call (`ctx`), pallet_balances deposits `Balances.Withdraw(who, amount)` as the real runtime does.
    """
    if amount == 0:
        return True
    try:
        balances.withdraw(ctx, state, who, amount, keep_alive=True)
    except DispatchError:
        return False
    if ctx is not None:
        ctx.deposit_event(balances.Withdraw, who, amount)
    return True


def deposit(state: State, who: bytes, amount: int, ctx: Any = None) -> int:
    """`deposit_creating`: credit free balance and return what was credited. Like Substrate, an amount
    below ED to an account that does not exist is dropped (0 credited) rather than failing the caller.
    Inside a call (`ctx`), `Balances.Deposit(who, amount)` is deposited as on the real runtime."""
    if amount == 0:
        return 0
    try:
        balances.deposit(ctx, state, who, amount)
    except DispatchError:
        return 0
    if ctx is not None:
        ctx.deposit_event(balances.Deposit, who, amount)
    return amount
