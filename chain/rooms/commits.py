"""Commit-reveal of weights: `commit_weights` (only a hash) now, `reveal_weights` in the window an epoch later.

Why a room of its own: on a subnet with `CommitRevealWeightsEnabled` the runtime refuses set_weights, so a
validator must commit and later reveal, and the reveal must land inside one epoch window the runtime computes.
Every decision is read from the metadata, never from a spec number: whether the runtime has `commit_weights`
at all, the per-subnet switch with its declared default (off at spec 218, on from 306), `RevealPeriodEpochs`,
and which epoch rule the window follows: block arithmetic where the runtime declares no `SubnetEpochIndex`
(R218/R233, exact), the epoch counter where it does (spec 423+, P2.6 of dtao-2025.md, estimated from
`LastEpochBlock + tempo`). A commit runs set_weights' own checks first (its reveal is a set_weights), and a reveal
is refused before signing when its window is not open, naming the first block.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from chain.dtao.commit_reveal import (
    EARLY,
    EXPIRED,
    Reveal,
    RevealWindow,
    epoch_with_lookahead,
    new_salt,
    window_by_blocks,
    window_by_index,
)
from chain.errors import PreconditionFailed
from chain.rooms.checks import short
from chain.storage import u16_key
from wallet.ss58 import ss58_decode

if TYPE_CHECKING:
    from chain.connection import Connection
    from chain.prepared import PreparedCall
    from chain.runtime.shape import RuntimeShape

M = "SubtensorModule"
NO_COMMIT_CALL = ("this chain's runtime has no commit_weights call (no commit-reveal here): set weights "
                  "directly with `taocli weights set --netuid N`")
UNKNOWN_RULES = ("this chain's runtime has commit_weights but no RevealPeriodEpochs (the 2024 interval-based "
                 "commit-reveal), whose reveal rules taocli does not know: use a tool made for that runtime")


class WeightChecks(Protocol):
    """What a commit asks of the weights room (a Protocol, so the two rooms do not import each other)."""

    def checked_weights(self, hotkey: str, netuid: int, uids: Sequence[int], weights: Sequence[float],
                        version_key: int | None = None) -> tuple[list[int], list[int], int]: ...


class RevealNotYet(PreconditionFailed):
    """The window has not opened: `first` is the block it opens at."""

    def __init__(self, message: str, first: int) -> None:
        super().__init__(message)
        self.first = first


class CommitExpired(PreconditionFailed):
    """The window has passed: the chain will never accept this reveal."""


class CommitNotOnChain(PreconditionFailed):
    """No commit of this hotkey on the subnet has this hash (revealed already, pruned, or never included)."""


@dataclass(frozen=True)
class CommitRules:
    netuid: int
    enabled: bool  # CommitRevealWeightsEnabled[netuid], its declared default when never written
    tempo: int
    period: int  # RevealPeriodEpochs[netuid]
    by_index: bool  # SubnetEpochIndex declared: windows follow the epoch counter (spec 423+)


@dataclass(frozen=True)
class ChainCommit:
    """One entry of WeightCommits[(netuid, hotkey)], in the chain's order (oldest first)."""

    digest: bytes
    commit_block: int
    commit_epoch: int | None  # stored with the commit under the index rule; None under the block rule


@dataclass(frozen=True)
class PreparedCommit:
    call: PreparedCall
    reveal: Reveal  # what must be kept until the reveal
    digest: bytes
    window: RevealWindow  # the window if the commit lands in the next block (estimated under the index rule)


@dataclass(frozen=True)
class Pending:
    """A commit as it stands for a reveal landing at block `at`; `commit` None: not on chain."""

    digest: bytes
    commit: ChainCommit | None
    window: RevealWindow | None
    at: int


