"""SubtensorModule genesis for the local chain (§4.4, §14.3): root network, quick-feedback limits.

A fresh local chain has the root network (netuid 0) and no user subnets. Its global limits differ from
the 2024 runtime defaults so that a developer gets feedback in seconds: no network or transaction rate
limit, a 100 TAO subnet lock instead of 1000 TAO, loopback axons allowed, and block emission shared
equally by user subnets until root validators direct it. Each of these, and any other
global SubtensorModule value, can be overridden from the genesis file's `[subtensor]` table by its
snake_case name (e.g. `network_min_lock_cost = 1_000_000_000_000`, or `tempo = 10` / `burn = 2_000_000_000`
(RAO) for the tempo / registration burn of subnets created later). Unknown keys are refused with a
message naming them, so a typo cannot silently leave a default in place.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from localnet.genesis import GenesisError
from localnet.runtime import balances
from localnet.runtime.subtensor import storage
from localnet.runtime.subtensor.root import create_root_network
from localnet.runtime.subtensor.storage import NetworkLastLockCost, NetworkMinLockCost, TotalIssuance, pallet

#: Local-chain values that differ from the 2024 runtime constants.
LOCAL_DEFAULTS: dict[str, Any] = {
    "network_rate_limit": 0,
    "tx_rate_limit": 0,
    "network_min_lock_cost": 100_000_000_000,
    "allow_loopback_serving": True,
    "emission_without_root": True,
}


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


#: Every global StorageValue of the pallet, by snake_case name (what `[subtensor]` may set).
GLOBAL_VALUES = {_snake(item.name): item for item in pallet.storage if not item.key_types}


def _table(genesis: Any) -> Mapping[str, Any]:
    """The `[subtensor]` table: `Genesis.section("subtensor")`, or a plain mapping's "subtensor" key."""
    if isinstance(genesis, Mapping):
        return genesis.get("subtensor", {})
    return genesis.section("subtensor")


#: Short names accepted in `[subtensor]` for the local-chain knobs.
ALIASES = {"tempo": "new_subnet_tempo", "burn": "new_subnet_burn"}


def settings(table: Mapping[str, Any]) -> dict[str, Any]:
    """Local defaults overlaid with the genesis table; raises GenesisError naming unknown keys."""
    given = dict(table)
    table = {ALIASES.get(key, key): value for key, value in given.items()}
    unknown = sorted(set(table) - set(GLOBAL_VALUES))
    if unknown:
        raise GenesisError(f"unknown [subtensor] genesis key(s): {', '.join(unknown)}; "
                         f"known: {', '.join(sorted(GLOBAL_VALUES))}")
    for key, value in given.items():
        # Checked here, so a wrong type or range is one GenesisError and not a codec traceback at start-up.
        codec = GLOBAL_VALUES[ALIASES.get(key, key)].codec
        try:
            codec.encode(value)
        except (TypeError, ValueError, AttributeError, OverflowError, KeyError, IndexError):
            raise GenesisError(f"[subtensor] {key} = {value!r} does not fit its type ({codec.name or 'value'}); "
                               "give a value of that type and range") from None
    return {**LOCAL_DEFAULTS, **table}


@pallet.genesis
def build(genesis: Any, state: Any) -> None:
    """Write the root network, the local limits and TotalIssuance = the balances already issued."""
    for name, value in settings(_table(genesis)).items():
        GLOBAL_VALUES[name].set(state, value)
    if "network_last_lock_cost" not in settings(_table(genesis)):
        NetworkLastLockCost.set(state, NetworkMinLockCost.get(state))
    create_root_network(state)
    TotalIssuance.set(state, balances.TotalIssuance.get(state) + storage.TotalStake.get(state))
