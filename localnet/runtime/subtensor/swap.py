"""swap_hotkey (call 70) and faucet (call 60) of the 2024 pallet (§5.1).

swap_hotkey moves everything keyed by a hotkey to a new one for a 1 TAO fee: ownership, stake and
nominations, delegate status, subnet memberships, uids and axons. What the 2024 code does not move
(Prometheus records, Senate seats) stays behind here too. faucet exists only in `pow-faucet` builds;
like the release runtime, ours answers FaucetDisabled.
"""

from __future__ import annotations

from typing import Any

from localnet.runtime.subtensor import host
from localnet.runtime.subtensor.events import HotkeySwapped
from localnet.runtime.subtensor.neurons import is_registered_anywhere
from localnet.runtime.subtensor.staking import owns, tx_rate_limit_exceeded
from localnet.runtime.subtensor.storage import (
    Axons,
    Delegates,
    IsNetworkMember,
    Keys,
    LastTxBlock,
    LoadedEmission,
    Owner,
    Stake,
    TotalHotkeyStake,
    TotalIssuance,
    Uids,
    pallet,
)

SWAP_FEE = 1_000_000_000


def _move(item: Any, state: Any, old: bytes, new: bytes) -> None:
    if item.contains(state, old):
        item.set(state, new, item.get(state, old))
        item.remove(state, old)


def swap_hotkey(ctx: Any, hotkey: bytes, new_hotkey: bytes) -> None:
    """Re-key the signer's `hotkey` as `new_hotkey` everywhere the 2024 pallet does."""
    coldkey = ctx.ensure_signed()
    state, block = ctx.state, host.block_number(ctx)
    if not owns(state, coldkey, hotkey):
        raise pallet.error("NonAssociatedColdKey")
    if tx_rate_limit_exceeded(state, coldkey, block):
        raise pallet.error("TxRateLimitExceeded")
    if hotkey == new_hotkey or is_registered_anywhere(state, new_hotkey):
        raise pallet.error("AlreadyRegistered")
    if not host.can_withdraw(state, coldkey, SWAP_FEE):
        raise pallet.error("NotEnoughBalance")
    if not host.withdraw_keep_alive(state, coldkey, SWAP_FEE, ctx):
        raise pallet.error("BalanceWithdrawalError")
    TotalIssuance.set(state, max(0, TotalIssuance.get(state) - SWAP_FEE))
    for item in (Owner, TotalHotkeyStake, Delegates, LastTxBlock):
        _move(item, state, hotkey, new_hotkey)
    for (coldkey_i,), amount in list(Stake.iter_prefix(state, hotkey)):
        Stake.set(state, new_hotkey, coldkey_i, amount)
        Stake.remove(state, hotkey, coldkey_i)
    for (netuid,), member in list(IsNetworkMember.iter_prefix(state, hotkey)):
        IsNetworkMember.set(state, new_hotkey, netuid, member)
        IsNetworkMember.remove(state, hotkey, netuid)
        if Axons.contains(state, netuid, hotkey):
            Axons.set(state, netuid, new_hotkey, Axons.get(state, netuid, hotkey))
            Axons.remove(state, netuid, hotkey)
        uid = Uids.get(state, netuid, hotkey)
        if uid is not None:
            Uids.remove(state, netuid, hotkey)
            Uids.set(state, netuid, new_hotkey, uid)
            Keys.set(state, netuid, uid, new_hotkey)
            loaded = LoadedEmission.get(state, netuid)
            if loaded and uid < len(loaded):
                # [quirk] the 2024 code indexes the tuple list by uid.
                _, server, validator = loaded[uid]
                loaded[uid] = (new_hotkey, server, validator)
                LoadedEmission.set(state, netuid, loaded)
    LastTxBlock.set(state, coldkey, block)
    ctx.deposit_event(HotkeySwapped, coldkey=coldkey, old_hotkey=hotkey, new_hotkey=new_hotkey)


def faucet(ctx: Any, block_number: int, nonce: int, work: bytes) -> None:
    """The test-network faucet: disabled, as in every release build of the 2024 runtime."""
    ctx.ensure_signed()
    raise pallet.error("FaucetDisabled")
