"""The one connection to a subtensor-compatible chain, local or public: what every room (chain.rooms) uses.

Reads go over a lean JSON-RPC connection and decode SCALE themselves (the rooms), so `wallet balance`
or a 256-neuron metagraph never import or initialise substrate-interface. Writes use substrate-interface,
opened on first need, with its metadata cached on disk by the hash of the runtime code (chain.metadata_cache).

Calls are composed from the chain's own metadata, so a runtime that renames or adds arguments (e.g. the
later `add_stake(hotkey, netuid, amount)`) is caught before anything is signed (RuntimeMismatch) instead
of failing on chain. Every write is two steps: `prepare` (compose, estimate the fee with only the public
key, so the CLI can show it before asking for a password) and `execute` (sign, submit, wait).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chain import storage as st
from chain.balance import Balance
from chain.errors import ChainError, ExtrinsicFailed, NodeUnreachable, RuntimeMismatch, TransactionRejected
from chain.networks import Network, resolve_network
from chain.prepared import PreparedCall
from chain.receipt import Event, Receipt
from chain.rpc import ApiAbsent, RpcConnection, RpcError
from chain.storage_view import StorageView

if TYPE_CHECKING:
    from substrateinterface import SubstrateInterface

    from wallet.keypair import Keypair

# How many times a transaction is signed again when another process of the same account took its nonce.
NONCE_RETRIES = 3
# How long a submitted transaction may wait for its block (finney and the default localnet seal every 12 s).
INCLUSION_TIMEOUT = 60.0


@dataclass
class ConnectTimings:
    """How long the heavy connection took, and whether the metadata came from the disk cache."""

    seconds: float = 0.0
    metadata_cached: bool = False


SUBTENSOR = "SubtensorModule"


class Connection:
    """One chain: the lean RPC for reads, the signing connection (opened on first write), storage, blocks,
    and the write path every room shares: compose (checked against the metadata), prepare (priced with the
    address alone), execute (sign, submit, wait: a typed Receipt or error). No domain knowledge here."""

    def __init__(self, network: str | None = None, *, timeout: float = 10.0, metadata_cache: bool = True) -> None:
        self.network: Network = resolve_network(network)
        self._timeout = timeout
        self._use_cache = metadata_cache
        self.rpc = RpcConnection(self.network.url, timeout)
        self._substrate: SubstrateInterface | None = None
        self._defaults: dict[tuple[str, str], bytes | None] = {}
        self.timings = ConnectTimings()

    # -- connection -----------------------------------------------------------------------------

    @property
    def uses_disk_cache(self) -> bool:
        """Whether this connection may keep what it learns of the runtime on disk (metadata, era)."""
        return self._use_cache

    @property
    def substrate(self) -> SubstrateInterface:
        """The substrate-interface connection used for signing, opened on first use."""
        if self._substrate is None:
            self._substrate = self._connect()
        return self._substrate

    def _connect(self) -> SubstrateInterface:
        from chain.metadata_cache import DiskMetadataCache, MetadataUnavailable

        t0 = time.perf_counter()
        region = DiskMetadataCache(self.rpc.call, disk=self._use_cache)
        region.pin()  # the one cheap check: which runtime code runs at the best block

        from chain import transport
        from chain.chain_types import register_chain_types

        url = self.network.url
        try:
            # No socket of its own: every request goes over self.rpc (one websocket per command, chain.transport).
            substrate = transport.substrate_over(self.rpc, max(self._timeout, INCLUSION_TIMEOUT), ss58_format=42,
                                                 auto_reconnect=False, cache_region=region)
            region.bind(substrate.runtime_config)
            substrate.init_runtime()
            register_chain_types(substrate)  # u64 Balance on subtensor: fee replies decode by the chain's types
        except (ConnectionError, OSError, TimeoutError) as exc:
            raise NodeUnreachable(url, type(exc).__name__) from exc
        except MetadataUnavailable as exc:
            raise ChainError(f"the node at {url} sent runtime metadata taocli cannot read ({exc}); "
                             "check the URL points at a subtensor node") from exc
        except Exception as exc:  # websocket-client raises its own hierarchy; name it, don't trace it
            if type(exc).__module__.startswith("websocket"):
                raise NodeUnreachable(url, str(exc) or type(exc).__name__) from exc
            raise
        self.timings = ConnectTimings(time.perf_counter() - t0, bool(region.hits))
        return substrate

    def close(self) -> None:
        self.rpc.close()
        if self._substrate is not None:
            self._substrate.close()
            self._substrate = None

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reads every room builds on ---------------------------------------------------------------

    def info(self, method: str, params: list[Any], at: str | None = None) -> bytes:
        """An info RPC's reply bytes; `at` (a block hash) reads the state of a past block."""
        result = self.rpc.call(method, params if at is None else [*params, at])
        return bytes(result or [])

    def storage(self, item: str, *parts: bytes, pallet: str = SUBTENSOR, at: str | None = None) -> bytes | None:
        """One storage value (None when the key was never written)."""
        params: list[Any] = [st.key(pallet, item, *parts)]
        if at is not None:
            params.append(at)
        return st.hex_bytes(self.rpc.call("state_getStorage", params))

    def stored_or_default(self, item: str, *parts: bytes, pallet: str = SUBTENSOR, at: str | None = None) -> bytes:
        """A storage value, or the metadata's default when the key was never written (b"" if neither)."""
        raw = self.storage(item, *parts, pallet=pallet, at=at)
        if raw is None:
            raw = self.storage_default(pallet, item)
        return raw or b""

    def view(self, at: str | None = None) -> StorageView:
        """Storage at block `at` (default: the best block now), for the fallbacks of chain.storage_reads."""
        return StorageView(self.rpc, at, self.storage_default)

    def state_call(self, api: str, args: bytes, at: str | None = None) -> bytes:
        """A runtime API's reply. Any refusal of the call means the runtime lacks that API: ApiAbsent."""
        params: list[Any] = [api, "0x" + args.hex()]
        if at is not None:
            params.append(at)
        try:
            result = st.hex_bytes(self.rpc.call("state_call", params))
        except RpcError as exc:
            raise ApiAbsent(exc.method, exc.code, f"{api}: {exc.message}") from exc
        return result or b""

    def query_many(self, keys: list[str]) -> list[bytes | None]:
        """Values of many storage keys in one round trip (state_queryStorageAt), in key order."""
        if not keys:
            return []
        changes = self.rpc.call("state_queryStorageAt", [keys])
        found: dict[str, bytes | None] = {}
        for change_set in changes or []:
            for key, value in change_set.get("changes", []):
                found[key] = st.hex_bytes(value)
        return [found.get(k) for k in keys]

    def block_number(self) -> int:
        header = self.rpc.call("chain_getHeader", [])
        return int(header["number"], 16)

    def block_hash(self, number: int | None = None) -> str:
        return str(self.rpc.call("chain_getBlockHash", [] if number is None else [number]))

    def genesis_hash(self) -> str:
        return self.block_hash(0)

    def storage_default(self, pallet: str, item: str) -> bytes | None:
        """The metadata's default for a storage item never written (opens the signing connection once; its
        metadata is cached on disk). Only fallback paths ask, when a key is absent."""
        if (pallet, item) not in self._defaults:
            from chain.chain_types import storage_default

            self._defaults[(pallet, item)] = storage_default(self.substrate, pallet, item)
        return self._defaults[(pallet, item)]

    def existential_deposit(self) -> Balance:
        constant = self.substrate.get_constant("Balances", "ExistentialDeposit")
        return Balance(int(constant.value)) if constant is not None else Balance(0)

    # -- writes ---------------------------------------------------------------------------------

    def call_args(self, pallet: str, function: str) -> list[str] | None:
        """Argument names of a call in this chain's metadata, or None when the call does not exist."""
        module = self.substrate.metadata.get_metadata_pallet(pallet)
        for call in (module.calls or []) if module is not None else []:
            if call.name == function:
                return [arg.value["name"] for arg in call.args]
        return None

    def compose(self, pallet: str, function: str, params: dict[str, Any]) -> Any:
        """Compose a call, refusing clearly when the chain's runtime has a different signature."""
        expected = self.call_args(pallet, function)
        if expected is None:
            raise RuntimeMismatch(f"this chain has no {pallet}.{function} call: it runs a different runtime")
        if sorted(expected) != sorted(params):
            raise RuntimeMismatch(
                f"{pallet}.{function} on this chain takes ({', '.join(expected)}), this client sends "
                f"({', '.join(params)}): this chain runs a newer or different runtime than the 2024 subtensor "
                f"taocli speaks; use a taocli release for that runtime"
            )
        with self._before_sending():
            return self.substrate.compose_call(pallet, function, params)

    def prepare(self, pallet: str, function: str, params: dict[str, Any], signer: str) -> PreparedCall:
        """Compose and price a call for `signer` (an SS58 address; no secret needed yet)."""
        call = self.compose(pallet, function, params)
        return PreparedCall(pallet, function, params, call, signer, self.estimate_fee(call, signer))

    def estimate_fee(self, call: Any, signer: str) -> Balance:
        """The chain's fee estimate (payment_queryInfo): a zero signature, only the address matters."""
        from substrateinterface import Keypair as SubstrateKeypair

        with self._before_sending():
            info = self.substrate.get_payment_info(call, SubstrateKeypair(ss58_address=signer, ss58_format=42))
        return Balance(int(info["partialFee"]))

    @contextmanager
    def _before_sending(self) -> Iterator[None]:
        """Turn a connection lost while composing, pricing or signing (the node stopped after the connect)
        into one NodeUnreachable line that says nothing was submitted, not an unexpected websocket error."""
        try:
            yield
        except NodeUnreachable as exc:
            raise NodeUnreachable(self.network.url, "connection lost before sending: nothing was submitted") from exc
        except Exception as exc:
            if isinstance(exc, (ConnectionError, OSError, TimeoutError)) or \
                    type(exc).__module__.startswith("websocket"):
                raise NodeUnreachable(self.network.url, "connection lost before sending: nothing was "
                                                        "submitted") from exc
            raise

    def execute(self, prepared: PreparedCall, keypair: Keypair, *,
                on_signed: Callable[[], None] | None = None) -> Receipt:
        """Sign `prepared` with `keypair` (which must be the planned signer), submit and wait.

        `on_signed` runs once, when the extrinsic is signed and about to be sent: from then on an interrupted
        caller must say the transaction may still land; before it, nothing has left this process."""
        if keypair.ss58_address != prepared.signer:
            raise ChainError(f"{prepared.describe()} was planned for {prepared.signer} but the key given is "
                             f"{keypair.ss58_address}; check --wallet-name/--hotkey")
        return self.submit(prepared.call, keypair, on_signed=on_signed)

    def submit(self, call: Any, keypair: Keypair, *, era: dict[str, int] | None = None,
               on_signed: Callable[[], None] | None = None) -> Receipt:
        """Sign, submit and wait for inclusion; a failed call raises ExtrinsicFailed with its module error."""
        from substrateinterface.exceptions import SubstrateRequestException

        substrate = self.substrate
        for attempt in range(NONCE_RETRIES + 1):
            with self._before_sending():  # signing reads the nonce and the head
                extrinsic = substrate.create_signed_extrinsic(call=call, keypair=_signer(keypair), era=era)
            if on_signed is not None:
                on_signed()
                on_signed = None
            try:  # a block can be 12 s away: the watch waits up to INCLUSION_TIMEOUT (chain.transport), not a read's
                result = substrate.submit_extrinsic(extrinsic, wait_for_inclusion=True)
                success = result.is_success  # reads the inclusion block's events: can still lose the socket
                break
            except SubstrateRequestException as exc:
                rejection = _rejection(exc)
                if attempt < NONCE_RETRIES and _nonce_taken(rejection):
                    continue  # another process of this account took the nonce first: re-sign with the next
                raise rejection from exc
            except TimeoutError as exc:
                raise ChainError(f"no block of {self.network.url} included the transaction within "
                                 f"{max(self._timeout, INCLUSION_TIMEOUT):.0f} s: it may still be included, "
                                 f"check the balance or stake before retrying") from exc
            except (NodeUnreachable, ConnectionError, OSError) as exc:
                raise _lost(self.network.url) from exc
        if not success:
            error = result.error_message or {}
            docs = error.get("docs", "")
            name = str(error.get("name", "Unknown"))
            text = " ".join(docs) if isinstance(docs, list) else str(docs)
            if name == "ExistentialDeposit" and not text.strip():  # the amount is this chain's, not a constant
                ed = self.existential_deposit()
                text = f"a new account must receive at least this chain's existential deposit, {ed} ({ed.rao} RAO)"
            raise ExtrinsicFailed(
                self._failed_pallet(result.triggered_events) or str(error.get("type", "Module")), name, text,
                block_hash=result.block_hash,
            )
        events = [
            Event(e.value["module_id"], e.value["event_id"], e.value.get("attributes"))
            for e in result.triggered_events
        ]
        header = self.rpc.call("chain_getHeader", [result.block_hash])
        return Receipt(
            extrinsic_hash=str(result.extrinsic_hash),
            block_hash=str(result.block_hash),
            block_number=int(header["number"], 16) if header else None,
            fee=Balance(int(result.total_fee_amount or 0)),
            events=events,
        )

    def _failed_pallet(self, events: list[Any]) -> str | None:
        """The pallet whose error failed the call, from System.ExtrinsicFailed's module index."""
        for event in events:
            value = event.value
            if value.get("module_id") == "System" and value.get("event_id") == "ExtrinsicFailed":
                attrs = value.get("attributes") or {}
                error = attrs.get("dispatch_error") if isinstance(attrs, dict) else None
                module = error.get("Module") if isinstance(error, dict) else None
                if isinstance(module, dict) and "index" in module:
                    for pallet in self.substrate.metadata.pallets:
                        if pallet.value["index"] == module["index"]:
                            return str(pallet.name)
        return None


