"""The echo miner: answers with the reversed text, or (knob `wrong`) with something else, for tests."""

from __future__ import annotations

import asyncio

from neuron.template import TemplateContext

from .protocol import Echo, expected

OPTIONS = {
    "wrong": "answer every query wrongly (true/false), to see a bad miner lose incentive",
    "delay": "seconds to wait before answering (a slow miner; past the validator's timeout it scores 0)",
}


class EchoMiner:
    """Stateless: nothing to load or train, so start-up is instant."""

    synapse = Echo

    def __init__(self, ctx: TemplateContext) -> None:
        self.wrong: bool = ctx.opt("wrong", False)
        self.delay: float = ctx.opt("delay", 0.0)
        if self.wrong:
            ctx.log("echo miner: answering WRONG on purpose (--template-opt wrong=true)")

    async def forward(self, synapse: Echo) -> Echo:
        if self.delay > 0:
            await asyncio.sleep(self.delay)
        answer = expected(synapse.text)
        synapse.reply = answer + "?" if self.wrong else answer
        return synapse


def create_miner(ctx: TemplateContext) -> EchoMiner:
    return EchoMiner(ctx)
