"""A spec-425-shaped runtime for the room code, built from the layouts of dtao-2025.md §P2.2–P2.5, and an RPC
that answers with SCALE bytes built here: a recorded-bytes stand-in at the exact boundary where the connection
returns raw bytes (`state_call`, `state_getStorage`, `state_queryStorageAt`), not a live chain.

Why: no runtime of spec 233+ runs on this machine (the only live dTAO runtime is spec 218), so the typed,
SwapRuntimeApi-era paths are checked on registries and replies declared the way that runtime declares them:
`NetUid(u16)`, `TaoCurrency(u64)`, `AlphaCurrency(u64)` newtypes, `SimSwapResult` with six fields,
`SubnetPrice {netuid, price}`, the limit-price calls with `limit_price` and `allow_partial`, and the constant
`InitialMinStake` = 2_000_000 RAO.
"""

from __future__ import annotations

from typing import Any

from chain.dtao.connect import DtaoContext, context_for
from chain.runtime.storage_items import storage_key
from chain.storage import u16_key
from tests.unit.dtao_registry import PalletDecl, Registry
from tests.unit.test_dtao_typed import IDENTITY_V2, IDENTITY_V3, dynamic_layout, dynamic_value, metagraph_layout

SIM_FIELDS = [("tao_amount", "TaoCurrency"), ("alpha_amount", "AlphaCurrency"), ("tao_fee", "TaoCurrency"),
              ("alpha_fee", "AlphaCurrency"), ("tao_slippage", "TaoCurrency"), ("alpha_slippage", "AlphaCurrency")]
SWAP_APIS: dict[str, tuple[list[tuple[str, str]], str]] = {
    "SwapRuntimeApi_current_alpha_price": ([("netuid", "NetUid")], "u64"),
    "SwapRuntimeApi_current_alpha_price_all": ([], "Vec<SubnetPrice>"),
    "SwapRuntimeApi_sim_swap_tao_for_alpha": ([("netuid", "NetUid"), ("tao", "TaoCurrency")], "SimSwapResult"),
    "SwapRuntimeApi_sim_swap_alpha_for_tao": ([("netuid", "NetUid"), ("alpha", "AlphaCurrency")], "SimSwapResult"),
}
HOTKEY = "AccountId32"
STAKE_CALLS = {
    "add_stake": [("hotkey", HOTKEY), ("netuid", "NetUid"), ("amount_staked", "TaoCurrency")],
    "remove_stake": [("hotkey", HOTKEY), ("netuid", "NetUid"), ("amount_unstaked", "AlphaCurrency")],
    "move_stake": [("origin_hotkey", HOTKEY), ("destination_hotkey", HOTKEY), ("origin_netuid", "NetUid"),
                   ("destination_netuid", "NetUid"), ("alpha_amount", "AlphaCurrency")],
    "add_stake_limit": [("hotkey", HOTKEY), ("netuid", "NetUid"), ("amount_staked", "TaoCurrency"),
                        ("limit_price", "TaoCurrency"), ("allow_partial", "bool")],
    "remove_stake_limit": [("hotkey", HOTKEY), ("netuid", "NetUid"), ("amount_unstaked", "AlphaCurrency"),
                           ("limit_price", "TaoCurrency"), ("allow_partial", "bool")],
}
BLOCK = "0x" + "ab" * 32


def metagraph_head() -> list[tuple[str, str]]:
    """§P2.4: HEAD's Metagraph keeps R233's 72 fields; the identity is V3 and activity_cutoff a Compact<u64>."""
    out = []
    for name, ty in metagraph_layout():
        if name == "identity":
            ty = "Option<SubnetIdentityV3>"
        elif name == "activity_cutoff":
            ty = "Compact<u64>"
        out.append((name, ty))
    return out


def registry(sim_fields: list[tuple[str, str]] | None = None) -> Registry:
    reg = Registry()
    reg.newtypes.update({"NetUid": "u16", "TaoCurrency": "u64", "AlphaCurrency": "u64"})
    reg.structs.update({
        "SubnetIdentityV2": IDENTITY_V2, "SubnetIdentityV3": IDENTITY_V3,
        "ChainIdentityV2": [(n, "Vec<u8>") for n in ("name", "url", "github_repo", "image", "discord",
                                                     "description", "additional")],
        "AxonInfo": [("block", "u64"), ("version", "u32"), ("ip", "u128"), ("port", "u16"), ("ip_type", "u8"),
                     ("protocol", "u8"), ("placeholder1", "u8"), ("placeholder2", "u8")],
        "DynamicInfo": dynamic_layout("SubnetIdentityV3"), "Metagraph": metagraph_head(),
        "SimSwapResult": SIM_FIELDS if sim_fields is None else sim_fields,
        "SubnetPrice": [("netuid", "NetUid"), ("price", "u64")]})
    return reg


