"""Typed reads over the lean RPC connection: balances, subnets, neurons, delegates, stake, costs.

Every read first asks the subtensor info RPC (spec §11) and decodes its SCALE reply with chain.types.
Where a chain lacks an info RPC (MethodNotFound) the read falls back to plain storage and returns the same
dataclasses: hyperparameters and stake here, subnets, neurons and delegates in chain.storage_reads (batched
reads at one block), lock cost through the runtime API. Only a chain with no subtensor storage at all is
reported as a RuntimeMismatch.
"""

from __future__ import annotations

from typing import Any

from chain import storage as st
from chain import storage_reads as sr
from chain import types as ty
from chain.balance import Balance
from chain.errors import RuntimeMismatch
from chain.rpc import ApiAbsent, MethodNotFound, RpcConnection, RpcError
from chain.scale import Reader, encode_bytes
from chain.storage_view import StorageView
from wallet.ss58 import public_key_from, ss58_encode

SUBTENSOR = "SubtensorModule"

# Hyperparameter -> (storage item keyed by netuid, SCALE width or "bool") for the storage fallback. A key never
# written holds the metadata's default (StorageEntryMetadata.default), read from the chain, not a constant.
HYPERPARAM_STORAGE: dict[str, tuple[str, int | str]] = {
    "rho": ("Rho", 2), "kappa": ("Kappa", 2), "immunity_period": ("ImmunityPeriod", 2),
    "min_allowed_weights": ("MinAllowedWeights", 2), "max_weights_limit": ("MaxWeightsLimit", 2),
    "tempo": ("Tempo", 2), "min_difficulty": ("MinDifficulty", 8), "max_difficulty": ("MaxDifficulty", 8),
    "weights_version": ("WeightsVersionKey", 8), "weights_rate_limit": ("WeightsSetRateLimit", 8),
    "adjustment_interval": ("AdjustmentInterval", 2), "activity_cutoff": ("ActivityCutoff", 2),
    "registration_allowed": ("NetworkRegistrationAllowed", "bool"),
    "target_regs_per_interval": ("TargetRegistrationsPerInterval", 2), "min_burn": ("MinBurn", 8),
    "max_burn": ("MaxBurn", 8), "bonds_moving_avg": ("BondsMovingAverage", 8),
    "max_regs_per_block": ("MaxRegistrationsPerBlock", 2), "serving_rate_limit": ("ServingRateLimit", 8),
    "max_validators": ("MaxAllowedValidators", 2), "adjustment_alpha": ("AdjustmentAlpha", 8),
    "difficulty": ("Difficulty", 8),
}


def _pk(address: str | bytes) -> bytes:
    return address if isinstance(address, bytes) else public_key_from(address)


