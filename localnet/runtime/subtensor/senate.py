"""SubtensorModule's governance calls: sudo (51), sudo_unchecked_weight (52), vote (55), and the Senate
seat a root registration earns (spec §5.1, §10.1).

The Senate is the SenateMembers pallet; the Triumvirate collective holds the motions. Senators vote with
their hotkey, but sign with the coldkey that owns it (so a hot machine never votes), which is why the
vote goes through this pallet instead of the collective's own (disabled) `vote`.
"""

from __future__ import annotations

from typing import Any

from localnet.runtime.context import Call as RuntimeCall
from localnet.runtime.context import CallContext, CollectiveOrigin
from localnet.runtime.errors import DispatchError, bad_origin
from localnet.runtime.governance import senate, triumvirate
from localnet.runtime.subtensor.events import Sudid
from localnet.runtime.subtensor.staking import owns
from localnet.runtime.subtensor.storage import TotalHotkeyStake, pallet
from localnet.runtime.sudo import NO_FEE

State = Any


def _ensure_council(ctx: CallContext) -> None:
    """`CouncilOrigin` = EnsureProportionMoreThan<1, 2> of the Triumvirate: a passed motion's origin."""
    origin = ctx.origin
    if not (isinstance(origin, CollectiveOrigin) and origin.more_than(triumvirate.name, 1, 2)):
        raise bad_origin()


def _dispatch_as_root(ctx: CallContext, call: RuntimeCall) -> str:
    """Run `call` as Root; Sudid reports the result, and (as in 2024) a failed inner call fails this one
    too, so its Sudid is rolled back with everything else."""
    try:
        ctx.dispatch(call, "Root")
    except DispatchError as err:
        ctx.deposit_event(Sudid, {"Err": err.value})
        raise
    ctx.deposit_event(Sudid, {"Ok": None})
    return NO_FEE


def sudo(ctx: CallContext, call: RuntimeCall) -> str:
    """Dispatch `call` with Root origin on behalf of a Triumvirate majority."""
    _ensure_council(ctx)
    return _dispatch_as_root(ctx, call)


def sudo_unchecked_weight(ctx: CallContext, call: RuntimeCall, weight: dict[str, int]) -> str:
    """Like `sudo`, with a caller-chosen weight."""
    _ensure_council(ctx)
    return _dispatch_as_root(ctx, call)


def vote(ctx: CallContext, hotkey: bytes, proposal: bytes, index: int, approve: bool) -> str | None:
    """A senator's vote on a Triumvirate motion, signed by the coldkey owning the senator hotkey.

    Free (Pays::No) for the member's first vote on the motion; changing a vote pays the fee.
    """
    coldkey = ctx.ensure_signed()
    if not owns(ctx.state, coldkey, hotkey):
        raise pallet.error("NonAssociatedColdKey")
    if not senate.is_member(ctx.state, hotkey):
        raise pallet.error("NotSenateMember")
    return NO_FEE if triumvirate.do_vote(ctx, hotkey, proposal, index, approve) else None


def seat_in_senate(ctx: CallContext, hotkey: bytes) -> None:
    """§10.1: a new root validator joins the Senate; when all 12 seats are taken it replaces the member
    with the least stake, if that is less than its own (and that member's open votes are dropped).

    Members are never removed for losing stake or their root uid. Adding a hotkey that already holds a
    seat fails with SenateMembers.AlreadyMember, as in 2024.
    """
    state = ctx.state
    members = senate.members(state)
    if len(members) < senate.max_members:
        senate.add_member(ctx, hotkey)
        return
    ranked = sorted(members, key=lambda m: TotalHotkeyStake.get(state, m), reverse=True)
    last = ranked[-1]
    if TotalHotkeyStake.get(state, last) < TotalHotkeyStake.get(state, hotkey):
        senate.swap_member(ctx, last, hotkey)
        triumvirate.remove_votes(state, last)
