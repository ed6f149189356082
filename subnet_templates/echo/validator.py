"""The echo validator: sends a fresh text each step and scores an exact reversed reply 1, anything else 0."""

from __future__ import annotations

import secrets

from neuron.template import Response, TemplateContext

from .protocol import Echo, expected

OPTIONS = {"timeout": "seconds a miner has to answer (default 5)"}


class EchoValidator:
    synapse = Echo

    def __init__(self, ctx: TemplateContext) -> None:
        self.timeout: float = ctx.opt("timeout", 5.0)

    def query(self, step: int) -> Echo:
        # Random per step, so a miner cannot cache or precompute answers.
        return Echo(text=f"step {step} {secrets.token_hex(8)}")

    def reward(self, step: int, query: Echo, responses: list[Response]) -> list[float | None]:
        want = expected(query.text)
        return [1.0 if r.synapse.is_success and r.synapse.reply == want else 0.0 for r in responses]


def create_validator(ctx: TemplateContext) -> EchoValidator:
    return EchoValidator(ctx)
