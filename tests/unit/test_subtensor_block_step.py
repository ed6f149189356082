"""The block step (§7): root epoch wiring (T15), emission accumulation, subnet epoch and payout, halving."""

from __future__ import annotations

from localnet.runtime.subtensor import storage as st
from localnet.runtime.subtensor.block_step import SUPPLY_CAP, block_emission_for
from localnet.runtime.subtensor.networks import register_network
from localnet.runtime.subtensor.registration import burned_register
from localnet.runtime.subtensor.root import root_register, run_root_epoch
from localnet.runtime.subtensor.staking import add_stake
from localnet.runtime.subtensor.weights import set_weights
from tests.unit.test_subtensor_harness import TAO, Chain, acct


def test_halving_schedule() -> None:
    assert block_emission_for(0) == TAO
    assert block_emission_for(SUPPLY_CAP // 2 - 1) == TAO
    assert block_emission_for(SUPPLY_CAP // 2) == TAO // 2
    assert block_emission_for(SUPPLY_CAP * 3 // 4) == TAO // 4
    assert block_emission_for(SUPPLY_CAP) == 0


def root_chain() -> tuple[Chain, list[bytes]]:
    """T15 set-up: 10 root validators with 1000 RAO stake each, subnets 1..9, validator i weights netuid i."""
    chain = Chain({"subnet_owner_cut": 0, "subnet_limit": 20})
    for item, value in ((st.MaxRegistrationsPerBlock, 100), (st.TargetRegistrationsPerInterval, 100),
                        (st.WeightsSetRateLimit, 0)):
        chain.put(item, 0, value)
    owner = acct(1)
    chain.fund(owner, 100_000 * TAO)
    for _ in range(9):
        chain.call(owner, register_network)
    hotkeys = []
    for i in range(10):
        cold, hot = acct(100 + i), acct(200 + i)
        chain.fund(cold, TAO)
        chain.call(cold, root_register, hot)
        chain.call(cold, add_stake, hot, 1000)
        hotkeys.append(hot)
    for i, hot in enumerate(hotkeys):
        chain.call(hot, set_weights, 0, [i], [1], 0)
    return chain, hotkeys


def test_root_epoch_sets_emission_values_and_pending_accumulates_t15() -> None:
    chain, hotkeys = root_chain()
    assert chain.get(st.Weights, 0, 3) == [(3, 65535)]
    assert chain.get(st.SubnetworkN, 0) == 10
    assert chain.get(st.Delegates, hotkeys[0]) == 11_796  # root registration makes a delegate
    chain.put(st.Tempo, 0, 1)
    assert run_root_epoch(chain.state, chain.block)
    assert [chain.get(st.EmissionValues, n) for n in range(1, 10)] == [99_999_999] * 9
    chain.step(2)
    assert [chain.get(st.PendingEmission, n) for n in range(1, 10)] == [199_999_998] * 9
    chain.step()
    assert [chain.get(st.PendingEmission, n) for n in range(1, 10)] == [299_999_997] * 9
    assert chain.get(st.PendingEmission, 0) == 0  # root's share is never minted


def test_root_register_full_evicts_smallest_stake() -> None:
    chain, hotkeys = root_chain()
    chain.put(st.MaxAllowedUids, 0, 10)
    cold, newcomer = acct(150), acct(250)
    chain.fund(cold, 10 * TAO)
    assert chain.error(cold, root_register, newcomer) == "StakeTooLowForRoot"
    st.Owner.set(chain.state, newcomer, cold)  # as a subnet registration would have made it
    chain.call(cold, add_stake, newcomer, 2000)
    chain.put(st.TotalHotkeyStake, hotkeys[4], 10)  # the weakest root validator
    chain.call(cold, root_register, newcomer)
    assert chain.get(st.Keys, 0, 4) == newcomer
    assert chain.error(cold, root_register, newcomer) == "AlreadyRegistered"


def epoch_chain() -> tuple[Chain, bytes, bytes, bytes]:
    """Subnet 1 with tempo 9 (epochs at blocks 7, 17, ...), one validator and one miner."""
    chain = Chain()
    owner, cold = acct(1), acct(2)
    validator, miner = acct(40), acct(41)
    chain.fund(owner, 10_000 * TAO)
    chain.fund(cold, 10_000 * TAO)
    chain.call(owner, register_network)
    for item, value in ((st.Burn, 0), (st.Tempo, 9), (st.WeightsSetRateLimit, 0),
                        (st.MaxRegistrationsPerBlock, 10)):
        chain.put(item, 1, value)
    chain.call(cold, burned_register, 1, validator)
    chain.call(cold, burned_register, 1, miner)
    chain.call(cold, add_stake, validator, 1000 * TAO)
    chain.put(st.EmissionValues, 1, TAO)
    return chain, owner, validator, miner


def test_subnet_epoch_loads_and_next_block_pays_stake() -> None:
    chain, owner, validator, miner = epoch_chain()
    cold = acct(2)
    chain.step(5)  # block 6: pending accumulates, no epoch yet
    assert chain.block == 6
    owner_cut_each = TAO * 11_796 // 65535
    assert chain.get(st.PendingEmission, 1) == 5 * (TAO - owner_cut_each - 1)
    chain.step()  # block 7: first epoch gives the validator its permit; emission falls back to stake
    assert chain.get(st.PendingEmission, 1) == 0
    assert chain.get(st.LastMechansimStepBlock, 1) == 7
    assert chain.get(st.ValidatorPermit, 1) == [True, True]
    loaded = chain.get(st.LoadedEmission, 1)
    assert [hk for hk, _, _ in loaded] == [validator, miner]
    issuance = chain.get(st.TotalIssuance)
    stake_before = chain.get(st.TotalHotkeyStake, validator)
    chain.step()  # block 8: drained
    assert chain.get(st.LoadedEmission, 1) is None
    paid = sum(se + ve for _, se, ve in loaded)
    assert chain.get(st.TotalHotkeyStake, validator) - stake_before == loaded[0][1] + loaded[0][2]
    assert chain.get(st.TotalIssuance) == issuance + paid + owner_cut_each  # minted once (§14.2)
    chain.call(validator, set_weights, 1, [1], [65535], 0)
    chain.step(9)  # block 17: epoch with the validator's weights on the miner
    assert chain.get(st.Incentive, 1) == [0, 65535]
    assert chain.get(st.Dividends, 1) == [65535, 0]
    se_miner = chain.get(st.LoadedEmission, 1)[1][1]
    miner_before = chain.get(st.Stake, miner, cold)
    chain.step()
    assert chain.get(st.Stake, miner, cold) == miner_before + se_miner
    assert chain.free(owner) > 0


def test_subnet_without_neurons_loses_its_emission() -> None:
    chain = Chain()
    owner = acct(1)
    chain.fund(owner, 10_000 * TAO)
    chain.call(owner, register_network)
    chain.put(st.Tempo, 1, 9)
    chain.put(st.EmissionValues, 1, TAO)
    chain.step(6)  # block 7 is subnet 1's epoch block
    assert chain.get(st.LastMechansimStepBlock, 1) == 7
    assert chain.get(st.PendingEmission, 1) == 0
    assert chain.get(st.LoadedEmission, 1) == []  # nothing to pay: the emission is gone


def test_epoch_that_cannot_run_is_skipped_without_halting() -> None:
    chain, _, validator, _ = epoch_chain()
    chain.put(st.TotalHotkeyStake, validator, 2**63)  # past the I64F64 range the epoch accepts
    chain.step(6)  # block 7: epoch block
    assert chain.get(st.LastMechansimStepBlock, 1) == 7
    assert chain.get(st.LoadedEmission, 1) == []
    assert chain.get(st.ValidatorPermit, 1) == [False, False]  # storage untouched by the skipped epoch


def test_outdated_weights_through_the_pallet_t7() -> None:
    """T7 end to end: real registrations, set_weights calls and a uid replacement feed the epoch."""
    from localnet.runtime.subtensor.block_step import run_subnet_epoch
    from localnet.runtime.subtensor.staking import increase_stake

    chain = Chain()
    owner, cold = acct(1), acct(2)
    chain.fund(owner, 10_000 * TAO)
    chain.fund(cold, 10_000 * TAO)
    chain.call(owner, register_network)
    for item, value in ((st.Burn, 0), (st.MaxAllowedUids, 4), (st.WeightsSetRateLimit, 0),
                        (st.MaxRegistrationsPerBlock, 4), (st.TargetRegistrationsPerInterval, 4),
                        (st.MinAllowedWeights, 0), (st.MaxWeightsLimit, 65535), (st.ImmunityPeriod, 2),
                        (st.MaxAllowedValidators, 4), (st.Tempo, 65534)):
        chain.put(item, 1, value)
    keys = [acct(60 + i) for i in range(5)]
    for key in keys[:4]:
        chain.call(cold, burned_register, 1, key)
        increase_stake(chain.state, key, key, 1)
    run_subnet_epoch(chain.state, 1, chain.block, TAO)  # issues the permits
    chain.step()
    for uid in (0, 1):
        chain.call(keys[uid], set_weights, 1, [2, 3], [2 * (65535 // 3), 65535 // 3], 0)
    for uid in (2, 3):
        chain.call(keys[uid], set_weights, 1, [uid], [65535], 0)
    assert chain.get(st.Weights, 1, 0) == [(2, 65535), (3, 32768)]
    run_subnet_epoch(chain.state, 1, chain.block, TAO)
    assert chain.get(st.Emission, 1) == [250_000_000, 250_000_000, 333_331_637, 166_668_361]
    assert chain.get(st.PruningScores, 1) == [49152, 49152, 65535, 32768]  # T7 as corrected: the runtime rounds
    chain.call(cold, burned_register, 1, keys[4])  # full and all immune: replaces uid 3
    assert chain.get(st.Keys, 1, 3) == keys[4]
    chain.step()
    chain.call(keys[0], set_weights, 1, [2, 3], [2 * (65535 // 3), 65535 // 3], 0)
    run_subnet_epoch(chain.state, 1, chain.block, TAO)
    assert chain.get(st.Dividends, 1)[0] == 32767
    assert chain.get(st.Emission, 1) == [250_000_000, 250_000_000, 500_000_000, 0]
    assert dict(chain.get(st.Bonds, 1, 0)) == {2: 65535, 3: 65535}


def test_active_stake_through_the_pallet_t6() -> None:
    """T6: a validator whose weights are older than ActivityCutoff stops earning dividends."""
    from localnet.runtime.subtensor.block_step import run_subnet_epoch
    from localnet.runtime.subtensor.staking import increase_stake

    chain = Chain()
    owner, cold = acct(1), acct(2)
    chain.fund(owner, 10_000 * TAO)
    chain.fund(cold, 10_000 * TAO)
    chain.call(owner, register_network)
    for item, value in ((st.Burn, 0), (st.MaxAllowedUids, 4), (st.WeightsSetRateLimit, 0),
                        (st.MaxRegistrationsPerBlock, 4), (st.TargetRegistrationsPerInterval, 4),
                        (st.MinAllowedWeights, 0), (st.MaxWeightsLimit, 65535), (st.MaxAllowedValidators, 4),
                        (st.Tempo, 65534)):
        chain.put(item, 1, value)
    keys = [acct(60 + i) for i in range(4)]
    for key in keys:
        chain.call(cold, burned_register, 1, key)
        increase_stake(chain.state, key, key, 1)
    run_subnet_epoch(chain.state, 1, chain.block, TAO)
    chain.step()
    start = chain.block
    for uid in (0, 1):
        chain.call(keys[uid], set_weights, 1, [2, 3], [32767, 32767], 0)
    run_subnet_epoch(chain.state, 1, chain.block, TAO)
    assert chain.get(st.Dividends, 1)[:2] == [32767, 32767]
    assert chain.get(st.Emission, 1) == [250_000_000] * 4
    chain.block = start + 5001
    chain.call(keys[0], set_weights, 1, [2, 3], [32767, 32767], 0)
    run_subnet_epoch(chain.state, 1, chain.block, TAO)
    assert chain.get(st.Dividends, 1)[:2] == [36044, 29490]
    assert chain.get(st.Emission, 1)[:2] == [274_999_999, 224_999_999]
    assert dict(chain.get(st.Bonds, 1, 1)) == {2: 53619, 3: 53619}
    chain.block += 1
    chain.call(keys[1], set_weights, 1, [2, 3], [32767, 32767], 0)
    run_subnet_epoch(chain.state, 1, chain.block, TAO)
    assert chain.get(st.Dividends, 1)[:2] == [35716, 29818]
    assert chain.get(st.Emission, 1)[:2] == [272_501_132, 227_498_866]
    assert dict(chain.get(st.Bonds, 1, 1)) == {2: 54712, 3: 54712}
    assert dict(chain.get(st.Bonds, 1, 0)) == {2: 65535, 3: 65535}


def test_network_pruning_emission_values_through_the_pallet_t16() -> None:
    """T16 set-up built from real calls: root weights on 0..i-1, root epoch with rho 30, staggered epochs."""
    chain = Chain({"subnet_owner_cut": 0, "network_min_lock_cost": 100 * TAO, "subnet_limit": 20})
    for item, value in ((st.MaxRegistrationsPerBlock, 100), (st.TargetRegistrationsPerInterval, 100),
                        (st.WeightsSetRateLimit, 0), (st.Rho, 30)):
        chain.put(item, 0, value)
    for i in range(10):
        cold, hot = acct(100 + i), acct(200 + i)
        chain.fund(cold, 1_000_000 * TAO)
        chain.call(cold, root_register, hot)
        chain.call(cold, add_stake, hot, 1000)
        chain.call(cold, register_network)
        netuid = i + 1
        assert chain.get(st.SubnetOwner, netuid) == cold
        chain.call(hot, set_weights, 0, list(range(i)), [1] * i, 0)
        chain.put(st.Tempo, netuid, 1)
        chain.put(st.Burn, netuid, 0)
        chain.call(cold, burned_register, netuid, hot)
    chain.step()
    if chain.block % 2 == 0:
        chain.step()  # as in the mock: root epoch at an odd block, the next (even) block runs netuids 2, 4
    assert run_root_epoch(chain.state, chain.block)
    assert [chain.get(st.EmissionValues, n) for n in range(6)] == [
        277_820_113, 246_922_263, 215_549_466, 176_432_500, 77_181_559, 5_857_251]
    chain.step()
    pending = [chain.get(st.PendingEmission, n) for n in range(6)]
    assert pending == [0, 246_922_263, 0, 176_432_500, 0, 5_857_251]


def test_local_fallback_shares_emission_until_root_directs_it() -> None:
    chain = Chain({"emission_without_root": True, "subnet_owner_cut": 0, "subnet_limit": 5})
    owner = acct(1)
    chain.fund(owner, 10_000 * TAO)
    chain.call(owner, register_network)
    chain.call(owner, register_network)
    chain.step()
    assert [chain.get(st.EmissionValues, n) for n in (0, 1, 2)] == [0, TAO // 2, TAO // 2]
    assert chain.get(st.PendingEmission, 1) == TAO // 2
    # a staked root validator weighting subnet 2 takes over at the next root epoch
    for item, value in ((st.WeightsSetRateLimit, 0), (st.Tempo, 1)):
        chain.put(item, 0, value)
    cold, hot = acct(3), acct(4)
    chain.fund(cold, 10 * TAO)
    chain.call(cold, root_register, hot)
    chain.call(cold, add_stake, hot, TAO)
    chain.call(hot, set_weights, 0, [2], [1], 0)
    chain.step(2)
    assert chain.get(st.EmissionValues, 1) == 0
    assert chain.get(st.EmissionValues, 2) > 0


def test_without_fallback_subnets_get_nothing_like_2024() -> None:
    chain = Chain()
    owner = acct(1)
    chain.fund(owner, 10_000 * TAO)
    chain.call(owner, register_network)
    chain.step(3)
    assert chain.get(st.EmissionValues, 1) == 0 and chain.get(st.PendingEmission, 1) == 0
