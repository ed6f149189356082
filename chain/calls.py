"""One method per extrinsic: check what the chain would refuse, then compose and price the call.

Each `prepare_*` runs the cheap checks the runtime will run (balance, ownership, registration, limits)
and raises `PreconditionFailed` with a line that names the account, what it has and what is needed —
before any password is asked or any rate-limit window spent. What passes is a `PreparedCall` for the
host's `execute` (sign, submit, wait). The host class is `chain.client.Subtensor`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from chain import weights as wt
from chain.balance import Balance
from chain.errors import ChainError, RuntimeMismatch
from chain.pow import PowSolution
from wallet.ss58 import public_key_from, ss58_encode

if TYPE_CHECKING:
    from chain.prepared import PreparedCall
    from chain.types import SubnetHyperparams


class PreconditionFailed(ChainError):
    """The chain would refuse this call; the message says why in the user's terms and what to do."""


# Hyperparameter (as SubnetHyperparams names it) -> AdminUtils setter. No setter exists for `burn`.
HYPERPARAM_SETTERS: dict[str, str] = {
    "rho": "sudo_set_rho", "kappa": "sudo_set_kappa", "immunity_period": "sudo_set_immunity_period",
    "min_allowed_weights": "sudo_set_min_allowed_weights", "max_weights_limit": "sudo_set_max_weight_limit",
    "tempo": "sudo_set_tempo", "min_difficulty": "sudo_set_min_difficulty",
    "max_difficulty": "sudo_set_max_difficulty", "weights_version": "sudo_set_weights_version_key",
    "weights_rate_limit": "sudo_set_weights_set_rate_limit", "adjustment_interval": "sudo_set_adjustment_interval",
    "activity_cutoff": "sudo_set_activity_cutoff", "registration_allowed": "sudo_set_network_registration_allowed",
    "pow_registration_allowed": "sudo_set_network_pow_registration_allowed",
    "target_regs_per_interval": "sudo_set_target_registrations_per_interval", "min_burn": "sudo_set_min_burn",
    "max_burn": "sudo_set_max_burn", "bonds_moving_avg": "sudo_set_bonds_moving_average",
    "max_regs_per_block": "sudo_set_max_registrations_per_block", "serving_rate_limit": "sudo_set_serving_rate_limit",
    "max_validators": "sudo_set_max_allowed_validators", "adjustment_alpha": "sudo_set_adjustment_alpha",
    "difficulty": "sudo_set_difficulty", "max_allowed_uids": "sudo_set_max_allowed_uids",
}
BOOL_HYPERPARAMS = {"registration_allowed", "pow_registration_allowed"}
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
# Setters AdminUtils guards with ensure_root (March 2024): a subnet owner's call fails with a bare BadOrigin,
# so the owner is told before signing that only the sudo key may change these.
ROOT_ONLY_HYPERPARAMS = {"adjustment_interval", "max_allowed_uids", "target_regs_per_interval", "max_validators",
                         "max_regs_per_block", "tempo"}
U16_HYPERPARAMS = {"rho", "kappa", "immunity_period", "min_allowed_weights", "max_weights_limit", "tempo",
                   "adjustment_interval", "activity_cutoff", "target_regs_per_interval", "max_regs_per_block",
                   "max_validators", "max_allowed_uids"}
U16_HYPERPARAMS_MAX = 65_535


def short(address: str) -> str:
    return f"{address[:6]}…{address[-4:]}" if len(address) > 12 else address


def ip_to_int(ip: str) -> tuple[int, int]:
    """An IPv4/IPv6 text address as (u128 value, ip_type 4|6), the way serve_axon takes it."""
    import ipaddress

    try:
        parsed = ipaddress.ip_address(ip.strip())
    except ValueError:
        raise PreconditionFailed(f"{ip!r} is not an IP address; give e.g. 203.0.113.7 or 2001:db8::1") from None
    return int(parsed), parsed.version


