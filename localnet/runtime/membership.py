"""pallet_membership instances: a sorted, bounded set of accounts managed by Root.

The 2024 runtime has two: TriumvirateMembers (index 9, at most 3, mirrored into the Triumvirate
collective) and SenateMembers (index 10, at most 12, seated by `root_register`). Both are instances of
one pallet, so one class declares them: same call indices, argument names, events and errors as
polkadot-v1.0's pallet_membership, because clients compose `SenateMembers.add_member` by name and read
`SenateMembers.Members` directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from localnet.runtime.balances import lookup
from localnet.runtime.context import CallContext
from localnet.runtime.framework import Pallet
from localnet.runtime.state import Overlay, StateReader

# (state, incoming, outgoing, new sorted members): what `MembershipChanged::change_members_sorted` gets.
ChangeHook = Callable[[Overlay, list[bytes], list[bytes], list[bytes]], None]
PrimeHook = Callable[[Overlay, bytes | None], None]


class Membership:
    """One instance: declares its Pallet (storage Members/Prime, calls 0-6) and offers the logic to Rust-
    style `MemberManagement` callers (`add_member`, `swap_member`) that run inside other pallets' calls."""

    def __init__(self, name: str, index: int, max_members: int, *, on_change: ChangeHook | None = None,
                 on_prime: PrimeHook | None = None) -> None:
        self.max_members = max_members
        self.on_change = on_change
        self.on_prime = on_prime
        self.pallet = p = Pallet(name, index, "pallet_membership", docs=f"{name}: a Root-managed member set.")
        self.Members = p.value("Members", "Vec<AccountId>", default=[], docs="The current membership, sorted.")
        self.Prime = p.value("Prime", "AccountId", optional=True, docs="The current prime member, if any.")
        self.MemberAdded = p.event("MemberAdded", [])
        self.MemberRemoved = p.event("MemberRemoved", [])
        self.MembersSwapped = p.event("MembersSwapped", [])
        self.MembersReset = p.event("MembersReset", [])
        self.KeyChanged = p.event("KeyChanged", [])
        self.Dummy = p.event("Dummy", [])
        p.errors("AlreadyMember", "NotMember", "TooManyMembers")
        self._declare_calls()

    # -- queries ---------------------------------------------------------------------------------------
    def members(self, state: StateReader) -> list[bytes]:
        """The sorted member list."""
        return list(self.Members.get(state))

    def is_member(self, state: StateReader, who: bytes) -> bool:
        """Whether `who` is a member."""
        return who in self.Members.get(state)

    # -- logic (Root checks are the callers') --------------------------------------------------------
    def _store(self, state: Overlay, members: list[bytes], incoming: list[bytes], outgoing: list[bytes]) -> None:
        members = sorted(members)
        if len(members) > self.max_members:
            raise self.pallet.error("TooManyMembers")
        self.Members.set(state, members)
        if self.on_change is not None:
            self.on_change(state, incoming, outgoing, members)

    def _rejig_prime(self, state: Overlay, members: list[bytes]) -> None:
        prime = self.Prime.get(state)
        if prime is not None and prime not in members:
            self.Prime.remove(state)
            if self.on_prime is not None:
                self.on_prime(state, None)

    def add_member(self, ctx: CallContext, who: bytes) -> None:
        """Insert `who`: AlreadyMember, TooManyMembers; event MemberAdded."""
        members = self.members(ctx.state)
        if who in members:
            raise self.pallet.error("AlreadyMember")
        self._store(ctx.state, [*members, who], [who], [])
        ctx.deposit_event(self.MemberAdded)

    def remove_member(self, ctx: CallContext, who: bytes) -> None:
        """Remove `who`: NotMember; event MemberRemoved."""
        members = self.members(ctx.state)
        if who not in members:
            raise self.pallet.error("NotMember")
        members.remove(who)
        self._store(ctx.state, members, [], [who])
        self._rejig_prime(ctx.state, members)
        ctx.deposit_event(self.MemberRemoved)

    def swap_member(self, ctx: CallContext, remove: bytes, add: bytes) -> None:
        """Replace `remove` by `add` (a no-op when equal): NotMember, AlreadyMember; event MembersSwapped."""
        if remove == add:
            return
        members = self.members(ctx.state)
        if remove not in members:
            raise self.pallet.error("NotMember")
        if add in members:
            raise self.pallet.error("AlreadyMember")
        members[members.index(remove)] = add
        self._store(ctx.state, members, [add], [remove])
        self._rejig_prime(ctx.state, members)
        ctx.deposit_event(self.MembersSwapped)

    # -- calls -------------------------------------------------------------------------------------------
    def _declare_calls(self) -> None:
        p = self.pallet

        @p.call(0, args=[("who", "AccountIdLookup")], weight=15_000_000)
        def add_member(ctx: CallContext, who: Any) -> None:
            ctx.ensure_root()
            self.add_member(ctx, lookup(who))

        @p.call(1, args=[("who", "AccountIdLookup")], weight=15_000_000)
        def remove_member(ctx: CallContext, who: Any) -> None:
            ctx.ensure_root()
            self.remove_member(ctx, lookup(who))

        @p.call(2, args=[("remove", "AccountIdLookup"), ("add", "AccountIdLookup")], weight=15_000_000)
        def swap_member(ctx: CallContext, remove: Any, add: Any) -> None:
            ctx.ensure_root()
            self.swap_member(ctx, lookup(remove), lookup(add))

        @p.call(3, args=[("members", "Vec<AccountId>")], weight=15_000_000)
        def reset_members(ctx: CallContext, members: list[bytes]) -> None:
            ctx.ensure_root()
            old = self.members(ctx.state)
            new = sorted(members)
            self._store(ctx.state, new, [m for m in new if m not in old], [m for m in old if m not in new])
            self._rejig_prime(ctx.state, new)
            ctx.deposit_event(self.MembersReset)

        @p.call(4, args=[("new", "AccountIdLookup")], weight=15_000_000)
        def change_key(ctx: CallContext, new: Any) -> None:
            who, new_key = ctx.ensure_signed(), lookup(new)
            members = self.members(ctx.state)
            if new_key != who:  # as in polkadot-v1.0, "changing" to the same key checks nothing
                if who not in members:
                    raise p.error("NotMember")
                if new_key in members:
                    raise p.error("AlreadyMember")
                members[members.index(who)] = new_key
                self._store(ctx.state, members, [new_key], [who])
                if self.Prime.get(ctx.state) == who:
                    self.Prime.set(ctx.state, new_key)
                    if self.on_prime is not None:
                        self.on_prime(ctx.state, new_key)
            ctx.deposit_event(self.KeyChanged)

        @p.call(5, args=[("who", "AccountIdLookup")], weight=15_000_000)
        def set_prime(ctx: CallContext, who: Any) -> None:
            ctx.ensure_root()
            account = lookup(who)
            if not self.is_member(ctx.state, account):
                raise p.error("NotMember")
            self.Prime.set(ctx.state, account)
            if self.on_prime is not None:
                self.on_prime(ctx.state, account)

        @p.call(6, args=[], weight=15_000_000)
        def clear_prime(ctx: CallContext) -> None:
            ctx.ensure_root()
            self.Prime.remove(ctx.state)
            if self.on_prime is not None:
                self.on_prime(ctx.state, None)
