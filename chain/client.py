"""One client for any subtensor-compatible chain, local or public, over substrate-interface.

Calls are composed from the chain's own metadata, so a runtime that renames or adds arguments is caught
before anything is signed (RuntimeMismatch) instead of failing on chain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chain.balance import Balance
from chain.errors import ChainError, ExtrinsicFailed, NodeUnreachable, RuntimeMismatch, TransactionRejected
from chain.networks import Network, resolve_network
from chain.receipt import Event, Receipt

if TYPE_CHECKING:
    from substrateinterface import SubstrateInterface

    from wallet.keypair import Keypair


class Subtensor:
    """A connection to one chain; typed reads, and one method per extrinsic returning a Receipt."""

    def __init__(self, network: str | None = None, *, timeout: float = 10.0) -> None:
        self.network: Network = resolve_network(network)
        self._timeout = timeout
        self._substrate: SubstrateInterface | None = None

    # -- connection -----------------------------------------------------------------------------

    @property
    def substrate(self) -> SubstrateInterface:
        """The underlying substrate-interface connection, opened on first use."""
        if self._substrate is None:
            self._substrate = self._connect()
        return self._substrate

    def _connect(self) -> SubstrateInterface:
        from substrateinterface import SubstrateInterface

        url = self.network.url
        try:
            substrate = SubstrateInterface(
                url=url,
                ss58_format=42,
                auto_reconnect=False,
                ws_options={"open_timeout": self._timeout, "timeout": self._timeout},
            )
            substrate.init_runtime()
        except (ConnectionError, OSError, TimeoutError) as exc:
            raise NodeUnreachable(url, type(exc).__name__) from exc
        except Exception as exc:  # websocket-client raises its own hierarchy; name it, don't trace it
            if type(exc).__module__.startswith("websocket"):
                raise NodeUnreachable(url, str(exc) or type(exc).__name__) from exc
            raise
        return substrate

    def close(self) -> None:
        if self._substrate is not None:
            self._substrate.close()
            self._substrate = None

    def __enter__(self) -> Subtensor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reads ----------------------------------------------------------------------------------

    def block_number(self) -> int:
        return int(self.substrate.get_block_number(None))

    def balance(self, ss58_address: str) -> Balance:
        """Free balance of an account (zero for an account the chain has never seen)."""
        info = self.substrate.query("System", "Account", [ss58_address]).value
        return Balance(int(info["data"]["free"]))

    def existential_deposit(self) -> Balance:
        constant = self.substrate.get_constant("Balances", "ExistentialDeposit")
        return Balance(int(constant.value)) if constant is not None else Balance(0)

    # -- writes ---------------------------------------------------------------------------------

    def compose(self, pallet: str, function: str, params: dict[str, Any]) -> Any:
        """Compose a call, refusing clearly when the chain's runtime has a different signature."""
        metadata = self.substrate.metadata
        module = metadata.get_metadata_pallet(pallet)
        call = module.get_call_function(function) if module is not None else None
        if call is None:
            raise RuntimeMismatch(f"this chain has no {pallet}.{function} call: it runs a different runtime")
        expected = [arg.value["name"] for arg in call.args]
        if sorted(expected) != sorted(params):
            raise RuntimeMismatch(
                f"{pallet}.{function} on this chain takes ({', '.join(expected)}), this client sends "
                f"({', '.join(params)}): update taocli for this runtime"
            )
        return self.substrate.compose_call(pallet, function, params)

    def estimate_fee(self, call: Any, keypair: Keypair) -> Balance:
        info = self.substrate.get_payment_info(call, _signer(keypair))
        return Balance(int(info["partialFee"]))

    def submit(self, call: Any, keypair: Keypair, *, era: dict[str, int] | None = None) -> Receipt:
        """Sign, submit and wait for inclusion; a failed call raises ExtrinsicFailed with its module error."""
        from substrateinterface.exceptions import SubstrateRequestException

        substrate = self.substrate
        extrinsic = substrate.create_signed_extrinsic(call=call, keypair=_signer(keypair), era=era)
        try:
            result = substrate.submit_extrinsic(extrinsic, wait_for_inclusion=True)
        except SubstrateRequestException as exc:
            raise _rejection(exc) from exc
        if not result.is_success:
            error = result.error_message or {}
            raise ExtrinsicFailed(
                str(error.get("type", "Module")), str(error.get("name", "Unknown")), str(error.get("docs", "")),
                block_hash=result.block_hash,
            )
        events = [
            Event(e.value["module_id"], e.value["event_id"], e.value.get("attributes"))
            for e in result.triggered_events
        ]
        return Receipt(
            extrinsic_hash=str(result.extrinsic_hash),
            block_hash=str(result.block_hash),
            block_number=result.block_number,
            fee=Balance(int(result.total_fee_amount or 0)),
            events=events,
        )

    def transfer(self, keypair: Keypair, dest: str, amount: Balance, *, keep_alive: bool = True) -> Receipt:
        function = "transfer_keep_alive" if keep_alive else "transfer_allow_death"
        call = self.compose("Balances", function, {"dest": dest, "value": amount.rao})
        return self.submit(call, keypair)


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


def _rejection(exc: Exception) -> TransactionRejected:
    detail = exc.args[0] if exc.args else {}
    if isinstance(detail, dict):
        reason = str(detail.get("data") or detail.get("message") or detail)
        code = detail.get("code")
        return TransactionRejected(reason, code if isinstance(code, int) else None)
    return TransactionRejected(str(detail))
