"""The price_prediction miner: forecasts the price `horizon` steps ahead with its MLP (model.py).

It never sees the validator's market, only the window of prices each query carries; it learnt the market's
dynamics from a training history of its own (training.py). The model is trained once at start-up and cached
in the template's cache directory. `steps` is the quality knob: ~10 steps barely beat "tomorrow = today",
30 catch the daily cycle, 300 get close to the noise floor (see README).
"""

from __future__ import annotations

import math
import time

import torch

from neuron.template import TemplateContext

from .model import HORIZON, WINDOW, forecast
from .protocol import Forecast
from .training import TrainConfig, load_or_train

OPTIONS = {
    "steps": "training steps, the quality knob (10 weak, 30 fair, 300 strong; default 300)",
    "hidden": "hidden width of the MLP (default 64)",
    "seed": "seed of the miner's training market (default 0)",
    "threads": "torch CPU threads (default 1: several neurons share the machine)",
}


class PriceMiner:
    synapse = Forecast

    def __init__(self, ctx: TemplateContext) -> None:
        torch.set_num_threads(max(1, ctx.opt("threads", 1)))
        self.config = TrainConfig(steps=max(0, ctx.opt("steps", 300)), hidden=ctx.opt("hidden", 64),
                                  seed=ctx.opt("seed", 0))
        started = time.monotonic()
        self.model = load_or_train(self.config, ctx.cache_dir)
        ctx.log(f"price_prediction model ready in {time.monotonic() - started:.1f} s "
                f"(steps={self.config.steps}, hidden={self.config.hidden}, cache {ctx.cache_dir})")

    def forward(self, synapse: Forecast) -> Forecast:
        history = synapse.history
        usable = (len(history) == WINDOW and 1 <= synapse.horizon <= HORIZON
                  and all(isinstance(p, (int, float)) and math.isfinite(p) and p > 0 for p in history))
        # A window of the wrong shape gets no forecast (None scores 0), never a crash of the axon.
        synapse.prediction = forecast(self.model, [float(p) for p in history], synapse.horizon) if usable else None
        return synapse


def create_miner(ctx: TemplateContext) -> PriceMiner:
    return PriceMiner(ctx)
