"""The reveal data of each weights commit, kept on disk until its reveal: the chain stores only the hash.

Layout: `<wallet dir>/commits/<hotkey ss58>/<netuid>-<first 16 hex of the hash>.json`, files 0600 in 0700
directories, written atomically (`wallet.fsio.atomic_write`). The file is written BEFORE the commit is signed
and completed with the commit block once included: a crash or Ctrl-C after submitting can then never lose the
salt, without which the commit can never be revealed. That is why files are named by hash, not by block (the
block is unknown when the file is written). No secrets inside: uids, u16 weights, salt, version key, the hash,
and the genesis hash of the chain it was made on (a commit is only looked for on that chain).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chain.dtao.commit_reveal import Reveal
from chain.errors import ChainError

FORMAT = 1
MAX_BYTES = 1 << 20


class BadRecord(ChainError):
    """A commit file that cannot be read as one; it is reported and left where it is."""


@dataclass(frozen=True)
class CommitRecord:
    path: Path
    hotkey: str
    genesis: str
    reveal: Reveal
    digest: bytes
    commit_block: int | None  # None until the commit was seen included

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "hotkey": self.hotkey, "genesis": self.genesis, **self.reveal.to_json(),
                "hash": "0x" + self.digest.hex(), "commit_block": self.commit_block}


class CommitStore:
    def __init__(self, wallet_dir: str | os.PathLike[str]) -> None:
        self.root = Path(wallet_dir) / "commits"

    def dir_for(self, hotkey: str) -> Path:
        return self.root / hotkey

    def save(self, hotkey: str, genesis: str, reveal: Reveal, digest: bytes,
             commit_block: int | None = None) -> CommitRecord:
        """Write (or complete) the record of one commit, atomically."""
        from wallet.fsio import atomic_write

        path = self.dir_for(hotkey) / f"{reveal.netuid}-{digest.hex()[:16]}.json"
        record = CommitRecord(path, hotkey, genesis, reveal, digest, commit_block)
        data = json.dumps({**record.to_json(), "written": int(time.time())}, indent=1).encode() + b"\n"
        atomic_write(path, data, overwrite=True, keep_backup=False)
        return record

    def load(self, path: Path) -> CommitRecord:
        try:
            if path.stat().st_size > MAX_BYTES:
                raise ValueError("larger than a commit record can be")
            doc = json.loads(path.read_text())
            if doc.get("format") != FORMAT:
                raise ValueError(f"format {doc.get('format')!r}, expected {FORMAT}")
            reveal = Reveal.from_json(doc)
            digest = bytes.fromhex(str(doc["hash"]).removeprefix("0x"))
            if len(digest) != 32:
                raise ValueError("the hash is not 32 bytes")
            block = doc.get("commit_block")
            return CommitRecord(path, str(doc["hotkey"]), str(doc["genesis"]), reveal, digest,
                                None if block is None else int(block))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BadRecord(f"commit file {path} is unreadable ({exc}); it was left as it is") from None

    def pending(self, hotkey: str, netuid: int, genesis: str) -> tuple[list[CommitRecord], list[BadRecord]]:
        """This hotkey's records for `netuid` on the chain with `genesis`, and the files that failed to read."""
        found: list[CommitRecord] = []
        bad: list[BadRecord] = []
        folder = self.dir_for(hotkey)
        for path in sorted(folder.glob(f"{netuid}-*.json")) if folder.is_dir() else []:
            try:
                record = self.load(path)
            except BadRecord as exc:
                bad.append(exc)
                continue
            if record.genesis == genesis and record.hotkey == hotkey and record.reveal.netuid == netuid:
                found.append(record)
        return found, bad

    def remove(self, record: CommitRecord) -> None:
        record.path.unlink(missing_ok=True)