class ChainReads:
    """Mixin: typed reads; the host class provides `rpc` (an RpcConnection)."""

    rpc: RpcConnection
    storage_default: Any  # (pallet, item) -> the metadata's default bytes; provided by the host (Subtensor)

    # -- plumbing --------------------------------------------------------------------------------

    def _info(self, method: str, params: list[Any], at: str | None = None) -> bytes:
        """An info RPC's reply bytes; `at` (a block hash) reads the state of a past block."""
        result = self.rpc.call(method, params if at is None else [*params, at])
        return bytes(result or [])

    def _storage(self, item: str, *parts: bytes, pallet: str = SUBTENSOR, at: str | None = None) -> bytes | None:
        params: list[Any] = [st.key(pallet, item, *parts)]
        if at is not None:
            params.append(at)
        return st.hex_bytes(self.rpc.call("state_getStorage", params))

    def _stored_or_default(self, item: str, *parts: bytes, pallet: str = SUBTENSOR, at: str | None = None) -> bytes:
        """A storage value, or the metadata's default when the key was never written (b"" if neither)."""
        raw = self._storage(item, *parts, pallet=pallet, at=at)
        if raw is None:
            raw = self.storage_default(pallet, item)
        return raw or b""

    def _view(self, at: str | None = None) -> StorageView:
        """Storage at block `at` (default: the best block now), for the fallbacks of chain.storage_reads."""
        return StorageView(self.rpc, at, self.storage_default)

    def _state_call(self, api: str, args: bytes, at: str | None = None) -> bytes:
        """A runtime API's reply. Any refusal of the call means the runtime lacks that API: ApiAbsent."""
        params: list[Any] = [api, "0x" + args.hex()]
        if at is not None:
            params.append(at)
        try:
            result = st.hex_bytes(self.rpc.call("state_call", params))
        except RpcError as exc:
            raise ApiAbsent(exc.method, exc.code, f"{api}: {exc.message}") from exc
        return result or b""

    # -- blocks ----------------------------------------------------------------------------------

    def block_number(self) -> int:
        header = self.rpc.call("chain_getHeader", [])
        return int(header["number"], 16)

    def block_hash(self, number: int | None = None) -> str:
        return str(self.rpc.call("chain_getBlockHash", [] if number is None else [number]))

    def genesis_hash(self) -> str:
        return self.block_hash(0)

    # -- accounts --------------------------------------------------------------------------------

    def account(self, address: str | bytes) -> dict[str, int]:
        raw = self._storage("Account", st.blake2_128_concat(_pk(address)), pallet="System")
        return st.decode_account_info(raw)

    def balance(self, address: str | bytes) -> Balance:
        """Free balance (zero for an account the chain has never seen)."""
        return Balance(self.account(address)["free"])

    # -- subnets ---------------------------------------------------------------------------------

    def subnets(self, at: str | None = None) -> list[ty.SubnetInfo]:
        try:
            return ty.decode_subnets(self._info("subnetInfo_getSubnetsInfo", [], at))
        except MethodNotFound as exc:
            view = self._view(at)
            found = sr.subnets(view)
            if not found and not sr.netuid_candidates(view):  # every subtensor chain has the root subnet
                raise RuntimeMismatch("this chain serves no subnetInfo RPC and has no subnets in storage: "
                                      "it is not a subtensor chain") from exc
            return found

    def subnet(self, netuid: int, at: str | None = None) -> ty.SubnetInfo | None:
        try:
            return ty.decode_subnet(self._info("subnetInfo_getSubnetInfo", [netuid], at))
        except MethodNotFound:
            return sr.subnet(self._view(at), netuid)

    def netuids(self) -> list[int]:
        """Existing netuids from storage (NetworksAdded keys), ascending."""
        prefix = "0x" + st.prefix(SUBTENSOR, "NetworksAdded").hex()
        keys = self.rpc.call("state_getKeysPaged", [prefix, 1000, None]) or []
        values = self._query_many(keys)
        found = [int.from_bytes(bytes.fromhex(k[-4:]), "little") for k, v in zip(keys, values, strict=True)
                 if v == b"\x01"]
        return sorted(found)

    def subnet_exists(self, netuid: int) -> bool:
        return self._storage("NetworksAdded", st.u16_key(netuid)) == b"\x01"

    def hyperparameters(self, netuid: int) -> ty.SubnetHyperparams | None:
        try:
            return ty.decode_hyperparams(self._info("subnetInfo_getSubnetHyperparams", [netuid]))
        except MethodNotFound:
            return self._hyperparameters_from_storage(netuid)

    def _hyperparameters_from_storage(self, netuid: int) -> ty.SubnetHyperparams | None:
        if not self.subnet_exists(netuid):
            return None
        keys = [st.key(SUBTENSOR, item, st.u16_key(netuid)) for item, _ in HYPERPARAM_STORAGE.values()]
        raws = self._query_many(keys)
        values: dict[str, Any] = {}
        for (name, (item, width)), raw in zip(HYPERPARAM_STORAGE.items(), raws, strict=True):
            if raw is None:
                raw = self.storage_default(SUBTENSOR, item)
            if raw is None:
                raise RuntimeMismatch(f"this chain has no SubtensorModule.{item} (hyperparameter {name}) in its "
                                      f"metadata: it runs a different runtime")
            values[name] = bool(raw[0]) if width == "bool" else int.from_bytes(raw[:int(width)], "little")
        return ty.SubnetHyperparams(**values)

    def _query_many(self, keys: list[str]) -> list[bytes | None]:
        """Values of many storage keys in one round trip (state_queryStorageAt), in key order."""
        if not keys:
            return []
        changes = self.rpc.call("state_queryStorageAt", [keys])
        found: dict[str, bytes | None] = {}
        for change_set in changes or []:
            for key, value in change_set.get("changes", []):
                found[key] = st.hex_bytes(value)
        return [found.get(k) for k in keys]

    def lock_cost(self) -> Balance:
        """TAO locked by the next `subnets create` (doubles per registration, decays back): the RPC, else the
        runtime API, else the runtime's own formula over storage (spec 143 has neither)."""
        try:
            return Balance(int(self.rpc.call("subnetInfo_getLockCost", [])))
        except MethodNotFound:
            pass
        try:
            raw = self._state_call("SubnetRegistrationRuntimeApi_get_network_registration_cost", b"")
            return Balance(Reader(raw).u64())
        except ApiAbsent:
            return self._lock_cost_from_storage()

    def _lock_cost_from_storage(self) -> Balance:
        """get_network_lock_cost of the 2024 runtime, evaluated for the next block. Its inputs are often
        never written (a fresh chain), so each reads as the metadata's default.

        cost = max(min_lock, last·mult − (last / interval)·(block − last_block)), mult = 1 if last_block == 0
        else 2, with saturating u64 arithmetic and integer division.
        """
        at = self.block_hash()
        block = int(self.rpc.call("chain_getHeader", [at])["number"], 16) + 1  # the block the call lands in

        def u64(item: str) -> int:
            return int.from_bytes(self._stored_or_default(item, at=at)[:8], "little")

        last, min_lock = u64("NetworkLastLockCost"), u64("NetworkMinLockCost")
        last_block, interval = u64("NetworkLastRegistered"), u64("NetworkLockReductionInterval")
        mult = 1 if last_block == 0 else 2
        decay = (last // interval if interval else 0) * max(0, block - last_block)
        cost = max(0, min(last * mult, 2**64 - 1) - min(decay, 2**64 - 1))
        return Balance(max(cost, min_lock))

    # -- neurons ---------------------------------------------------------------------------------

    def neurons_lite(self, netuid: int, at: str | None = None) -> list[ty.NeuronInfoLite]:
        """Every uid of a subnet (the metagraph), at the best block or at block hash `at`."""
        try:
            return ty.decode_neurons_lite(self._info("neuronInfo_getNeuronsLite", [netuid], at))
        except MethodNotFound:
            return sr.neurons_lite(self._view(at), netuid)

    def neurons(self, netuid: int, at: str | None = None) -> list[ty.NeuronInfo]:
        try:
            return ty.decode_neurons(self._info("neuronInfo_getNeurons", [netuid], at))
        except MethodNotFound:
            return sr.neurons_full(self._view(at), netuid)

    def neuron(self, netuid: int, uid: int) -> ty.NeuronInfo | None:
        try:
            return ty.decode_neuron(self._info("neuronInfo_getNeuron", [netuid, uid]))
        except MethodNotFound:
            found = sr.neurons_full(self._view(), netuid, uid)
            return found[0] if found else None

    def neuron_lite(self, netuid: int, uid: int) -> ty.NeuronInfoLite | None:
        try:
            return ty.decode_neuron_lite(self._info("neuronInfo_getNeuronLite", [netuid, uid]))
        except MethodNotFound:
            found = sr.neurons_lite(self._view(), netuid, uid)
            return found[0] if found else None

    def uid_of(self, netuid: int, hotkey: str | bytes) -> int | None:
        raw = self._storage("Uids", st.u16_key(netuid), st.blake2_128_concat(_pk(hotkey)))
        return None if raw is None else int.from_bytes(raw, "little")

    def hotkey_owner(self, hotkey: str | bytes) -> str | None:
        """The coldkey that owns a hotkey, or None when the hotkey never registered."""
        raw = self._storage("Owner", st.blake2_128_concat(_pk(hotkey)))
        return None if raw is None or raw == bytes(32) else ss58_encode(raw)

    # -- delegates and stake ---------------------------------------------------------------------

    def delegates(self) -> list[ty.DelegateInfo]:
        try:
            return ty.decode_delegates(self._info("delegateInfo_getDelegates", []))
        except MethodNotFound:
            view = self._view()
            return sr.delegates(view, sr.delegate_hotkeys(view))

    def delegate(self, hotkey: str | bytes) -> ty.DelegateInfo | None:
        try:
            return ty.decode_delegate(self._info("delegateInfo_getDelegate", [list(_pk(hotkey))]))
        except MethodNotFound:
            found = sr.delegates(self._view(), [_pk(hotkey)])
            return found[0] if found else None

    def delegated(self, coldkey: str | bytes) -> list[tuple[ty.DelegateInfo, int]]:
        """The delegates `coldkey` nominates (stake > 0), in Delegates order, with its stake on each."""
        try:
            return ty.decode_delegated(self._info("delegateInfo_getDelegated", [list(_pk(coldkey))]))
        except MethodNotFound:
            view = self._view()
            mine = ss58_encode(_pk(coldkey))
            out = []
            for info in sr.delegates(view, sr.delegate_hotkeys(view)):
                staked = dict(info.nominators).get(mine, 0)
                if staked:
                    out.append((info, staked))
            return out

    def is_delegate(self, hotkey: str | bytes) -> bool:
        return self._storage("Delegates", st.blake2_128_concat(_pk(hotkey))) is not None

    def stake(self, hotkey: str | bytes, coldkey: str | bytes) -> Balance:
        """Stake `coldkey` holds on `hotkey`."""
        raw = self._storage("Stake", st.blake2_128_concat(_pk(hotkey)), _pk(coldkey))
        return Balance(int.from_bytes(raw, "little") if raw else 0)

    def total_hotkey_stake(self, hotkey: str | bytes) -> Balance:
        raw = self._storage("TotalHotkeyStake", _pk(hotkey))
        return Balance(int.from_bytes(raw, "little") if raw else 0)

    def stake_for_coldkey(self, coldkey: str | bytes) -> list[ty.StakeInfo]:
        """Every (hotkey, stake) of a coldkey, non-zero only: runtime API, else a scan of the Stake map."""
        pk = _pk(coldkey)
        try:
            raw = self._state_call("StakeInfoRuntimeApi_get_stake_info_for_coldkey", encode_bytes(pk))
            infos = ty.decode_stake_infos(ty.unwrap_state_call(raw))
        except MethodNotFound:
            infos = self._stake_scan(pk)
        return [s for s in infos if s.stake > 0]

    def _stake_scan(self, coldkey: bytes) -> list[ty.StakeInfo]:
        prefix = "0x" + st.prefix(SUBTENSOR, "Stake").hex()
        out: list[ty.StakeInfo] = []
        start = None
        while True:
            keys = self.rpc.call("state_getKeysPaged", [prefix, 1000, start]) or []
            mine = [k for k in keys if k.endswith(coldkey.hex())]
            for key, raw in zip(mine, self._query_many(mine), strict=True):
                hotkey = bytes.fromhex(key[2 + 64 + 32:2 + 64 + 32 + 64])
                out.append(ty.StakeInfo(ss58_encode(hotkey), ss58_encode(coldkey),
                                        int.from_bytes(raw or b"", "little")))
            if len(keys) < 1000:
                return out
            start = keys[-1]
