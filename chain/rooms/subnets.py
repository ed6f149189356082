"""Subnets: the list, one subnet, its hyperparameters and neurons (the metagraph), the lock cost, and
creating a subnet. Each info RPC falls back to plain storage (chain.storage_reads) where a chain lacks it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chain import hyperparams as hp
from chain import storage as st
from chain import storage_reads as sr
from chain import types as ty
from chain.balance import Balance
from chain.connection import SUBTENSOR
from chain.errors import PreconditionFailed, RuntimeMismatch
from chain.rpc import ApiAbsent, MethodNotFound
from chain.scale import Reader

if TYPE_CHECKING:
    from chain.connection import Connection
    from chain.dtao.views import SubnetPool
    from chain.prepared import PreparedCall
    from chain.receipt import Receipt
    from chain.rooms.balances import Balances
    from wallet.keypair import Keypair


class Subnets:
    """Subnet reads, neurons, the lock cost and `register_network`."""

    def __init__(self, conn: Connection, balances: Balances) -> None:
        self.conn = conn
        self.balances = balances

    def subnets(self, at: str | None = None) -> list[ty.SubnetInfo]:
        try:
            return ty.decode_subnets(self.conn.info("subnetInfo_getSubnetsInfo", [], at))
        except MethodNotFound as exc:
            view = self.conn.view(at)
            found = sr.subnets(view)
            if not found and not sr.netuid_candidates(view):  # every subtensor chain has the root subnet
                raise RuntimeMismatch("this chain serves no subnetInfo RPC and has no subnets in storage: "
                                      "it is not a subtensor chain") from exc
            return found

    def subnet(self, netuid: int, at: str | None = None) -> ty.SubnetInfo | None:
        try:
            return ty.decode_subnet(self.conn.info("subnetInfo_getSubnetInfo", [netuid], at))
        except MethodNotFound:
            return sr.subnet(self.conn.view(at), netuid)

    def netuids(self) -> list[int]:
        """Existing netuids from storage (NetworksAdded keys), ascending."""
        prefix = "0x" + st.prefix(SUBTENSOR, "NetworksAdded").hex()
        keys = self.conn.rpc.call("state_getKeysPaged", [prefix, 1000, None]) or []
        values = self.conn.query_many(keys)
        found = [int.from_bytes(bytes.fromhex(k[-4:]), "little") for k, v in zip(keys, values, strict=True)
                 if v == b"\x01"]
        return sorted(found)

    def subnet_exists(self, netuid: int) -> bool:
        return self.conn.storage("NetworksAdded", st.u16_key(netuid)) == b"\x01"

    def need_subnet(self, netuid: int) -> None:
        if not self.subnet_exists(netuid):
            raise PreconditionFailed(f"subnet {netuid} does not exist; list subnets with `taocli subnets list`")

    def hyperparameters(self, netuid: int) -> ty.SubnetHyperparams | None:
        try:
            return ty.decode_hyperparams(self.conn.info("subnetInfo_getSubnetHyperparams", [netuid]))
        except MethodNotFound:
            return self._hyperparameters_from_storage(netuid)

    def pools(self, at: str | None = None) -> list[SubnetPool] | None:
        """Subnet pools: None here, since 2024 subnets have none (the dTAO sibling lists them)."""
        return None

    def hyperparameters_by_name(self, netuid: int) -> dict[str, Any] | None:
        """Every hyperparameter the chain reports, by name (what `subnets hyperparameters` shows)."""
        params = self.hyperparameters(netuid)
        return None if params is None else params.to_json()

    def _hyperparameters_from_storage(self, netuid: int) -> ty.SubnetHyperparams | None:
        if not self.subnet_exists(netuid):
            return None
        keys = [st.key(SUBTENSOR, item, st.u16_key(netuid)) for item, _ in hp.STORAGE.values()]
        raws = self.conn.query_many(keys)
        values: dict[str, Any] = {}
        for (name, (item, width)), raw in zip(hp.STORAGE.items(), raws, strict=True):
            if raw is None:
                raw = self.conn.storage_default(SUBTENSOR, item)
            if raw is None:
                raise RuntimeMismatch(f"this chain has no SubtensorModule.{item} (hyperparameter {name}) in its "
                                      f"metadata: it runs a different runtime")
            values[name] = bool(raw[0]) if width == "bool" else int.from_bytes(raw[:int(width)], "little")
        return ty.SubnetHyperparams(**values)

    # -- neurons (the metagraph) ------------------------------------------------------------------

    def neurons_lite(self, netuid: int, at: str | None = None) -> list[ty.NeuronInfoLite]:
        """Every uid of a subnet (the metagraph), at the best block or at block hash `at`."""
        try:
            return ty.decode_neurons_lite(self.conn.info("neuronInfo_getNeuronsLite", [netuid], at))
        except MethodNotFound:
            return sr.neurons_lite(self.conn.view(at), netuid)

    def stake_weights(self, netuid: int, at: str | None = None) -> list[int] | None:
        """Each uid's stake as the epoch weighs it (RAO-scaled), when the neurons' own `stake` is not that.

        None here: in the 2024 runtime a neuron's `stake` list is its TAO stake, what the epoch weighs."""
        return None

    def stake_unit(self, netuid: int, at: str | None = None) -> str:
        """The unit of a neuron's stake and emission on this subnet: TAO in the 2024 runtime."""
        return "τ"

    def neurons(self, netuid: int, at: str | None = None) -> list[ty.NeuronInfo]:
        try:
            return ty.decode_neurons(self.conn.info("neuronInfo_getNeurons", [netuid], at))
        except MethodNotFound:
            return sr.neurons_full(self.conn.view(at), netuid)

    def neuron(self, netuid: int, uid: int) -> ty.NeuronInfo | None:
        try:
            return ty.decode_neuron(self.conn.info("neuronInfo_getNeuron", [netuid, uid]))
        except MethodNotFound:
            found = sr.neurons_full(self.conn.view(), netuid, uid)
            return found[0] if found else None

    def neuron_lite(self, netuid: int, uid: int) -> ty.NeuronInfoLite | None:
        try:
            return ty.decode_neuron_lite(self.conn.info("neuronInfo_getNeuronLite", [netuid, uid]))
        except MethodNotFound:
            found = sr.neurons_lite(self.conn.view(), netuid, uid)
            return found[0] if found else None

    # -- creating a subnet ------------------------------------------------------------------------

    def lock_cost(self) -> Balance:
        """TAO locked by the next `subnets create` (doubles per registration, decays back): the RPC, else the
        runtime API, else the runtime's own formula over storage (spec 143 has neither)."""
        try:
            return Balance(int(self.conn.rpc.call("subnetInfo_getLockCost", [])))
        except MethodNotFound:
            pass
        try:
            raw = self.conn.state_call("SubnetRegistrationRuntimeApi_get_network_registration_cost", b"")
            return Balance(Reader(raw).u64())
        except ApiAbsent:
            return self._lock_cost_from_storage()

    def _lock_cost_from_storage(self) -> Balance:
        """get_network_lock_cost of the 2024 runtime, evaluated for the next block. Its inputs are often
        never written (a fresh chain), so each reads as the metadata's default.

        cost = max(min_lock, last·mult − (last / interval)·(block − last_block)), mult = 1 if last_block == 0
        else 2, with saturating u64 arithmetic and integer division.
        """
        at = self.conn.block_hash()
        block = int(self.conn.rpc.call("chain_getHeader", [at])["number"], 16) + 1  # the block the call lands in

        def u64(item: str) -> int:
            return int.from_bytes(self.conn.stored_or_default(item, at=at)[:8], "little")

        last, min_lock = u64("NetworkLastLockCost"), u64("NetworkMinLockCost")
        last_block, interval = u64("NetworkLastRegistered"), u64("NetworkLockReductionInterval")
        mult = 1 if last_block == 0 else 2
        decay = (last // interval if interval else 0) * max(0, block - last_block)
        cost = max(0, min(last * mult, 2**64 - 1) - min(decay, 2**64 - 1))
        return Balance(max(cost, min_lock))

    def prepare_register_network(self, coldkey: str, hotkey: str | None = None) -> PreparedCall:
        """The 2024 register_network takes no owner hotkey (`hotkey` is for the dTAO sibling's signature)."""
        cost = self.lock_cost()
        self.balances.need_withdrawable(coldkey, cost, "to lock for a new subnet")
        return self.conn.prepare("SubtensorModule", "register_network", {}, coldkey)

    def register_network(self, coldkey: Keypair) -> Receipt:
        return self.conn.execute(self.prepare_register_network(coldkey.ss58_address), coldkey)

    @staticmethod
    def created_netuid(receipt: Receipt) -> int | None:
        """The netuid a `register_network` receipt created (its NetworkAdded event's first attribute)."""
        added = receipt.find("SubtensorModule", "NetworkAdded")
        if added is None:
            return None
        attributes = added.attributes
        if isinstance(attributes, dict):
            attributes = list(attributes.values())
        first = attributes[0] if isinstance(attributes, (list, tuple)) and attributes else attributes
        return int(first) if first is not None else None
