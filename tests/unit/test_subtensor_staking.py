"""add_stake, remove_stake, become_delegate and the emission payout (spec §5.1, §7.5, §12 T13/T14)."""

from __future__ import annotations

from localnet.runtime import balances
from localnet.runtime.subtensor import storage as st
from localnet.runtime.subtensor.events import DelegateAdded, StakeAdded, StakeRemoved
from localnet.runtime.subtensor.staking import (
    add_stake,
    become_delegate,
    create_account_if_missing,
    emit_inflation_through_hotkey_account,
    increase_stake,
    remove_stake,
)
from tests.unit.test_subtensor_harness import TAO, Chain, acct, event

COLD, HOT, OTHER = acct(1), acct(2), acct(3)


def owned_chain(balance: int = 100 * TAO) -> Chain:
    chain = Chain()
    chain.fund(COLD, balance)
    create_account_if_missing(chain.state, COLD, HOT)
    return chain


def test_add_stake_moves_free_balance_into_the_five_counters() -> None:
    chain = owned_chain()
    issuance = chain.get(st.TotalIssuance)
    events = chain.call(COLD, add_stake, HOT, 40 * TAO)
    assert chain.free(COLD) == 60 * TAO
    assert chain.get(st.Stake, HOT, COLD) == 40 * TAO
    assert chain.get(st.TotalHotkeyStake, HOT) == 40 * TAO
    assert chain.get(st.TotalColdkeyStake, COLD) == 40 * TAO
    assert chain.get(st.TotalStake) == 40 * TAO
    assert chain.get(st.TotalIssuance) == issuance  # §14.2: moving balance into stake mints nothing
    assert chain.get(st.LastTxBlock, COLD) == chain.block
    assert events == [event(balances.Withdraw, COLD, 40 * TAO), event(StakeAdded, HOT, 40 * TAO)]


def test_add_stake_errors_in_order() -> None:
    chain = owned_chain()
    assert chain.error(COLD, add_stake, HOT, 101 * TAO) == "NotEnoughBalanceToStake"
    assert chain.error(COLD, add_stake, OTHER, TAO) == "NotRegistered"
    chain.fund(OTHER, 10 * TAO)
    assert chain.error(OTHER, add_stake, HOT, TAO) == "NonAssociatedColdKey"
    # KeepAlive: staking everything would reap the account
    assert chain.error(COLD, add_stake, HOT, 100 * TAO) == "BalanceWithdrawalError"
    chain.put(st.TxRateLimit, 5)
    chain.call(COLD, add_stake, HOT, TAO)
    chain.block += 5
    assert chain.error(COLD, add_stake, HOT, TAO) == "TxRateLimitExceeded"
    chain.block += 1
    chain.call(COLD, add_stake, HOT, TAO)
    assert chain.get(st.Stake, HOT, COLD) == 2 * TAO


def test_zero_stake_is_accepted() -> None:
    chain = owned_chain()
    chain.call(COLD, add_stake, HOT, 0)
    assert chain.get(st.Stake, HOT, COLD) == 0


def test_remove_stake_returns_balance_and_checks() -> None:
    chain = owned_chain()
    chain.call(COLD, add_stake, HOT, 50 * TAO)
    assert chain.error(COLD, remove_stake, HOT, 0) == "NotEnoughStaketoWithdraw"
    assert chain.error(COLD, remove_stake, HOT, 51 * TAO) == "NotEnoughStaketoWithdraw"
    assert chain.error(COLD, remove_stake, OTHER, TAO) == "NotRegistered"
    chain.fund(OTHER, 10 * TAO)
    assert chain.error(OTHER, remove_stake, HOT, TAO) == "NonAssociatedColdKey"
    events = chain.call(COLD, remove_stake, HOT, 20 * TAO)
    assert events == [event(balances.Deposit, COLD, 20 * TAO), event(StakeRemoved, HOT, 20 * TAO)]
    assert chain.free(COLD) == 70 * TAO
    assert chain.get(st.Stake, HOT, COLD) == 30 * TAO
    assert chain.get(st.TotalStake) == 30 * TAO
    assert chain.get(st.TotalColdkeyStake, COLD) == 30 * TAO


def test_become_delegate_and_nomination() -> None:
    chain = owned_chain()
    chain.fund(OTHER, 10 * TAO)
    assert chain.error(COLD, become_delegate, OTHER) == "NotRegistered"
    assert chain.error(OTHER, become_delegate, HOT) == "NonAssociatedColdKey"
    events = chain.call(COLD, become_delegate, HOT)
    assert events == [b"\x02" + DelegateAdded.encode(COLD, HOT, 11_796) + b"\x00"]
    assert chain.get(st.Delegates, HOT) == 11_796
    assert chain.error(COLD, become_delegate, HOT) == "AlreadyDelegate"
    chain.call(OTHER, add_stake, HOT, 5 * TAO)  # a nominator may stake on a delegate
    assert chain.get(st.Stake, HOT, OTHER) == 5 * TAO
    chain.call(OTHER, remove_stake, HOT, 5 * TAO)
    assert chain.free(OTHER) == 10 * TAO


