"""burned_register, PoW register, uid replacement and registration-cost adjustment (§5.1, §7.1, §9, T11/T12/T20)."""

from __future__ import annotations

import pytest

from localnet.runtime import balances
from localnet.runtime.subtensor import storage as st
from localnet.runtime.subtensor.events import NeuronRegistered, RAORecycledForRegistrationSet
from localnet.runtime.subtensor.networks import register_network
from localnet.runtime.subtensor.registration import burned_register, meets_difficulty, register, seal_hash
from localnet.runtime.subtensor.staking import add_stake
from tests.unit.test_subtensor_harness import TAO, Chain, acct, event

OWNER = acct(1)


def subnet_chain(**overrides: int) -> Chain:
    """A chain with subnet 1 (owned by OWNER) and the given per-subnet values."""
    chain = Chain()
    chain.fund(OWNER, 10_000 * TAO)
    chain.call(OWNER, register_network)
    for name, value in overrides.items():
        chain.put(getattr(st, name), 1, value)
    return chain


def test_burned_register_appends_neuron() -> None:
    chain = subnet_chain(Burn=1000)
    cold, hot = acct(2), acct(3)
    chain.fund(cold, 10_000)
    chain.put(st.TotalIssuance, 10**6)
    issuance = chain.get(st.TotalIssuance)
    events = chain.call(cold, burned_register, 1, hot)
    assert events == [event(balances.Withdraw, cold, 1000), event(RAORecycledForRegistrationSet, 1, 1000),
                      event(NeuronRegistered, 1, 0, hot)]  # the real runtime's events, in its order
    assert chain.free(cold) == 9000  # T20 test_burned_registration_ok
    assert chain.get(st.TotalIssuance) == issuance - 1000
    assert chain.get(st.RAORecycledForRegistration, 1) == 1000
    assert chain.get(st.SubnetworkN, 1) == 1
    assert chain.get(st.Uids, 1, hot) == 0
    assert chain.get(st.Keys, 1, 0) == hot
    assert chain.get(st.Owner, hot) == cold
    assert chain.get(st.IsNetworkMember, hot, 1) is True
    assert chain.get(st.BlockAtRegistration, 1, 0) == chain.block
    assert chain.get(st.LastUpdate, 1) == [chain.block]
    assert chain.get(st.Active, 1) == [True]
    assert chain.get(st.ValidatorPermit, 1) == [False]
    assert chain.get(st.Rank, 1) == [0]
    counters = (st.RegistrationsThisBlock, st.RegistrationsThisInterval, st.BurnRegistrationsThisInterval,
                st.POWRegistrationsThisInterval)
    assert [chain.get(c, 1) for c in counters] == [1, 1, 1, 0]


def test_burned_register_errors_in_order() -> None:
    chain = subnet_chain(Burn=1000, MaxRegistrationsPerBlock=5)
    cold = acct(2)
    chain.fund(cold, 1500)
    assert chain.error(cold, burned_register, 0, acct(3)) == "OperationNotPermittedonRootSubnet"
    assert chain.error(cold, burned_register, 7, acct(3)) == "NetworkDoesNotExist"
    chain.put(st.NetworkRegistrationAllowed, 1, False)
    assert chain.error(cold, burned_register, 1, acct(3)) == "RegistrationDisabled"
    chain.put(st.NetworkRegistrationAllowed, 1, True)
    chain.put(st.Burn, 1, 2000)
    assert chain.error(cold, burned_register, 1, acct(3)) == "NotEnoughBalanceToStake"
    chain.put(st.Burn, 1, 1200)
    assert chain.error(cold, burned_register, 1, acct(3)) == "BalanceWithdrawalError"  # 300 left < ED
    chain.put(st.Burn, 1, 1000)
    chain.fund(cold, 10_000)
    chain.call(cold, burned_register, 1, acct(3))
    assert chain.error(cold, burned_register, 1, acct(3)) == "AlreadyRegistered"
    thief = acct(4)
    chain.fund(thief, 10_000)
    assert chain.error(thief, burned_register, 1, acct(3)) == "AlreadyRegistered"
    chain.call(cold, burned_register, 1, acct(5))
    chain.put(st.NetworkRegistrationAllowed, 2, True)
    assert chain.error(thief, burned_register, 1, acct(5)) == "AlreadyRegistered"


def test_hotkey_of_another_coldkey_is_refused() -> None:
    chain = subnet_chain(Burn=1000, MaxRegistrationsPerBlock=5)
    cold, thief, hot = acct(2), acct(4), acct(3)
    for who in (cold, thief):
        chain.fund(who, 10_000)
    chain.call(cold, burned_register, 1, hot)
    chain.call(OWNER, register_network)
    chain.put(st.Burn, 2, 1000)
    assert chain.error(thief, burned_register, 2, hot) == "NonAssociatedColdKey"