class ChainCalls:
    """Mixin of typed extrinsics; relies on the host's reads, `prepare` and `execute`."""

    # provided by the host (chain.client.Subtensor / chain.reads.ChainReads)
    prepare: Any
    balance: Any
    subnet: Any
    subnet_exists: Any
    hyperparameters: Any
    uid_of: Any
    hotkey_owner: Any
    is_delegate: Any
    stake: Any
    lock_cost: Any
    call_args: Any
    neuron_lite: Any
    compose: Any
    account: Any
    existential_deposit: Any
    _storage: Any
    _stored_or_default: Any

    # -- checks ----------------------------------------------------------------------------------

    def _need_funds(self, coldkey: str, needed: Balance, what: str) -> None:
        have = self.balance(coldkey)
        if have < needed:
            raise PreconditionFailed(f"coldkey {short(coldkey)} has {have}, {needed} needed {what}")

    def _need_withdrawable(self, coldkey: str, amount: Balance, what: str) -> None:
        """The chain withdraws stake, burns and locks with KeepAlive (pallet_balances `withdraw`): it refuses
        (BalanceWithdrawalError) when the free balance left would fall below the existential deposit (for an
        account at or above it) or below the frozen amount. Mirror that exactly, so the whole free balance
        is refused here with the amount that can be sent, and everything up to it passes."""
        account = self.account(coldkey)
        free, frozen = account["free"], max(0, account["frozen"] - account["reserved"])
        ed = self.existential_deposit().rao
        keep = max(frozen, ed if free >= ed else 0)
        if amount.rao and amount.rao > free - keep:  # withdrawing zero always succeeds
            most = Balance(max(0, free - keep))
            raise PreconditionFailed(
                f"coldkey {short(coldkey)} has {Balance(free)} free, {amount} needed {what}; the chain keeps "
                f"{Balance(keep)} in the account (existential deposit or frozen), so at most {most} can be used")

    def _need_subnet(self, netuid: int) -> None:
        if not self.subnet_exists(netuid):
            raise PreconditionFailed(f"subnet {netuid} does not exist; list subnets with `taocli subnets list`")

    def _need_owner(self, hotkey: str) -> str:
        owner = self.hotkey_owner(hotkey)
        if owner is None:
            raise PreconditionFailed(f"hotkey {short(hotkey)} is not registered on any subnet; register it first "
                                     f"with `taocli subnets register`")
        return owner

    def _need_tx_window(self, coldkey: str) -> None:
        """Staking and delegation share a per-coldkey rate limit: refused while now - last <= TxRateLimit."""
        limit = int.from_bytes(self._stored_or_default("TxRateLimit"), "little")  # unset: the metadata's default
        raw_last = self._storage("LastTxBlock", public_key_from(coldkey))
        last = int.from_bytes(raw_last, "little") if raw_last else 0
        if limit == 0 or last == 0:
            return
        now = self.block_number() + 1  # type: ignore[attr-defined]  # the block the call lands in
        if now - last <= limit:
            raise PreconditionFailed(
                f"coldkey {short(coldkey)} staked, unstaked or delegated at block {last}; this chain allows one such "
                f"action every {limit} blocks: retry at block {last + limit + 1} (now {now - 1})")

    # -- balances --------------------------------------------------------------------------------

    def prepare_transfer(self, coldkey: str, dest: str, amount: Balance, *, keep_alive: bool = True) -> PreparedCall:
        dest = ss58_encode(public_key_from(dest))  # validates the address (WalletError on a typo)
        if amount.rao <= 0:
            raise PreconditionFailed("the amount to transfer must be more than zero")
        function = "transfer_keep_alive" if keep_alive else "transfer_allow_death"
        prepared = self.prepare("Balances", function, {"dest": dest, "value": amount.rao}, coldkey)
        what = f"to send {amount} plus a fee of {prepared.fee}"
        if keep_alive:  # transfer_keep_alive (and the fee's KeepAlive withdrawal) must leave the deposit
            self._need_withdrawable(coldkey, amount + prepared.fee, what)
        else:
            self._need_funds(coldkey, amount + prepared.fee, what)
        return prepared

    def prepare_transfer_all(self, coldkey: str, dest: str) -> tuple[PreparedCall, Balance]:
        """Send everything but the fee (the account is reaped): returns the call and the amount it sends."""
        dest = ss58_encode(public_key_from(dest))
        free = self.balance(coldkey)
        probe = self.prepare("Balances", "transfer_allow_death", {"dest": dest, "value": free.rao}, coldkey)
        amount = Balance(free.rao - probe.fee.rao)
        if amount.rao <= 0:
            raise PreconditionFailed(f"coldkey {short(coldkey)} has {free}, not even the fee of {probe.fee}")
        return self.prepare_transfer(coldkey, dest, amount, keep_alive=False), amount

    def max_stakeable(self, coldkey: str) -> Balance:
        """All free balance but the existential deposit (add_stake withdraws with KeepAlive)."""
        free = self.balance(coldkey)
        keep = self.existential_deposit()  # type: ignore[attr-defined]
        return Balance(max(0, free.rao - keep.rao))

    # -- registration ----------------------------------------------------------------------------

    def prepare_burned_register(self, coldkey: str, netuid: int, hotkey: str) -> PreparedCall:
        if netuid == 0:
            raise PreconditionFailed("subnet 0 is the root network: use `taocli root register`")
        self._need_subnet(netuid)
        uid = self.uid_of(netuid, hotkey)
        if uid is not None:
            raise PreconditionFailed(f"hotkey {short(hotkey)} is already registered on subnet {netuid} as uid {uid}")
        params = self.hyperparameters(netuid)
        if params is not None and not params.registration_allowed:
            raise PreconditionFailed(f"registration is disabled on subnet {netuid}")
        owner = self.hotkey_owner(hotkey)
        if owner is not None and owner != coldkey:
            raise PreconditionFailed(f"hotkey {short(hotkey)} belongs to coldkey {short(owner)}, not {short(coldkey)}")
        info = self.subnet(netuid)
        burn = Balance(info.burn if info is not None else 0)
        self._need_withdrawable(coldkey, burn, f"to burn for registration on subnet {netuid}")
        return self.prepare("SubtensorModule", "burned_register", {"netuid": netuid, "hotkey": hotkey}, coldkey)

    def pow_target(self, netuid: int, hotkey: str) -> tuple[int, int, bytes]:
        """(block_number, difficulty, block_hash) to solve PoW on now; refuses when PoW is off."""
        self._need_subnet(netuid)
        if netuid == 0:
            raise PreconditionFailed("the root network takes no PoW registration: use `taocli root register`")
        uid = self.uid_of(netuid, hotkey)
        if uid is not None:
            raise PreconditionFailed(f"hotkey {short(hotkey)} is already registered on subnet {netuid} as uid {uid}")
        raw = self._stored_or_default("NetworkPowRegistrationAllowed", netuid.to_bytes(2, "little"))
        if raw != b"\x01":
            raise PreconditionFailed(f"PoW registration is disabled on subnet {netuid}; register by burning TAO "
                                     f"(drop --pow) or ask the owner to enable it")
        params: SubnetHyperparams | None = self.hyperparameters(netuid)
        difficulty = params.difficulty if params is not None else 10_000_000
        number = self.block_number()  # type: ignore[attr-defined]
        block_hash = bytes.fromhex(self.block_hash(number)[2:])  # type: ignore[attr-defined]
        return number, difficulty, block_hash

    def prepare_pow_register(self, netuid: int, hotkey: str, coldkey: str, solution: PowSolution) -> PreparedCall:
        params = {"netuid": netuid, "block_number": solution.block_number, "nonce": solution.nonce,
                  "work": "0x" + solution.seal.hex(), "hotkey": hotkey, "coldkey": coldkey}
        return self.prepare("SubtensorModule", "register", params, hotkey)

    def prepare_root_register(self, coldkey: str, hotkey: str) -> PreparedCall:
        uid = self.uid_of(0, hotkey)
        if uid is not None:
            raise PreconditionFailed(f"hotkey {short(hotkey)} is already on the root network as uid {uid}")
        return self.prepare("SubtensorModule", "root_register", {"hotkey": hotkey}, coldkey)

    def prepare_register_network(self, coldkey: str) -> PreparedCall:
        cost = self.lock_cost()
        self._need_withdrawable(coldkey, cost, "to lock for a new subnet")
        return self.prepare("SubtensorModule", "register_network", {}, coldkey)

    # -- staking ---------------------------------------------------------------------------------

    def prepare_add_stake(self, coldkey: str, hotkey: str, amount: Balance) -> PreparedCall:
        if amount.rao <= 0:
            raise PreconditionFailed("the amount to stake must be more than zero")
        self._need_withdrawable(coldkey, amount, "to stake")
        owner = self._need_owner(hotkey)
        self._need_tx_window(coldkey)
        if owner != coldkey and not self.is_delegate(hotkey):
            raise PreconditionFailed(f"hotkey {short(hotkey)} is owned by {short(owner)} and is not a delegate: "
                                     f"you can only stake to your own hotkeys or to delegates")
        return self.prepare("SubtensorModule", "add_stake", {"hotkey": hotkey, "amount_staked": amount.rao}, coldkey)

    def prepare_remove_stake(self, coldkey: str, hotkey: str, amount: Balance) -> PreparedCall:
        if amount.rao <= 0:
            raise PreconditionFailed("the amount to unstake must be more than zero")
        self._need_owner(hotkey)
        staked = self.stake(hotkey, coldkey)
        if staked < amount:
            raise PreconditionFailed(f"coldkey {short(coldkey)} has {staked} staked on hotkey {short(hotkey)}, "
                                     f"{amount} asked to remove")
        self._need_tx_window(coldkey)
        return self.prepare("SubtensorModule", "remove_stake",
                            {"hotkey": hotkey, "amount_unstaked": amount.rao}, coldkey)

    def prepare_become_delegate(self, coldkey: str, hotkey: str) -> PreparedCall:
        owner = self._need_owner(hotkey)
        if owner != coldkey:
            raise PreconditionFailed(f"hotkey {short(hotkey)} belongs to coldkey {short(owner)}, not {short(coldkey)}")
        if self.is_delegate(hotkey):
            raise PreconditionFailed(f"hotkey {short(hotkey)} is already a delegate")
        self._need_tx_window(coldkey)
        return self.prepare("SubtensorModule", "become_delegate", {"hotkey": hotkey}, coldkey)

    # -- weights and serving ---------------------------------------------------------------------

    def prepare_set_weights(self, hotkey: str, netuid: int, uids: Sequence[int], weights: Sequence[float],
                            version_key: int | None = None) -> PreparedCall:
        """Normalise and check against the subnet's limits (or root rules for netuid 0), then compose."""
        self._need_subnet(netuid)
        own = self.uid_of(netuid, hotkey)
        if own is None:
            where = "the root network" if netuid == 0 else f"subnet {netuid}"
            raise PreconditionFailed(f"hotkey {short(hotkey)} is not registered on {where}")
        params = self.hyperparameters(netuid)
        info = self.subnet(netuid)
        self._need_weights_window(hotkey, netuid, own, params.weights_rate_limit)
        if netuid == 0:
            existing = set(self.netuids())  # type: ignore[attr-defined]
            missing = [u for u in uids if u not in existing]
            if missing:
                raise PreconditionFailed(f"subnet {missing[0]} does not exist; root weights go to existing netuids")
            limits = wt.WeightLimits(0, 0, 65_535, is_root=True)
        else:
            limits = wt.WeightLimits(info.subnetwork_n, params.min_allowed_weights, params.max_weights_limit)
        try:
            dests, values = wt.prepare(list(uids), list(weights), limits, own_uid=own)
        except wt.InvalidWeights as exc:
            raise PreconditionFailed(f"weights refused before sending: {exc}") from None
        self_weight = len(dests) == 1 and dests[0] == own
        if netuid != 0 and not self_weight:
            neuron = self.neuron_lite(netuid, own)
            if neuron is not None and not neuron.validator_permit:
                raise PreconditionFailed(
                    f"hotkey {short(hotkey)} (uid {own}) has no validator permit on subnet {netuid}: permits go to "
                    f"the top {params.max_validators} uids by stake at each epoch; stake more and wait for the next "
                    f"epoch, or set only a self weight")
        key = params.weights_version if version_key is None else version_key
        call = {"netuid": netuid, "dests": dests, "weights": values, "version_key": key}
        return self.prepare("SubtensorModule", "set_weights", call, hotkey)

    def _need_weights_window(self, hotkey: str, netuid: int, uid: int, limit: int) -> None:
        """The chain's rate limit: allowed when last_update == 0 or now - last_update >= limit."""
        neuron = self.neuron_lite(netuid, uid)
        if neuron is None or neuron.last_update == 0 or limit == 0:
            return
        now = self.block_number() + 1  # type: ignore[attr-defined]  # the block the call lands in
        if now - neuron.last_update < limit:
            raise PreconditionFailed(
                f"hotkey {short(hotkey)} last set weights (or registered) at block {neuron.last_update}; subnet "
                f"{netuid} allows one set every {limit} blocks: retry at block {neuron.last_update + limit} "
                f"(now {now - 1})")

    def prepare_serve_axon(self, hotkey: str, netuid: int, ip: str, port: int, *, protocol: int = 4,
                           version: int = 1) -> PreparedCall:
        self._need_owner(hotkey)
        value, ip_type = ip_to_int(ip)
        if not 1 <= port <= 65_535:
            raise PreconditionFailed(f"port {port} is out of range 1..65535")
        params = {"netuid": netuid, "version": version, "ip": value, "port": port, "ip_type": ip_type,
                  "protocol": protocol, "placeholder1": 0, "placeholder2": 0}
        return self.prepare("SubtensorModule", "serve_axon", params, hotkey)

    # -- governance ------------------------------------------------------------------------------

    def sudo_key(self) -> str | None:
        raw = self._storage("Key", pallet="Sudo")
        return ss58_encode(raw) if raw else None

    def settable_extras(self, netuid: int) -> dict[str, Any]:
        """The settable hyperparameters that SubnetHyperparams has no field for (pow_registration_allowed,
        max_allowed_uids), so `sudo get` can read back everything `sudo set` changes. {} for no subnet."""
        info = self.subnet(netuid)
        if info is None:
            return {}
        raw = self._stored_or_default("NetworkPowRegistrationAllowed", netuid.to_bytes(2, "little"))
        return {"pow_registration_allowed": raw == b"\x01", "max_allowed_uids": info.max_allowed_uids}

    def global_values(self) -> dict[str, int]:
        """Every network-wide value `sudo set` can change (GLOBAL_SETTERS), as stored or the metadata's default."""
        out = {}
        for name, (_, item, width) in GLOBAL_SETTERS.items():
            out[name] = int.from_bytes(self._stored_or_default(item)[:width], "little")
        return out

    def prepare_sudo_set_global(self, signer: str, name: str, value: int | bool) -> PreparedCall:
        """Set a network-wide value (tx_rate_limit, network_rate_limit, ...): AdminUtils calls that take no
        netuid and accept only the sudo key, wrapped in Sudo.sudo."""
        setter, _, width = GLOBAL_SETTERS[name]
        args = self.call_args("AdminUtils", setter)
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
        prepared = self.prepare("Sudo", "sudo", {"call": self.compose("AdminUtils", setter, params)}, signer)
        prepared.params = {"call": f"AdminUtils.{setter}", **params}
        return prepared

    def prepare_sudo_set(self, signer: str, netuid: int, name: str, value: int | bool) -> PreparedCall:
        """Set a subnet hyperparameter through AdminUtils: wrapped in Sudo.sudo when `signer` is the sudo
        key, sent directly when `signer` owns the subnet (owner-settable parameters only)."""
        setter = HYPERPARAM_SETTERS.get(name)
        if setter is None:
            globally = f"; {name} is network-wide: set it without a netuid" if name in GLOBAL_SETTERS else ""
            raise PreconditionFailed(f"{name!r} is not a settable hyperparameter of a subnet{globally}; choose one "
                                     f"of {', '.join(sorted(HYPERPARAM_SETTERS))}")
        self._need_subnet(netuid)
        args = self.call_args("AdminUtils", setter)
        if args is None:
            raise RuntimeMismatch(f"this chain has no AdminUtils.{setter}")
        value_arg = [a for a in args if a != "netuid"]
        if len(value_arg) != 1 or "netuid" not in args:
            raise RuntimeMismatch(f"AdminUtils.{setter} takes ({', '.join(args)}) on this chain: unexpected shape")
        if name in BOOL_HYPERPARAMS and value not in (0, 1):  # True/False compare equal to 1/0
            raise PreconditionFailed(f"{name} is a switch: give true or false, not {value!r}")
        if name not in BOOL_HYPERPARAMS:
            top = U16_HYPERPARAMS_MAX if name in U16_HYPERPARAMS else 2**64 - 1
            if isinstance(value, bool) or not 0 <= int(value) <= top:
                raise PreconditionFailed(f"{name} takes an integer from 0 to {top:,}; {value!r} is out of range")
        params = {"netuid": netuid, value_arg[0]: bool(value) if name in BOOL_HYPERPARAMS else int(value)}
        if signer == self.sudo_key():
            inner = self.compose("AdminUtils", setter, params)
            prepared = self.prepare("Sudo", "sudo", {"call": inner}, signer)
            prepared.params = {"call": f"AdminUtils.{setter}", **params}
            return prepared
        info = self.subnet(netuid)
        if info is None or info.owner != signer:
            raise PreconditionFailed(f"{short(signer)} is neither the sudo key nor the owner of subnet {netuid}: "
                                     f"only they may change its hyperparameters")
        if name in ROOT_ONLY_HYPERPARAMS:
            raise PreconditionFailed(f"{name} can be set only by the sudo key, not by the subnet owner; the owner "
                                     f"may set {', '.join(sorted(set(HYPERPARAM_SETTERS) - ROOT_ONLY_HYPERPARAMS))}")
        return self.prepare("AdminUtils", setter, params, signer)
