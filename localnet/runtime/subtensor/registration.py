"""Subnet registration: `burned_register` (call 7) and proof-of-work `register` (call 6), spec §5.1, §9.

Both share the same admission window (per-block and per-interval limits) and end in the same uid
assignment; they differ in who signs (coldkey pays a burn; hotkey brings a PoW seal) and which
per-interval counter they bump, which later drives the Burn/Difficulty adjustment (§7.1).
"""

from __future__ import annotations

import hashlib
from typing import Any

from Crypto.Hash import keccak

from localnet.runtime.subtensor import host
from localnet.runtime.subtensor.events import NeuronRegistered, RAORecycledForRegistrationSet
from localnet.runtime.subtensor.neurons import append_neuron, neuron_to_prune, replace_neuron
from localnet.runtime.subtensor.staking import create_account_if_missing, owns
from localnet.runtime.subtensor.storage import (
    Burn,
    BurnRegistrationsThisInterval,
    Difficulty,
    MaxAllowedUids,
    MaxRegistrationsPerBlock,
    NetworkPowRegistrationAllowed,
    NetworkRegistrationAllowed,
    NetworksAdded,
    POWRegistrationsThisInterval,
    RAORecycledForRegistration,
    RegistrationsThisBlock,
    RegistrationsThisInterval,
    SubnetworkN,
    TargetRegistrationsPerInterval,
    TotalIssuance,
    Uids,
    UsedWork,
    pallet,
)

State = Any
ROOT_NETUID = 0


# ---------------------------------------------------------------------------------------------------
# proof of work (registration.rs create_seal_hash / hash_meets_difficulty)


def _keccak256(data: bytes) -> bytes:
    return keccak.new(data=data, digest_bits=256).digest()


def seal_hash(block_hash: bytes, hotkey: bytes, nonce: int) -> bytes:
    """keccak256(sha256(nonce_le8 ‖ keccak256(block_hash ‖ hotkey))): what a PoW solver must find."""
    pre = _keccak256(block_hash + hotkey)
    nonce_le8 = (nonce & ((1 << 64) - 1)).to_bytes(8, "little")
    return _keccak256(hashlib.sha256(nonce_le8 + pre).digest())


def meets_difficulty(work: bytes, difficulty: int) -> bool:
    """The seal read as a big-endian 256-bit number times Difficulty must not overflow 256 bits."""
    return int.from_bytes(work, "big") * difficulty < (1 << 256)


# ---------------------------------------------------------------------------------------------------
# shared steps


def check_window(state: State, netuid: int, hotkey: bytes) -> None:
    """Per-block and per-interval registration limits, then "not already registered here"."""
    if RegistrationsThisBlock.get(state, netuid) >= MaxRegistrationsPerBlock.get(state, netuid):
        raise pallet.error("TooManyRegistrationsThisBlock")
    if RegistrationsThisInterval.get(state, netuid) >= 3 * TargetRegistrationsPerInterval.get(state, netuid):
        raise pallet.error("TooManyRegistrationsThisInterval")
    if Uids.contains(state, netuid, hotkey):
        raise pallet.error("AlreadyRegistered")


def _check_subnet(state: State, netuid: int, pow_flag: bool) -> None:
    if netuid == ROOT_NETUID:
        raise pallet.error("OperationNotPermittedonRootSubnet")
    if not NetworksAdded.get(state, netuid):
        raise pallet.error("NetworkDoesNotExist")
    allowed = NetworkPowRegistrationAllowed if pow_flag else NetworkRegistrationAllowed
    if not allowed.get(state, netuid):
        raise pallet.error("RegistrationDisabled")


def assign_uid(state: State, netuid: int, hotkey: bytes, block: int) -> int:
    """Append while the subnet has room, otherwise replace the neuron chosen for pruning."""
    if SubnetworkN.get(state, netuid) < MaxAllowedUids.get(state, netuid):
        return append_neuron(state, netuid, hotkey, block)
    uid = neuron_to_prune(state, netuid, block)
    replace_neuron(state, netuid, uid, hotkey, block)
    return uid


def bump(state: State, netuid: int, *items: Any) -> None:
    """Add one to u16 registration counters, saturating (a huge target must not overflow the codec)."""
    for item in items:
        item.set(state, netuid, min(0xFFFF, item.get(state, netuid) + 1))


def _finish(ctx: Any, netuid: int, coldkey: bytes, hotkey: bytes, block: int) -> int:
    state = ctx.state
    create_account_if_missing(state, coldkey, hotkey)
    if not owns(state, coldkey, hotkey):
        raise pallet.error("NonAssociatedColdKey")
    if MaxAllowedUids.get(state, netuid) == 0:
        raise pallet.error("NetworkDoesNotExist")
    return assign_uid(state, netuid, hotkey, block)


# ---------------------------------------------------------------------------------------------------
# calls


def burned_register(ctx: Any, netuid: int, hotkey: bytes) -> None:
    """Register `hotkey` on `netuid` by burning the subnet's current Burn from the signing coldkey."""
    coldkey = ctx.ensure_signed()
    state, block = ctx.state, host.block_number(ctx)
    _check_subnet(state, netuid, pow_flag=False)
    check_window(state, netuid, hotkey)
    cost = Burn.get(state, netuid)
    if not host.can_withdraw(state, coldkey, cost):
        raise pallet.error("NotEnoughBalanceToStake")
    if not host.withdraw_keep_alive(state, coldkey, cost, ctx):
        raise pallet.error("BalanceWithdrawalError")
    TotalIssuance.set(state, max(0, TotalIssuance.get(state) - cost))
    recycled = RAORecycledForRegistration.get(state, netuid) + cost
    RAORecycledForRegistration.set(state, netuid, recycled)
    ctx.deposit_event(RAORecycledForRegistrationSet, netuid, recycled)  # increase_rao_recycled's setter
    uid = _finish(ctx, netuid, coldkey, hotkey, block)
    bump(state, netuid, BurnRegistrationsThisInterval, RegistrationsThisInterval, RegistrationsThisBlock)
    ctx.deposit_event(NeuronRegistered, netuid, uid, hotkey)


def register(ctx: Any, netuid: int, block_number: int, nonce: int, work: bytes, hotkey: bytes,
             coldkey: bytes) -> None:
    """Register `hotkey` (the signer) on `netuid` with a proof-of-work seal over a recent block."""
    signer = ctx.ensure_signed()
    state, block = ctx.state, host.block_number(ctx)
    if signer != hotkey:
        raise pallet.error("HotkeyOriginMismatch")
    _check_subnet(state, netuid, pow_flag=True)
    check_window(state, netuid, hotkey)
    if block_number > block or block - block_number >= 3:
        raise pallet.error("InvalidWorkBlock")
    if len(work) != 32:
        # The Rust runtime panics converting to H256, which makes the extrinsic invalid; a module error
        # is the closest thing a client can read, and the seal check would fail anyway.
        raise pallet.error("InvalidSeal")
    if not meets_difficulty(work, Difficulty.get(state, netuid)):
        raise pallet.error("InvalidDifficulty")
    if seal_hash(host.block_hash(ctx, block_number, block), hotkey, nonce) != work:
        raise pallet.error("InvalidSeal")
    UsedWork.set(state, work, block)
    uid = _finish(ctx, netuid, coldkey, hotkey, block)
    bump(state, netuid, POWRegistrationsThisInterval, RegistrationsThisInterval, RegistrationsThisBlock)
    ctx.deposit_event(NeuronRegistered, netuid, uid, hotkey)
