"""The text_prompting subnet's one message: the validator sends `prompts`, the miner fills `answers`."""

from __future__ import annotations

from typing import ClassVar

from neuron.synapse import Synapse

SPEC_VERSION = 1
MAX_PROMPTS = 64  # a miner answers at most this many per query (a bigger query is cut, not a denial of service)


class TextPrompt(Synapse):
    """Prompts such as `R3142=` (tasks.py says what each letter asks); one answer per prompt, in order."""

    required_hash_fields: ClassVar[tuple[str, ...]] = ("prompts",)

    prompts: list[str] = []  # noqa: RUF012 (a message field: each instance gets its own copy)
    answers: list[str] = []  # noqa: RUF012