def shape_425(reg: Registry, drop: tuple[str, ...] = (), calls: dict[str, list[tuple[str, str]]] | None = None,
              min_stake: bool = True) -> Any:
    apis = {**SWAP_APIS,
            "SubnetInfoRuntimeApi_get_all_dynamic_info": ([], "Vec<Option<DynamicInfo>>"),
            "SubnetInfoRuntimeApi_get_dynamic_info": ([("netuid", "NetUid")], "Option<DynamicInfo>"),
            "SubnetInfoRuntimeApi_get_metagraph": ([("netuid", "NetUid")], "Option<Metagraph>")}
    for name in drop:
        apis.pop(name)
    module = PalletDecl(calls=STAKE_CALLS if calls is None else calls, storage={
        "NetworksAdded": (("Identity",), "NetUid", "bool", False),
        "SubnetMechanism": (("Identity",), "NetUid", "u16", 1),
        "SubnetTAO": (("Identity",), "NetUid", "TaoCurrency", 0),
        "SubnetAlphaIn": (("Identity",), "NetUid", "AlphaCurrency", 0),
        "TokenSymbol": (("Identity",), "NetUid", "Vec<u8>", b""),
    }, constants={"InitialMinStake": ("TaoCurrency", 2_000_000)} if min_stake else {})
    swap = PalletDecl(name="Swap", index=28, storage={"FeeRate": (("Identity",), "NetUid", "u16", 33)})
    return reg.shape(apis, module, swap)


class RecordedRpc:
    """Answers the three raw-byte RPCs from bytes built by the test; records every call it was asked."""

    def __init__(self) -> None:
        self.replies: dict[tuple[str, str], bytes] = {}  # (state_call name, args hex) -> reply
        self.storage: dict[str, bytes] = {}  # full key hex -> value
        self.calls: list[tuple[str, Any]] = []

    def reply(self, name: str, args: bytes, value: bytes) -> None:
        self.replies[(name, "0x" + args.hex())] = value

    def call(self, method: str, params: list[Any]) -> Any:
        self.calls.append((method, params))
        if method == "state_getRuntimeVersion":
            return {"specVersion": 425}
        if method == "state_call":
            found = self.replies.get((params[0], params[1]))
            if found is None:
                raise AssertionError(f"no recorded reply for {params[0]}({params[1]})")
            return "0x" + found.hex()
        if method == "state_getStorage":
            value = self.storage.get(params[0])
            return None if value is None else "0x" + value.hex()
        if method == "state_queryStorageAt":
            return [{"changes": [[k, None if k not in self.storage else "0x" + self.storage[k].hex()]
                                 for k in params[0]]}]
        raise AssertionError(f"unexpected RPC {method}")

    def api_calls(self) -> list[str]:
        return [p[0] for m, p in self.calls if m == "state_call"]


def subnet(rpc: RecordedRpc, reg: Registry, ctx: DtaoContext, netuid: int, mechanism: int, tao: int,
           alpha: int) -> None:
    """Storage of one subnet as the runtime would hold it."""
    for item, ty, value in (("NetworksAdded", "bool", True), ("SubnetMechanism", "u16", mechanism),
                            ("SubnetTAO", "u64", tao), ("SubnetAlphaIn", "u64", alpha)):
        rpc.storage[storage_key(ctx.shape, "SubtensorModule", item, u16_key(netuid))] = reg.encode(ty, value)


def infos(reg: Registry, netuids: list[int]) -> bytes:
    """get_all_dynamic_info for these subnets (netuid 0 has the chain's τ symbol)."""
    values = []
    for n in netuids:
        value = dynamic_value(None)
        value.update({"netuid": n, "token_symbol": list(("τ" if n == 0 else "γ").encode())})
        values.append(value)
    return reg.encode("Vec<Option<DynamicInfo>>", values)


def context(reg: Registry, shape: Any) -> tuple[RecordedRpc, DtaoContext]:
    rpc = RecordedRpc()
    return rpc, context_for(rpc, shape, BLOCK)
