"""Random call sequences keep the pallet's bookkeeping consistent (stake totals, dense uids, vector lengths,
token conservation, and the pallet's TotalIssuance equal to the tokens that exist, spec §14.2), whatever
succeeds or fails."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest

from localnet.runtime import balances
from localnet.runtime.errors import DispatchError
from localnet.runtime.subtensor import storage as st
from localnet.runtime.subtensor.networks import dissolve_network, register_network
from localnet.runtime.subtensor.registration import burned_register
from localnet.runtime.subtensor.staking import add_stake, become_delegate, remove_stake
from localnet.runtime.subtensor.swap import swap_hotkey
from localnet.runtime.subtensor.weights import set_weights
from tests.unit.test_subtensor_harness import TAO, Chain, acct

COLDKEYS = [acct(10 + i) for i in range(4)]
HOTKEYS = [acct(100 + i) for i in range(12)]
VECTORS = (st.Rank, st.Trust, st.Active, st.Emission, st.Consensus, st.Incentive, st.Dividends,
           st.LastUpdate, st.PruningScores, st.ValidatorTrust, st.ValidatorPermit)


def check_invariants(chain: Chain) -> None:
    s = chain.state
    per_hot: dict[bytes, int] = defaultdict(int)
    per_cold: dict[bytes, int] = defaultdict(int)
    for (hot, cold), amount in st.Stake.iter(s):
        per_hot[hot] += amount
        per_cold[cold] += amount
    assert sum(per_hot.values()) == st.TotalStake.get(s)
    assert {h: v for h, v in per_hot.items() if v} == {k[0]: v for k, v in st.TotalHotkeyStake.iter(s) if v}
    assert {c: v for c, v in per_cold.items() if v} == {k[0]: v for k, v in st.TotalColdkeyStake.iter(s) if v}
    netuids = [k[0] for k, added in st.NetworksAdded.iter(s) if added]
    assert st.TotalNetworks.get(s) == len(netuids)
    for netuid in netuids:
        n = st.SubnetworkN.get(s, netuid)
        keys = {k[0]: hot for k, hot in st.Keys.iter_prefix(s, netuid)}
        assert sorted(keys) == list(range(n))
        assert {k[0]: uid for k, uid in st.Uids.iter_prefix(s, netuid)} == {h: u for u, h in keys.items()}
        for hot in keys.values():
            assert st.IsNetworkMember.get(s, hot, netuid)
        if netuid:
            assert all(len(item.get(s, netuid)) == n for item in VECTORS)


def tokens(chain: Chain) -> int:
    """Free balance plus stake plus locked subnet TAO: conserved by every call except burns."""
    return (balances.TotalIssuance.get(chain.state) + st.TotalStake.get(chain.state)
            + sum(v for _, v in st.SubnetLocked.iter(chain.state)))


@pytest.mark.parametrize("seed", range(6))
def test_random_call_sequences_keep_books_consistent(seed: int) -> None:
    rng = random.Random(seed)
    chain = Chain({"subnet_limit": 3, "network_immunity_period": 0, "network_min_lock_cost": 10 * TAO})
    for cold in COLDKEYS:
        chain.fund(cold, 5_000 * TAO)
    chain.put(st.TotalIssuance, balances.TotalIssuance.get(chain.state))  # as if funded at genesis
    burned = 0

    def pick_net() -> int:
        return rng.choice([k[0] for k, _ in st.NetworksAdded.iter(chain.state)] + [rng.randint(1, 5)])

    def owned_hotkey(cold: bytes) -> bytes:
        mine = [h for h in HOTKEYS if st.Owner.contains(chain.state, h) and st.Owner.get(chain.state, h) == cold]
        return rng.choice(mine) if mine and rng.random() < 0.7 else rng.choice(HOTKEYS)

    for step in range(150):
        cold = rng.choice(COLDKEYS)
        hot = owned_hotkey(cold)
        op = rng.choice([0, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6, 7, 7])
        args: tuple
        if op == 0:
            fn, args = register_network, ()
        elif op == 1:
            netuid = pick_net()
            for item, value in ((st.MaxAllowedUids, 4), (st.MaxRegistrationsPerBlock, 50),
                                (st.TargetRegistrationsPerInterval, 50), (st.ImmunityPeriod, 2),
                                (st.Burn, rng.choice([0, TAO]))):
                if netuid and st.NetworksAdded.get(chain.state, netuid):
                    chain.put(item, netuid, value)
            fn, args = burned_register, (netuid, hot)
        elif op == 2:
            fn, args = add_stake, (hot, rng.choice([0, TAO, 50 * TAO]))
        elif op == 3:
            fn, args = remove_stake, (hot, rng.choice([1, TAO, 10 * TAO]))
        elif op == 4:
            fn, args = become_delegate, (hot,)
        elif op == 5:
            fn, args = swap_hotkey, (hot, rng.choice(HOTKEYS))
        elif op == 6:
            fn, args = dissolve_network, (pick_net(),)
        else:
            netuid = pick_net()
            if st.NetworksAdded.get(chain.state, netuid):
                chain.put(st.WeightsSetRateLimit, netuid, 0)
            uid = st.Uids.get(chain.state, netuid, hot)
            dests = [uid] if uid is not None and rng.random() < 0.7 else [0, 1]
            cold = hot
            fn, args = set_weights, (netuid, dests, [1] * len(dests), 0)
        before = tokens(chain)
        recycled = sum(v for _, v in st.RAORecycledForRegistration.iter(chain.state))
        try:
            chain.call(cold, fn, *args)
        except DispatchError:
            assert tokens(chain) == before
        else:
            recycled_now = sum(v for _, v in st.RAORecycledForRegistration.iter(chain.state))
            fee = TAO if fn is swap_hotkey else 0
            burned += fee + recycled_now - recycled
            assert tokens(chain) == before - fee - (recycled_now - recycled), (step, fn.__name__)
        check_invariants(chain)
        assert st.TotalIssuance.get(chain.state) == tokens(chain), "pallet issuance must count real tokens"
        if rng.random() < 0.3:
            for (netuid,), added in list(st.NetworksAdded.iter(chain.state)):
                if netuid and added:  # emission and short tempos, so epochs mint and pay stake
                    chain.put(st.EmissionValues, netuid, rng.choice([0, TAO, 3 * TAO]))
                    chain.put(st.Tempo, netuid, 2)
            chain.step()
            check_invariants(chain)
            assert st.TotalIssuance.get(chain.state) == tokens(chain)
    assert burned >= 0
