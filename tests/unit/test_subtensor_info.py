"""Custom RPC replies decoded by an independent decoder (bt_decode, Rust) equal the values in storage (§11)."""

from __future__ import annotations

import bt_decode

from localnet.runtime.subtensor import storage as st
from localnet.runtime.subtensor.info import current_lock_cost
from localnet.runtime.subtensor.networks import register_network
from localnet.runtime.subtensor.pallet import pallet
from localnet.runtime.subtensor.registration import burned_register
from localnet.runtime.subtensor.serving import serve_axon, serve_prometheus
from localnet.runtime.subtensor.staking import add_stake, become_delegate
from localnet.runtime.subtensor.weights import set_weights
from tests.unit.test_subtensor_harness import TAO, Chain, acct

OWNER, COLD, NOMINATOR = acct(1), acct(2), acct(3)
HOTS = [acct(40 + i) for i in range(3)]
IP = (192 << 24) | (168 << 16) | (1 << 8) | 20


def populated() -> Chain:
    """Subnet 1 with three neurons, an axon, weights, a delegate with a nominator, consensus vectors."""
    chain = Chain()
    chain.fund(OWNER, 10_000 * TAO)
    chain.fund(COLD, 1_000 * TAO)
    chain.fund(NOMINATOR, 1_000 * TAO)
    chain.call(OWNER, register_network)
    for name, value in {"Burn": 0, "MaxRegistrationsPerBlock": 10, "TargetRegistrationsPerInterval": 10,
                        "WeightsSetRateLimit": 0}.items():
        chain.put(getattr(st, name), 1, value)
    for hot in HOTS:
        chain.call(COLD, burned_register, 1, hot)
    chain.call(COLD, add_stake, HOTS[0], 100 * TAO)
    chain.call(COLD, become_delegate, HOTS[0])
    chain.call(NOMINATOR, add_stake, HOTS[0], 50 * TAO)
    chain.call(HOTS[0], serve_axon, 1, 3, IP, 8091, 4, 4, 0, 0)
    chain.call(HOTS[0], serve_prometheus, 1, 1, IP, 9100, 4)
    chain.put(st.ValidatorPermit, 1, [True, False, False])
    chain.call(HOTS[0], set_weights, 1, [1, 2], [1, 3], 0)
    chain.put(st.Rank, 1, [0, 100, 65535])
    chain.put(st.Emission, 1, [5_000_000, 0, 1_234_567_890_123])
    chain.put(st.Dividends, 1, [65535, 0, 0])
    chain.put(st.PruningScores, 1, [7, 8, 9])
    st.Bonds.set(chain.state, 1, 0, [(1, 0), (2, 65535)])
    return chain


def rpc(chain: Chain, method: str, *params: object) -> bytes:
    reply = pallet.rpcs[method](chain.state, [*params, None])
    assert isinstance(reply, list) and all(isinstance(b, int) and 0 <= b < 256 for b in reply)
    return bytes(reply)


def test_neurons_lite_decode_to_storage() -> None:
    chain = populated()
    neurons = bt_decode.NeuronInfoLite.decode_vec(rpc(chain, "neuronInfo_getNeuronsLite", 1))
    assert [n.uid for n in neurons] == [0, 1, 2]
    n0 = neurons[0]
    assert bytes(n0.hotkey) == HOTS[0] and bytes(n0.coldkey) == COLD and n0.netuid == 1
    assert sorted((bytes(c), s) for c, s in n0.stake) == sorted([(COLD, 100 * TAO), (NOMINATOR, 50 * TAO)])
    assert (n0.axon_info.ip, n0.axon_info.port, n0.axon_info.version, n0.axon_info.ip_type,
            n0.axon_info.protocol, n0.axon_info.block) == (IP, 8091, 3, 4, 4, chain.block)
    assert (n0.prometheus_info.port, n0.prometheus_info.ip) == (9100, IP)
    assert n0.validator_permit is True and n0.active is True
    assert n0.dividends == 65535 and n0.emission == 5_000_000 and n0.pruning_score == 7
    assert n0.last_update == chain.get(st.LastUpdate, 1)[0]
    n2 = neurons[2]
    assert (n2.rank, n2.emission, n2.validator_permit, n2.axon_info.port) == (65535, 1_234_567_890_123, False, 0)
    one = bt_decode.NeuronInfoLite.decode(rpc(chain, "neuronInfo_getNeuronLite", 1, 2))
    assert bytes(one.hotkey) == HOTS[2] and one.rank == 65535
    assert rpc(chain, "neuronInfo_getNeuronLite", 1, 9) == b""
    assert bt_decode.NeuronInfoLite.decode_vec(rpc(chain, "neuronInfo_getNeuronsLite", 7)) == []


def test_full_neurons_carry_nonzero_weights_and_bonds() -> None:
    chain = populated()
    neurons = bt_decode.NeuronInfo.decode_vec(rpc(chain, "neuronInfo_getNeurons", 1))
    assert [tuple(w) for w in neurons[0].weights] == [(1, 21845), (2, 65535)]
    assert [tuple(b) for b in neurons[0].bonds] == [(2, 65535)]
    assert neurons[1].weights == []
    single = bt_decode.NeuronInfo.decode(rpc(chain, "neuronInfo_getNeuron", 1, 0))
    assert single.uid == 0 and single.pruning_score == 7


