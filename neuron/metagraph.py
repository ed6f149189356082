"""A subnet's state as numpy arrays, read from the chain in one call and kept fresh cheaply.

One `neurons_lite` read (the subtensor info RPC, or the chain client's storage fallback where a runtime
lacks it) fills every per-uid array; weights and bonds need the full read and are fetched only when asked
for (`lite=False`), since they are n×n. `sync()` first asks for the block number: when no block was
sealed since the last sync nothing can have changed and nothing more is read. It reports which uids
changed hands (a new hotkey on an old uid), which is what a validator needs to forget their scores.

Saved as `.npz` with `allow_pickle=False` both ways (strings as fixed-width unicode arrays): loading a
metagraph file can never run code, unlike the SDK's torch/pickle files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from chain.types import NeuronInfo, NeuronInfoLite
    from neuron.chain_link import ChainLink

RAO_PER_TAO = 1e9
U16 = 65535.0
FORMAT = 1

# name -> attribute of NeuronInfoLite and how it is scaled into the array
_PROPORTIONS = ("rank", "trust", "consensus", "validator_trust", "incentive", "dividends")


@dataclass
class SyncReport:
    """What one sync changed."""

    block: int
    read: bool  # False: no new block, nothing was read
    n_before: int = 0
    n_after: int = 0
    replaced: list[int] = field(default_factory=list)  # uids whose hotkey changed (deregistered + reused)
    rows: list[int] | None = None  # full sync: the weight/bond rows re-read (None = all of them)

    @property
    def changed(self) -> bool:
        return self.read and (self.n_before != self.n_after or bool(self.replaced))


class Metagraph:
    """Arrays over uids 0..n-1 of one subnet (emission in TAO, proportions in [0, 1]; stake in TAO on the 2024
    runtime, the dTAO stake weight α + w·τ in its RAO-scaled unit on a dTAO runtime, as the SDK's `S`)."""

    def __init__(self, netuid: int, network: str = "") -> None:
        self.netuid = netuid
        self.network = network
        self.block = -1
        self.hotkeys: list[str] = []
        self.coldkeys: list[str] = []
        empty_f = np.zeros(0, dtype=np.float64)
        self.stake = empty_f
        self.emission = empty_f
        self.rank = self.trust = self.consensus = self.validator_trust = empty_f
        self.incentive = self.dividends = empty_f
        self.pruning_score = empty_f
        self.active = np.zeros(0, dtype=bool)
        self.validator_permit = np.zeros(0, dtype=bool)
        self.last_update = np.zeros(0, dtype=np.int64)
        self.axon_ip: list[str] = []
        self.axon_port = np.zeros(0, dtype=np.int64)
        self.axon_block = np.zeros(0, dtype=np.int64)
        self.weights: np.ndarray | None = None  # n×n, row = setter, u16 proportions as floats in [0, 1]
        self.bonds: np.ndarray | None = None
        self._epoch_block = -1  # block of the subnet's last epoch when weights/bonds were read in full

    # -- views -------------------------------------------------------------------------------

    @property
    def n(self) -> int:
        return len(self.hotkeys)

    @property
    def uids(self) -> np.ndarray:
        return np.arange(self.n, dtype=np.int64)

    @property
    def serving(self) -> np.ndarray:
        """Which uids published an axon (ip and port non-zero)."""
        return np.array([ip not in ("", "0.0.0.0") for ip in self.axon_ip], dtype=bool) & (self.axon_port > 0)

    def uid_of(self, hotkey: str) -> int | None:
        try:
            return self.hotkeys.index(hotkey)
        except ValueError:
            return None

    def has(self, hotkey: str) -> bool:
        return hotkey in self._hotkey_set

    def stake_of(self, hotkey: str) -> float:
        uid = self.uid_of(hotkey)
        return float(self.stake[uid]) if uid is not None else 0.0

    def axon(self, uid: int) -> tuple[str, int, str]:
        """(ip, port, hotkey) of one uid's published axon."""
        return self.axon_ip[uid], int(self.axon_port[uid]), self.hotkeys[uid]

    # -- reading the chain -----------------------------------------------------------------------

    def sync(self, link: ChainLink, *, lite: bool = True, force: bool = False) -> SyncReport:
        """Bring the arrays to the chain's best block; cheap (one tiny call) when no block came since.

        With `lite=False` and weights already held, only what changed is re-read: the n×n matrices are
        read again in full only when an epoch ran since (bonds move at every epoch); otherwise only the
        rows of uids that set weights (their last_update moved) or changed hands are fetched.
        """
        block = link.block()
        if block == self.block and not force and (lite or self.weights is not None):
            return SyncReport(block, read=False, n_before=self.n, n_after=self.n)
        at = link.block_hash(block)
        before = list(self.hotkeys)
        if lite or force or self.weights is None or self.bonds is None:
            self.fill(link.neurons_lite(self.netuid, at) if lite else link.neurons(self.netuid, at), block)
            rows: list[int] | None = None
            if not lite:
                self._epoch_block = link.last_epoch_block(self.netuid, at)
        else:
            rows = self._sync_rows(link, at, block, before)
        weighed = link.stake_weights(self.netuid, at)  # dTAO: the neurons' own stake is not what the epoch weighs
        if weighed is not None and len(weighed) == self.n:
            self.stake = np.array(weighed, dtype=np.float64) / RAO_PER_TAO
        replaced = [uid for uid, hk in enumerate(before) if uid < self.n and self.hotkeys[uid] != hk]
        return SyncReport(block, True, len(before), self.n, replaced, rows)

    def _sync_rows(self, link: ChainLink, at: str, block: int, before: list[str]) -> list[int] | None:
        """The incremental full sync: returns the uids whose rows were re-read (None = everything was)."""
        epoch = link.last_epoch_block(self.netuid, at)
        old_update, weights, bonds = self.last_update.copy(), self.weights, self.bonds
        self.fill(link.neurons_lite(self.netuid, at), block)
        if epoch != self._epoch_block or self.n != len(before) or weights is None or bonds is None:
            self.fill(link.neurons(self.netuid, at), block)
            self._epoch_block = epoch
            return None
        changed = [uid for uid in range(self.n)
                   if self.hotkeys[uid] != before[uid] or self.last_update[uid] != old_update[uid]]
        for uid in changed:
            row = link.neuron(self.netuid, uid)
            weights[uid] = 0.0
            bonds[uid] = 0.0
            if row is not None:
                for dest, value in row.weights:
                    if dest < self.n:
                        weights[uid, dest] = value / U16
                for dest, value in row.bonds:
                    if dest < self.n:
                        bonds[uid, dest] = value / U16
        self.weights, self.bonds = weights, bonds
        return changed

    def fill(self, neurons: list[NeuronInfoLite] | list[NeuronInfo], block: int) -> None:
        """Set every array from decoded neuron infos (ordered by uid here, whatever the reply's order)."""
        ordered = sorted(neurons, key=lambda nrn: nrn.uid)
        self.block = block
        self.hotkeys = [nrn.hotkey for nrn in ordered]
        self.coldkeys = [nrn.coldkey for nrn in ordered]
        self.stake = np.array([nrn.total_stake / RAO_PER_TAO for nrn in ordered], dtype=np.float64)
        self.emission = np.array([nrn.emission / RAO_PER_TAO for nrn in ordered], dtype=np.float64)
        for name in _PROPORTIONS:
            setattr(self, name, np.array([getattr(nrn, name) / U16 for nrn in ordered], dtype=np.float64))
        self.pruning_score = np.array([nrn.pruning_score / U16 for nrn in ordered], dtype=np.float64)
        self.active = np.array([nrn.active for nrn in ordered], dtype=bool)
        self.validator_permit = np.array([nrn.validator_permit for nrn in ordered], dtype=bool)
        self.last_update = np.array([nrn.last_update for nrn in ordered], dtype=np.int64)
        self.axon_ip = [nrn.axon_info.ip_str if nrn.axon_info.is_serving else "0.0.0.0" for nrn in ordered]
        self.axon_port = np.array([nrn.axon_info.port for nrn in ordered], dtype=np.int64)
        self.axon_block = np.array([nrn.axon_info.block for nrn in ordered], dtype=np.int64)
        self._hotkey_set = set(self.hotkeys)
        if ordered and hasattr(ordered[0], "weights"):
            self.weights = self._matrix([nrn.weights for nrn in ordered])  # type: ignore[attr-defined]
            self.bonds = self._matrix([nrn.bonds for nrn in ordered])  # type: ignore[attr-defined]
        else:
            self.weights = self.bonds = None

    def _matrix(self, rows: list[list[tuple[int, int]]]) -> np.ndarray:
        out = np.zeros((self.n, self.n), dtype=np.float32)
        for i, row in enumerate(rows):
            for dest, value in row:
                if dest < self.n:
                    out[i, dest] = value / U16
        return out

    _hotkey_set: set[str] = set()  # noqa: RUF012 - replaced per instance by fill()/load()

    # -- files (no pickles) ----------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Write every array to `path` (.npz); atomic (temp file + rename), readable with allow_pickle=False."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, Any] = {
            "format": np.array(FORMAT), "netuid": np.array(self.netuid), "block": np.array(self.block),
            "network": np.array(self.network), "hotkeys": np.array(self.hotkeys, dtype=np.str_),
            "coldkeys": np.array(self.coldkeys, dtype=np.str_), "axon_ip": np.array(self.axon_ip, dtype=np.str_),
        }
        for name in ("stake", "emission", *_PROPORTIONS, "pruning_score", "active", "validator_permit",
                     "last_update", "axon_port", "axon_block"):
            arrays[name] = getattr(self, name)
        if self.weights is not None and self.bonds is not None:
            arrays["weights"] = self.weights
            arrays["bonds"] = self.bonds
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> Metagraph:
        """Read a file written by save(); refuses object arrays (pickles) by construction."""
        try:
            return cls._load(path)
        except KeyError as exc:
            raise ValueError(f"{path} is not a metagraph file ({exc})") from None

    @classmethod
    def _load(cls, path: str | Path) -> Metagraph:
        with np.load(Path(path), allow_pickle=False) as data:
            if int(data["format"]) != FORMAT:
                raise ValueError(f"{path}: metagraph file format {int(data['format'])}, expected {FORMAT}")
            graph = cls(int(data["netuid"]), str(data["network"]))
            graph.block = int(data["block"])
            graph.hotkeys = [str(h) for h in data["hotkeys"]]
            graph.coldkeys = [str(c) for c in data["coldkeys"]]
            graph.axon_ip = [str(ip) for ip in data["axon_ip"]]
            for name in ("stake", "emission", *_PROPORTIONS, "pruning_score", "active", "validator_permit",
                         "last_update", "axon_port", "axon_block"):
                setattr(graph, name, np.array(data[name]))
            if "weights" in data.files:
                graph.weights = np.array(data["weights"])
                graph.bonds = np.array(data["bonds"])
        graph._hotkey_set = set(graph.hotkeys)
        return graph

    def to_json(self) -> dict[str, Any]:
        """Plain data for status files and --json output."""
        return {"netuid": self.netuid, "block": self.block, "n": self.n, "hotkeys": self.hotkeys,
                "stake": self.stake.tolist(), "incentive": self.incentive.tolist(),
                "dividends": self.dividends.tolist(), "trust": self.trust.tolist()}
