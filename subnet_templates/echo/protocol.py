"""The echo subnet's one message: the validator sends `text`, the miner fills `reply`."""

from __future__ import annotations

from typing import ClassVar

from neuron.synapse import Synapse

SPEC_VERSION = 1


class Echo(Synapse):
    """A query (`text`) and the miner's answer (`reply`, empty until answered)."""

    required_hash_fields: ClassVar[tuple[str, ...]] = ("text",)  # inside the SDK's signed body hash
    text: str = ""
    reply: str = ""


def expected(text: str) -> str:
    """The only right answer: the text reversed (cheap, yet impossible to return by echoing the input)."""
    return text[::-1]
