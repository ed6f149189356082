"""serve_axon / serve_prometheus: registration, address checks, rate limit (spec §5.1)."""

from __future__ import annotations

import pytest

from localnet.runtime.subtensor import storage as st
from localnet.runtime.subtensor.events import AxonServed, PrometheusServed
from localnet.runtime.subtensor.networks import register_network
from localnet.runtime.subtensor.registration import burned_register
from localnet.runtime.subtensor.serving import ip_is_valid, serve_axon, serve_prometheus
from tests.unit.test_subtensor_harness import TAO, Chain, acct

OWNER, COLD, HOT = acct(1), acct(2), acct(3)
IP = (10 << 24) | (0 << 16) | (0 << 8) | 7  # 10.0.0.7


def served_chain(**genesis: object) -> Chain:
    chain = Chain(dict(genesis))
    chain.fund(OWNER, 10_000 * TAO)
    chain.fund(COLD, 100 * TAO)
    chain.call(OWNER, register_network)
    chain.call(COLD, burned_register, 1, HOT)
    return chain


def test_serve_axon_stores_record_with_block() -> None:
    chain = served_chain()
    events = chain.call(HOT, serve_axon, 1, 7, IP, 8091, 4, 4, 0, 0)
    assert events == [b"\x02" + AxonServed.encode(1, HOT) + b"\x00"]
    assert chain.get(st.Axons, 1, HOT) == {"block": chain.block, "version": 7, "ip": IP, "port": 8091,
                                           "ip_type": 4, "protocol": 4, "placeholder1": 0, "placeholder2": 0}
    events = chain.call(HOT, serve_prometheus, 1, 2, IP, 9100, 4)
    assert events == [b"\x02" + PrometheusServed.encode(1, HOT) + b"\x00"]
    assert chain.get(st.Prometheus, 1, HOT)["port"] == 9100


def test_serve_axon_errors_in_order() -> None:
    chain = served_chain()
    assert chain.error(acct(9), serve_axon, 1, 0, IP, 1, 4, 0, 0, 0) == "NotRegistered"
    assert chain.error(HOT, serve_axon, 1, 0, IP, 1, 5, 0, 0, 0) == "InvalidIpType"
    assert chain.error(HOT, serve_axon, 1, 0, 0, 1, 4, 0, 0, 0) == "InvalidIpAddress"
    assert chain.error(HOT, serve_axon, 1, 0, 0xFFFFFFFF, 1, 4, 0, 0, 0) == "InvalidIpAddress"
    assert chain.error(HOT, serve_axon, 1, 0, IP, 0, 4, 0, 0, 0) == "InvalidPort"
    chain.call(HOT, serve_axon, 1, 0, IP, 1, 4, 0, 0, 0)
    chain.block += 49
    assert chain.error(HOT, serve_axon, 1, 0, IP, 2, 4, 0, 0, 0) == "ServingRateLimitExceeded"
    chain.block += 1
    chain.call(HOT, serve_axon, 1, 0, IP, 2, 4, 0, 0, 0)
    # membership of any subnet is enough: the netuid itself is not checked (2024 behaviour)
    chain.call(HOT, serve_axon, 9, 0, IP, 3, 4, 0, 0, 0)


def test_loopback_is_a_local_chain_choice() -> None:
    loopback = 0x7F000001
    assert not ip_is_valid(loopback, 4)
    assert ip_is_valid(loopback, 4, allow_loopback=True)
    assert not ip_is_valid(1, 6)
    assert not ip_is_valid((1 << 128) - 1, 6, allow_loopback=True)
    chain = served_chain(allow_loopback_serving=False)
    assert chain.error(HOT, serve_axon, 1, 0, loopback, 1, 4, 0, 0, 0) == "InvalidIpAddress"
    chain = served_chain()
    chain.call(HOT, serve_axon, 1, 0, loopback, 8091, 4, 0, 0, 0)


@pytest.mark.parametrize("limit", [0, 5])
def test_prometheus_rate_limit(limit: int) -> None:
    chain = served_chain()
    chain.put(st.ServingRateLimit, 1, limit)
    chain.call(HOT, serve_prometheus, 1, 0, IP, 1, 4)
    if limit:
        assert chain.error(HOT, serve_prometheus, 1, 0, IP, 1, 4) == "ServingRateLimitExceeded"
    else:
        chain.call(HOT, serve_prometheus, 1, 0, IP, 1, 4)
