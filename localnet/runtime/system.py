"""System (index 0): accounts (nonce + balances data), block number/hashes and the event log.

AccountInfo is the 2024 runtime's layout: nonce, consumers, providers, sufficients and AccountData
{free, reserved, frozen, flags}. Its codec is the packed fixed-width struct codec, because it is read and
written several times per transfer.
"""

from __future__ import annotations

from typing import Any

from localnet.runtime.context import CallContext
from localnet.runtime.framework import Pallet
from localnet.runtime.state import Overlay, StateReader
from localnet.scale.hashers import blake2_256

pallet = Pallet("System", index=0, crate="frame_system")

Account = pallet.map("Account", ("AccountId", "Blake2_128Concat"), "AccountInfo",
                     docs="The full account information for a particular account ID.")
ExtrinsicCount = pallet.value("ExtrinsicCount", "u32", optional=True)
Number = pallet.value("Number", "u32", default=0, docs="The current block number being processed.")
ParentHash = pallet.value("ParentHash", "H256", default=bytes(32))
BlockHash = pallet.map("BlockHash", ("u32", "Twox64Concat"), "H256", default=bytes(32),
                       docs="Map of block numbers to block hashes.")
Events = pallet.value("Events", "Vec<EventRecord>", default=[],
                      docs="Events deposited for the current block (reset every block).")
EventCount = pallet.value("EventCount", "u32", default=0)

ExtrinsicSuccess = pallet.event("ExtrinsicSuccess", [("dispatch_info", "DispatchInfo")])
ExtrinsicFailed = pallet.event("ExtrinsicFailed", [("dispatch_error", "DispatchError"),
                                                   ("dispatch_info", "DispatchInfo")])
CodeUpdated = pallet.event("CodeUpdated", [])
NewAccount = pallet.event("NewAccount", [("account", "AccountId")])
KilledAccount = pallet.event("KilledAccount", [("account", "AccountId")])
Remarked = pallet.event("Remarked", [("sender", "AccountId"), ("hash", "H256")])

pallet.errors("InvalidSpecName", "SpecVersionNeedsToIncrease", "FailedToExtractRuntimeVersion",
              "NonDefaultComposite", "NonZeroRefCount", "CallFiltered")

pallet.constant("BlockHashCount", "u32", 4096)
pallet.constant("SS58Prefix", "u16", 42)

EMPTY_ACCOUNT: dict[str, Any] = {"nonce": 0, "consumers": 0, "providers": 0, "sufficients": 0,
                                 "data": {"free": 0, "reserved": 0, "frozen": 0, "flags": 1 << 127}}


def account(state: StateReader, who: bytes) -> dict[str, Any]:
    """AccountInfo of `who` (a fresh default dict when the account does not exist)."""
    return Account.get(state, who)


def set_account(state: Overlay, who: bytes, info: dict[str, Any]) -> None:
    """Store AccountInfo, or remove it when the account has no providers/sufficients and nothing left."""
    if info["providers"] == 0 and info["sufficients"] == 0:
        Account.remove(state, who)
    else:
        Account.set(state, who, info)


def account_nonce(state: StateReader, who: bytes) -> int:
    """The next nonce `who` must sign with."""
    raw = state.get(Account.key(who))
    return 0 if raw is None else int.from_bytes(raw[:4], "little")


@pallet.call(0, args=[("remark", "Vec<u8>")], weight=1_000_000)
def remark(ctx: CallContext, remark: bytes) -> None:
    """Make some on-chain remark (no effect beyond the fee)."""
    ctx.ensure_signed()


@pallet.call(4, args=[("items", "Vec<(Vec<u8>, Vec<u8>)>")], weight=10_000_000)
def set_storage(ctx: CallContext, items: list[tuple[bytes, bytes]]) -> None:
    """Root only: write raw storage items (a dev-chain escape hatch)."""
    ctx.ensure_root()
    for key, value in items:
        ctx.state.set(key, value)


@pallet.call(5, args=[("keys", "Vec<Vec<u8>>")], weight=10_000_000)
def kill_storage(ctx: CallContext, keys: list[bytes]) -> None:
    """Root only: delete raw storage keys."""
    ctx.ensure_root()
    for key in keys:
        ctx.state.set(key, None)


@pallet.call(6, args=[("prefix", "Vec<u8>"), ("subkeys", "u32")], weight=10_000_000)
def kill_prefix(ctx: CallContext, prefix: bytes, subkeys: int) -> None:
    """Root only: delete every key under a raw prefix."""
    ctx.ensure_root()
    for key in list(ctx.state.iter_prefix(prefix)):
        ctx.state.set(key, None)


@pallet.call(7, args=[("remark", "Vec<u8>")], weight=1_000_000)
def remark_with_event(ctx: CallContext, remark: bytes) -> None:
    """A remark that also deposits `Remarked{sender, hash}`."""
    who = ctx.ensure_signed()
    ctx.deposit_event(Remarked, who, blake2_256(remark))
