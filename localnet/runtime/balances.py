"""Balances (index 5): free balances in System.Account, transfers, the existential deposit, issuance.

Also the small currency API other pallets use (`free_balance`, `can_withdraw`, `withdraw`, `deposit`):
SubtensorModule stakes and burns through it, TransactionPayment charges fees through it.
Errors keep Substrate's names and order so clients decode them as on a real chain.
"""

from __future__ import annotations

from typing import Any

from localnet.runtime import system
from localnet.runtime.context import ROOT, CallContext
from localnet.runtime.errors import DispatchError
from localnet.runtime.framework import Pallet
from localnet.runtime.state import Overlay, StateReader

pallet = Pallet("Balances", index=5, crate="pallet_balances")

EXISTENTIAL_DEPOSIT = 500

TotalIssuance = pallet.value("TotalIssuance", "u64", default=0, docs="The total units issued in the system.")
InactiveIssuance = pallet.value("InactiveIssuance", "u64", default=0)

Endowed = pallet.event("Endowed", [("account", "AccountId"), ("free_balance", "u64")])
DustLost = pallet.event("DustLost", [("account", "AccountId"), ("amount", "u64")])
Transfer = pallet.event("Transfer", [("from", "AccountId"), ("to", "AccountId"), ("amount", "u64")])
BalanceSet = pallet.event("BalanceSet", [("who", "AccountId"), ("free", "u64")])
Reserved = pallet.event("Reserved", [("who", "AccountId"), ("amount", "u64")])
Unreserved = pallet.event("Unreserved", [("who", "AccountId"), ("amount", "u64")])
ReserveRepatriated = pallet.event("ReserveRepatriated", [
    ("from", "AccountId"), ("to", "AccountId"), ("amount", "u64"), ("destination_status", "BalanceStatus")])
Deposit = pallet.event("Deposit", [("who", "AccountId"), ("amount", "u64")])
Withdraw = pallet.event("Withdraw", [("who", "AccountId"), ("amount", "u64")])
Slashed = pallet.event("Slashed", [("who", "AccountId"), ("amount", "u64")])
Minted = pallet.event("Minted", [("who", "AccountId"), ("amount", "u64")])
Burned = pallet.event("Burned", [("who", "AccountId"), ("amount", "u64")])
pallet.enum("BalanceStatus", path="frame_support::traits::tokens::misc::BalanceStatus",
            variants=[("Free", []), ("Reserved", [])])

pallet.errors("VestingBalance", "LiquidityRestrictions", "InsufficientBalance", "ExistentialDeposit",
              "Expendability", "ExistingVestingSchedule", "DeadAccount", "TooManyReserves", "TooManyHolds",
              "TooManyFreezes")

pallet.constant("ExistentialDeposit", "u64", EXISTENTIAL_DEPOSIT, "Minimum balance that keeps an account open.")
pallet.constant("MaxLocks", "u32", 50)
pallet.constant("MaxReserves", "u32", 50)
pallet.constant("MaxHolds", "u32", 0)
pallet.constant("MaxFreezes", "u32", 0)


def lookup(address: Any) -> bytes:
    """MultiAddress -> AccountId; only `Id` (and a raw 32-byte Address32) name an account here."""
    if isinstance(address, dict) and len(address) == 1:
        kind, value = next(iter(address.items()))
        if kind in ("Id", "Address32") and isinstance(value, bytes) and len(value) == 32:
            return value
    raise DispatchError("CannotLookup", "CannotLookup")


def free_balance(state: StateReader, who: bytes) -> int:
    """Free balance of `who` in RAO."""
    raw = state.get(system.Account.key(who))
    return 0 if raw is None else int.from_bytes(raw[16:24], "little")


def _store(ctx: CallContext | None, state: Overlay, who: bytes, info: dict[str, Any], new_free: int) -> int:
    """Write a new free balance, creating or reaping the account; returns dust burned (if any)."""
    existed = info["providers"] > 0
    dust = 0
    if 0 < new_free < EXISTENTIAL_DEPOSIT and info["data"]["reserved"] == 0:
        dust, new_free = new_free, 0
    info["data"]["free"] = new_free
    alive = new_free > 0 or info["data"]["reserved"] > 0
    if alive and not existed:
        info["providers"] = 1
        if ctx is not None:
            ctx.deposit_event(system.NewAccount, who)
            ctx.deposit_event(Endowed, who, new_free)
    elif not alive and existed:
        info["providers"] = 0
        if ctx is not None:
            ctx.deposit_event(system.KilledAccount, who)
            if dust:
                ctx.deposit_event(DustLost, who, dust)
    if dust:
        TotalIssuance.set(state, TotalIssuance.get(state) - dust)
    if not alive and info["providers"] == 0:
        system.Account.remove(state, who)
    else:
        system.Account.set(state, who, info)
    return dust


def can_withdraw(state: StateReader, who: bytes, amount: int, keep_alive: bool = True) -> bool:
    """Whether `amount` can leave `who` (keeping the existential deposit when `keep_alive`)."""
    info = system.account(state, who)
    free = info["data"]["free"] - info["data"]["frozen"]
    left = info["data"]["free"] - amount
    if amount > free:
        return False
    return not (keep_alive and info["data"]["free"] > 0 and left < EXISTENTIAL_DEPOSIT)


