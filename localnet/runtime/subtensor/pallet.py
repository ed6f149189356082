"""SubtensorModule (index 7, crate `pallet_subtensor`): the call table, hooks, genesis and pool checks.

The pallet object and its storage live in `storage.py`, events and errors in `events.py`, each call's
logic in the module of its concern; this module only wires them under the 2024 call indices and
argument names (clients compose calls by those names and the metadata carries them), plus the
SubtensorSignedExtension's pool rules (§6) and the block step (§7).
"""

from __future__ import annotations

from typing import Any

from localnet.runtime.subtensor import events, genesis, info  # noqa: F401 - declare events, genesis, RPCs
from localnet.runtime.subtensor.block_step import on_initialize
from localnet.runtime.subtensor.networks import dissolve_network, register_network
from localnet.runtime.subtensor.registration import burned_register, register
from localnet.runtime.subtensor.root import root_register
from localnet.runtime.subtensor.senate import sudo, sudo_unchecked_weight, vote
from localnet.runtime.subtensor.serving import serve_axon, serve_prometheus
from localnet.runtime.subtensor.staking import add_stake, become_delegate, remove_stake
from localnet.runtime.subtensor.storage import pallet
from localnet.runtime.subtensor.swap import faucet, swap_hotkey
from localnet.runtime.subtensor.weights import U64_MAX, set_weights, signed_priority

__all__ = ["pallet"]

_ACC, _U16, _U64, _U8 = "AccountId", "u16", "u64", "u8"

_CALLS: list[tuple[int, Any, list[tuple[str, str]], str]] = [
    (0, set_weights, [("netuid", _U16), ("dests", "Vec<u16>"), ("weights", "Vec<u16>"),
                      ("version_key", _U64)], "Normal"),
    (1, become_delegate, [("hotkey", _ACC)], "Normal"),
    (2, add_stake, [("hotkey", _ACC), ("amount_staked", _U64)], "Normal"),
    (3, remove_stake, [("hotkey", _ACC), ("amount_unstaked", _U64)], "Normal"),
    (4, serve_axon, [("netuid", _U16), ("version", "u32"), ("ip", "u128"), ("port", _U16), ("ip_type", _U8),
                     ("protocol", _U8), ("placeholder1", _U8), ("placeholder2", _U8)], "Normal"),
    (5, serve_prometheus, [("netuid", _U16), ("version", "u32"), ("ip", "u128"), ("port", _U16),
                           ("ip_type", _U8)], "Normal"),
    (6, register, [("netuid", _U16), ("block_number", _U64), ("nonce", _U64), ("work", "Vec<u8>"),
                   ("hotkey", _ACC), ("coldkey", _ACC)], "Normal"),
    (7, burned_register, [("netuid", _U16), ("hotkey", _ACC)], "Normal"),
    (59, register_network, [], "Operational"),
    (60, faucet, [("block_number", _U64), ("nonce", _U64), ("work", "Vec<u8>")], "Normal"),
    (61, dissolve_network, [("netuid", _U16)], "Operational"),
    (62, root_register, [("hotkey", _ACC)], "Normal"),
    (70, swap_hotkey, [("hotkey", _ACC), ("new_hotkey", _ACC)], "Operational"),
]

for _index, _fn, _args, _class in _CALLS:
    pallet.call(_index, args=_args, pays=False, dispatch_class=_class)(_fn)

# Governance (§5.1): sudo by a Triumvirate majority, and a senator's vote, which pays unless it is the
# member's first vote on the motion (the call returns the Pays::No marker then).
pallet.call(51, args=[("call", "RuntimeCall")], pays=False,
            weight=lambda call: 10_000 + call.weight())(sudo)
pallet.call(52, args=[("call", "RuntimeCall"), ("weight", "Weight")], pays=False,
            weight=lambda call, weight: weight["ref_time"])(sudo_unchecked_weight)
pallet.call(55, args=[("hotkey", _ACC), ("proposal", "H256"), ("index", "Compact<u32>"), ("approve", "bool")],
            dispatch_class="Operational")(vote)


@pallet.on_initialize
def _block_step(ctx: Any, number: int) -> None:
    on_initialize(ctx, number)


SET_WEIGHTS_LONGEVITY = 1


@pallet.signed_extension
def _subtensor_signed_extension(state: Any, who: bytes, call: Any) -> tuple[int, int | None]:
    """SubtensorSignedExtension::validate (§6) for every signed call of the runtime: priority u64::MAX,
    except set_weights (see `weights.signed_priority`), which also lives for 1 block only."""
    if call.call.pallet is not pallet:
        return U64_MAX, None
    priority = signed_priority(state, who, call.call.name, call.args)
    return priority, SET_WEIGHTS_LONGEVITY if call.call.name == "set_weights" else None
