"""The miner's base loop: serve the template's forward on an axon, publish it, resync every epoch.

A miner never sets weights. Its loop is small on purpose: check the block once a second, resync the
metagraph (which is also the axon's allow-list and stake table) when an epoch has passed, and keep the
status file fresh with what the axon served. Everything the subnet decides is in the template.
"""

from __future__ import annotations

import logging

from neuron.base import Neuron
from neuron.serving import publish_axon, report_requests, start_axon

log = logging.getLogger("taocli.neuron")

TICK_SECONDS = 1.0


class Miner(Neuron):
    role = "miner"

    def setup(self) -> None:
        self.resync(force=True)
        self.template = self.build_template()
        self.axon = start_axon(self, self.template)
        publish_axon(self)

    def tick(self) -> None:
        block = self.retry("block number", self.link.block)
        if self.epoch_due(block):
            self.resync()
        report_requests(self)
        self.status.flush()
        self.wait(TICK_SECONDS)
