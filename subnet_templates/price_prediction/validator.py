"""The price_prediction validator: shows miners its market, and scores each forecast when its truth arrives.

Its market is the template's feed (feed.py) under a seed only it knows (drawn once and kept in its state
directory, or `--template-opt seed=N` to replay one). Validator step s is feed step `start + s`: each step
it sends the last WINDOW prices and asks for the price `horizon` steps ahead. Those forecasts cannot be
judged yet, so `reward` returns None for them (deferred) and remembers them; `matured` scores them once the
feed has reached their step (scoring.py: exp(−APE / 1 %)). A timeout or a missing forecast scores 0 at once.
The pending forecasts are kept in the state directory, so a restarted validator still judges them.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from neuron.template import Response, Score, TemplateContext

from .feed import history, price_at
from .model import HORIZON, WINDOW
from .protocol import Forecast
from .scoring import forecast_reward, is_usable

OPTIONS = {
    "seed": "seed of this validator's market (default: drawn once and kept in its state directory)",
    "horizon": f"steps ahead to forecast (1..{HORIZON}, default 3)",
    "start": "feed step of validator step 0 (default 1000)",
    "timeout": "seconds a miner has to answer (default 10)",
}
PENDING_FILE = "pending.json"
SEED_FILE = "market.json"


class PriceValidator:
    synapse = Forecast

    def __init__(self, ctx: TemplateContext) -> None:
        self.state_dir = Path(ctx.state_dir)
        self.seed = _market_seed(self.state_dir, ctx.opt("seed", 0) if "seed" in ctx.options else None)
        self.horizon = min(HORIZON, max(1, ctx.opt("horizon", 3)))
        self.start = max(WINDOW, ctx.opt("start", 1000))
        self.timeout: float = ctx.opt("timeout", 10.0)
        self.pending: list[dict] = _load_pending(self.state_dir / PENDING_FILE)

    def feed_step(self, step: int) -> int:
        return self.start + step

    def query(self, step: int) -> Forecast:
        now = self.feed_step(step)
        return Forecast(step=now, history=history(self.seed, now, WINDOW), horizon=self.horizon)

    def reward(self, step: int, query: Forecast, responses: list[Response]) -> list[float | None]:
        target = query.step + query.horizon
        out: list[float | None] = []
        for r in responses:
            prediction = r.synapse.prediction if _answered(r.synapse) else None
            if not is_usable(prediction):
                out.append(0.0)  # nothing usable to wait for: no answer, NaN, negative...
                continue
            self.pending.append({"uid": r.uid, "hotkey": r.hotkey, "target": target, "forecast": float(prediction)})
            out.append(None)
        self._save()
        return out

    def matured(self, step: int) -> list[Score]:
        now = self.feed_step(step)
        due = [p for p in self.pending if p["target"] <= now]
        if not due:
            return []
        self.pending = [p for p in self.pending if p["target"] > now]
        self._save()
        return [Score(p["uid"], p["hotkey"], forecast_reward(p["forecast"], price_at(self.seed, p["target"])))
                for p in due]

    def _save(self) -> None:
        path = self.state_dir / PENDING_FILE
        partial = path.with_suffix(".tmp")
        partial.write_text(json.dumps(self.pending))
        partial.replace(path)


def _answered(synapse: Forecast) -> bool:
    status = getattr(getattr(synapse, "dendrite", None), "status_code", None)
    return status is None or int(status) == 200


def _market_seed(state_dir: Path, given: int | None) -> int:
    """The seed given, else the one drawn at the first start (kept so a restart sees the same market)."""
    path = state_dir / SEED_FILE
    if given is not None:
        return given
    try:
        return int(json.loads(path.read_text())["seed"])
    except (OSError, ValueError, KeyError, TypeError):
        seed = secrets.randbits(32)
        state_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"seed": seed}))
        return seed


def _load_pending(path: Path) -> list[dict]:
    try:
        items = json.loads(path.read_text())
    except (OSError, ValueError):
        return []
    keys = {"uid", "hotkey", "target", "forecast"}
    return [p for p in items if isinstance(p, dict) and keys <= set(p)] if isinstance(items, list) else []


def create_validator(ctx: TemplateContext) -> PriceValidator:
    return PriceValidator(ctx)
