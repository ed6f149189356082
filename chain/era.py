"""Which era the connected runtime is, read once per connection from what its metadata declares.

The rooms of `chain.client.Subtensor` are chosen by this answer: the dTAO siblings when the runtime declares
stake per subnet (`add_stake` takes a `netuid`) and subnet pools (`SubnetTAO`, `SubnetAlphaIn`), else the 2024
rooms, unchanged. Never a spec-version number: a test build that mixes eras gets what it declares.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from chain.dtao.connect import DtaoContext
    from chain.rpc import RpcConnection
    from chain.runtime.features import Features


def is_dtao(features: Features) -> bool:
    """The one rule that picks the dTAO rooms."""
    return features.stake_per_subnet and features.subnet_pools


def learn_era(rpc: RpcConnection) -> DtaoContext | None:
    """The dTAO context when the runtime declares the dTAO era, else None (the 2024 rooms).

    Costs one metadata fetch and our lean parse (~10-20 ms on the local chain); no substrate-interface."""
    from chain.runtime.features import features_of
    from chain.runtime.fetch import fetch_shape

    shape = fetch_shape(rpc)
    if not is_dtao(features_of(shape)):
        return None
    from chain.dtao.connect import context_for

    return context_for(rpc, shape)
