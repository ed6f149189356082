"""Training the text_prompting miner's model, and caching it on disk so a restart answers at once.

The quality knob is the number of training steps (and the width): a fixed seed makes a given setting train
to the same weights every time, so the cache key is simply the setting. The cache holds a state_dict saved
by torch.save and read back with `weights_only=True`: loading a cached model can never run code.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch.nn import functional

from subnet_templates import model_cache

from .model import CONTEXT, END, PAD, TOKEN, TinyLM, encode
from .tasks import sample_prompts

FORMAT = 1  # bump when the model, vocabulary or tasks change, so old cache entries are not read


@dataclass(frozen=True)
class TrainConfig:
    steps: int = 300
    width: int = 64
    layers: int = 2
    batch: int = 64
    lr: float = 3e-3
    seed: int = 0

    def key(self) -> str:
        return model_cache.settings_key({"format": FORMAT, **asdict(self)})


def training_batch(rng: random.Random, size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs and next-character targets; only the answer (and its END) is learnt, the prompt is given."""
    inputs, targets = [], []
    for prompt in sample_prompts(rng, size):
        text = prompt.text + prompt.answer + END
        ids = encode(text.ljust(CONTEXT + 1, PAD))
        target = ids[1:]
        answer_from = len(prompt.text) - 1  # position whose next character is the answer's first
        target = [-100 if i < answer_from or t == TOKEN[PAD] else t for i, t in enumerate(target)]
        inputs.append(ids[:-1])
        targets.append(target)
    return torch.tensor(inputs, dtype=torch.long), torch.tensor(targets, dtype=torch.long)


def train(config: TrainConfig) -> TinyLM:
    """A model trained from a fixed seed for `config.steps` steps of Adam on freshly generated prompts."""
    torch.manual_seed(config.seed)
    rng = random.Random(config.seed)
    model = TinyLM(width=config.width, layers=config.layers)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=0.0)
    model.train()
    for _ in range(config.steps):
        inputs, targets = training_batch(rng, config.batch)
        logits = model(inputs)
        loss = functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),
                                        ignore_index=-100)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    return model


def load_or_train(config: TrainConfig, cache_dir: Path | None) -> TinyLM:
    """The model for `config`, from `cache_dir` when it was trained before, else trained and stored there."""
    path = None if cache_dir is None else Path(cache_dir) / f"text_lm-{config.key()}.pt"
    blank = lambda: TinyLM(width=config.width, layers=config.layers)  # noqa: E731
    return model_cache.load_or_train(path, blank, lambda: train(config))
