"""The miner's base loop: serve the template's forward on an axon, publish it, resync every epoch.

A miner never sets weights. Its loop is small on purpose: check the block once a second, resync the
metagraph (which is also the axon's allow-list and stake table) when an epoch has passed, and keep the
status file fresh with what the axon served. Everything the subnet decides is in the template.
"""

from __future__ import annotations

import logging
import time

from neuron import template as tpl
from neuron.base import Neuron

log = logging.getLogger("taocli.neuron")

TICK_SECONDS = 1.0


class Miner(Neuron):
    role = "miner"

    def setup(self) -> None:
        self.resync(force=True)
        cfg = self.config
        ctx = tpl.TemplateContext(name=cfg.template_dir.name, role="miner", netuid=cfg.netuid, hotkey=self.hotkey,
                                  cache_dir=tpl.default_cache_root() / "templates" / cfg.template_dir.name,
                                  state_dir=cfg.state_dir / "template", options=cfg.template_options,
                                  log=lambda msg: log.info("%s", msg))
        started = time.monotonic()
        self.template = tpl.build(cfg.template_dir, ctx)
        log.info("template %s ready in %.2f s", ctx.name, time.monotonic() - started)
        self.serve(self.template)
        self._rate_mark = (time.monotonic(), 0)

    def tick(self) -> None:
        block = self.retry("block number", self.link.block)
        if self.epoch_due(block):
            self.resync()
        self._report()
        self.wait(TICK_SECONDS)

    def _report(self) -> None:
        counters = self.axon_counters()
        served = int(counters.get("served", counters.get("requests", 0)) or 0)
        now = time.monotonic()
        then, before = self._rate_mark
        if now - then >= 10.0:
            self._rate_mark = (now, served)
            self.status.update(request_rate=(served - before) / (now - then))
        self.status.update(requests=counters, requests_served=served)
        self.status.flush()