def withdraw(ctx: CallContext | None, state: Overlay, who: bytes, amount: int, *, keep_alive: bool = True,
             burn: bool = True) -> None:
    """Take `amount` from `who` (reduces issuance when `burn`); raises InsufficientBalance/Expendability."""
    info = system.account(state, who)
    free = info["data"]["free"]
    if amount > free - info["data"]["frozen"]:
        raise pallet.error("InsufficientBalance")
    if keep_alive and free - amount < EXISTENTIAL_DEPOSIT:
        raise pallet.error("Expendability")
    _store(ctx, state, who, info, free - amount)
    if burn:
        TotalIssuance.set(state, TotalIssuance.get(state) - amount)


def deposit(ctx: CallContext | None, state: Overlay, who: bytes, amount: int, *, mint: bool = True) -> None:
    """Credit `amount` to `who` (raises issuance when `mint`); a new account needs at least the ED."""
    info = system.account(state, who)
    free = info["data"]["free"]
    if info["providers"] == 0 and free + amount < EXISTENTIAL_DEPOSIT:
        raise pallet.error("ExistentialDeposit")
    _store(ctx, state, who, info, free + amount)
    if mint:
        TotalIssuance.set(state, TotalIssuance.get(state) + amount)


def transfer_funds(ctx: CallContext, source: bytes, dest: bytes, value: int, keep_alive: bool) -> None:
    """Move `value` from `source` to `dest` with Substrate's checks, then deposit `Transfer`."""
    if source != dest and value:
        state = ctx.state
        src = system.account(state, source)
        free = src["data"]["free"]
        if value > free - src["data"]["frozen"]:
            raise pallet.error("InsufficientBalance")
        left = free - value
        if keep_alive and left < EXISTENTIAL_DEPOSIT:
            raise pallet.error("Expendability")
        dst = system.account(state, dest)
        if dst["providers"] == 0 and dst["data"]["free"] + value < EXISTENTIAL_DEPOSIT:
            raise pallet.error("ExistentialDeposit")
        _store(ctx, state, dest, dst, dst["data"]["free"] + value)
        ctx.deposit_event(Transfer, source, dest, value)
        _store(ctx, state, source, src, left)
        return
    ctx.deposit_event(Transfer, source, dest, value)


TRANSFER_WEIGHT = 190_000_000


@pallet.call(0, args=[("dest", "MultiAddress"), ("value", "Compact<u64>")], weight=TRANSFER_WEIGHT)
def transfer_allow_death(ctx: CallContext, dest: Any, value: int) -> None:
    """Transfer, possibly reaping the sender if it drops below the existential deposit."""
    transfer_funds(ctx, ctx.ensure_signed(), lookup(dest), value, keep_alive=False)


@pallet.call(2, args=[("source", "MultiAddress"), ("dest", "MultiAddress"), ("value", "Compact<u64>")],
             weight=TRANSFER_WEIGHT)
def force_transfer(ctx: CallContext, source: Any, dest: Any, value: int) -> None:
    """Root only: transfer from any account."""
    ctx.ensure_root()
    transfer_funds(ctx, lookup(source), lookup(dest), value, keep_alive=False)


@pallet.call(3, args=[("dest", "MultiAddress"), ("value", "Compact<u64>")], weight=TRANSFER_WEIGHT)
def transfer_keep_alive(ctx: CallContext, dest: Any, value: int) -> None:
    """Transfer that fails (Expendability) rather than reap the sender."""
    transfer_funds(ctx, ctx.ensure_signed(), lookup(dest), value, keep_alive=True)


@pallet.call(4, args=[("dest", "MultiAddress"), ("keep_alive", "bool")], weight=TRANSFER_WEIGHT)
def transfer_all(ctx: CallContext, dest: Any, keep_alive: bool) -> None:
    """Transfer everything transferable (all but the ED when `keep_alive`)."""
    who = ctx.ensure_signed()
    info = system.account(ctx.state, who)
    amount = info["data"]["free"] - info["data"]["frozen"]
    if keep_alive:
        amount = max(0, amount - EXISTENTIAL_DEPOSIT)
    transfer_funds(ctx, who, lookup(dest), amount, keep_alive=keep_alive)


@pallet.call(7, args=[("dest", "MultiAddress"), ("value", "Compact<u64>")], weight=TRANSFER_WEIGHT)
def transfer(ctx: CallContext, dest: Any, value: int) -> None:
    """Deprecated alias of `transfer_allow_death`, still present in the 2024 runtime (older clients use it)."""
    transfer_funds(ctx, ctx.ensure_signed(), lookup(dest), value, keep_alive=False)


@pallet.call(8, args=[("who", "MultiAddress"), ("new_free", "Compact<u64>")], weight=TRANSFER_WEIGHT)
def force_set_balance(ctx: CallContext, who: Any, new_free: int) -> None:
    """Root only: set an account's free balance (issuance follows)."""
    if ctx.origin != ROOT:
        ctx.ensure_root()
    account = lookup(who)
    info = system.account(ctx.state, account)
    old = info["data"]["free"]
    if new_free < EXISTENTIAL_DEPOSIT:
        new_free = 0
    _store(ctx, ctx.state, account, info, new_free)
    TotalIssuance.set(ctx.state, TotalIssuance.get(ctx.state) - old + new_free)
    ctx.deposit_event(BalanceSet, account, new_free)


@pallet.genesis
def _build(genesis: Any, state: Overlay) -> None:
    total = 0
    for who, amount in genesis.balances.items():
        if amount < EXISTENTIAL_DEPOSIT:
            raise ValueError(f"genesis balance {amount} below the existential deposit {EXISTENTIAL_DEPOSIT}")
        info = system.account(state, who)
        info["providers"] = 1
        info["data"]["free"] = amount
        system.Account.set(state, who, info)
        total += amount
    TotalIssuance.set(state, TotalIssuance.get(state) + total)
