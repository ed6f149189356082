"""What every model template's miner does the same way: its training loop and getting its model ready.

Kept apart from the templates so each of them shows only what is its own (data, model, loss, knobs), and
copied along by `taocli subnets new` like any shared helper.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any, TypeVar

import torch
from torch import nn

Model = TypeVar("Model", bound=nn.Module)

THREADS_OPTION = "torch CPU threads (default 1: several neurons share the machine)"


def fit(model: Model, optimizer: torch.optim.Optimizer, steps: int, loss_of_step: Callable[[], torch.Tensor]
        ) -> Model:
    """`steps` plain gradient steps on `loss_of_step()` (which draws its own batch); the model left in eval mode."""
    model.train()
    for _ in range(steps):
        loss = loss_of_step()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    return model


def ready_model(ctx: Any, config: Any, load_or_train: Callable[[Any, Any], Model]) -> Model:
    """The miner's model for `config`: torch limited to `--template-opt threads` (default 1), loaded from the
    template's cache or trained there, and one log line saying how long that took and with which settings."""
    torch.set_num_threads(max(1, ctx.opt("threads", 1)))
    started = time.monotonic()
    model = load_or_train(config, ctx.cache_dir)
    settings = ", ".join(f"{k}={v}" for k, v in asdict(config).items())
    ctx.log(f"{ctx.name} model ready in {time.monotonic() - started:.1f} s ({settings}; cache {ctx.cache_dir})")
    return model
