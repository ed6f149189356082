"""Stake bookkeeping and the staking calls: add_stake, remove_stake, become_delegate (spec §5.1, §7.5).

Stake in the 2024 pallet is global per hotkey (it counts on every subnet the hotkey is in) and is held
in five counters that must move together: Stake[hotkey][coldkey], TotalColdkeyStake, TotalHotkeyStake,
TotalStake and the pallet's own TotalIssuance. Every change goes through `increase_stake` /
`decrease_stake` here so no call can update four of the five.

Where our chain differs on purpose (spec §14.2): the pallet's TotalIssuance counts only tokens that
exist, so moving free balance into stake (add_stake) or back (remove_stake) does not change it; only
newly minted emission raises it (`emit_inflation_through_hotkey_account` with `minted=True`).
"""

from __future__ import annotations

from typing import Any

from localnet.runtime.subtensor import host
from localnet.runtime.subtensor.events import DelegateAdded, StakeAdded, StakeRemoved
from localnet.runtime.subtensor.pallet_math import delegate_take, stake_share
from localnet.runtime.subtensor.storage import (
    DefaultTake,
    Delegates,
    LastTxBlock,
    Owner,
    Stake,
    TotalColdkeyStake,
    TotalHotkeyStake,
    TotalIssuance,
    TotalStake,
    TxRateLimit,
    pallet,
)

State = Any


# ---------------------------------------------------------------------------------------------------
# bookkeeping


def has_owner(state: State, hotkey: bytes) -> bool:
    """A hotkey "account" exists once some coldkey has claimed it (registration or genesis)."""
    return Owner.contains(state, hotkey)


def create_account_if_missing(state: State, coldkey: bytes, hotkey: bytes) -> None:
    """`create_account_if_non_existent`: the first coldkey to register a hotkey becomes its owner."""
    if not Owner.contains(state, hotkey):
        Owner.set(state, hotkey, coldkey)
        Stake.set(state, hotkey, coldkey, 0)


def owns(state: State, coldkey: bytes, hotkey: bytes) -> bool:
    return Owner.contains(state, hotkey) and Owner.get(state, hotkey) == coldkey


def increase_stake(state: State, coldkey: bytes, hotkey: bytes, amount: int, *, minted: bool = False) -> None:
    """Move `amount` into Stake[hotkey][coldkey] and the totals; `minted` also raises TotalIssuance."""
    Stake.set(state, hotkey, coldkey, Stake.get(state, hotkey, coldkey) + amount)
    TotalColdkeyStake.set(state, coldkey, TotalColdkeyStake.get(state, coldkey) + amount)
    TotalHotkeyStake.set(state, hotkey, TotalHotkeyStake.get(state, hotkey) + amount)
    TotalStake.set(state, TotalStake.get(state) + amount)
    if minted:
        TotalIssuance.set(state, TotalIssuance.get(state) + amount)


def decrease_stake(state: State, coldkey: bytes, hotkey: bytes, amount: int) -> None:
    """Saturating decrease of the same counters (the Rust code uses saturating_sub everywhere)."""
    Stake.set(state, hotkey, coldkey, max(0, Stake.get(state, hotkey, coldkey) - amount))
    TotalColdkeyStake.set(state, coldkey, max(0, TotalColdkeyStake.get(state, coldkey) - amount))
    TotalHotkeyStake.set(state, hotkey, max(0, TotalHotkeyStake.get(state, hotkey) - amount))
    TotalStake.set(state, max(0, TotalStake.get(state) - amount))


def pay_out(state: State, coldkey: bytes, amount: int, ctx: Any = None) -> None:
    """Move `amount` of existing tokens (stake or a lock) to `coldkey`'s free balance.

    If Balances drops it (below ED to an account that does not exist), those tokens are gone, and
    TotalIssuance says so.
    """
    lost = amount - host.deposit(state, coldkey, amount, ctx)
    if lost:
        TotalIssuance.set(state, max(0, TotalIssuance.get(state) - lost))


def unstake_all_from_hotkey(state: State, hotkey: bytes) -> None:
    """Refund every nomination of a hotkey that left its last subnet (§9 replace_neuron).

    Each coldkey is credited its stake as free balance, nominators included; entries stay, at 0.
    """
    for (coldkey,), amount in list(Stake.iter_prefix(state, hotkey)):
        decrease_stake(state, coldkey, hotkey, amount)
        pay_out(state, coldkey, amount)


