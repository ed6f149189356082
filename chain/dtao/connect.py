"""One object per connected runtime holding what the dTAO reads need: its shape, features, reply decoder and
swap rules, with a runtime-API call and a storage read that both go by the metadata's declarations.

Why a context and not more methods on the connection: the rooms (staking, subnets, delegation) take it as an
argument, so each stays a few functions, and the 2024 rooms never see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from chain.dtao.amm import SwapRules, rules_for
from chain.dtao.decode import DELEGATE, STAKE, SUBNET, SWAP, ApiDecoder
from chain.dtao.errors import RuntimeTooNew
from chain.dtao.structs import Delegate, DynamicInfo, Hyperparams, Metagraph, SimSwap, StakeInfo, SubnetState
from chain.runtime.features import Features, features_of
from chain.runtime.fetch import fetch_shape
from chain.runtime.shape import RuntimeShape
from chain.runtime.storage_items import decode_value, storage_key
from chain.storage import u16_key


@dataclass(frozen=True)
class DtaoContext:
    rpc: Any  # chain.rpc.RpcConnection (or anything with .call(method, params))
    shape: RuntimeShape
    features: Features
    decoder: ApiDecoder
    rules: SwapRules | None  # None: quote with the chain's SwapRuntimeApi

    def call_api(self, api: str, method: str, *args: Any, at: str | None = None) -> bytes:
        params: list[Any] = [f"{api}_{method}", "0x" + self.decoder.encode_args(api, method, *args).hex()]
        if at:
            params.append(at)
        reply = self.rpc.call("state_call", params)
        return bytes.fromhex(reply[2:])

    def read(self, pallet: str, item: str, *keys: bytes, at: str | None = None) -> Any:
        """A storage value by its declared type; the declared default when never written."""
        params: list[Any] = [storage_key(self.shape, pallet, item, *keys)]
        if at:
            params.append(at)
        raw = self.rpc.call("state_getStorage", params)
        return decode_value(self.shape, pallet, item, None if raw is None else bytes.fromhex(raw[2:]))

    def raw_many(self, keys: list[str], at: str | None = None) -> list[bytes | None]:
        """Raw values of many storage keys at one block, one round trip per 1,000 keys, in key order (None:
        never written). Why: a read per subnet is a round trip per subnet, seconds on a remote node."""
        found: dict[str, str | None] = {}
        for i in range(0, len(keys), 1000):
            params: list[Any] = [keys[i:i + 1000]]
            if at:
                params.append(at)
            for change_set in self.rpc.call("state_queryStorageAt", params) or []:
                found.update({k: v for k, v in change_set.get("changes", [])})
        return [None if found.get(k) is None else bytes.fromhex(str(found[k])[2:]) for k in keys]

    def per_subnet(self, item: str, netuids: list[int], at: str | None = None) -> dict[int, bytes | None]:
        """Raw `SubtensorModule.<item>` of each netuid (a map keyed by netuid), in one batch."""
        keys = [storage_key(self.shape, "SubtensorModule", item, u16_key(n)) for n in netuids]
        return dict(zip(netuids, self.raw_many(keys, at), strict=True))

    def all_dynamic_info(self, at: str | None = None) -> list[DynamicInfo]:
        return self.decoder.all_dynamic_info(self.call_api(SUBNET, "get_all_dynamic_info", at=at))

    def dynamic_info(self, netuid: int, at: str | None = None) -> DynamicInfo | None:
        return self.decoder.dynamic_info(self.call_api(SUBNET, "get_dynamic_info", netuid, at=at))

    def subnet_state(self, netuid: int, at: str | None = None) -> SubnetState | None:
        return self.decoder.subnet_state(self.call_api(SUBNET, "get_subnet_state", netuid, at=at))

    def stake_info_for_coldkey(self, coldkey: bytes, at: str | None = None) -> list[StakeInfo]:
        return self.decoder.stake_info_for_coldkey(self.call_api(STAKE, "get_stake_info_for_coldkey", coldkey, at=at))

    def hyperparams(self, netuid: int, at: str | None = None) -> Hyperparams | None:
        return self.decoder.hyperparams(self.call_api(SUBNET, "get_subnet_hyperparams", netuid, at=at))

    def delegates(self, at: str | None = None) -> list[Delegate]:
        return self.decoder.delegates(self.call_api(DELEGATE, "get_delegates", at=at))

    def metagraph(self, netuid: int, at: str | None = None) -> Metagraph | None:
        """The typed `get_metagraph(netuid)` (spec 233+): every uid's arrays and the pool in one reply."""
        return self.decoder.metagraph(self.call_api(SUBNET, "get_metagraph", netuid, at=at))

    def swap_prices(self, netuids: list[int], at: str | None = None) -> dict[int, Fraction]:
        """τ per α of `netuids` from the chain's SwapRuntimeApi: `current_alpha_price_all` in one call where
        declared (spec 391+), else `current_alpha_price` per netuid (283+), as btcli 9 does. A netuid the
        `_all` reply omits gets no price (the caller shows "—")."""
        if self.shape.api(SWAP, "current_alpha_price_all") is not None:
            every = self.decoder.alpha_prices(self.call_api(SWAP, "current_alpha_price_all", at=at))
            return {n: every[n] for n in netuids if n in every}
        return {n: self.decoder.alpha_price(self.call_api(SWAP, "current_alpha_price", n, at=at)) for n in netuids}

    def sim_swap(self, netuid: int, amount: int, buying: bool, at: str | None = None) -> SimSwap:
        """The chain's own quote for `amount` TAO (buying) or alpha (selling) into subnet `netuid`'s pool."""
        method = "sim_swap_tao_for_alpha" if buying else "sim_swap_alpha_for_tao"
        return self.decoder.sim_swap(self.call_api(SWAP, method, netuid, amount, at=at), buying)

    def min_stake(self) -> int | None:
        """The runtime's minimum stake in RAO: the declared constant `InitialMinStake` (2_000_000 at spec 425,
        §P2.5), None where the runtime declares no such constant (then the chain alone checks it)."""
        from chain.runtime.portable import decode_all

        pallet = self.shape.metadata.pallets.get("SubtensorModule")
        found = None if pallet is None else pallet.constants.get("InitialMinStake")
        if found is None:
            return None
        value = decode_all(self.shape.metadata, found[0], found[1])
        if not isinstance(value, int) or isinstance(value, bool):
            raise RuntimeTooNew("the constant SubtensorModule.InitialMinStake is not a number")
        return value

    def mechanism(self, netuid: int, at: str | None = None) -> int:
        """SubnetMechanism (0 stable, 1 AMM); root is stable whatever storage says."""
        return 0 if netuid == 0 else self.read("SubtensorModule", "SubnetMechanism", u16_key(netuid), at=at)


def connect(rpc: Any, at: str | None = None) -> DtaoContext:
    """Learn the runtime at `at` (default: best block): one metadata fetch and one version call."""
    return context_for(rpc, fetch_shape(rpc, at), at)


def context_for(rpc: Any, shape: RuntimeShape, at: str | None = None) -> DtaoContext:
    """The context over a shape already read (the connection reads it once to pick its rooms). The spec
    version only picks the layout of opaque replies (see decode.py), never a behaviour."""
    version = rpc.call("state_getRuntimeVersion", [at] if at else [])
    return DtaoContext(rpc, shape, features_of(shape), ApiDecoder(shape, int(version["specVersion"])),
                       rules_for(shape))
