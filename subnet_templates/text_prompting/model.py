"""A tiny causal transformer over characters: the text_prompting miner's language model.

Small enough to train on two CPU cores in seconds, big enough that more training visibly means better answers.
It reads `R3142=` and writes `2413.` one character at a time (greedy decoding).
"""

from __future__ import annotations

import torch
from torch import nn

from .tasks import DIGITS, END, MAX_DIGITS, TASKS

PAD = "_"
VOCAB = PAD + DIGITS + "".join(sorted(TASKS)) + "=" + END
CONTEXT = 2 * MAX_DIGITS + 3  # task letter, digits, '=', answer digits, END
TOKEN = {ch: i for i, ch in enumerate(VOCAB)}


def encode(text: str) -> list[int]:
    return [TOKEN[ch] for ch in text]


class TinyLM(nn.Module):
    """Token + position embeddings, `layers` pre-norm transformer blocks with a causal mask, a linear head."""

    def __init__(self, width: int = 64, layers: int = 2, heads: int = 4) -> None:
        super().__init__()
        self.embed = nn.Embedding(len(VOCAB), width)
        self.position = nn.Embedding(CONTEXT, width)
        block = nn.TransformerEncoderLayer(width, heads, dim_feedforward=2 * width, dropout=0.0,
                                           batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(block, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, len(VOCAB))
        mask = torch.triu(torch.full((CONTEXT, CONTEXT), float("-inf")), diagonal=1)
        self.register_buffer("causal", mask, persistent=False)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """Logits for the next character at every position of `tokens` (batch, length)."""
        length = tokens.shape[1]
        x = self.embed(tokens) + self.position(torch.arange(length, device=tokens.device))
        x = self.blocks(x, mask=self.causal[:length, :length], is_causal=True)
        return self.head(self.norm(x))


@torch.no_grad()
def complete(model: TinyLM, prompts: list[str]) -> list[str]:
    """Greedy answers to `prompts` (already validated), batched by prompt length; END and after are cut."""
    model.eval()
    answers: dict[int, str] = {}
    by_length: dict[int, list[int]] = {}
    for index, prompt in enumerate(prompts):
        by_length.setdefault(len(prompt), []).append(index)
    for length, indices in by_length.items():
        tokens = torch.tensor([encode(prompts[i]) for i in indices], dtype=torch.long)
        for _ in range(CONTEXT - length):
            next_token = model(tokens)[:, -1].argmax(dim=-1, keepdim=True)
            tokens = torch.cat([tokens, next_token], dim=1)
        for row, index in zip(tokens[:, length:].tolist(), indices, strict=True):
            text = "".join(VOCAB[t] for t in row)
            answers[index] = text.split(END, 1)[0].replace(PAD, "")
    return [answers[i] for i in range(len(prompts))]
