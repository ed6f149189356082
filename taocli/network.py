"""Which chain a command talks to: `--network` > TAOCLI_NETWORK > config file > `local`.

Chain commands call `network_from(flag)` and get the chain client's `Network` (name + endpoint URL).
The chain package is imported only here, inside the function, so wallet-only runs never load it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from taocli.errors import UsageProblem
from taocli.settings import Settings

if TYPE_CHECKING:  # pragma: no cover
    from chain.networks import Network


def network_from(flag: str | None, settings: Settings | None = None) -> Network:
    """Resolve the network setting and turn it into an endpoint; a bad value names where it came from."""
    from chain.networks import UnknownNetwork, resolve_network

    resolved = (settings or Settings()).resolve("network", flag)
    try:
        return resolve_network(resolved.value)
    except UnknownNetwork as exc:
        raise UsageProblem(f"{exc} (the value comes from the {resolved.source})") from None