def test_subnet_info_decodes_to_storage() -> None:
    chain = populated()
    info = bt_decode.SubnetInfo.decode(rpc(chain, "subnetInfo_getSubnetInfo", 1))
    assert (info.netuid, info.tempo, info.subnetwork_n, info.max_allowed_uids, info.kappa, info.rho) == (
        1, 360, 3, 256, 32_767, 10)
    assert info.difficulty == chain.get(st.Difficulty, 1) and info.burn == 0
    assert bytes(info.owner) == OWNER and info.network_connect == []
    assert info.immunity_period == 5000 and info.max_weights_limit == 65535
    every = bt_decode.SubnetInfo.decode_vec_option(rpc(chain, "subnetInfo_getSubnetsInfo"))
    assert [s.netuid for s in every] == [0, 1]
    assert rpc(chain, "subnetInfo_getSubnetInfo", 4) == b""


def test_hyperparams_layout() -> None:
    chain = populated()
    raw = rpc(chain, "subnetInfo_getSubnetHyperparams", 1)
    # bt_decode 0.8 knows only the later, longer struct; decode the 2024 one by its declared layout
    from localnet.scale.codec import decode_compact

    values, offset = [], 0
    for i in range(22):
        if i == 12:  # registration_allowed: bool
            values.append(raw[offset])
            offset += 1
        else:
            value, offset = decode_compact(raw, offset)
            values.append(value)
    assert offset == len(raw)
    assert values[:6] == [10, 32_767, 5000, 1, 65535, 360]
    assert values[12] == 1 and values[-1] == chain.get(st.Difficulty, 1)


def test_delegate_info_decodes_to_storage() -> None:
    chain = populated()
    delegates = bt_decode.DelegateInfo.decode_vec(rpc(chain, "delegateInfo_getDelegates"))
    assert len(delegates) == 1
    d = delegates[0]
    assert bytes(d.delegate_ss58) == HOTS[0] and bytes(d.owner_ss58) == COLD and d.take == 11_796
    assert sorted((bytes(c), s) for c, s in d.nominators) == sorted([(COLD, 100 * TAO), (NOMINATOR, 50 * TAO)])
    assert d.registrations == [1] and d.validator_permits == [1]
    daily = 5_000_000 * 7200 // 360
    assert d.total_daily_return == daily
    assert abs(d.return_per_1000 - daily * 0.82 / (150 * TAO / 1000)) <= 1
    one = bt_decode.DelegateInfo.decode(rpc(chain, "delegateInfo_getDelegate", list(HOTS[0])))
    assert one.take == 11_796
    assert rpc(chain, "delegateInfo_getDelegate", list(HOTS[1])) == b""
    delegated = bt_decode.DelegateInfo.decode_delegated(rpc(chain, "delegateInfo_getDelegated", list(NOMINATOR)))
    assert [(bytes(info.delegate_ss58), stake) for info, stake in delegated] == [(HOTS[0], 50 * TAO)]


def test_stake_info_runtime_api_and_lock_cost() -> None:
    chain = populated()
    api = {f"{a.api}_{a.method}": a for a in pallet.apis}
    raw = api["StakeInfoRuntimeApi_get_stake_info_for_coldkey"].fn(chain.state, NOMINATOR)
    infos = bt_decode.StakeInfo.decode_vec(raw)
    assert [(bytes(i.hotkey), bytes(i.coldkey), i.stake) for i in infos] == [(HOTS[0], NOMINATOR, 50 * TAO)]
    both = bt_decode.StakeInfo.decode_vec_tuple_vec(
        api["StakeInfoRuntimeApi_get_stake_info_for_coldkeys"].fn(chain.state, [COLD, NOMINATOR]))
    assert [bytes(who) for who, _ in both] == [COLD, NOMINATOR]
    assert {bytes(i.hotkey) for i in both[0][1]} == set(HOTS)  # zero entries are kept
    assert pallet.rpcs["subnetInfo_getLockCost"](chain.state, []) == current_lock_cost(chain.state)
    assert current_lock_cost(chain.state) == 200 * TAO


def test_rpc_parameters_accept_client_forms_and_reject_garbage_with_one_line() -> None:
    import pytest

    from wallet.ss58 import ss58_encode

    chain = populated()
    by_list = rpc(chain, "delegateInfo_getDelegate", list(HOTS[0]))
    assert rpc(chain, "delegateInfo_getDelegate", "0x" + HOTS[0].hex()) == by_list
    assert rpc(chain, "delegateInfo_getDelegate", ss58_encode(HOTS[0])) == by_list
    for method, params, text in (("delegateInfo_getDelegate", ["5Fnot-an-address"], "must be an account"),
                                 ("neuronInfo_getNeuronsLite", [70_000], "integer 0..65535"),
                                 ("neuronInfo_getNeuronLite", [1], "parameter 2"),
                                 ("subnetInfo_getSubnetInfo", ["x"], "parameter 1")):
        with pytest.raises(ValueError, match=text):
            pallet.rpcs[method](chain.state, params)