def test_per_block_and_per_interval_limits_t20() -> None:
    chain = subnet_chain(Burn=0, MaxRegistrationsPerBlock=10, TargetRegistrationsPerInterval=10,
                         MaxAllowedUids=100)
    cold = acct(2)
    chain.fund(cold, 10 * TAO)
    for i in range(10):
        chain.call(cold, burned_register, 1, acct(100 + i))
    assert chain.error(cold, burned_register, 1, acct(200)) == "TooManyRegistrationsThisBlock"
    chain = subnet_chain(Burn=0, MaxRegistrationsPerBlock=11, TargetRegistrationsPerInterval=3,
                         MaxAllowedUids=100)
    chain.fund(cold, 10 * TAO)
    for i in range(9):
        chain.call(cold, burned_register, 1, acct(100 + i))
    assert chain.error(cold, burned_register, 1, acct(200)) == "TooManyRegistrationsThisInterval"


def test_full_subnet_replaces_lowest_pruning_score_and_refunds_stake() -> None:
    chain = subnet_chain(Burn=0, MaxAllowedUids=3, MaxRegistrationsPerBlock=10, ImmunityPeriod=2,
                         TargetRegistrationsPerInterval=10)
    cold, nominator = acct(2), acct(9)
    chain.fund(cold, 100 * TAO)
    chain.fund(nominator, 100 * TAO)
    hot = [acct(50 + i) for i in range(4)]
    for h in hot[:3]:
        chain.call(cold, burned_register, 1, h)
    chain.call(cold, add_stake, hot[1], 10 * TAO)
    chain.put(st.PruningScores, 1, [30, 10, 20])
    chain.step(2)  # out of immunity
    events = chain.call(cold, burned_register, 1, hot[3])
    assert events[-1] == event(NeuronRegistered, 1, 1, hot[3])
    assert chain.get(st.Keys, 1, 1) == hot[3]
    assert chain.get(st.Uids, 1, hot[1]) is None
    assert chain.get(st.IsNetworkMember, hot[1], 1) is False
    assert chain.get(st.SubnetworkN, 1) == 3
    assert chain.get(st.PruningScores, 1) == [30, 65535, 20]
    assert chain.get(st.BlockAtRegistration, 1, 1) == chain.block
    # the evicted hotkey left its last subnet: its stake went back to the coldkey
    assert chain.get(st.Stake, hot[1], cold) == 0
    assert chain.free(cold) == 100 * TAO


def test_immune_neurons_are_pruned_last_t7_rule() -> None:
    chain = subnet_chain(Burn=0, MaxAllowedUids=4, MaxRegistrationsPerBlock=10,
                         TargetRegistrationsPerInterval=10)
    cold = acct(2)
    chain.fund(cold, 100 * TAO)
    for i in range(4):
        chain.call(cold, burned_register, 1, acct(60 + i))
    chain.put(st.PruningScores, 1, [49151, 49151, 65535, 32767])
    chain.call(cold, burned_register, 1, acct(70))  # all immune: lowest immune score (uid 3) goes
    assert chain.get(st.Keys, 1, 3) == acct(70)


def solve(block_hash: bytes, hotkey: bytes, difficulty: int, start: int = 0) -> tuple[int, bytes]:
    """Find a nonce whose seal meets `difficulty` (what chain/pow.py does on all cores)."""
    nonce = start
    while True:
        work = seal_hash(block_hash, hotkey, nonce)
        if meets_difficulty(work, difficulty):
            return nonce, work
        nonce += 1


def _pow_chain() -> Chain:
    chain = subnet_chain(Difficulty=1, MaxRegistrationsPerBlock=5)
    chain.put(st.NetworkPowRegistrationAllowed, 1, True)
    chain.block = 10
    chain.hashes = {9: bytes(range(32)), 8: bytes(32 * [7])}
    return chain


def test_pow_register_with_a_real_seal() -> None:
    chain = _pow_chain()
    hot, cold = acct(30), acct(31)
    work = seal_hash(bytes(range(32)), hot, 12345)
    events = chain.call(hot, register, 1, 9, 12345, work, hot, cold)
    assert events == [b"\x02" + NeuronRegistered.encode(1, 0, hot) + b"\x00"]
    assert chain.get(st.Owner, hot) == cold
    assert chain.get(st.POWRegistrationsThisInterval, 1) == 1
    assert chain.get(st.UsedWork, work) == 10
    # current block: the block hash is taken as all zeros
    hot2 = acct(32)
    chain.call(hot2, register, 1, 10, 1, seal_hash(bytes(32), hot2, 1), hot2, cold)


@pytest.mark.parametrize(("block_number", "nonce", "error"), [
    (11, 1, "InvalidWorkBlock"), (7, 1, "InvalidWorkBlock"), (9, 2, "InvalidSeal"),
])
def test_pow_register_rejects_bad_work(block_number: int, nonce: int, error: str) -> None:
    chain = _pow_chain()
    hot = acct(30)
    work = seal_hash(bytes(range(32)), hot, 1)
    assert chain.error(hot, register, 1, block_number, nonce, work, hot, acct(31)) == error


