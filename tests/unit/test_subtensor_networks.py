"""register_network, lock cost, subnet pruning and dissolve_network (spec §10.3–10.4, §12 T17/T18)."""

from __future__ import annotations

from localnet.runtime import balances
from localnet.runtime.subtensor import storage as st
from localnet.runtime.subtensor.events import NetworkAdded, NetworkRemoved, RegistrationAllowed
from localnet.runtime.subtensor.networks import (
    dissolve_network,
    lock_cost,
    register_network,
    subnet_to_prune,
)
from tests.unit.test_subtensor_harness import TAO, Chain, acct, event

OWNER = acct(1)


def funded(table: dict | None = None, balance: int = 100_000 * TAO) -> Chain:
    chain = Chain(table)
    chain.fund(OWNER, balance)
    return chain


def test_register_network_creates_subnet_with_2024_values() -> None:
    chain = funded()
    events = chain.call(OWNER, register_network)
    assert events[0] == event(balances.Withdraw, OWNER, 100 * TAO)
    assert events[1] == event(RegistrationAllowed, 1, True) and len(events) == 14  # one per init_new_network setter
    assert events[-1] == event(NetworkAdded, 1, 0)
    assert chain.free(OWNER) == 100_000 * TAO - 100 * TAO
    assert chain.get(st.SubnetLocked, 1) == 100 * TAO
    assert chain.get(st.SubnetOwner, 1) == OWNER
    assert chain.get(st.TotalNetworks) == 2
    expected = {st.Tempo: 360, st.MaxAllowedUids: 256, st.MaxAllowedValidators: 64, st.MinAllowedWeights: 1,
                st.MaxWeightsLimit: 65535, st.AdjustmentInterval: 360, st.TargetRegistrationsPerInterval: 1,
                st.ImmunityPeriod: 5000, st.MinBurn: 1, st.MinDifficulty: 2**64 - 1, st.Burn: TAO,
                st.NetworkRegistrationAllowed: True, st.NetworkPowRegistrationAllowed: False,
                st.AdjustmentAlpha: 17_893_341_751_498_265_066, st.NetworkRegisteredAt: chain.block}
    assert {item: chain.get(item, 1) for item in expected} == expected
    assert st.Kappa.contains(chain.state, 1)  # made explicit by init_new_network
    chain.call(OWNER, register_network)
    assert chain.get(st.NetworksAdded, 2) is True
    assert chain.get(st.NetworkLastLockCost) == 200 * TAO  # doubled: paid 100 then mult 2 in same block


def test_register_network_errors() -> None:
    chain = funded({"network_rate_limit": 10}, balance=150 * TAO)
    assert chain.error(OWNER, register_network) == "TxRateLimitExceeded"  # block 1 - 0 < 10
    chain.block = 20
    poor = acct(9)
    chain.fund(poor, 50 * TAO)
    assert chain.error(poor, register_network) == "NotEnoughBalanceToStake"
    chain.fund(acct(8), 100 * TAO)
    assert chain.error(acct(8), register_network) == "BalanceWithdrawalError"  # would reap the account
    chain.call(OWNER, register_network)
    assert chain.error(OWNER, register_network) == "TxRateLimitExceeded"


def test_lock_cost_vector_t17_through_calls() -> None:
    chain = funded({"network_min_lock_cost": 100 * TAO, "network_lock_reduction_interval": 2,
                    "subnet_limit": 100}, balance=10**7 * TAO)
    chain.block = 0
    chain.call(OWNER, register_network)
    assert lock_cost(chain.state, 0) == 100 * TAO
    chain.block = 1
    chain.call(OWNER, register_network)
    assert [lock_cost(chain.state, b) for b in (1, 2, 3, 4)] == [200 * TAO, 150 * TAO, 100 * TAO, 100 * TAO]
    for block, paid in ((5, 100 * TAO), (6, 150 * TAO), (6, 300 * TAO)):
        chain.block = block
        before = chain.free(OWNER)
        chain.call(OWNER, register_network)
        assert before - chain.free(OWNER) == paid


def test_subnet_to_prune_vector_t18() -> None:
    chain = funded({"network_immunity_period": 3, "network_min_lock_cost": 0})
    for block in (1, 4, 7):
        chain.block = block
        chain.call(OWNER, register_network)
    chain.block = 10
    for emissions, expected in (((5, 4, 4), 2), ((5, 5, 4), 3), ((4, 5, 5), 1)):
        for netuid, value in zip((1, 2, 3), emissions, strict=True):
            chain.put(st.EmissionValues, netuid, value)
        assert subnet_to_prune(chain.state, chain.block) == expected
    chain.block = 8  # subnet 3 (registered at 7) is immune
    assert subnet_to_prune(chain.state, chain.block) == 1


def test_full_limit_prunes_weakest_subnet_and_refunds_owner() -> None:
    chain = funded({"subnet_limit": 2, "network_immunity_period": 0, "network_min_lock_cost": 10 * TAO})
    other = acct(2)
    chain.fund(other, 1000 * TAO)
    chain.call(OWNER, register_network)
    chain.block += 1
    chain.call(other, register_network)
    chain.put(st.EmissionValues, 1, 10)
    chain.put(st.EmissionValues, 2, 20)
    st.Weights.set(chain.state, 0, 0, [(1, 21845), (2, 65535)])
    owner_before = chain.free(OWNER)
    chain.block += 1
    events = chain.call(other, register_network)
    assert events[0] == b"\x02" + NetworkRemoved.encode(1) + b"\x00"
    assert events[-1] == event(NetworkAdded, 1, 0)
    assert chain.free(OWNER) == owner_before + 10 * TAO  # lock refunded to the pruned subnet's owner
    assert chain.get(st.SubnetOwner, 1) == other
    assert chain.get(st.Weights, 0, 0) == [(1, 0), (2, 65535)]


def test_all_networks_in_immunity() -> None:
    chain = funded({"subnet_limit": 1})
    chain.call(OWNER, register_network)
    assert chain.error(OWNER, register_network) == "AllNetworksInImmunity"


def test_dissolve_network() -> None:
    chain = funded()
    chain.call(OWNER, register_network)
    stranger = acct(5)
    chain.fund(stranger, TAO)
    assert chain.error(stranger, dissolve_network, 1) == "NotSubnetOwner"
    assert chain.error(OWNER, dissolve_network, 9) == "NetworkDoesNotExist"
    before = chain.free(OWNER)
    events = chain.call(OWNER, dissolve_network, 1)
    assert events == [b"\x02" + NetworkRemoved.encode(1) + b"\x00"]
    assert chain.free(OWNER) == before + 100 * TAO
    assert chain.get(st.NetworksAdded, 1) is False
    assert not st.Tempo.contains(chain.state, 1)
    assert not st.SubnetOwner.contains(chain.state, 1)
    assert chain.get(st.TotalNetworks) == 1


def test_local_genesis_may_shorten_new_subnet_tempo() -> None:
    chain = funded({"tempo": 10})
    chain.call(OWNER, register_network)
    assert chain.get(st.Tempo, 1) == 10
    assert chain.get(st.NewSubnetTempo) == 10
    assert funded().get(st.NewSubnetTempo) == 360  # the 2024 value unless the genesis says otherwise
