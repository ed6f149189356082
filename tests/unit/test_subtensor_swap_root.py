"""swap_hotkey, faucet, root_register errors, difficulty sequence T12 and validator permits T9."""

from __future__ import annotations

import pytest

from localnet.runtime import balances
from localnet.runtime.subtensor import storage as st
from localnet.runtime.subtensor.events import HotkeySwapped
from localnet.runtime.subtensor.networks import register_network
from localnet.runtime.subtensor.registration import burned_register, register
from localnet.runtime.subtensor.root import root_register
from localnet.runtime.subtensor.serving import serve_axon
from localnet.runtime.subtensor.staking import add_stake, become_delegate
from localnet.runtime.subtensor.swap import faucet, swap_hotkey
from tests.unit.test_subtensor_harness import TAO, Chain, acct, event
from tests.unit.test_subtensor_registration import solve

OWNER, COLD, NOMINATOR, OLD, NEW = acct(1), acct(2), acct(3), acct(4), acct(5)


def swap_chain() -> Chain:
    chain = Chain()
    for who in (OWNER, COLD, NOMINATOR):
        chain.fund(who, 10_000 * TAO)
    chain.call(OWNER, register_network)
    chain.put(st.Burn, 1, 0)
    chain.call(COLD, burned_register, 1, OLD)
    chain.call(COLD, add_stake, OLD, 100 * TAO)
    chain.call(COLD, become_delegate, OLD)
    chain.call(NOMINATOR, add_stake, OLD, 40 * TAO)
    chain.call(OLD, serve_axon, 1, 1, (10 << 24) + 1, 8091, 4, 0, 0, 0)
    return chain


def test_swap_hotkey_moves_everything_keyed_by_the_hotkey() -> None:
    chain = swap_chain()
    before = chain.free(COLD)
    events = chain.call(COLD, swap_hotkey, OLD, NEW)
    assert events == [event(balances.Withdraw, COLD, TAO), event(HotkeySwapped, COLD, OLD, NEW)]
    assert chain.free(COLD) == before - TAO
    assert chain.get(st.Owner, NEW) == COLD and not st.Owner.contains(chain.state, OLD)
    assert chain.get(st.TotalHotkeyStake, NEW) == 140 * TAO
    assert chain.get(st.Stake, NEW, NOMINATOR) == 40 * TAO and chain.get(st.Stake, OLD, NOMINATOR) == 0
    assert chain.get(st.Delegates, NEW) == 11_796 and not st.Delegates.contains(chain.state, OLD)
    assert chain.get(st.Uids, 1, NEW) == 0 and chain.get(st.Keys, 1, 0) == NEW
    assert chain.get(st.Uids, 1, OLD) is None
    assert chain.get(st.IsNetworkMember, NEW, 1) is True and chain.get(st.IsNetworkMember, OLD, 1) is False
    assert chain.get(st.Axons, 1, NEW)["port"] == 8091 and chain.get(st.Axons, 1, OLD) is None