def tx_rate_limit_exceeded(state: State, coldkey: bytes, block: int) -> bool:
    """`exceeds_tx_rate_limit`: a coldkey may act again only after TxRateLimit blocks have passed."""
    limit = TxRateLimit.get(state)
    last = LastTxBlock.get(state, coldkey)
    return limit != 0 and last != 0 and block - last <= limit


def emit_inflation_through_hotkey_account(state: State, hotkey: bytes, server: int, validator: int) -> None:
    """Pay one hotkey's epoch emission as stake (§7.5).

    A delegate keeps its take of the validator part, nominators share the rest in proportion to their
    stake (fixed-point truncation; the dust goes to the owner), and the server part goes wholly to the
    owner. All of it is newly minted.
    """
    owner = Owner.get(state, hotkey)
    if not Delegates.contains(state, hotkey):
        increase_stake(state, owner, hotkey, server + validator, minted=True)
        return
    total = TotalHotkeyStake.get(state, hotkey)
    take = delegate_take(Delegates.get(state, hotkey), validator)
    rest = validator - take
    remaining = rest
    for (coldkey,), stake in list(Stake.iter_prefix(state, hotkey)):
        share = stake_share(stake, total, rest)
        increase_stake(state, coldkey, hotkey, share, minted=True)
        remaining -= share
    increase_stake(state, owner, hotkey, take + remaining, minted=True)
    increase_stake(state, owner, hotkey, server, minted=True)


# ---------------------------------------------------------------------------------------------------
# calls


def _ensure_may_stake(state: State, coldkey: bytes, hotkey: bytes) -> None:
    if not Owner.contains(state, hotkey):
        raise pallet.error("NotRegistered")
    if not Delegates.contains(state, hotkey) and Owner.get(state, hotkey) != coldkey:
        raise pallet.error("NonAssociatedColdKey")


def add_stake(ctx: Any, hotkey: bytes, amount_staked: int) -> None:
    """Stake free balance of the signing coldkey on `hotkey` (its own, or a delegate's)."""
    coldkey = ctx.ensure_signed()
    state, block = ctx.state, host.block_number(ctx)
    if not host.can_withdraw(state, coldkey, amount_staked):
        raise pallet.error("NotEnoughBalanceToStake")
    _ensure_may_stake(state, coldkey, hotkey)
    if tx_rate_limit_exceeded(state, coldkey, block):
        raise pallet.error("TxRateLimitExceeded")
    if not host.withdraw_keep_alive(state, coldkey, amount_staked, ctx):
        raise pallet.error("BalanceWithdrawalError")
    increase_stake(state, coldkey, hotkey, amount_staked)
    LastTxBlock.set(state, coldkey, block)
    ctx.deposit_event(StakeAdded, hotkey, amount_staked)


def remove_stake(ctx: Any, hotkey: bytes, amount_unstaked: int) -> None:
    """Return stake from `hotkey` to the signing coldkey's free balance."""
    coldkey = ctx.ensure_signed()
    state, block = ctx.state, host.block_number(ctx)
    _ensure_may_stake(state, coldkey, hotkey)
    if amount_unstaked == 0 or Stake.get(state, hotkey, coldkey) < amount_unstaked:
        raise pallet.error("NotEnoughStaketoWithdraw")
    if tx_rate_limit_exceeded(state, coldkey, block):
        raise pallet.error("TxRateLimitExceeded")
    decrease_stake(state, coldkey, hotkey, amount_unstaked)
    pay_out(state, coldkey, amount_unstaked, ctx)
    LastTxBlock.set(state, coldkey, block)
    ctx.deposit_event(StakeRemoved, hotkey, amount_unstaked)


def become_delegate(ctx: Any, hotkey: bytes) -> None:
    """Open the signer's hotkey to nominations with the default take (there is no other take in 2024)."""
    coldkey = ctx.ensure_signed()
    state, block = ctx.state, host.block_number(ctx)
    if not Owner.contains(state, hotkey):
        raise pallet.error("NotRegistered")
    if Owner.get(state, hotkey) != coldkey:
        raise pallet.error("NonAssociatedColdKey")
    if Delegates.contains(state, hotkey):
        raise pallet.error("AlreadyDelegate")
    if tx_rate_limit_exceeded(state, coldkey, block):
        raise pallet.error("TxRateLimitExceeded")
    take = DefaultTake.get(state)
    Delegates.set(state, hotkey, take)
    LastTxBlock.set(state, coldkey, block)
    ctx.deposit_event(DelegateAdded, coldkey, hotkey, take)
