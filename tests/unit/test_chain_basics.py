"""Balance arithmetic and network naming: exact RAO, τ display, and clear errors for bad input."""

from __future__ import annotations

import pytest

from chain.balance import Balance, InvalidAmount
from chain.networks import UnknownNetwork, resolve_network


@pytest.mark.parametrize(
    ("text", "rao"),
    [("1", 1_000_000_000), ("1.5", 1_500_000_000), ("0.000000001", 1), ("τ2", 2_000_000_000), ("1_000", 10**12)],
)
def test_from_tao_is_exact(text: str, rao: int) -> None:
    assert Balance.from_tao(text).rao == rao


@pytest.mark.parametrize("bad", ["-1", "abc", "0.0000000001", "nan", "inf", ""])
def test_from_tao_rejects_bad_amounts(bad: str) -> None:
    with pytest.raises(InvalidAmount):
        Balance.from_tao(bad)


def test_display_uses_tau_and_at_most_nine_decimals() -> None:
    assert str(Balance(3_200_000_000)) == "τ3.2"
    assert str(Balance(1)) == "τ0.000000001"
    assert str(Balance(1_234_000_000_000)) == "τ1,234"
    assert Balance(1_500_000_001).to_json() == {"rao": 1_500_000_001, "tao": "1.500000001"}


def test_networks_resolve_names_and_urls() -> None:
    assert resolve_network("local").url == "ws://127.0.0.1:9944"
    assert resolve_network("FINNEY").url == "wss://entrypoint-finney.opentensor.ai:443"
    custom = resolve_network("ws://10.0.0.5:9946")
    assert (custom.name, custom.url, custom.is_local) == ("custom", "ws://10.0.0.5:9946", False)
    assert resolve_network("ws://127.0.0.1:9944").name == "local"
    assert resolve_network(None).is_local
    with pytest.raises(UnknownNetwork, match="unknown network 'mainnet'"):
        resolve_network("mainnet")
