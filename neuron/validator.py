"""The validator's base loop: query a sample of miners, score them, keep a moving average, set weights.

Each step: the template builds a query; the dendrite sends it to a random sample of serving miners; the
template's reward gives each answer a score in [0, 1] (or defers it); the scores enter the moving average
(α = 0.1). Each epoch: resync the metagraph (uids that changed hands restart at 0), turn the averages into
weights that obey the subnet's limits (neuron.weighting) and set them when the rate limit allows, saying
when and why it does not. On a subnet with commit-reveal on (set_weights refused), the weights are committed
instead and revealed on a later tick once the chain's window opens; the unrevealed commits live in the saved
state, so a restart still reveals them. The state is saved after every step so a restart resumes where it
stopped.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import numpy as np

from chain.errors import ChainError
from neuron import template as tpl
from neuron import weighting
from neuron.base import Neuron, Stopped
from neuron.chain_link import ChainLink
from neuron.serving import publish_axon, report_requests, start_axon
from neuron.state import STATE_FILE, ValidatorState

log = logging.getLogger("taocli.neuron")


def never_revealable(exc: ChainError) -> bool:
    """A reveal refusal no retry can change: the commit is gone or its data does not hash to it. (A rate limit
    or a node outage is retried on the next tick; the window's end drops the commit at last.)"""
    from chain.errors import ExtrinsicFailed
    from chain.rooms.commits import CommitExpired, CommitNotOnChain

    final = ("InvalidRevealCommitHashNotMatch", "ExpiredWeightCommit", "NoWeightsCommitFound", "CommitRevealDisabled")
    return isinstance(exc, (CommitExpired, CommitNotOnChain)) or (isinstance(exc, ExtrinsicFailed)
                                                                  and exc.name in final)


def not_on_chain(exc: ChainError) -> bool:
    """A failed commit that certainly left nothing on chain (refused at inclusion or before)."""
    from chain.errors import ExtrinsicFailed, PreconditionFailed, TransactionRejected

    return isinstance(exc, (ExtrinsicFailed, PreconditionFailed, TransactionRejected))


class Validator(Neuron):
    role = "validator"
    _sending: threading.Thread | None = None
    weights_link: ChainLink | None = None
    _state_lock = threading.Lock()  # the sender thread saves a commit's reveal data before signing
    _outcome: tuple[Any, ...] = ()  # what the sender thread left for collect_weights
    _why_not: str | None = None

    def setup(self) -> None:
        cfg = self.config
        self.state = ValidatorState.load(cfg.state_dir / STATE_FILE) or ValidatorState()
        if self.state.step:
            log.info("resumed state: step %d, %d scores, weights last set at block %d", self.state.step,
                     len(self.state.scores), self.state.last_weights_block)
        self.resync(force=True)
        self.template = self.build_template()
        self.version_key = tpl.spec_version(cfg.template_dir)
        from neuron.dendrite import Dendrite

        self.dendrite = Dendrite(cfg.hotkey)
        self.rng = np.random.default_rng()
        if cfg.serve:
            self.axon = start_axon(self, self.template)
            publish_axon(self)
        self.weights_due = True

    def save_state(self) -> None:
        with self._state_lock:
            self.state.save(self.config.state_dir / STATE_FILE)

    def shutdown(self) -> None:
        """Record an in-flight set_weights (up to 15 s), save the state, close dendrite, axon and chain."""
        self.wait_for_weights(15.0)
        if getattr(self, "state", None) is not None and (self.state.hotkeys or self.state.commits):
            self.save_state()
        dendrite = getattr(self, "dendrite", None)
        if dendrite is not None:
            dendrite.close()
        if self.weights_link is not None and (self._sending is None or not self._sending.is_alive()):
            self.weights_link.close()
        super().shutdown()

    # -- the loop ------------------------------------------------------------------------------

    def tick(self) -> None:
        started = time.monotonic()
        self.step_once()
        block = self.retry("block number", self.link.block)
        if self.epoch_due(block):
            self.resync()
            self.weights_due = True
        self.collect_weights()
        if self.state.commits and self.config.set_weights:
            self.try_reveal(block)  # first: a reveal expires, a new commit can wait a tick
        if self.weights_due and self.config.set_weights:
            self.try_set_weights(block)
        report_requests(self)
        self.status.flush()
        self.wait(self.config.step_seconds - (time.monotonic() - started))

    def on_resync(self, report: Any) -> None:
        reset = self.state.align(self.metagraph.hotkeys)
        if reset:
            log.info("uids %s changed hands: their scores start again from 0", reset)

    def sample(self) -> list[int]:
        """Up to sample_size serving uids, never ourselves nor validators with large stake (SDK rule)."""
        m, cfg = self.metagraph, self.config
        ok = m.serving.copy()
        if self.uid is not None and self.uid < m.n:
            ok[self.uid] = False
        ok &= ~(m.validator_permit & (m.stake > cfg.vpermit_tao_limit))
        candidates = np.flatnonzero(ok)
        if len(candidates) > cfg.sample_size:
            candidates = self.rng.choice(candidates, cfg.sample_size, replace=False)
        return sorted(int(u) for u in candidates)

    def step_once(self) -> None:
        try:
            self._step(self.state.step)
        except Stopped:
            raise
        except Exception:  # a template bug costs one step, logged in full, never the validator
            log.exception("step %d failed in the template; going on with the next step", self.state.step)
        self.state.step += 1
        self.save_state()
        self.status.update(step=self.state.step, scores={int(u): round(float(s), 4)
                                                         for u, s in enumerate(self.state.scores) if s > 0})

    def _step(self, step: int) -> None:
        query = self.template.query(step)
        uids = self.sample() if query is not None else []
        if query is not None and not uids and self.metagraph.block != self.retry("block number", self.link.block):
            self.resync()  # nobody to ask yet (miners not served when we last synced): look again, cheaply
            uids = self.sample()
        if query is not None and uids:
            responses = self.ask(uids, query)
            rewards = self.template.reward(step, query, responses)
            scored = [(r.uid, v) for r, v in zip(responses, rewards, strict=True) if v is not None]
            self._apply(scored)
            answered = sum(1 for r in responses if r.synapse.status_code == 200)
            log.info("step %d: queried %d miners, %d answered, rewards %s", step, len(uids), answered,
                     {r.uid: (None if v is None else round(float(v), 3)) for r, v in zip(responses, rewards,
                                                                                         strict=True)})
        matured = getattr(self.template, "matured", None)
        if callable(matured):
            late = [(s.uid, s.value) for s in matured(step)
                    if 0 <= s.uid < self.metagraph.n and self.metagraph.hotkeys[s.uid] == s.hotkey]
            self._apply(late)

    def ask(self, uids: list[int], query: Any) -> list[tpl.Response]:
        timeout = float(getattr(self.template, "timeout", 10.0))
        axons = [self.metagraph.axon(uid) for uid in uids]
        from neuron.serving import dendrite_query

        replies = dendrite_query(self.dendrite, axons, query, timeout)
        return [tpl.Response(uid, self.metagraph.hotkeys[uid], reply) for uid, reply in zip(uids, replies,
                                                                                              strict=True)]

    def _apply(self, scored: list[tuple[int, float]]) -> None:
        if scored:
            uids, values = zip(*scored, strict=True)
            self.state.scores = weighting.update_scores(self.state.scores, list(uids), list(values))

    # -- weights -------------------------------------------------------------------------------

    def try_set_weights(self, block: int) -> None:
        """Set weights from the scores if the chain would take them now; log why not otherwise."""
        m, uid = self.metagraph, self.uid
        if uid is None:
            return
        if self._sending is not None:
            self._not_yet("the last set_weights is still waiting for its block")
            return
        if self.state.commits and self.state.commits[0].get("opens", 0) <= block + 1:
            # a reveal is a set_weights: it resets the rate limit a new commit would have started
            self._not_yet("revealing the previous commit first (its window is open or not yet read)")
            return
        rules = self.retry("subnet rules", lambda: self.link.rules(self.config.netuid))
        last = int(m.last_update[uid]) if uid < m.n else 0
        if rules.weights_rate_limit and last and block + 1 - last < rules.weights_rate_limit:
            retry_at = last + rules.weights_rate_limit
            self._not_yet(f"subnet {self.config.netuid} allows one set every {rules.weights_rate_limit} blocks; "
                          f"last at block {last}, next at block {retry_at}")
            return
        if not bool(m.validator_permit[uid]):
            self._not_yet(f"uid {uid} has no validator permit yet; permits go to the largest stakes at each "
                          "epoch (stake more, or wait for the next epoch)")
            return
        scores = self.state.scores.copy()
        if not np.any(scores > 0):
            self._not_yet("no miner has a score yet (none queried, or none answered right)")
            return
        uids, weights = weighting.process_weights(scores, rules.min_allowed_weights, rules.max_weight_share)
        if len(uids) == 0:
            return
        # Sent from a thread: waiting for inclusion can take blocks (or hang on a sick node), and scoring
        # must go on meanwhile; the main loop collects the outcome on a later tick (collect_weights). The
        # thread has a connection of its own: the client holds its connection's lock while it watches
        # for inclusion, which would stall the main loop's reads on a shared one.
        if self.weights_link is None:
            self.weights_link = ChainLink(self.config.network, self.config.chain_timeout)
        self._sending = threading.Thread(target=self._send, args=(uids, weights, scores, rules, block),
                                         name="set-weights", daemon=True)
        self._sending.start()

    def _send(self, uids: np.ndarray, weights: np.ndarray, scores: np.ndarray, rules: Any, block: int) -> None:
        entry: dict[str, Any] | None = None

        def remember(commit: dict[str, Any]) -> None:  # before signing: a crash after it still reveals
            nonlocal entry
            entry = {**commit, "weights": {int(u): round(float(w), 4) for u, w in zip(uids, weights, strict=True)},
                     "from_scores": scores.tolist(), "rules": [rules.min_allowed_weights, rules.max_weights_limit]}
            with self._state_lock:
                self.state.commits.append(entry)
                self.state.save(self.config.state_dir / STATE_FILE)

        try:
            link = self.weights_link
            assert link is not None  # made by try_set_weights before the thread starts
            if link.commit_reveal_on(self.config.netuid):
                receipt, done = link.commit_weights(self.config.hotkey, self.config.netuid, uids.tolist(),
                                                    weights.tolist(), self.version_key, remember)
                assert entry is not None
                entry["commit_block"] = done["commit_block"]
                self._outcome = ("committed", entry)
                return
            receipt = link.set_weights(self.config.hotkey, self.config.netuid, uids.tolist(), weights.tolist(),
                                       self.version_key)
        except ChainError as exc:  # NodeUnreachable included: the next tick tries again
            self._outcome = ("error", str(exc), entry if not_on_chain(exc) else None)
        except Exception as exc:
            log.exception("set_weights failed unexpectedly")
            self._outcome = ("error", f"set_weights failed unexpectedly: {exc!r}", None)
        else:
            self._outcome = ("ok", (int(receipt.block_number or block), uids, weights, scores, rules))

    def collect_weights(self) -> None:
        """Record the outcome of a finished set_weights, commit or reveal (main thread: state, status, log)."""
        if self._sending is None or self._sending.is_alive():
            return
        self._sending = None
        kind, value, *rest = self._outcome
        if kind == "error":
            if rest and rest[0] is not None:  # the chain holds no such commit: its reveal data is of no use
                self._forget(rest[0])
            self._not_yet(value, warning=True)
            return
        if kind in ("revealed", "reveal-failed"):
            self._revealed(kind, value, rest)
            return
        if kind == "committed":
            included, entry = int(value["commit_block"] or -1), value
            self.weights_due = False
            self._why_not = None
            self._mark_sent(included)
            self.status.update(last_commit={"block": included, "hash": entry["hash"], "weights": entry["weights"]},
                               weights_wait=None)
            log.info("weights committed in block #%s (commit-reveal subnet): %s; revealed in the next window",
                     included, entry["weights"])
            return
        included, uids, weights, scores, rules = value
        self.weights_due = False
        self._why_not = None
        self._mark_sent(included)
        shown = {int(u): round(float(w), 4) for u, w in zip(uids, weights, strict=True)}
        u16 = dict(zip(uids.tolist(), weighting.to_u16(weights), strict=True))
        self.status.update(last_weights={"block": included, "weights": shown, "u16": u16,
                                         "from_scores": scores.tolist(),
                                         "rules": [rules.min_allowed_weights, rules.max_weights_limit]},
                           weights_wait=None)
        log.info("weights set in block #%s: %s", included, shown)

    def _mark_sent(self, included: int) -> None:
        if self.uid is not None and self.uid < self.metagraph.n:
            self.metagraph.last_update[self.uid] = included  # our own rate-limit check until the resync
        self.state.last_weights_block = included
        self.save_state()

    # -- commit-reveal -------------------------------------------------------------------------

    def try_reveal(self, block: int) -> None:
        """Reveal the oldest remembered commit once its window is open (revealing one drops every older one
        on chain, so oldest first); drop commits the chain will never take, saying why."""
        if self._sending is not None:
            return
        entry = self.state.commits[0]
        if entry.get("opens", 0) > block + 1:  # known not to be open yet: no chain read
            return
        from chain.dtao.commit_reveal import EARLY, EXPIRED

        try:
            where = self.link.reveal_state(self.config.hotkey.ss58_address, entry)
        except ChainError as exc:
            self._not_yet(f"cannot check the reveal window: {exc}", warning=True)
            return
        label = f"commit 0x{entry['hash'][:16]}… of block {entry.get('commit_block')}"
        if where.window is None or where.window.state == EXPIRED:
            why = "is not on chain (revealed or pruned)" if where.window is None else \
                f"expired after block {where.window.last}"
            log.warning("%s %s: dropped; the next epoch's weights are committed afresh", label, why)
            self._forget(entry)
            return
        if where.window.state == EARLY:
            entry["opens"] = where.window.first
            self.status.update(reveal_wait=f"{label} is revealed from block {where.window.first}")
            return
        if self.weights_link is None:
            self.weights_link = ChainLink(self.config.network, self.config.chain_timeout)
        self._sending = threading.Thread(target=self._reveal, args=(entry,), name="reveal-weights", daemon=True)
        self._sending.start()

    def _reveal(self, entry: dict[str, Any]) -> None:
        from chain.rooms.commits import RevealNotYet

        try:
            assert self.weights_link is not None
            receipt = self.weights_link.reveal_weights(self.config.hotkey, entry)
        except RevealNotYet as exc:
            self._outcome = ("reveal-failed", entry, str(exc), exc.first)
        except ChainError as exc:  # refused for good (expired, no such hash): drop it; else try again next tick
            self._outcome = ("reveal-failed", entry, str(exc), -1 if never_revealable(exc) else None)
        except Exception as exc:
            log.exception("reveal_weights failed unexpectedly")
            self._outcome = ("reveal-failed", entry, f"reveal failed unexpectedly: {exc!r}", None)
        else:
            self._outcome = ("revealed", entry, int(receipt.block_number or -1))

    def _revealed(self, kind: str, entry: dict[str, Any], rest: list[Any]) -> None:
        if kind == "reveal-failed":
            why, retry = rest
            if retry == -1:
                log.warning("reveal of commit 0x%s… refused: %s; dropped", entry["hash"][:16], why)
                self._forget(entry)
            else:
                if retry is not None:
                    entry["opens"] = retry
                self._not_yet(f"reveal not sent: {why}", warning=retry is None)
            return
        (included,) = rest
        self._forget(entry)
        self._mark_sent(included)  # the reveal set the weights: the rate limit counts from here
        u16 = dict(zip(entry["uids"], entry["values"], strict=True))
        self.status.update(last_weights={"block": included, "weights": entry["weights"], "u16": u16,
                                         "from_scores": entry["from_scores"], "rules": entry["rules"],
                                         "committed_in": entry.get("commit_block")}, reveal_wait=None)
        log.info("weights revealed in block #%s (committed in #%s): %s", included, entry.get("commit_block"),
                 entry["weights"])

    def _forget(self, entry: dict[str, Any]) -> None:
        with self._state_lock:
            self.state.commits = [c for c in self.state.commits if c is not entry]
            self.state.save(self.config.state_dir / STATE_FILE)

    def wait_for_weights(self, timeout: float) -> None:
        """Let an in-flight set_weights finish (up to `timeout` s) and record it (shutdown, tests)."""
        if self._sending is not None:
            self._sending.join(timeout)
        self.collect_weights()

    def _not_yet(self, why: str, warning: bool = False) -> None:
        """Say why weights were not set: in the status always, in the log once per distinct reason."""
        self.status.update(weights_wait=why)
        if why != getattr(self, "_why_not", None):
            (log.warning if warning else log.info)("weights not set: %s", why)
            self._why_not = why