def test_swap_hotkey_errors() -> None:
    chain = swap_chain()
    assert chain.error(NOMINATOR, swap_hotkey, OLD, NEW) == "NonAssociatedColdKey"
    assert chain.error(COLD, swap_hotkey, OLD, OLD) == "AlreadyRegistered"
    st.IsNetworkMember.set(chain.state, NEW, 1, True)
    assert chain.error(COLD, swap_hotkey, OLD, NEW) == "AlreadyRegistered"
    st.IsNetworkMember.remove(chain.state, NEW, 1)
    poor, hot = acct(7), acct(8)
    chain.fund(poor, TAO // 2)
    st.Owner.set(chain.state, hot, poor)
    assert chain.error(poor, swap_hotkey, hot, NEW) == "NotEnoughBalance"
    chain.put(st.TxRateLimit, 10)
    assert chain.error(COLD, swap_hotkey, OLD, NEW) == "TxRateLimitExceeded"


def test_faucet_is_disabled() -> None:
    chain = Chain()
    assert chain.error(acct(1), faucet, 0, 0, bytes(32)) == "FaucetDisabled"


def test_root_register_checks() -> None:
    chain = Chain()
    chain.fund(COLD, 10 * TAO)
    chain.call(COLD, root_register, OLD)
    assert chain.get(st.Uids, 0, OLD) == 0
    assert chain.error(COLD, root_register, NEW) == "TooManyRegistrationsThisBlock"
    chain.step()
    assert chain.error(COLD, root_register, OLD) == "AlreadyRegistered"
    chain.put(st.NetworksAdded, 0, False)
    assert chain.error(COLD, root_register, NEW) == "NetworkDoesNotExist"


def test_difficulty_adjustment_sequence_t12() -> None:
    chain = Chain()
    chain.fund(OWNER, 10_000 * TAO)
    chain.call(OWNER, register_network)
    chain.block = 0
    for item, value in ((st.Tempo, 1), (st.AdjustmentAlpha, 58_000), (st.Difficulty, 20_000),
                        (st.AdjustmentInterval, 1), (st.TargetRegistrationsPerInterval, 1),
                        (st.MaxRegistrationsPerBlock, 3), (st.MaxAllowedUids, 3), (st.MinDifficulty, 1),
                        (st.MaxDifficulty, 2**64 - 1), (st.NetworkPowRegistrationAllowed, True),
                        (st.LastAdjustmentBlock, 0), (st.ImmunityPeriod, 0)):
        chain.put(item, 1, value)

    def pow_register(count: int, first: int) -> None:
        # Solve at difficulty 1000 and restore the real value afterwards: the adjustment only reads the
        # counters and Difficulty at the next block step, and the unit test stays fast.
        difficulty = chain.get(st.Difficulty, 1)
        chain.put(st.Difficulty, 1, 1000)
        for i in range(count):
            hot = acct(first + i)
            nonce, work = solve(bytes(32), hot, 1000)  # the current block's hash reads as zeros
            chain.call(hot, register, 1, chain.block, nonce, work, hot, COLD)
        chain.put(st.Difficulty, 1, difficulty)

    pow_register(3, 100)
    chain.step()
    assert chain.get(st.LastAdjustmentBlock, 1) == 1
    assert chain.get(st.Difficulty, 1) == 40_000
    assert chain.get(st.RegistrationsThisInterval, 1) == 0
    chain.put(st.AdjustmentInterval, 1, 3)
    chain.put(st.TargetRegistrationsPerInterval, 1, 3)
    pow_register(3, 110)  # replaces uids 0, 1, 2
    chain.step()
    assert chain.get(st.RegistrationsThisInterval, 1) == 3
    pow_register(3, 120)
    chain.step()
    assert (chain.get(st.RegistrationsThisInterval, 1), chain.get(st.Difficulty, 1)) == (6, 40_000)
    chain.step()
    assert chain.get(st.Difficulty, 1) == 60_000
    chain.put(st.AdjustmentInterval, 1, 1)
    chain.put(st.Difficulty, 1, 4)
    seen = []
    for _ in range(3):
        chain.step()
        seen.append(chain.get(st.Difficulty, 1))
    assert seen == [2, 1, 1]


@pytest.mark.parametrize(("n", "validators"), [(2, 1), (4, 2), (8, 4)])
def test_validator_permits_follow_stake_t9(n: int, validators: int) -> None:
    chain = Chain()
    chain.fund(OWNER, 10_000 * TAO)
    chain.fund(COLD, 10_000 * TAO)
    chain.call(OWNER, register_network)
    for item, value in ((st.Burn, 0), (st.MaxRegistrationsPerBlock, 20), (st.TargetRegistrationsPerInterval, 20),
                        (st.MaxAllowedValidators, validators), (st.Tempo, 9)):
        chain.put(item, 1, value)
    # no emission, so stake stays exactly what the test adds (the Rust test runs epochs by hand)
    hotkeys = [acct(50 + i) for i in range(n)]
    for hot in hotkeys:
        chain.call(COLD, burned_register, 1, hot)
    for uid, hot in enumerate(hotkeys):
        if uid % 2 == 0:  # validators interleaved with servers
            chain.call(COLD, add_stake, hot, (uid + 1) * TAO)
    chain.step(6)  # epoch at block 7
    permits = chain.get(st.ValidatorPermit, 1)
    assert permits == [uid % 2 == 0 for uid in range(n)]
    for uid, hot in enumerate(hotkeys):
        if uid % 2 == 1:
            chain.call(COLD, add_stake, hot, 2 * n * TAO)
    chain.step(10)  # next epoch at block 17
    assert chain.get(st.ValidatorPermit, 1) == [uid % 2 == 1 for uid in range(n)]