class WeightCommits:
    def __init__(self, conn: Connection, weights: WeightChecks, shape: Callable[[], RuntimeShape]) -> None:
        self.conn = conn
        self.weights = weights
        self._shape_of = shape
        self._shape: RuntimeShape | None = None

    @property
    def shape(self) -> RuntimeShape:
        if self._shape is None:
            self._shape = self._shape_of()
        return self._shape

    def _read(self, item: str, *keys: bytes, at: str | None = None) -> Any:
        """A storage value by its declared type; the declared default when never written."""
        from chain.runtime.storage_items import decode_value, storage_key

        params: list[Any] = [storage_key(self.shape, M, item, *keys)]
        if at:
            params.append(at)
        raw = self.conn.rpc.call("state_getStorage", params)
        return decode_value(self.shape, M, item, None if raw is None else bytes.fromhex(raw[2:]))

    def need_declared(self) -> None:
        if not self.shape.has_call(M, "commit_weights"):
            raise PreconditionFailed(NO_COMMIT_CALL)
        if self.shape.item(M, "RevealPeriodEpochs") is None:
            raise PreconditionFailed(UNKNOWN_RULES)

    def rules(self, netuid: int, at: str | None = None) -> CommitRules:
        n = u16_key(netuid)
        if not self.shape.has_call(M, "commit_weights") or self.shape.item(M, "CommitRevealWeightsEnabled") is None:
            return CommitRules(netuid, False, 0, 0, False)
        period = self._read("RevealPeriodEpochs", n, at=at) if self.shape.item(M, "RevealPeriodEpochs") else 1
        return CommitRules(netuid, bool(self._read("CommitRevealWeightsEnabled", n, at=at)),
                           int(self._read("Tempo", n, at=at)), int(period),
                           self.shape.item(M, "SubnetEpochIndex") is not None)

    def on_chain(self, hotkey: str, netuid: int, rules: CommitRules, at: str | None = None) -> list[ChainCommit]:
        """The hotkey's unrevealed commits as stored: (hash, block, first, last) under the block rule (R218/R233),
        (hash, epoch, block, 0) under the index rule (P2.6); the same declared type, told apart by the rule."""
        stored = self._read("WeightCommits", u16_key(netuid), ss58_decode(hotkey), at=at) or []
        if rules.by_index:
            return [ChainCommit(bytes(d), int(block), int(epoch)) for d, epoch, block, _ in stored]
        return [ChainCommit(bytes(d), int(block), None) for d, block, _, _ in stored]

    def _epoch_inputs(self, netuid: int, at_hash: str | None = None) -> tuple[int, int, int]:
        """(SubnetEpochIndex, LastEpochBlock, PendingEpochAt) of the subnet: the index rule's inputs."""
        n = u16_key(netuid)
        pending = self._read("PendingEpochAt", n, at=at_hash) if self.shape.item(M, "PendingEpochAt") else 0
        return (int(self._read("SubnetEpochIndex", n, at=at_hash)), int(self._read("LastEpochBlock", n, at=at_hash)),
                int(pending or 0))

    def window(self, commit: ChainCommit, rules: CommitRules, at: int, at_hash: str | None = None) -> RevealWindow:
        """Where `commit` stands for a reveal landing in block `at`."""
        if not rules.by_index or commit.commit_epoch is None:
            return window_by_blocks(commit.commit_block, rules.netuid, rules.tempo, rules.period, at)
        index, last, pending = self._epoch_inputs(rules.netuid, at_hash)
        return window_by_index(commit.commit_epoch, rules.period, index, last, pending, rules.tempo, at)

    def _need_enabled(self, rules: CommitRules, action: str) -> None:
        if not rules.enabled:
            raise PreconditionFailed(
                f"commit-reveal is off on subnet {rules.netuid}: the chain refuses to {action} there "
                f"(CommitRevealDisabled); set weights directly with `taocli weights set --netuid {rules.netuid}`")

    def prepare_commit_weights(self, hotkey: str, netuid: int, uids: Sequence[int], weights: Sequence[float],
                               version_key: int | None = None, salt: Sequence[int] | None = None) -> PreparedCommit:
        """set_weights' checks, then commit_weights(netuid, hash of the weights with a fresh random salt)."""
        self.need_declared()
        if netuid == 0:
            raise PreconditionFailed("root weights are not committed: commit-reveal is per subnet (netuid ≥ 1)")
        rules = self.rules(netuid)
        self._need_enabled(rules, "take a commit")
        dests, values, key = self.weights.checked_weights(hotkey, netuid, uids, weights, version_key)
        try:
            reveal = Reveal(netuid, tuple(dests), tuple(values), tuple(new_salt() if salt is None else salt), key)
        except ValueError as exc:
            raise PreconditionFailed(f"commit refused before sending: {exc}") from None
        digest = reveal.digest(ss58_decode(hotkey))
        unrevealed = self.on_chain(hotkey, netuid, rules)
        landing = self.conn.block_number() + 1
        live = [c for c in unrevealed if self.window(c, rules, landing).state != EXPIRED]
        if len(live) >= 10:
            raise PreconditionFailed(
                f"hotkey {short(hotkey)} has 10 unrevealed commits on subnet {netuid}, the chain's limit "
                f"(TooManyUnrevealedCommits): reveal them first with `taocli weights reveal --netuid {netuid}`")
        if any(c.digest == digest for c in live):
            raise PreconditionFailed(f"this exact commit (hash 0x{digest.hex()[:16]}…) is already on chain and "
                                     f"unrevealed: reveal it with `taocli weights reveal --netuid {netuid}`")
        call = self.conn.prepare(M, "commit_weights", {"netuid": netuid, "commit_hash": "0x" + digest.hex()}, hotkey)
        if rules.by_index:  # the commit's epoch is the counter, looked ahead, in the block it lands in
            index, last, pending = self._epoch_inputs(netuid)
            epoch = epoch_with_lookahead(index, last, pending, rules.tempo, landing)
            window = window_by_index(epoch, rules.period, index, last, pending, rules.tempo, landing)
        else:
            window = window_by_blocks(landing, netuid, rules.tempo, rules.period, landing)
        return PreparedCommit(call, reveal, digest, window)

    def pending(self, hotkey: str, netuid: int, digests: Sequence[bytes]) -> tuple[CommitRules, list[Pending]]:
        """Each digest (from the committer's records) as it stands now, in the chain's order (which is the
        order to reveal in: revealing a commit drops every older one); digests not on chain come last."""
        self.need_declared()
        at_hash = self.conn.block_hash()
        at = int(self.conn.rpc.call("chain_getHeader", [at_hash])["number"], 16) + 1
        rules = self.rules(netuid, at_hash)
        chain = self.on_chain(hotkey, netuid, rules, at_hash)
        found: list[Pending] = []
        for commit in chain:
            if commit.digest in digests:
                found.append(Pending(commit.digest, commit, self.window(commit, rules, at, at_hash), at))
        known = {c.digest for c in chain}
        found += [Pending(d, None, None, at) for d in digests if d not in known]
        return rules, found

    def prepare_reveal_weights(self, hotkey: str, reveal: Reveal, digest: bytes | None = None) -> PreparedCall:
        """reveal_weights for the commit with `digest` (default: the reveal's own hash), refused before signing
        when it is not on chain, not open yet (naming the first block) or expired."""
        netuid = reveal.netuid
        digest = reveal.digest(ss58_decode(hotkey)) if digest is None else digest
        rules, (state,) = self.pending(hotkey, netuid, [digest])
        self._need_enabled(rules, "take a reveal")
        label = f"the commit 0x{digest.hex()[:16]}… of hotkey {short(hotkey)} on subnet {netuid}"
        if state.commit is None or state.window is None:
            raise CommitNotOnChain(f"{label} is not on chain (revealed already, expired and pruned, or never "
                                   f"included; the hash covers hotkey, uids, weights, salt and version key)")
        w, about = state.window, "" if state.window.exact else "about "
        if w.state == EARLY:
            raise RevealNotYet(f"{label} (block {state.commit.commit_block}) can be revealed from {about}block "
                               f"{w.first} to {w.last} (now {state.at - 1}): retry at block {w.first}", w.first)
        if w.state == EXPIRED:
            raise CommitExpired(f"{label} (block {state.commit.commit_block}) expired after {about}block {w.last} "
                                f"(now {state.at - 1}): the chain no longer accepts it; commit again")
        return self.conn.prepare(M, "reveal_weights", reveal.params(), hotkey)
