"""The neuron layer: typed messages (Synapse), the server that answers them (Axon), the client that asks
(Dendrite), wire-compatible with the bittensor SDK's axon/dendrite (see neuron/README.md).

Imports are lazy (PEP 562) so ``import neuron`` costs nothing until a name is used: the CLI can mention
neuron types without paying for httpx, msgspec or httptools at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "Synapse": "neuron.synapse",
    "TerminalInfo": "neuron.synapse",
    "Axon": "neuron.axon",
    "Dendrite": "neuron.dendrite",
    "AxonInfo": "neuron.network",
    "detect_external_ip": "neuron.network",
}

__all__ = ["Axon", "AxonInfo", "Dendrite", "Synapse", "TerminalInfo", "detect_external_ip"]

if TYPE_CHECKING:
    from neuron.axon import Axon
    from neuron.dendrite import Dendrite
    from neuron.network import AxonInfo, detect_external_ip
    from neuron.synapse import Synapse, TerminalInfo


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'neuron' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
