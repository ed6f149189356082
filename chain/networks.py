"""Named networks: the endpoints a btcli user already knows, plus any ws:// or wss:// URL."""

from __future__ import annotations

from dataclasses import dataclass

NETWORKS: dict[str, str] = {
    "local": "ws://127.0.0.1:9944",
    "test": "wss://test.finney.opentensor.ai:443",
    "finney": "wss://entrypoint-finney.opentensor.ai:443",
    "archive": "wss://archive.chain.opentensor.ai:443",
}

DEFAULT_NETWORK = "local"


class UnknownNetwork(ValueError):
    """Raised for a network that is neither a known name nor a websocket URL."""


@dataclass(frozen=True)
class Network:
    """A resolved network: the name the user gave (or 'custom') and the endpoint to dial."""

    name: str
    url: str

    @property
    def is_local(self) -> bool:
        """True for endpoints on this machine, where dev-only conveniences (faucet) are allowed."""
        host = self.url.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
        return host in {"127.0.0.1", "localhost", "[::1]", "0.0.0.0"}


def resolve_network(name_or_url: str | None) -> Network:
    """Turn `--network` into an endpoint; a URL is taken as is so any subtensor-compatible node works."""
    value = (name_or_url or DEFAULT_NETWORK).strip()
    if value.startswith(("ws://", "wss://")):
        for name, url in NETWORKS.items():
            if url == value:
                return Network(name, url)
        return Network("custom", value)
    key = value.lower()
    if key in NETWORKS:
        return Network(key, NETWORKS[key])
    known = ", ".join(NETWORKS)
    raise UnknownNetwork(f"unknown network {value!r}: use one of {known}, or a ws:// or wss:// URL")
