"""set_weights: the 14 checks in order, max-upscaled storage, root weights (spec §5.1, §12 T19)."""

from __future__ import annotations

import pytest

from localnet.runtime.errors import TransactionError
from localnet.runtime.subtensor import storage as st
from localnet.runtime.subtensor.events import WeightsSet
from localnet.runtime.subtensor.networks import register_network
from localnet.runtime.subtensor.registration import burned_register
from localnet.runtime.subtensor.root import root_register
from localnet.runtime.subtensor.weights import set_weights, signed_priority
from tests.unit.test_subtensor_harness import TAO, Chain, acct

OWNER, COLD = acct(1), acct(2)
HOTS = [acct(40 + i) for i in range(4)]


def weights_chain(n: int = 4, **overrides: int) -> Chain:
    """Subnet 1 with `n` burned-registered neurons (uids 0..n-1 = HOTS), no rate limit, uid 0 permitted."""
    chain = Chain()
    chain.fund(OWNER, 10_000 * TAO)
    chain.fund(COLD, 10_000 * TAO)
    chain.call(OWNER, register_network)
    for name, value in {"Burn": 0, "MaxRegistrationsPerBlock": 10, "TargetRegistrationsPerInterval": 10,
                        "WeightsSetRateLimit": 0, **overrides}.items():
        chain.put(getattr(st, name), 1, value)
    for hot in HOTS[:n]:
        chain.call(COLD, burned_register, 1, hot)
    chain.put(st.ValidatorPermit, 1, [True] + [False] * (n - 1))
    return chain


def test_set_weights_stores_max_upscaled_row() -> None:
    chain = weights_chain()
    events = chain.call(HOTS[0], set_weights, 1, [1, 2, 3], [1, 2, 4], 0)
    assert events == [b"\x02" + WeightsSet.encode(1, 0) + b"\x00"]
    assert chain.get(st.Weights, 1, 0) == [(1, 16384), (2, 32768), (3, 65535)]
    assert chain.get(st.LastUpdate, 1)[0] == chain.block
    chain.call(HOTS[0], set_weights, 1, [2, 1], [65535, 65535], 0)  # T19 sum larger than u16::MAX
    assert chain.get(st.Weights, 1, 0) == [(2, 65535), (1, 65535)]


def test_errors_in_spec_order() -> None:
    chain = weights_chain(MinAllowedWeights=2)
    hot = HOTS[0]
    assert chain.error(hot, set_weights, 1, [1, 2], [1], 0) == "WeightVecNotEqualSize"
    assert chain.error(hot, set_weights, 5, [1], [1], 0) == "NetworkDoesNotExist"
    assert chain.error(hot, set_weights, 1, [0, 1, 2, 3, 3], [1] * 5, 0) == "TooManyUids"
    assert chain.error(acct(99), set_weights, 1, [1], [1], 0) == "NotRegistered"
    chain.put(st.WeightsMinStake, 1)
    assert chain.error(hot, set_weights, 1, [1], [1], 0) == "NotEnoughStakeToSetWeights"
    chain.put(st.WeightsMinStake, 0)
    chain.put(st.WeightsVersionKey, 1, 5)
    assert chain.error(hot, set_weights, 1, [1], [1], 4) == "IncorrectNetworkVersionKey"
    chain.call(hot, set_weights, 1, [1, 2], [1, 1], 5)
    chain.put(st.WeightsSetRateLimit, 1, 3)
    assert chain.error(hot, set_weights, 1, [1, 2], [1, 1], 5) == "SettingWeightsTooFast"
    chain.put(st.WeightsSetRateLimit, 1, 0)
    assert chain.error(HOTS[1], set_weights, 1, [0, 2], [1, 1], 5) == "NoValidatorPermit"
    assert chain.error(hot, set_weights, 1, [1, 1], [1, 1], 5) == "DuplicateUids"
    assert chain.error(hot, set_weights, 1, [1, 7], [1, 1], 5) == "InvalidUid"
    assert chain.error(hot, set_weights, 1, [1], [1], 5) == "NotSettingEnoughWeights"
    chain.put(st.MaxWeightsLimit, 1, 65535 // 5)
    assert chain.error(hot, set_weights, 1, [0, 1, 2, 3], [16383, 16383, 1213, 16383], 5) == "MaxWeightExceeded"


def test_self_weight_needs_no_permit_and_escapes_limits() -> None:
    chain = weights_chain(MinAllowedWeights=4, MaxWeightsLimit=100)
    chain.call(HOTS[2], set_weights, 1, [2], [7], 0)
    assert chain.get(st.Weights, 1, 2) == [(2, 65535)]
    assert chain.error(HOTS[2], set_weights, 1, [1], [7], 0) == "NoValidatorPermit"


def test_rate_limit_vector_t19() -> None:
    chain = weights_chain(WeightsSetRateLimit=10)
    chain.block = 0
    chain.put(st.LastUpdate, 1, [0, 0, 0, 0])
    chain.call(HOTS[0], set_weights, 1, [1], [1], 0)  # last update 0 counts as "never"
    ok = []
    for block in range(1, 100):
        chain.block = block
        try:
            chain.call(HOTS[0], set_weights, 1, [1], [1], 0)
            ok.append(block)
        except Exception as exc:
            assert str(exc) == "SubtensorModule.SettingWeightsTooFast"
    assert ok == [b for b in range(1, 100) if b % 10 == 1]  # block 0 stored LastUpdate 0 = "never"


def test_freshly_registered_neuron_waits_for_rate_limit() -> None:
    chain = weights_chain(WeightsSetRateLimit=100)
    assert chain.error(HOTS[0], set_weights, 1, [1], [1], 0) == "SettingWeightsTooFast"
    chain.block += 100
    chain.call(HOTS[0], set_weights, 1, [1], [1], 0)


def test_root_weights_target_netuids() -> None:
    chain = weights_chain()
    chain.call(COLD, root_register, HOTS[0])
    chain.block += 200
    assert chain.error(HOTS[0], set_weights, 0, [1, 4], [1, 1], 0) == "InvalidUid"
    chain.call(HOTS[0], set_weights, 0, [0, 1], [1, 3], 0)
    assert chain.get(st.Weights, 0, 0) == [(0, 21845), (1, 65535)]


def test_signed_extension_priority_and_min_stake() -> None:
    chain = weights_chain()
    call = ("set_weights", (1, [1], [1], 0))
    st.WeightsMinStake.set(chain.state, 20 * TAO)
    with pytest.raises(TransactionError, match="Transaction call is not expected"):
        signed_priority(chain.state, HOTS[0], *call)
    st.WeightsMinStake.set(chain.state, 0)
    st.LastUpdate.set(chain.state, 1, [5, 0, 0, 0])
    from localnet.runtime import system

    system.Number.set(chain.state, 12)
    assert signed_priority(chain.state, HOTS[0], *call) == 7 + 2**32 - 1
    assert signed_priority(chain.state, acct(99), *call) == 0
    assert signed_priority(chain.state, HOTS[0], "add_stake", (HOTS[0], 1)) == 2**64 - 1
