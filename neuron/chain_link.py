"""Every chain call the neuron layer makes, in one place.

Why one module: the neuron's few calls to the chain client's rooms (`client.subnets`, `client.weights`,
`client.serving`, ...) live here, so a change of the client (a dTAO room) touches one file. It also gives the loops
one place for what a long-running process needs and a CLI command does not: reconnection after the node
went away (a chain restart, a network cut), with the connection rebuilt on the next call.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chain.errors import ChainError, NodeUnreachable

if TYPE_CHECKING:
    from chain.client import Subtensor
    from chain.receipt import Receipt
    from chain.rooms.commits import Pending
    from chain.types import NeuronInfo, NeuronInfoLite
    from wallet.keypair import Keypair

# Errors that mean "the node is (for now) not there", as opposed to the chain refusing something.
TRANSIENT: tuple[type[BaseException], ...] = (NodeUnreachable, ConnectionError, OSError, TimeoutError)


@dataclass(frozen=True)
class SubnetRules:
    """The hyperparameters the loops obey (read every epoch: the owner may change them)."""

    tempo: int
    min_allowed_weights: int
    max_weights_limit: int  # u16; 65535 = no cap
    weights_rate_limit: int
    subnetwork_n: int

    @property
    def max_weight_share(self) -> float:
        return self.max_weights_limit / 65535


class ChainLink:
    """A reconnecting handle on one chain for one neuron (reads, serve_axon, set_weights).

    Writes go over a client of their own: a client's one websocket carries a write's inclusion watch (up to a
    block, or a minute on a sick node), and the validator sends weights from a thread exactly so that its loop
    (and its reads) go on meanwhile. A CLI command holds one connection; a neuron holds two.
    """

    def __init__(self, network: str | None, timeout: float = 10.0) -> None:
        self.network = network
        self.timeout = timeout
        self._client: Subtensor | None = None
        self._writer: Subtensor | None = None

    @property
    def url(self) -> str:
        return self.client.network.url

    @property
    def client(self) -> Subtensor:
        if self._client is None:
            from chain.client import Subtensor

            self._client = Subtensor(self.network, timeout=self.timeout)
        return self._client

    @property
    def writer(self) -> Subtensor:
        """The client that signs and waits for inclusion (see the class docstring)."""
        if self._writer is None:
            from chain.client import Subtensor

            self._writer = Subtensor(self.network, timeout=self.timeout)
        return self._writer

    def reset(self) -> None:
        """Drop the connections after a transport error; the next call dials again."""
        for client in (self._client, self._writer):
            if client is not None:
                with contextlib.suppress(Exception):  # a dead socket may fail to close; it is discarded anyway
                    client.close()
        self._client = self._writer = None

    def close(self) -> None:
        self.reset()

    def _guard(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Run one client call; on a transport error drop the connection and re-raise as NodeUnreachable."""
        try:
            return fn(*args, **kwargs)
        except NodeUnreachable:
            self.reset()
            raise
        except TRANSIENT as exc:
            url = self._client.network.url if self._client is not None else str(self.network)
            self.reset()
            raise NodeUnreachable(url, str(exc) or type(exc).__name__) from exc
        except Exception as exc:
            if type(exc).__module__.startswith(("websocket", "websockets")):
                url = self._client.network.url if self._client is not None else str(self.network)
                self.reset()
                raise NodeUnreachable(url, str(exc) or type(exc).__name__) from exc
            raise

    # -- reads -----------------------------------------------------------------------------------

    def block(self) -> int:
        return int(self._guard(lambda: self.client.block_number()))

    def block_hash(self, number: int | None = None) -> str:
        return str(self._guard(lambda: self.client.block_hash(number)))

    def subnet_exists(self, netuid: int) -> bool:
        return bool(self._guard(lambda: self.client.subnets.subnet_exists(netuid)))

    def uid_of(self, netuid: int, hotkey: str) -> int | None:
        return self._guard(lambda: self.client.registration.uid_of(netuid, hotkey))  # type: ignore[no-any-return]

    def neurons_lite(self, netuid: int, at: str | None = None) -> list[NeuronInfoLite]:
        return self._guard(lambda: self.client.subnets.neurons_lite(netuid, at))  # type: ignore[no-any-return]

    def stake_weights(self, netuid: int, at: str | None = None) -> list[int] | None:
        """Per-uid stake as the chain weighs it where the neurons' own stake is not that (dTAO), else None."""
        return self._guard(lambda: self.client.subnets.stake_weights(netuid, at))  # type: ignore[no-any-return]

    def stake_unit(self, netuid: int, at: str | None = None) -> str:
        """What the metagraph's stake and emission count: τ (2024), the subnet's alpha symbol (dTAO)."""
        return str(self._guard(lambda: self.client.subnets.stake_unit(netuid, at)))

    def neurons(self, netuid: int, at: str | None = None) -> list[NeuronInfo]:
        return self._guard(lambda: self.client.subnets.neurons(netuid, at))  # type: ignore[no-any-return]

    def neuron(self, netuid: int, uid: int) -> NeuronInfo | None:
        """One uid with its weight and bond rows (at the best block)."""
        return self._guard(lambda: self.client.subnets.neuron(netuid, uid))  # type: ignore[no-any-return]

    def last_epoch_block(self, netuid: int, at: str | None = None) -> int:
        """The block in which the subnet's epoch last ran, as seen at block `at` (-1 if the subnet is gone)."""
        def read() -> int:
            info = self.client.subnets.subnet(netuid, at)
            if info is None:
                return -1
            header = self.client.rpc.call("chain_getHeader", [at] if at else [])
            return int(header["number"], 16) - info.blocks_since_last_step
        return self._guard(read)  # type: ignore[no-any-return]

    def rules(self, netuid: int) -> SubnetRules:
        def read() -> SubnetRules:
            params = self.client.subnets.hyperparameters(netuid)
            info = self.client.subnets.subnet(netuid)
            if params is None or info is None:
                raise ChainError(f"subnet {netuid} does not exist; list subnets with `taocli subnets list`")
            return SubnetRules(params.tempo, params.min_allowed_weights, params.max_weights_limit,
                               params.weights_rate_limit, info.subnetwork_n)
        return self._guard(read)  # type: ignore[no-any-return]

    # -- writes ----------------------------------------------------------------------------------

    def serve_axon(self, hotkey: Keypair, netuid: int, ip: str, port: int) -> Receipt:
        return self._guard(lambda: self.writer.serving.serve_axon(hotkey, netuid, ip, port))  # type: ignore[no-any-return]

    def set_weights(self, hotkey: Keypair, netuid: int, uids: Sequence[int], weights: Sequence[float],
                    version_key: int | None) -> Receipt:
        return self._guard(  # type: ignore[no-any-return]
            lambda: self.writer.weights.set_weights(hotkey, netuid, list(uids), list(weights), version_key))

    # -- commit-reveal (subnets that refuse set_weights) -------------------------------------------

    def commit_reveal_on(self, netuid: int) -> bool:
        """Whether the subnet takes weights only by commit and reveal (set_weights would fail)."""
        return bool(self._guard(lambda: self.client.weights.commit_reveal_required(netuid)))

    def commit_weights(self, hotkey: Keypair, netuid: int, uids: Sequence[int], weights: Sequence[float],
                       version_key: int | None, remember: Callable[[dict[str, Any]], None]) -> tuple[Receipt, dict]:
        """Check and commit; `remember(entry)` gets the reveal data BEFORE anything is signed (the validator
        persists it then), and the returned entry carries the commit block once included."""
        def run() -> tuple[Receipt, dict]:
            prepared = self.writer.weights.commits.prepare_commit_weights(hotkey.ss58_address, netuid, list(uids),
                                                                          list(weights), version_key)
            entry: dict[str, Any] = {**prepared.reveal.to_json(), "hash": prepared.digest.hex(), "commit_block": None}
            remember(entry)
            receipt = self.writer.execute(prepared.call, hotkey)
            entry["commit_block"] = receipt.block_number
            return receipt, entry
        return self._guard(run)  # type: ignore[no-any-return]

    def reveal_state(self, hotkey: str, entry: dict[str, Any]) -> Pending:
        """Where a remembered commit stands now (its window, or not on chain)."""
        from chain.dtao.commit_reveal import Reveal

        reveal = Reveal.from_json(entry)
        _, (state,) = self._guard(lambda: self.client.weights.commits.pending(hotkey, reveal.netuid,
                                                                              [bytes.fromhex(entry["hash"])]))
        return state  # type: ignore[no-any-return]

    def reveal_weights(self, hotkey: Keypair, entry: dict[str, Any]) -> Receipt:
        from chain.dtao.commit_reveal import Reveal

        def run() -> Receipt:
            prepared = self.writer.weights.commits.prepare_reveal_weights(
                hotkey.ss58_address, Reveal.from_json(entry), bytes.fromhex(entry["hash"]))
            return self.writer.execute(prepared, hotkey)
        return self._guard(run)  # type: ignore[no-any-return]
