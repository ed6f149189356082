"""The text_prompting validator: fresh prompts each step, each answer checked against the rule it asks for.

The validator's reference is the task itself (tasks.answer_for), computed from its own copy of the query,
never from what a miner echoes back. A miner's reward for a step is its mean character accuracy over the
prompts (tasks.score_answers); no answer, a timeout or an error scores 0.
"""

from __future__ import annotations

import random

from neuron.template import Response, TemplateContext

from .protocol import MAX_PROMPTS, TextPrompt
from .tasks import make_prompt, parse_prompt, sample_prompts, score_answers

OPTIONS = {
    "prompts": f"prompts per query (default 16, at most {MAX_PROMPTS})",
    "timeout": "seconds a miner has to answer (default 10)",
}


class TextValidator:
    synapse = TextPrompt

    def __init__(self, ctx: TemplateContext) -> None:
        self.count = min(MAX_PROMPTS, max(1, ctx.opt("prompts", 16)))
        self.timeout: float = ctx.opt("timeout", 10.0)
        self.rng = random.Random()  # fresh prompts every step, from OS entropy: nothing to learn by heart

    def query(self, step: int) -> TextPrompt:
        return TextPrompt(prompts=[p.text for p in sample_prompts(self.rng, self.count)])

    def reward(self, step: int, query: TextPrompt, responses: list[Response]) -> list[float | None]:
        prompts = [make_prompt(*parse_prompt(text)) for text in query.prompts]  # type: ignore[misc]
        return [score_answers(r.synapse.answers, prompts) if _answered(r.synapse) else 0.0 for r in responses]


def _answered(synapse: TextPrompt) -> bool:
    status = getattr(getattr(synapse, "dendrite", None), "status_code", None)
    return status is None or int(status) == 200


def create_validator(ctx: TemplateContext) -> TextValidator:
    return TextValidator(ctx)
