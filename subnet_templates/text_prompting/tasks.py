"""The prompts of the text_prompting subnet and how an answer is checked.

Every prompt has one right answer that the validator computes itself, so the validator needs no model of its
own to judge a miner: its reference is the rule. A prompt is a task letter, a digit string and `=`; the answer
is the transformed digit string. The four tasks differ in how hard they are for a small model (copying is
learnt first, sorting last), which is what spreads miners of different quality apart.

Pure Python on purpose: the validator imports this without torch.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

DIGITS = "0123456789"
TASKS = {
    "C": "copy the digits",
    "I": "add 1 to each digit (9 becomes 0)",
    "R": "reverse the digits",
    "S": "sort the digits in ascending order",
}
MIN_DIGITS = 3
MAX_DIGITS = 6
END = "."  # a model ends its answer with this; the answer itself never contains it


@dataclass(frozen=True)
class Prompt:
    """One question: `text` is what the miner sees, `answer` what the validator expects back."""

    text: str
    answer: str


def answer_for(task: str, digits: str) -> str:
    """The one right answer to task `task` on `digits`."""
    if task == "C":
        return digits
    if task == "I":
        return "".join(DIGITS[(int(d) + 1) % 10] for d in digits)
    if task == "R":
        return digits[::-1]
    if task == "S":
        return "".join(sorted(digits))
    raise ValueError(f"unknown task {task!r}; known: {', '.join(TASKS)}")


def make_prompt(task: str, digits: str) -> Prompt:
    return Prompt(text=f"{task}{digits}=", answer=answer_for(task, digits))


def sample_prompts(rng: random.Random, count: int) -> list[Prompt]:
    """`count` prompts drawn uniformly over tasks and lengths from `rng` (seed it to replay a batch)."""
    prompts = []
    for _ in range(count):
        task = rng.choice(sorted(TASKS))
        length = rng.randint(MIN_DIGITS, MAX_DIGITS)
        prompts.append(make_prompt(task, "".join(rng.choice(DIGITS) for _ in range(length))))
    return prompts


def parse_prompt(text: str) -> tuple[str, str] | None:
    """(task, digits) of a well-formed prompt, else None: a miner must not crash on a stranger's input."""
    if len(text) < 2 + MIN_DIGITS or text[0] not in TASKS or not text.endswith("="):
        return None
    digits = text[1:-1]
    if not (MIN_DIGITS <= len(digits) <= MAX_DIGITS) or any(c not in DIGITS for c in digits):
        return None
    return text[0], digits


def char_accuracy(answer: str | None, expected: str) -> float:
    """Share of the expected characters given in the right place, penalising extra ones: in [0, 1].

    Exact match would score a half-right answer like a silent miner; this keeps partial skill visible while a
    longer answer cannot buy credit (the denominator is the longer of the two lengths).
    """
    if not answer or not expected:
        return 0.0
    hits = sum(1 for got, want in zip(answer, expected, strict=False) if got == want)
    return hits / max(len(answer), len(expected))


def score_answers(answers: list[str | None] | None, prompts: list[Prompt]) -> float:
    """A miner's reward for one batch: the mean character accuracy over its prompts (0 for a missing reply)."""
    if not prompts:
        return 0.0
    if not answers or len(answers) != len(prompts):
        return 0.0
    total = sum(char_accuracy(a if isinstance(a, str) else None, p.answer)
                for a, p in zip(answers, prompts, strict=True))
    return total / len(prompts)
