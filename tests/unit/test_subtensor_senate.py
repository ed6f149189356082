"""Governance as operators meet it (spec §2, §5.1, §10.1), driven through the real pallets in process:
root_register seats senators (12 seats, lowest stake swapped out), the Triumvirate proposes, senators
vote with SubtensorModule.vote, a passed motion runs SubtensorModule.sudo as Root. Every error path is
checked to change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from localnet.runtime.context import ROOT, Call, CollectiveOrigin
from localnet.runtime.errors import DispatchError, ModuleError
from localnet.runtime.governance import senate, triumvirate, triumvirate_members
from localnet.runtime.pallets import BY_NAME
from localnet.runtime.subtensor import storage as st
from localnet.runtime.subtensor.events import Sudid, TxRateLimitSet
from localnet.runtime.subtensor.networks import register_network
from localnet.runtime.subtensor.registration import burned_register
from localnet.runtime.subtensor.root import root_register
from localnet.runtime.subtensor.senate import sudo, sudo_unchecked_weight, vote
from localnet.runtime.subtensor.staking import add_stake, remove_stake
from localnet.runtime.sudo import NO_FEE
from tests.unit.test_subtensor_harness import TAO, Chain, acct

TRIUMVIR = acct(200)
WEIGHT = {"ref_time": 10**10, "proof_size": 0}


def make(pallet: str, name: str, *args: Any) -> Call:
    """A RuntimeCall value, as a client would encode it inside a proposal."""
    return Call(BY_NAME[pallet].calls_by_name[name], args)


def fn(pallet: str, name: str) -> Any:
    return BY_NAME[pallet].calls_by_name[name].fn


def tags(events: list[bytes]) -> list[bytes]:
    """(pallet index, event index) of each recorded event (harness records 1-byte phases)."""
    return [e[1:3] for e in events]


def tag(event: Any) -> bytes:
    return bytes((event.pallet.index, event.index))


def refused(chain: Chain, origin: Any, f: Any, *args: Any) -> str:
    """Name of the error a failing call raises (module error name or BadOrigin); nothing may change."""
    before = chain.state.changes()
    with pytest.raises(DispatchError) as caught:
        chain.call(origin, f, *args)
    assert chain.state.changes() == before, "a failed call left writes behind"
    err = caught.value
    return f"{err.pallet}.{err.name}" if isinstance(err, ModuleError) else str(err.value)


def seat(chain: Chain, hotkeys: list[bytes], coldkey_of: dict[bytes, bytes]) -> None:
    """Root-register each hotkey from its own coldkey, one registration per block."""
    st.TargetRegistrationsPerInterval.set(chain.state, 0, 20)
    for hot in hotkeys:
        chain.call(coldkey_of[hot], root_register, hot)
        chain.step()


def council(senators: int = 3) -> tuple[Chain, list[bytes], dict[bytes, bytes]]:
    """A chain with one triumvir (added by Root) and `senators` root-registered senators."""
    chain = Chain()
    chain.call(ROOT, fn("TriumvirateMembers", "add_member"), {"Id": TRIUMVIR})
    hots = [acct(10 + i) for i in range(senators)]
    colds = {h: acct(100 + i) for i, h in enumerate(hots)}
    seat(chain, hots, colds)
    return chain, hots, colds


def propose(chain: Chain, inner: Call, who: bytes = TRIUMVIR) -> bytes:
    chain.call(who, fn("Triumvirate", "propose"), make("SubtensorModule", "sudo", inner), 1000, 3600)
    return triumvirate.Proposals.get(chain.state)[-1]


def test_root_register_seats_senators_and_swaps_the_lowest_stake_when_full() -> None:
    chain = Chain()
    hots = [acct(10 + i) for i in range(12)]
    colds = {h: acct(100 + i) for i, h in enumerate(hots)}
    events = chain.call(colds[hots[0]], root_register, hots[0])
    assert tag(senate.MemberAdded) in tags(events)
    chain.step()
    seat(chain, hots[1:], colds)
    assert senate.members(chain.state) == sorted(hots)
    for i, hot in enumerate(hots):
        chain.fund(colds[hot], 1000 * TAO)
        chain.call(colds[hot], add_stake, hot, (i + 1) * TAO)  # hots[0] has the least stake
    chain.call(ROOT, fn("TriumvirateMembers", "add_member"), {"Id": TRIUMVIR})
    motion = propose(chain, make("AdminUtils", "sudo_set_tx_rate_limit", 1))
    chain.call(colds[hots[0]], vote, hots[0], motion, 0, True)

    owner, newcomer, newcomer_cold = acct(1), acct(50), acct(51)
    chain.fund(owner, 10_000 * TAO)
    chain.fund(newcomer_cold, 1000 * TAO)
    chain.call(owner, register_network)
    chain.call(newcomer_cold, burned_register, 1, newcomer)
    chain.call(newcomer_cold, add_stake, newcomer, 50 * TAO)
    chain.step()
    events = chain.call(newcomer_cold, root_register, newcomer)
    assert tag(senate.MembersSwapped) in tags(events)
    assert senate.members(chain.state) == sorted([*hots[1:], newcomer])
    assert triumvirate.Voting.get(chain.state, motion)["ayes"] == []  # the swapped-out senator's vote is gone

    poor, poor_cold = acct(60), acct(61)
    chain.step()
    chain.call(poor_cold, root_register, poor)  # registers on root, but 0 stake wins no seat
    assert st.Uids.get(chain.state, 0, poor) is not None
    assert poor not in senate.members(chain.state)

    chain.call(colds[hots[5]], remove_stake, hots[5], 6 * TAO)  # losing stake never costs the seat
    assert hots[5] in senate.members(chain.state)


def test_motion_passes_with_a_senate_majority_and_runs_sudo_as_root() -> None:
    chain, hots, colds = council()
    assert triumvirate.Members.get(chain.state) == [TRIUMVIR]
    motion = propose(chain, make("AdminUtils", "sudo_set_tx_rate_limit", 7))
    votes = triumvirate.Voting.get(chain.state, motion)
    assert votes["threshold"] == 2 and votes["end"] == chain.block + 3600 and votes["index"] == 0
    assert triumvirate.ProposalOf.get(chain.state, motion).name == "SubtensorModule.sudo"

    first: list[Any] = []
    chain.call(colds[hots[0]], lambda ctx, *a: first.append(vote(ctx, *a)), hots[0], motion, 0, False)
    chain.call(colds[hots[0]], lambda ctx, *a: first.append(vote(ctx, *a)), hots[0], motion, 0, True)
    assert first == [NO_FEE, None]  # the first vote is free, changing it pays
    close = fn("Triumvirate", "close")
    assert refused(chain, acct(9), close, motion, 0, WEIGHT, 1000) == "Triumvirate.TooEarly"
    chain.call(colds[hots[1]], vote, hots[1], motion, 0, True)
    assert triumvirate.Voting.get(chain.state, motion)["ayes"] == [hots[0], hots[1]]

    assert refused(chain, acct(9), close, motion, 0, {"ref_time": 0, "proof_size": 0}, 1000) \
        == "Triumvirate.WrongProposalWeight"
    assert refused(chain, acct(9), close, motion, 0, WEIGHT, 3) == "Triumvirate.WrongProposalLength"
    events = chain.call(acct(9), close, motion, 0, WEIGHT, 1000)
    assert chain.get(st.TxRateLimit) == 7
    assert tags(events) == [tag(triumvirate.Closed), tag(triumvirate.Approved), tag(TxRateLimitSet), tag(Sudid),
                            tag(triumvirate.Executed)]
    assert events[-1][1:-1] == triumvirate.Executed.encode(motion, {"Ok": None})
    assert triumvirate.Proposals.get(chain.state) == [] and triumvirate.Voting.get(chain.state, motion) is None


def test_failed_or_expired_motions() -> None:
    chain, hots, colds = council()
    close = fn("Triumvirate", "close")
    failing = propose(chain, make("AdminUtils", "sudo_set_tempo", 99, 10))  # no subnet 99
    for hot in hots[:2]:
        chain.call(colds[hot], vote, hot, failing, 0, True)
    events = chain.call(acct(9), close, failing, 0, WEIGHT, 1000)
    result = events[-1][1:-1]
    assert result[:2] == tag(triumvirate.Executed) and result[34] == 1  # Executed(hash, Err(..))
    assert tag(Sudid) not in tags(events)  # the failed sudo rolled back with its inner call
    expired = propose(chain, make("AdminUtils", "sudo_set_tx_rate_limit", 9))
    chain.call(colds[hots[0]], vote, hots[0], expired, 1, True)
    chain.block += 3600
    returned: list[Any] = []
    events = chain.call(acct(9), lambda ctx, *a: returned.append(close(ctx, *a)), expired, 1, WEIGHT, 100)
    assert returned == [NO_FEE]  # a disapproved close is free
    assert tags(events) == [tag(triumvirate.Closed), tag(triumvirate.Disapproved)]
    assert chain.get(st.TxRateLimit) == 0 and triumvirate.Proposals.get(chain.state) == []
    dropped = propose(chain, make("AdminUtils", "sudo_set_tx_rate_limit", 11))
    assert refused(chain, acct(9), fn("Triumvirate", "disapprove_proposal"), dropped) == "BadOrigin"
    chain.call(ROOT, fn("Triumvirate", "disapprove_proposal"), dropped)
    assert triumvirate.ProposalOf.get(chain.state, dropped) is None


def test_every_governance_error_changes_nothing() -> None:
    chain, hots, colds = council()
    inner = make("AdminUtils", "sudo_set_tx_rate_limit", 3)
    prop = fn("Triumvirate", "propose")
    wrapped = make("SubtensorModule", "sudo", inner)
    assert refused(chain, hots[0], prop, wrapped, 1000, 3600) == "Triumvirate.NotMember"
    assert refused(chain, TRIUMVIR, prop, wrapped, 1000, 3599) == "Triumvirate.WrongDuration"
    assert refused(chain, TRIUMVIR, prop, wrapped, 2, 3600) == "Triumvirate.WrongProposalLength"
    motion = propose(chain, inner)
    assert refused(chain, TRIUMVIR, prop, wrapped, 1000, 3600) == "Triumvirate.DuplicateProposal"
    for i in range(9):
        propose(chain, make("AdminUtils", "sudo_set_tx_rate_limit", 100 + i))
    extra = make("SubtensorModule", "sudo", make("AdminUtils", "sudo_set_tx_rate_limit", 500))
    assert refused(chain, TRIUMVIR, prop, extra, 1000, 3600) == "Triumvirate.TooManyProposals"

    assert refused(chain, hots[0], fn("Triumvirate", "vote"), motion, 0, True) == "Triumvirate.NotMember"
    assert refused(chain, colds[hots[1]], vote, hots[0], motion, 0, True) == "SubtensorModule.NonAssociatedColdKey"
    owner, outsider, outsider_cold = acct(1), acct(70), acct(71)
    chain.fund(owner, 10_000 * TAO)
    chain.fund(outsider_cold, 100 * TAO)
    chain.call(owner, register_network)
    chain.call(outsider_cold, burned_register, 1, outsider)
    assert refused(chain, outsider_cold, vote, outsider, motion, 0, True) == "SubtensorModule.NotSenateMember"
    assert refused(chain, colds[hots[0]], vote, hots[0], bytes(32), 0, True) == "Triumvirate.ProposalMissing"
    assert refused(chain, colds[hots[0]], vote, hots[0], motion, 5, True) == "Triumvirate.WrongIndex"
    chain.call(colds[hots[0]], vote, hots[0], motion, 0, True)
    assert refused(chain, colds[hots[0]], vote, hots[0], motion, 0, True) == "Triumvirate.DuplicateVote"
    close = fn("Triumvirate", "close")
    assert refused(chain, acct(9), close, bytes(32), 0, WEIGHT, 1000) == "Triumvirate.ProposalMissing"
    assert refused(chain, acct(9), close, motion, 3, WEIGHT, 1000) == "Triumvirate.WrongIndex"
    assert refused(chain, ROOT, close, motion, 0, WEIGHT, 1000) == "BadOrigin"
    assert refused(chain, ROOT, fn("Triumvirate", "set_members"), [hots[0]], None, 0) == "BadOrigin"

    # SubtensorModule.sudo: only more than half of the Triumvirate's electorate
    for origin in (TRIUMVIR, ROOT, CollectiveOrigin("Triumvirate", 1, 2), CollectiveOrigin("Council", 3, 3)):
        assert refused(chain, origin, sudo, inner) == "BadOrigin"
        assert refused(chain, origin, sudo_unchecked_weight, inner, WEIGHT) == "BadOrigin"
    chain.call(CollectiveOrigin("Triumvirate", 2, 3), sudo_unchecked_weight, inner, WEIGHT)
    assert chain.get(st.TxRateLimit) == 3
    failing = make("AdminUtils", "sudo_set_tempo", 99, 10)
    assert refused(chain, CollectiveOrigin("Triumvirate", 3, 3), sudo, failing) == "AdminUtils.NetworkDoesNotExist"


def test_membership_calls_and_errors() -> None:
    chain = Chain()
    add, remove = fn("TriumvirateMembers", "add_member"), fn("TriumvirateMembers", "remove_member")
    swap, reset = fn("TriumvirateMembers", "swap_member"), fn("SenateMembers", "reset_members")
    assert refused(chain, acct(1), add, {"Id": acct(1)}) == "BadOrigin"
    for i in (1, 2, 3):
        chain.call(ROOT, add, {"Id": acct(i)})
    assert refused(chain, ROOT, add, {"Id": acct(1)}) == "TriumvirateMembers.AlreadyMember"
    assert refused(chain, ROOT, add, {"Id": acct(4)}) == "TriumvirateMembers.TooManyMembers"
    assert refused(chain, ROOT, remove, {"Id": acct(4)}) == "TriumvirateMembers.NotMember"
    assert refused(chain, ROOT, swap, {"Id": acct(4)}, {"Id": acct(5)}) == "TriumvirateMembers.NotMember"
    assert refused(chain, ROOT, swap, {"Id": acct(1)}, {"Id": acct(2)}) == "TriumvirateMembers.AlreadyMember"
    chain.call(ROOT, fn("TriumvirateMembers", "set_prime"), {"Id": acct(1)})
    chain.call(ROOT, swap, {"Id": acct(1)}, {"Id": acct(5)})
    assert triumvirate.Members.get(chain.state) == sorted([acct(2), acct(3), acct(5)])  # mirrored
    assert triumvirate_members.Prime.get(chain.state) is None and triumvirate.Prime.get(chain.state) is None
    chain.call(ROOT, remove, {"Id": acct(2)})
    assert triumvirate.Members.get(chain.state) == sorted([acct(3), acct(5)])
    change_key = fn("TriumvirateMembers", "change_key")
    assert refused(chain, acct(7), change_key, {"Id": acct(8)}) == "TriumvirateMembers.NotMember"
    assert refused(chain, acct(3), change_key, {"Id": acct(5)}) == "TriumvirateMembers.AlreadyMember"
    chain.call(acct(3), change_key, {"Id": acct(6)})
    assert triumvirate_members.members(chain.state) == sorted([acct(5), acct(6)])
    assert refused(chain, ROOT, reset, [acct(i) for i in range(13)]) == "SenateMembers.TooManyMembers"
    chain.call(ROOT, reset, [acct(9), acct(8)])
    assert senate.members(chain.state) == [acct(8), acct(9)]