def test_become_delegate_rate_limited() -> None:
    chain = owned_chain()
    chain.put(st.TxRateLimit, 1)
    chain.call(COLD, add_stake, HOT, TAO)
    assert chain.error(COLD, become_delegate, HOT) == "TxRateLimitExceeded"


def _emit_as_test(chain: Chain, hotkey: bytes, server: int, validator: int) -> None:
    emit_inflation_through_hotkey_account(chain.state, hotkey, server, validator)


def test_full_with_delegating_vector_t13() -> None:
    """T13 numbers, with hotkey/coldkey pairs h_i/c_i created directly as the Rust test does."""
    chain = Chain()
    s = chain.state
    h = [acct(10 + i) for i in range(4)]
    c = [acct(20 + i) for i in range(4)]
    for i in range(4):
        create_account_if_missing(s, c[i], h[i])
    increase_stake(s, c[0], h[0], 100)
    increase_stake(s, c[1], h[1], 100)
    _emit_as_test(chain, h[0], 0, 100)
    _emit_as_test(chain, h[1], 0, 100)
    assert chain.get(st.TotalHotkeyStake, h[0]) == 200
    st.Delegates.set(s, h[0], 10)
    st.Delegates.set(s, h[1], 10)
    increase_stake(s, c[0], h[1], 200)
    increase_stake(s, c[1], h[0], 300)
    _emit_as_test(chain, h[0], 0, 1000)
    _emit_as_test(chain, h[1], 0, 1000)
    assert [chain.get(st.Stake, h[0], c[0]), chain.get(st.Stake, h[1], c[0]),
            chain.get(st.Stake, h[0], c[1]), chain.get(st.Stake, h[1], c[1])] == [601, 700, 899, 700]
    assert chain.get(st.TotalStake) == 2900
    st.Delegates.set(s, h[2], 32_767)
    for coldkey in (c[2], c[1], c[0]):
        increase_stake(s, coldkey, h[2], 1000)
    _emit_as_test(chain, h[2], 0, 1000)
    assert [chain.get(st.Stake, h[2], x) for x in (c[2], c[1], c[0])] == [1668, 1166, 1166]
    st.Delegates.set(s, h[3], 65_535)
    for coldkey in c:
        increase_stake(s, coldkey, h[3], 1000)
    before = chain.get(st.TotalStake)
    _emit_as_test(chain, h[3], 0, 1000)
    assert chain.get(st.Stake, h[3], c[3]) == 2000
    assert [chain.get(st.Stake, h[3], x) for x in c[:3]] == [1000, 1000, 1000]
    assert chain.get(st.TotalStake) == before + 1000


def test_server_emission_goes_to_owner_vector_t14() -> None:
    chain = Chain()
    s = chain.state
    h0, h1, c0, c1 = acct(10), acct(11), acct(20), acct(21)
    create_account_if_missing(s, c0, h0)
    create_account_if_missing(s, c1, h1)
    st.Delegates.set(s, h0, 10)
    st.Delegates.set(s, h1, 10)
    for cold, hot, amount in ((c0, h0, 200), (c1, h0, 300), (c0, h1, 200), (c1, h1, 200)):
        increase_stake(s, cold, hot, amount)
    issuance = chain.get(st.TotalIssuance)
    _emit_as_test(chain, h0, 200, 1000)
    _emit_as_test(chain, h1, 123, 2000)
    assert chain.get(st.Stake, h0, c0) == 801
    assert chain.get(st.Stake, h0, c1) == 899
    assert chain.get(st.TotalHotkeyStake, h0) == 1700
    assert chain.get(st.Stake, h1, c0) == 1200
    assert chain.get(st.Stake, h1, c1) == 1323
    assert chain.get(st.TotalHotkeyStake, h1) == 2523
    assert chain.get(st.TotalIssuance) == issuance + 200 + 1000 + 123 + 2000  # emission is minted once


def test_zero_stake_from_an_empty_coldkey_withdraws_nothing() -> None:
    chain = Chain()
    empty, hot = acct(8), acct(9)
    create_account_if_missing(chain.state, empty, hot)
    chain.call(empty, add_stake, hot, 0)
    assert chain.free(empty) == 0


def test_refund_below_existential_deposit_to_missing_account_is_burned_and_counted() -> None:
    from localnet.runtime.subtensor.staking import unstake_all_from_hotkey

    chain = owned_chain()
    ghost = acct(77)  # never funded: no account exists
    increase_stake(chain.state, ghost, HOT, 100, minted=True)
    increase_stake(chain.state, COLD, HOT, 1000, minted=True)
    issuance = chain.get(st.TotalIssuance)
    unstake_all_from_hotkey(chain.state, HOT)
    assert chain.free(ghost) == 0  # 100 RAO < ED cannot open an account
    assert chain.free(COLD) == 100 * TAO + 1000
    assert chain.get(st.TotalIssuance) == issuance - 100
    assert chain.get(st.TotalStake) == 0
