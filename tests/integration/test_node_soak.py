"""Soak: steady transfers into the real node, its memory and database sampled; both must be flat after warm-up.

Bounded for CI (~2 min: 0.02 s blocks, 100 transfers/s). Longer by hand:
    TAOCLI_SOAK_SECONDS=600 TAOCLI_SOAK_RATE=200 .venv/bin/pytest -s -k soak tests/integration/test_node_soak.py
Why 0.02 s blocks: outside --archive the node keeps 256 blocks of state and bodies but 4096 headers (and the
runtime keeps 4096 System.BlockHash entries), so the database can only be flat after ~4,200 blocks; at 0.02 s
that is ~85 s of warm-up. The figures after warm-up are what must be flat.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
import websocket
from substrateinterface import SubstrateInterface

from bench.node_throughput import Template, make_accounts
from tests.integration.node_fixtures import NodeProcess

pytestmark = pytest.mark.slow

SECONDS = float(os.environ.get("TAOCLI_SOAK_SECONDS", "120"))
BLOCK_TIME = os.environ.get("TAOCLI_SOAK_BLOCK_TIME", "0.02")
WARM_BLOCKS = 4096 + 2 * 64  # the header window plus two pruning periods
RATE = int(os.environ.get("TAOCLI_SOAK_RATE", "100"))
SAMPLE_EVERY = 3.0


def _db_bytes(data_dir: Path) -> int:
    """The bytes the database's content occupies (pages in use), not the files' sizes.

    Why: the write-ahead log's file grows when a checkpoint is held off by a busy reader, which happens on a
    loaded machine, and then stays large; that says nothing about what the node keeps. Pages in use do."""
    db = sqlite3.connect(f"file:{data_dir / 'chain.sqlite'}?mode=ro", uri=True, timeout=10)
    try:
        page = db.execute("PRAGMA page_size").fetchone()[0]
        used = db.execute("PRAGMA page_count").fetchone()[0] - db.execute("PRAGMA freelist_count").fetchone()[0]
        return int(used * page)
    finally:
        db.close()


def test_soak_memory_and_database_stay_flat(tmp_path: Path) -> None:
    accounts = make_accounts(64)
    genesis = "[balances]\n" + "\n".join(f'"0x{pub.hex()}" = 1000' for pub, _ in accounts) + "\n"
    (tmp_path / "genesis.toml").write_text(genesis)
    data_dir = tmp_path / "chain"
    node = NodeProcess(data_dir, "--block-time", BLOCK_TIME, "--genesis", str(tmp_path / "genesis.toml")).start()
    client = SubstrateInterface(url=node.url)
    template = Template(client, accounts[0])
    client.close()
    ws = websocket.create_connection(node.url, timeout=60)
    errors: list[object] = []
    replies = [0]
    stop = threading.Event()

    def drain() -> None:
        while not stop.is_set():
            try:
                reply = json.loads(ws.recv())
            except Exception:
                return
            replies[0] += 1
            if "error" in reply:
                errors.append(reply["error"])

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    samples: list[tuple[float, float, int, int]] = []  # (seconds, RSS MB, database bytes, best block)
    nonces = [0] * len(accounts)
    sent = 0
    t0 = time.monotonic()
    next_sample = t0
    try:
        while (now := time.monotonic()) - t0 < SECONDS:
            due = int((now - t0) * RATE)
            while sent < due:
                i = sent % len(accounts)
                xt = template.build(accounts[i], nonces[i])
                nonces[i] += 1
                ws.send(json.dumps({"jsonrpc": "2.0", "id": sent, "method": "author_submitExtrinsic",
                                    "params": ["0x" + xt.hex()]}))
                sent += 1
            if now >= next_sample:
                best = int(node.result("chain_getHeader")["number"], 16)
                samples.append((now - t0, node.rss_mb(), _db_bytes(data_dir), best))
                next_sample += SAMPLE_EVERY
            time.sleep(0.01)
    finally:
        stop.set()
        ws.close()
        node.stop()
    assert not errors, errors[:3]
    warm = [s for s in samples if s[3] >= WARM_BLOCKS and s[0] >= SECONDS / 3]
    assert len(warm) >= 5, f"the node sealed only {samples[-1][3]} blocks; warm-up needs {WARM_BLOCKS}"
    rss_first, rss_last = warm[0][1], max(s[1] for s in warm[len(warm) // 2:])
    db_first, db_last = warm[0][2], max(s[2] for s in warm[len(warm) // 2:])
    blocks = samples[-1][3]
    print(f"\nsoak: {sent} transfers in {SECONDS:.0f} s ({RATE}/s), {blocks} blocks, {replies[0]} answers")
    print("  t(s)   RSS(MB)   db(KB)   best")
    for t, rss, db, best in samples:
        print(f"  {t:5.0f}  {rss:7.1f}  {db / 1024:8.0f}  {best:5d}")
    print(f"after warm-up ({warm[0][0]:.0f} s): RSS {rss_first:.1f} -> {rss_last:.1f} MB, "
          f"database {db_first / 1024:.0f} -> {db_last / 1024:.0f} KB")
    assert rss_last - rss_first < max(4.0, 0.08 * rss_first), "node memory grows under steady load"
    assert db_last - db_first < max(512 * 1024, 0.10 * db_first), "database grows under steady load"
