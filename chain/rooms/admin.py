"""Admin: the sudo key, subnet hyperparameters (set by the sudo key or the subnet's owner) and the
network-wide values only the sudo key may set."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chain import hyperparams as hp
from chain.errors import PreconditionFailed, RuntimeMismatch
from chain.rooms.checks import short
from wallet.ss58 import ss58_encode

if TYPE_CHECKING:
    from chain.connection import Connection
    from chain.prepared import PreparedCall
    from chain.receipt import Receipt
    from chain.rooms.subnets import Subnets
    from wallet.keypair import Keypair

# Network-wide values (no netuid; sudo key only) -> (AdminUtils setter, SubtensorModule storage item, bytes).
# The spec-143 metadata lists exactly these setters without a netuid (swap_authorities aside).
GLOBAL_SETTERS: dict[str, tuple[str, str, int]] = {
    "tx_rate_limit": ("sudo_set_tx_rate_limit", "TxRateLimit", 8),
    "network_rate_limit": ("sudo_set_network_rate_limit", "NetworkRateLimit", 8),
    "default_take": ("sudo_set_default_take", "DefaultTake", 2),
    "subnet_owner_cut": ("sudo_set_subnet_owner_cut", "SubnetOwnerCut", 2),
    "network_immunity_period": ("sudo_set_network_immunity_period", "NetworkImmunityPeriod", 8),
    "network_min_lock_cost": ("sudo_set_network_min_lock_cost", "NetworkMinLockCost", 8),
    "subnet_limit": ("sudo_set_subnet_limit", "SubnetLimit", 2),
    "lock_reduction_interval": ("sudo_set_lock_reduction_interval", "NetworkLockReductionInterval", 8),
    "weights_min_stake": ("sudo_set_weights_min_stake", "WeightsMinStake", 8),
    "total_issuance": ("sudo_set_total_issuance", "TotalIssuance", 8),
}


class Admin:
    """Sudo and owner settings."""

    def __init__(self, conn: Connection, subnets: Subnets) -> None:
        self.conn = conn
        self.subnets = subnets

    def sudo_key(self) -> str | None:
        raw = self.conn.storage("Key", pallet="Sudo")
        return ss58_encode(raw) if raw else None

    def settable_extras(self, netuid: int) -> dict[str, Any]:
        """The settable hyperparameters that SubnetHyperparams has no field for (pow_registration_allowed,
        max_allowed_uids), so `sudo get` can read back everything `sudo set` changes. {} for no subnet."""
        info = self.subnets.subnet(netuid)
        if info is None:
            return {}
        raw = self.conn.stored_or_default("NetworkPowRegistrationAllowed", netuid.to_bytes(2, "little"))
        return {"pow_registration_allowed": raw == b"\x01", "max_allowed_uids": info.max_allowed_uids}

    def global_value(self, name: str) -> int:
        """One network-wide value `sudo set` can change (GLOBAL_SETTERS), as stored or the metadata's default."""
        _, item, width = GLOBAL_SETTERS[name]
        return int.from_bytes(self.conn.stored_or_default(item)[:width], "little")

    def global_values(self) -> dict[str, int]:
        """Every network-wide value `sudo set` can change, by name."""
        return {name: self.global_value(name) for name in GLOBAL_SETTERS}

    def prepare_sudo_set_global(self, signer: str, name: str, value: int | bool) -> PreparedCall:
        """Set a network-wide value (tx_rate_limit, network_rate_limit, ...): AdminUtils calls that take no
        netuid and accept only the sudo key, wrapped in Sudo.sudo."""
        setter, _, width = GLOBAL_SETTERS[name]
        args = self.conn.call_args("AdminUtils", setter)
        if args is None or len(args) != 1:
            raise RuntimeMismatch(f"AdminUtils.{setter} on this chain takes ({', '.join(args or [])}): it runs a "
                                  f"different runtime")
        top = 2 ** (8 * width) - 1
        if isinstance(value, bool) or not 0 <= int(value) <= top:
            raise PreconditionFailed(f"{name} takes an integer from 0 to {top:,}; {value!r} is out of range")
        sudo = self.sudo_key()
        if signer != sudo:
            raise PreconditionFailed(f"{name} is network-wide: only the sudo key ({short(sudo or 'none')}) may set "
                                     f"it, not {short(signer)}")
        params = {args[0]: int(value)}
        prepared = self.conn.prepare("Sudo", "sudo", {"call": self.conn.compose("AdminUtils", setter, params)}, signer)
        prepared.params = {"call": f"AdminUtils.{setter}", **params}
        return prepared

    def prepare_sudo_set(self, signer: str, netuid: int, name: str, value: int | bool) -> PreparedCall:
        """Set a subnet hyperparameter through AdminUtils: wrapped in Sudo.sudo when `signer` is the sudo
        key, sent directly when `signer` owns the subnet (owner-settable parameters only)."""
        setter = hp.SETTERS.get(name)
        if setter is None:
            globally = f"; {name} is network-wide: set it without a netuid" if name in GLOBAL_SETTERS else ""
            raise PreconditionFailed(f"{name!r} is not a settable hyperparameter of a subnet{globally}; choose one "
                                     f"of {', '.join(sorted(hp.SETTERS))}")
        self.subnets.need_subnet(netuid)
        args = self.conn.call_args("AdminUtils", setter)
        if args is None:
            raise RuntimeMismatch(f"this chain has no AdminUtils.{setter}")
        value_arg = [a for a in args if a != "netuid"]
        if len(value_arg) != 1 or "netuid" not in args:
            raise RuntimeMismatch(f"AdminUtils.{setter} takes ({', '.join(args)}) on this chain: unexpected shape")
        if name in hp.BOOL and value not in (0, 1):  # True/False compare equal to 1/0
            raise PreconditionFailed(f"{name} is a switch: give true or false, not {value!r}")
        if name not in hp.BOOL:
            top = hp.U16_MAX if name in hp.U16 else 2**64 - 1
            if isinstance(value, bool) or not 0 <= int(value) <= top:
                raise PreconditionFailed(f"{name} takes an integer from 0 to {top:,}; {value!r} is out of range")
        params = {"netuid": netuid, value_arg[0]: bool(value) if name in hp.BOOL else int(value)}
        if signer == self.sudo_key():
            inner = self.conn.compose("AdminUtils", setter, params)
            prepared = self.conn.prepare("Sudo", "sudo", {"call": inner}, signer)
            prepared.params = {"call": f"AdminUtils.{setter}", **params}
            return prepared
        info = self.subnets.subnet(netuid)
        if info is None or info.owner != signer:
            raise PreconditionFailed(f"{short(signer)} is neither the sudo key nor the owner of subnet {netuid}: "
                                     f"only they may change its hyperparameters")
        if name in hp.ROOT_ONLY:
            raise PreconditionFailed(f"{name} can be set only by the sudo key, not by the subnet owner; the owner "
                                     f"may set {', '.join(sorted(set(hp.SETTERS) - hp.ROOT_ONLY))}")
        return self.conn.prepare("AdminUtils", setter, params, signer)

    def sudo_set_hyperparameter(self, signer: Keypair, netuid: int, name: str, value: int | bool) -> Receipt:
        return self.conn.execute(self.prepare_sudo_set(signer.ss58_address, netuid, name, value), signer)
