"""The 2024 runtime's governance, as far as it matters to operators (spec §2, §10.1).

- SenateMembers (membership, index 10, at most 12): root validators seated by `root_register`.
- TriumvirateMembers (membership, index 9, at most 3, Root-managed): mirrored into the Triumvirate.
- Triumvirate (collective, index 8): its members propose (`CanPropose`), nobody votes through the
  collective itself (`CanVote = false`); Senate members vote with `SubtensorModule.vote`, and a motion
  needs a majority of the Senate (`GetVotingMembers` = Senate size). Motion duration 3600 blocks (12 h),
  at most 10 open proposals.

The wiring lives here, not in the generic pallets, because it is runtime composition: the same
collective/membership code would serve a council with other rules.
"""

from __future__ import annotations

from localnet.runtime.collective import Collective
from localnet.runtime.membership import Membership
from localnet.runtime.state import StateReader

SENATE_MAX_MEMBERS = 12
TRIUMVIRATE_MAX_MEMBERS = 3
MOTION_DURATION = 3600
MAX_PROPOSALS = 10

senate = Membership("SenateMembers", 10, SENATE_MAX_MEMBERS)


def _is_triumvir(state: StateReader, who: bytes) -> bool:
    return who in triumvirate.Members.get(state)


def _never(_state: StateReader, _who: bytes) -> bool:
    return False


def _senate_size(state: StateReader) -> int:
    return len(senate.Members.get(state))


triumvirate = Collective("Triumvirate", 8, motion_duration=MOTION_DURATION, max_proposals=MAX_PROPOSALS,
                         can_propose=_is_triumvir, can_vote=_never, voting_members=_senate_size)
triumvirate_members = Membership("TriumvirateMembers", 9, TRIUMVIRATE_MAX_MEMBERS,
                                 on_change=triumvirate.change_members, on_prime=triumvirate.set_prime)

PALLETS = [triumvirate.pallet, triumvirate_members.pallet, senate.pallet]
