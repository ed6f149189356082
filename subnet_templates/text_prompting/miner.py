"""The text_prompting miner: answers each prompt with its small language model (model.py).

The model is trained once, at start-up, for `steps` Adam steps and cached in the template's cache directory,
so the second start of a miner with the same knobs loads it in well under a second. `steps` is the quality
knob: about 20 steps answer a fifth of the characters right, 80 about half, 250 almost all (see README).
"""

from __future__ import annotations

import time

import torch

from neuron.template import TemplateContext

from .model import complete
from .protocol import MAX_PROMPTS, TextPrompt
from .tasks import parse_prompt
from .training import TrainConfig, load_or_train

OPTIONS = {
    "steps": "training steps, the quality knob (20 weak, 80 fair, 250 strong; default 250)",
    "width": "model width (default 64)",
    "seed": "training seed (default 0)",
    "threads": "torch CPU threads (default 1: several neurons share the machine)",
}


class TextMiner:
    synapse = TextPrompt

    def __init__(self, ctx: TemplateContext) -> None:
        torch.set_num_threads(max(1, ctx.opt("threads", 1)))
        self.config = TrainConfig(steps=max(0, ctx.opt("steps", 250)), width=ctx.opt("width", 64),
                                  seed=ctx.opt("seed", 0))
        started = time.monotonic()
        self.model = load_or_train(self.config, ctx.cache_dir)
        ctx.log(f"text_prompting model ready in {time.monotonic() - started:.1f} s "
                f"(steps={self.config.steps}, width={self.config.width}, cache {ctx.cache_dir})")

    def forward(self, synapse: TextPrompt) -> TextPrompt:
        prompts = [p if isinstance(p, str) else "" for p in synapse.prompts[:MAX_PROMPTS]]
        valid = [i for i, p in enumerate(prompts) if parse_prompt(p) is not None]
        answers = [""] * len(prompts)  # a malformed prompt gets an empty answer, not a crash
        for i, text in zip(valid, complete(self.model, [prompts[i] for i in valid]), strict=True):
            answers[i] = text
        synapse.answers = answers
        return synapse


def create_miner(ctx: TemplateContext) -> TextMiner:
    return TextMiner(ctx)
