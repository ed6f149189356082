"""Features: the per-feature era decisions, each read from the runtime's declared shape, never a version number.

Every answer below cites what in the metadata decides it, so a runtime that mixes eras (a test build such as
spec 218, or a later one that drops a call) gets the right behaviour per feature. Where the metadata cannot
tell (V14 lists no runtime APIs), the answer is None ("unknown: probe the chain"), never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

from chain.runtime.shape import RuntimeShape

MODULE = "SubtensorModule"
LIMIT_CALLS = ("add_stake_limit", "remove_stake_limit", "swap_stake_limit", "remove_stake_full_limit")
STAKE_MOVES = ("move_stake", "transfer_stake", "swap_stake", "unstake_all", "unstake_all_alpha")


@dataclass(frozen=True, slots=True)
class Features:
    stake_per_subnet: bool  # add_stake declares a `netuid` argument: stake is alpha of a subnet pool
    subnet_pools: bool  # storage SubnetTAO and SubnetAlphaIn exist: a per-subnet AMM prices alpha
    register_network_args: tuple[str, ...]  # () in 2024, (hotkey, mechid) in R218, (hotkey) from R233
    root_weights: bool  # False when the runtime declares CanNotSetRootNetworkWeights (dTAO)
    every_hotkey_delegates: bool  # dTAO: any owned hotkey takes nominations (follows stake_per_subnet, §6)
    limit_price_calls: frozenset[str]  # which of LIMIT_CALLS exist
    stake_moves: frozenset[str]  # which of STAKE_MOVES exist
    commit_reveal: bool  # commit_weights exists
    timelocked_commits: frozenset[str]  # commit_crv3_weights / commit_timelocked_weights variants present
    mechanisms: bool  # set_mechanism_weights exists (sub-subnet mechanisms, spec 320+)
    childkeys: bool  # set_children exists
    childkey_take: bool  # set_childkey_take exists
    subnet_identity: str | None  # value type of register_network_with_identity's identity, if the call exists
    share_type: str | None  # value type of storage Alpha (u64 in R218, U64F64 from R233); None in 2024
    shares_v2: bool  # AlphaV2 storage exists (SafeFloat shares, spec 397+)
    stake_event_fields: tuple[str, ...]  # StakeAdded's field types in order (dTAO adds netuid, later a fee)
    typed_runtime_apis: bool | None  # get_dynamic_info declares a typed reply; False = opaque Vec<u8>; None = V14
    swap_api: bool | None  # SwapRuntimeApi (sim_swap_*, current_alpha_price) exists; None = V14

    @property
    def era(self) -> str:
        """A label for messages and logs only ("2024" or "dtao"); decisions use the fields above."""
        return "dtao" if self.stake_per_subnet and self.subnet_pools else "2024"


def features_of(shape: RuntimeShape) -> Features:
    add_stake = shape.call(MODULE, "add_stake")
    register = shape.call(MODULE, "register_network")
    with_identity = shape.call(MODULE, "register_network_with_identity")
    alpha = shape.item(MODULE, "Alpha")
    added = shape.events.get(f"{MODULE}.StakeAdded")
    dynamic = shape.api("SubnetInfoRuntimeApi", "get_dynamic_info")
    identity_type = None
    if with_identity is not None:
        identity_type = next((t for n, t in with_identity.args if n == "identity"), None)
    typed: bool | None = None
    swap: bool | None = None
    if shape.apis is not None:
        typed = None if dynamic is None else not dynamic.opaque
        swap = any(name.startswith("SwapRuntimeApi_") for name in shape.apis)
    stake_per_subnet = add_stake is not None and "netuid" in add_stake.arg_names
    return Features(
        stake_per_subnet=stake_per_subnet,
        subnet_pools=shape.item(MODULE, "SubnetTAO") is not None and shape.item(MODULE, "SubnetAlphaIn") is not None,
        register_network_args=register.arg_names if register else (),
        root_weights=not shape.has_error(MODULE, "CanNotSetRootNetworkWeights"),
        every_hotkey_delegates=stake_per_subnet,
        limit_price_calls=frozenset(n for n in LIMIT_CALLS if shape.has_call(MODULE, n)),
        stake_moves=frozenset(n for n in STAKE_MOVES if shape.has_call(MODULE, n)),
        commit_reveal=shape.has_call(MODULE, "commit_weights"),
        timelocked_commits=frozenset(n for n in ("commit_crv3_weights", "commit_timelocked_weights",
                                                 "commit_timelocked_mechanism_weights")
                                     if shape.has_call(MODULE, n)),
        mechanisms=shape.has_call(MODULE, "set_mechanism_weights"),
        childkeys=shape.has_call(MODULE, "set_children"),
        childkey_take=shape.has_call(MODULE, "set_childkey_take"),
        subnet_identity=identity_type,
        share_type=alpha.value if alpha is not None else None,
        shares_v2=shape.item(MODULE, "AlphaV2") is not None,
        stake_event_fields=tuple(t for _, t in added.fields) if added else (),
        typed_runtime_apis=typed,
        swap_api=swap,
    )
