"""Entry point of the `taocli` console script (placeholder until the CLI lands)."""

from __future__ import annotations


def run() -> None:
    """Start the command line."""
    print("taocli 0.1.0")