def _signer(keypair: Keypair) -> Any:
    """substrate-interface signs with its own Keypair type; both hold the same schnorrkel key bytes."""
    from substrateinterface import Keypair as SubstrateKeypair
    from substrateinterface import KeypairType

    if not keypair.has_secret or keypair.private_key is None:
        raise ChainError(f"the key {keypair.ss58_address} has no secret here: it can only be used to read")
    return SubstrateKeypair(
        ss58_address=keypair.ss58_address,
        public_key=keypair.public_key,
        private_key=keypair.private_key,
        ss58_format=42,
        crypto_type=KeypairType.SR25519,
    )


def _lost(url: str) -> NodeUnreachable:
    return NodeUnreachable(url, "connection lost after submitting: the transaction may still be included, "
                                "check the balance or stake before retrying")


def _nonce_taken(rejection: TransactionRejected) -> bool:
    """Whether the pool refused the transaction only because its nonce was taken meanwhile: by a transaction
    of the same account already waiting (1014) or just included (1010 outdated). Why it matters: two
    commands of one coldkey run at once read the same next nonce; the second was never accepted, so signing
    it again with a fresh nonce is safe and is what the user meant."""
    reason = rejection.reason.lower()
    return rejection.code == 1014 or (rejection.code == 1010 and "outdated" in reason)


def _rejection(exc: Exception) -> TransactionRejected:
    detail = exc.args[0] if exc.args else {}
    if isinstance(detail, dict):
        reason = str(detail.get("data") or detail.get("message") or detail)
        code = detail.get("code")
        return TransactionRejected(reason, code if isinstance(code, int) else None)
    return TransactionRejected(str(detail))
