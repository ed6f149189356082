"""What a validator remembers across restarts, in a file that cannot run code when read.

`state.npz` (numpy, `allow_pickle=False` both ways): the step counter, the moving-average scores and the
hotkey each score belongs to (so a uid that changed hands while the validator was down starts from zero),
when weights were last set, and the weights commits not yet revealed (commit-reveal subnets: the chain keeps
only their hashes, so a restart must find the uids, weights and salt here to reveal them). The commits are
one JSON text inside the archive: still no pickle; a state written before they existed loads with none.
Written atomically (temp file + rename): a crash mid-write keeps the previous state instead of leaving half a
file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = 1
STATE_FILE = "state.npz"


@dataclass
class ValidatorState:
    step: int = 0
    scores: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))
    hotkeys: list[str] = field(default_factory=list)
    last_weights_block: int = -1
    commits: list[dict[str, Any]] = field(default_factory=list)  # unrevealed: Reveal.to_json() + hash, block

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as fh:
            np.savez(fh, format=np.array(FORMAT), step=np.array(self.step),
                     scores=np.asarray(self.scores, dtype=np.float64),
                     hotkeys=np.array(self.hotkeys, dtype=np.str_),
                     last_weights_block=np.array(self.last_weights_block),
                     commits=np.array(json.dumps(self.commits)))
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> ValidatorState | None:
        """The saved state, or None when there is none or it is unreadable (then the validator starts fresh)."""
        path = Path(path)
        if not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as data:
                if int(data["format"]) != FORMAT:
                    return None
                commits = json.loads(str(data["commits"])) if "commits" in data.files else []
                if not isinstance(commits, list) or not all(isinstance(c, dict) for c in commits):
                    raise ValueError("commits is not a list of objects")
                return cls(int(data["step"]), np.array(data["scores"], dtype=np.float64),
                           [str(h) for h in data["hotkeys"]], int(data["last_weights_block"]), commits)
        except (OSError, ValueError, KeyError):
            return None

    def align(self, hotkeys: list[str]) -> list[int]:
        """Fit the scores to the metagraph's current hotkeys: uids whose hotkey differs restart at 0.

        Returns the uids that were reset (changed hands while this state was saved or since last sync).
        """
        n = len(hotkeys)
        scores = np.zeros(n, dtype=np.float64)
        reset: list[int] = []
        for uid, hotkey in enumerate(hotkeys):
            if uid < len(self.hotkeys) and self.hotkeys[uid] == hotkey and uid < len(self.scores):
                scores[uid] = self.scores[uid]
            elif uid < len(self.hotkeys):
                reset.append(uid)
        self.scores = scores
        self.hotkeys = list(hotkeys)
        return reset
