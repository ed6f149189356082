"""pallet_collective as subtensor forked it (2024): motions with a duration, voters chosen by the runtime.

Why a fork: in subtensor the Triumvirate proposes, but the Senate votes (through `SubtensorModule.vote`,
since the collective's own `vote` is closed by `CanVote = false`), and a motion's threshold is a
majority of the Senate, not of the proposers. So the instance takes three policies from the runtime:
`can_propose`, `can_vote` and `voting_members` (the number of eligible voters, "seats").

A motion that reaches its threshold is closed by anyone (`close`) and its proposal dispatched with the
origin `Members(ayes, seats)` (a `CollectiveOrigin`); SubtensorModule.sudo accepts it when ayes > seats/2.
Names, indices and errors follow the 2024 fork (`propose` with a `duration`, `WrongDuration`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from localnet.runtime.context import Call as RuntimeCall
from localnet.runtime.context import CallContext, CollectiveOrigin
from localnet.runtime.errors import DispatchError, bad_origin
from localnet.runtime.framework import Pallet
from localnet.runtime.state import Overlay, StateReader
from localnet.runtime.sudo import NO_FEE
from localnet.scale.hashers import blake2_256

Policy = Callable[[StateReader, bytes], bool]


class Collective:
    """One collective instance: its Pallet declaration plus the motion logic other pallets call into."""

    def __init__(self, name: str, index: int, *, motion_duration: int, max_proposals: int,
                 can_propose: Policy, can_vote: Policy, voting_members: Callable[[StateReader], int]) -> None:
        self.name = name
        self.motion_duration = motion_duration
        self.max_proposals = max_proposals
        self.can_propose = can_propose
        self.can_vote = can_vote
        self.voting_members = voting_members
        self.pallet = p = Pallet(name, index, "pallet_collective", docs=f"{name}: motions voted by members.")
        p.struct("Votes", path="pallet_collective::Votes", fields=[
            ("index", "u32"), ("threshold", "u32"), ("ayes", "Vec<AccountId>"), ("nays", "Vec<AccountId>"),
            ("end", "u32")])
        self.Proposals = p.value("Proposals", "Vec<H256>", default=[], docs="Hashes of the active proposals.")
        self.ProposalOf = p.map("ProposalOf", ("H256", "Identity"), "RuntimeCall", optional=True,
                                docs="The proposal behind each active hash.")
        self.Voting = p.map("Voting", ("H256", "Identity"), "Votes", optional=True, docs="Votes of each motion.")
        self.ProposalCount = p.value("ProposalCount", "u32", default=0, docs="Proposals so far.")
        self.Members = p.value("Members", "Vec<AccountId>", default=[], docs="The members, sorted.")
        self.Prime = p.value("Prime", "AccountId", optional=True, docs="The prime member, if any.")
        h, n = "H256", "u32"
        self.Proposed = p.event("Proposed", [("account", "AccountId"), ("proposal_index", n),
                                             ("proposal_hash", h), ("threshold", n)])
        self.Voted = p.event("Voted", [("account", "AccountId"), ("proposal_hash", h), ("voted", "bool"),
                                       ("yes", n), ("no", n)])
        self.Approved = p.event("Approved", [("proposal_hash", h)])
        self.Disapproved = p.event("Disapproved", [("proposal_hash", h)])
        self.Executed = p.event("Executed", [("proposal_hash", h), ("result", "DispatchResult")])
        self.MemberExecuted = p.event("MemberExecuted", [("proposal_hash", h), ("result", "DispatchResult")])
        self.Closed = p.event("Closed", [("proposal_hash", h), ("yes", n), ("no", n)])
        p.errors("NotMember", "DuplicateProposal", "ProposalMissing", "WrongIndex", "DuplicateVote",
                 "AlreadyInitialized", "TooEarly", "TooManyProposals", "WrongProposalWeight",
                 "WrongProposalLength", "WrongDuration")
        self._declare_calls()

    # -- membership hooks (TriumvirateMembers is this collective's MembershipChanged) ---------------------
    def change_members(self, state: Overlay, _incoming: list[bytes], outgoing: list[bytes],
                       new: list[bytes]) -> None:
        """Outgoing members lose their votes on open motions; the member list becomes `new`."""
        for who in outgoing:
            self.remove_votes(state, who)
        self.Members.set(state, sorted(new))

    def set_prime(self, state: Overlay, prime: bytes | None) -> None:
        """Mirror the membership pallet's prime."""
        if prime is None:
            self.Prime.remove(state)
        else:
            self.Prime.set(state, prime)

    def remove_votes(self, state: Overlay, who: bytes) -> None:
        """Drop `who`'s aye/nay from every open motion (a senator swapped out of the Senate)."""
        for proposal_hash in self.Proposals.get(state):
            votes = self.Voting.get(state, proposal_hash)
            if votes is not None and (who in votes["ayes"] or who in votes["nays"]):
                votes["ayes"] = [a for a in votes["ayes"] if a != who]
                votes["nays"] = [a for a in votes["nays"] if a != who]
                self.Voting.set(state, proposal_hash, votes)

    # -- motion logic ----------------------------------------------------------------------------------
    def propose(self, ctx: CallContext, who: bytes, proposal: RuntimeCall, length_bound: int,
                duration: int) -> None:
        """Open a motion; the threshold is a majority of the eligible voters at this moment."""
        if not self.can_propose(ctx.state, who):
            raise self.pallet.error("NotMember")
        if duration < self.motion_duration:
            raise self.pallet.error("WrongDuration")
        threshold = self.voting_members(ctx.state) // 2 + 1
        encoded = proposal.raw or proposal.call.encode(*proposal.args)
        if len(encoded) > length_bound:
            raise self.pallet.error("WrongProposalLength")
        proposal_hash = blake2_256(encoded)
        if self.ProposalOf.contains(ctx.state, proposal_hash):
            raise self.pallet.error("DuplicateProposal")
        proposals = self.Proposals.get(ctx.state)
        if len(proposals) >= self.max_proposals:
            raise self.pallet.error("TooManyProposals")
        self.Proposals.set(ctx.state, [*proposals, proposal_hash])
        index = self.ProposalCount.get(ctx.state)
        self.ProposalCount.set(ctx.state, index + 1)
        self.ProposalOf.set(ctx.state, proposal_hash, proposal)
        self.Voting.set(ctx.state, proposal_hash, {"index": index, "threshold": threshold, "ayes": [],
                                                   "nays": [], "end": ctx.block_number + duration})
        ctx.deposit_event(self.Proposed, who, index, proposal_hash, threshold)

    def do_vote(self, ctx: CallContext, who: bytes, proposal_hash: bytes, index: int, approve: bool) -> bool:
        """Record an aye or nay; True when it is `who`'s first vote on the motion (then it is free)."""
        votes = self.Voting.get(ctx.state, proposal_hash)
        if votes is None:
            raise self.pallet.error("ProposalMissing")
        if votes["index"] != index:
            raise self.pallet.error("WrongIndex")
        mine, other = (votes["ayes"], votes["nays"]) if approve else (votes["nays"], votes["ayes"])
        first = who not in mine and who not in other
        if who in mine:
            raise self.pallet.error("DuplicateVote")
        mine.append(who)
        if who in other:
            other.remove(who)
        ctx.deposit_event(self.Voted, who, proposal_hash, approve, len(votes["ayes"]), len(votes["nays"]))
        self.Voting.set(ctx.state, proposal_hash, votes)
        return first

    def _remove(self, state: Overlay, proposal_hash: bytes) -> None:
        self.Proposals.set(state, [h for h in self.Proposals.get(state) if h != proposal_hash])
        self.ProposalOf.remove(state, proposal_hash)
        self.Voting.remove(state, proposal_hash)

    def disapprove(self, ctx: CallContext, proposal_hash: bytes) -> None:
        """Drop a motion without running it (event Disapproved)."""
        ctx.deposit_event(self.Disapproved, proposal_hash)
        self._remove(ctx.state, proposal_hash)

    def _approve(self, ctx: CallContext, proposal_hash: bytes, yes: int, seats: int, length_bound: int,
                 weight_bound: int) -> None:
        stored = ctx.state.get(self.ProposalOf.key(proposal_hash))
        if stored is None:
            raise self.pallet.error("ProposalMissing")
        if len(stored) > length_bound:
            raise self.pallet.error("WrongProposalLength")
        proposal = self.ProposalOf.get(ctx.state, proposal_hash)
        if proposal.weight() > weight_bound:
            raise self.pallet.error("WrongProposalWeight")
        ctx.deposit_event(self.Approved, proposal_hash)
        ctx.deposit_event(self.Executed, proposal_hash, self._execute(ctx, proposal, yes, seats))
        self._remove(ctx.state, proposal_hash)

    def _execute(self, ctx: CallContext, proposal: RuntimeCall, yes: int, seats: int) -> Any:
        """Dispatch with `Members(yes, seats)` in its own layer; the DispatchResult for the event."""
        mark = len(ctx.env.events)
        try:
            with ctx.state.transaction():
                ctx.dispatch(proposal, CollectiveOrigin(self.name, yes, seats))
        except DispatchError as err:
            del ctx.env.events[mark:]
            return {"Err": err.value}
        return {"Ok": None}

    def close(self, ctx: CallContext, proposal_hash: bytes, index: int, weight_bound: int,
              length_bound: int) -> Any:
        """End a motion that has enough ayes or nays, or whose time is up (abstentions count as nays,
        unless a prime voted aye). A disapproved close is free (Pays::No)."""
        votes = self.Voting.get(ctx.state, proposal_hash)
        if votes is None:
            raise self.pallet.error("ProposalMissing")
        if votes["index"] != index:
            raise self.pallet.error("WrongIndex")
        yes, no = len(votes["ayes"]), len(votes["nays"])
        seats, threshold = self.voting_members(ctx.state), votes["threshold"]
        approved = yes >= threshold
        if not approved and seats - min(no, seats) >= threshold:
            if ctx.block_number < votes["end"]:
                raise self.pallet.error("TooEarly")
            prime = self.Prime.get(ctx.state)
            abstentions = max(seats - yes - no, 0)
            if prime is not None and prime in votes["ayes"]:
                yes += abstentions
            else:
                no += abstentions
            approved = yes >= threshold
        if approved:
            ctx.deposit_event(self.Closed, proposal_hash, yes, no)
            self._approve(ctx, proposal_hash, yes, seats, length_bound, weight_bound)
            return None
        ctx.deposit_event(self.Closed, proposal_hash, yes, no)
        self.disapprove(ctx, proposal_hash)
        return NO_FEE

    # -- calls -------------------------------------------------------------------------------------------
    def _declare_calls(self) -> None:
        p = self.pallet

        @p.call(0, args=[("new_members", "Vec<AccountId>"), ("prime", "Option<AccountId>"),
                         ("old_count", "u32")], weight=20_000_000, dispatch_class="Operational")
        def set_members(ctx: CallContext, new_members: list[bytes], prime: bytes | None, old_count: int) -> None:
            """SetMembersOrigin is `EnsureNever`: membership comes from TriumvirateMembers only."""
            raise bad_origin()

        @p.call(2, args=[("proposal", "RuntimeCall"), ("length_bound", "Compact<u32>"), ("duration", "u32")],
                weight=30_000_000, dispatch_class="Operational")
        def propose(ctx: CallContext, proposal: RuntimeCall, length_bound: int, duration: int) -> None:
            self.propose(ctx, ctx.ensure_signed(), proposal, length_bound, duration)

        @p.call(3, args=[("proposal", "H256"), ("index", "Compact<u32>"), ("approve", "bool")],
                weight=20_000_000, dispatch_class="Operational")
        def vote(ctx: CallContext, proposal: bytes, index: int, approve: bool) -> Any:
            who = ctx.ensure_signed()
            if not self.can_vote(ctx.state, who):
                raise p.error("NotMember")
            return NO_FEE if self.do_vote(ctx, who, proposal, index, approve) else None

        @p.call(5, args=[("proposal_hash", "H256")], weight=20_000_000)
        def disapprove_proposal(ctx: CallContext, proposal_hash: bytes) -> None:
            ctx.ensure_root()
            self.disapprove(ctx, proposal_hash)

        @p.call(6, args=[("proposal_hash", "H256"), ("index", "Compact<u32>"),
                         ("proposal_weight_bound", "Weight"), ("length_bound", "Compact<u32>")],
                weight=lambda _h, _i, bound, _l: 30_000_000 + bound["ref_time"], dispatch_class="Operational")
        def close(ctx: CallContext, proposal_hash: bytes, index: int, proposal_weight_bound: dict[str, int],
                  length_bound: int) -> Any:
            ctx.ensure_signed()
            return self.close(ctx, proposal_hash, index, proposal_weight_bound["ref_time"], length_bound)
