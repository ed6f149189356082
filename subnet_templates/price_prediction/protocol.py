"""The price_prediction subnet's one message: recent prices in, one forecast out."""

from __future__ import annotations

from typing import ClassVar

from neuron.synapse import Synapse

SPEC_VERSION = 1


class Forecast(Synapse):
    """`history` holds the prices of feed steps `step − len + 1 … step` (oldest first); the miner fills
    `prediction` with its forecast of the price at step `step + horizon`."""

    required_hash_fields: ClassVar[tuple[str, ...]] = ("step", "history", "horizon")

    step: int = 0
    history: list[float] = []  # noqa: RUF012 (a message field: each instance gets its own copy)
    horizon: int = 1
    prediction: float | None = None