def test_pow_register_origin_flag_and_difficulty() -> None:
    chain = _pow_chain()
    hot = acct(30)
    work = seal_hash(bytes(range(32)), hot, 1)
    assert chain.error(acct(31), register, 1, 9, 1, work, hot, acct(31)) == "HotkeyOriginMismatch"
    chain.put(st.Difficulty, 1, 2**64 - 1)
    assert chain.error(hot, register, 1, 9, 1, work, hot, acct(31)) == "InvalidDifficulty"
    chain.put(st.NetworkPowRegistrationAllowed, 1, False)
    assert chain.error(hot, register, 1, 9, 1, work, hot, acct(31)) == "RegistrationDisabled"
    assert chain.error(hot, register, 1, 9, 1, work[:31], hot, acct(31)) == "RegistrationDisabled"


def _adjust_case(burn_regs: int, pow_regs: int, target: int, min_difficulty: int = 1,
                 alpha: int = 58_000) -> tuple[int, int]:
    chain = subnet_chain(Burn=1000, Difficulty=10_000, MinDifficulty=min_difficulty, MinBurn=0,
                         MaxRegistrationsPerBlock=10, TargetRegistrationsPerInterval=target,
                         AdjustmentInterval=1, AdjustmentAlpha=alpha, MaxAllowedUids=50)
    chain.put(st.NetworkPowRegistrationAllowed, 1, True)
    chain.put(st.Tempo, 1, 13)
    chain.put(st.LastAdjustmentBlock, 1, chain.block)
    cold = acct(2)
    chain.fund(cold, 100 * TAO)
    chain.hashes = {chain.block - 1: bytes(32)}
    for i in range(burn_regs):
        chain.call(cold, burned_register, 1, acct(100 + i))
    chain.put(st.Difficulty, 1, 100)  # solve cheaply; the adjustment reads Difficulty at the next step
    for i in range(pow_regs):
        hot = acct(150 + i)
        nonce, work = solve(bytes(32), hot, 100)
        chain.call(hot, register, 1, chain.block, nonce, work, hot, cold)
    chain.put(st.Difficulty, 1, 10_000)
    chain.step()
    assert chain.get(st.RegistrationsThisInterval, 1) == 0
    assert chain.get(st.LastAdjustmentBlock, 1) == chain.block
    return chain.get(st.Burn, 1), chain.get(st.Difficulty, 1)


@pytest.mark.parametrize(("burn_regs", "pow_regs", "target", "min_difficulty", "alpha", "expected"), [
    (2, 0, 1, 1, 58_000, (1500, 10_000)),  # test_burn_adjustment (burn path busier: burn only)
    (2, 0, 1, 1, (2**64 - 1) // 2, (1250, 10_000)),
    (1, 2, 1, 10_000, 58_000, (1000, 20_000)),  # case A
    (2, 1, 1, 1, 58_000, (2000, 10_000)),  # case B
    (1, 2, 4, 1, 58_000, (875, 10_000)),  # case C
    (2, 1, 4, 1, 58_000, (1000, 8750)),  # case D
    (1, 1, 3, 1, 58_000, (833, 8333)),  # case E
    (1, 1, 1, 10_000, 58_000, (1500, 15_000)),  # case F
    (0, 0, 1, 1, 58_000, (500, 5000)),  # case E with no registrations
])
def test_registration_cost_adjustment_t11(burn_regs, pow_regs, target, min_difficulty, alpha, expected) -> None:
    assert _adjust_case(burn_regs, pow_regs, target, min_difficulty, alpha) == expected


def test_pow_register_remaining_errors() -> None:
    chain = _pow_chain()
    hot, cold, other = acct(30), acct(31), acct(33)
    work = seal_hash(bytes(range(32)), hot, 5)
    chain.call(hot, register, 1, 9, 5, work, hot, cold)
    assert chain.error(hot, register, 1, 9, 5, work, hot, cold) == "AlreadyRegistered"
    chain.fund(OWNER, 0)
    chain.call(OWNER, register_network)  # subnet 2, where hot is not yet registered
    chain.put(st.NetworkPowRegistrationAllowed, 2, True)
    chain.put(st.Difficulty, 2, 1)
    assert chain.error(hot, register, 2, 9, 5, work, hot, other) == "NonAssociatedColdKey"
    chain.put(st.MaxAllowedUids, 2, 0)
    assert chain.error(hot, register, 2, 9, 5, work, hot, cold) == "NetworkDoesNotExist"
    chain.put(st.MaxRegistrationsPerBlock, 2, 0)
    assert chain.error(hot, register, 2, 9, 5, work, hot, cold) == "TooManyRegistrationsThisBlock"
    assert chain.error(hot, register, 0, 9, 5, work, hot, cold) == "OperationNotPermittedonRootSubnet"
