"""The validator's base loop: query a sample of miners, score them, keep a moving average, set weights.

Each step: the template builds a query; the dendrite sends it to a random sample of serving miners; the
template's reward gives each answer a score in [0, 1] (or defers it); the scores enter the moving average
(α = 0.1). Each epoch: resync the metagraph (uids that changed hands restart at 0), turn the averages into
weights that obey the subnet's limits (neuron.weighting) and set them when the rate limit allows, saying
when and why it does not. The state is saved after every step so a restart resumes where it stopped.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np

from chain.errors import ChainError
from neuron import template as tpl
from neuron import weighting
from neuron.base import Neuron, Stopped
from neuron.serving import publish_axon, report_requests, start_axon
from neuron.state import STATE_FILE, ValidatorState

log = logging.getLogger("taocli.neuron")


class Validator(Neuron):
    role = "validator"

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

    # -- the loop ------------------------------------------------------------------------------

    def tick(self) -> None:
        started = time.monotonic()
        self.step_once()
        block = self.retry("block number", self.link.block)
        if self.epoch_due(block):
            self.resync()
            self.weights_due = True
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
        self.state.save(self.config.state_dir / STATE_FILE)
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
        try:
            receipt = self.retry("set_weights", lambda: self.link.set_weights(
                self.config.hotkey, self.config.netuid, uids.tolist(), weights.tolist(), self.version_key))
        except ChainError as exc:
            self._not_yet(str(exc), warning=True)
            return
        self.weights_due = False
        self._why_not = None
        if uid < m.n:
            m.last_update[uid] = int(receipt.block_number or block)  # our own rate-limit check until the resync
        self.state.last_weights_block = int(receipt.block_number or block)
        self.state.save(self.config.state_dir / STATE_FILE)
        shown = {int(u): round(float(w), 4) for u, w in zip(uids, weights, strict=True)}
        u16 = dict(zip(uids.tolist(), weighting.to_u16(weights), strict=True))
        self.status.update(last_weights={"block": self.state.last_weights_block, "weights": shown, "u16": u16,
                                         "from_scores": scores.tolist(),
                                         "rules": [rules.min_allowed_weights, rules.max_weights_limit]},
                           weights_wait=None)
        log.info("weights set in block #%s: %s", receipt.block_number, shown)

    def _not_yet(self, why: str, warning: bool = False) -> None:
        """Say why weights were not set: in the status always, in the log once per distinct reason."""
        self.status.update(weights_wait=why)
        if why != getattr(self, "_why_not", None):
            (log.warning if warning else log.info)("weights not set: %s", why)
            self._why_not = why
