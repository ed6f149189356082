"""A trained model kept on disk as its weights, so a restarted miner answers at once instead of retraining.

The file is a state_dict written by torch.save and read back with `weights_only=True`: loading it can never
run code, whoever wrote the file. The name carries a hash of everything that shapes the weights (the caller's
key), so a changed setting trains anew instead of loading weights of another shape or meaning. A damaged or
foreign file is retrained over, never trusted; the write is atomic, so neurons sharing a cache directory
never read half a file.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import torch
from torch import nn

Model = TypeVar("Model", bound=nn.Module)


def settings_key(settings: dict[str, object]) -> str:
    """A short stable hash of everything that shapes a model's weights (its settings and a format number)."""
    blob = json.dumps(settings, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def load_or_train(path: Path | None, blank: Callable[[], Model], train: Callable[[], Model]) -> Model:
    """The model stored at `path` (loaded into `blank()`), else `train()`'s model, stored there."""
    if path is None:
        return train()
    if path.is_file():
        model = blank()
        try:
            model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
        except (RuntimeError, OSError, ValueError, EOFError, KeyError, pickle.UnpicklingError):
            pass  # fall through: train again and overwrite the bad file
        else:
            model.eval()
            return model
    model = train()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    torch.save(model.state_dict(), partial)
    partial.replace(path)
    return model
