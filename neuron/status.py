"""The small JSON file a running neuron keeps up to date, and `taocli miner|validator status` reads.

Why a file and not an RPC: status must work while the neuron is busy or its axon is firewalled, and it
costs nothing when nobody asks. Written atomically every few seconds; stdlib only (read by the CLI).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

STATUS_FILE = "status.json"
PID_FILE = "neuron.pid"
LOG_FILE = "neuron.log"


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Replace `path` with `data` atomically (readers never see half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")
    tmp.replace(path)


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


class StatusBoard:
    """Fields of the running neuron; `flush()` writes them (at most every `every` seconds unless forced)."""

    def __init__(self, directory: Path, every: float = 1.0) -> None:
        self.path = directory / STATUS_FILE
        self.every = every
        self.fields: dict[str, Any] = {"pid": os.getpid(), "started": time.time()}
        self._last = 0.0

    def update(self, **fields: Any) -> None:
        self.fields.update(fields)

    def flush(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last >= self.every:
            self.fields["updated"] = time.time()
            write_json(self.path, self.fields)
            self._last = now
