#!/usr/bin/env python3
"""What picking the era at connect costs `taocli wallet balance` on the 2024 local chain, side by side.

The candidate is this tree; the baseline is another checkout of taocli (e.g. `git worktree add /tmp/base main`
before the era switch) run with the same Python. Both run as fresh processes, taking turns, against one
`python -m localnet --instant` node with one funded wallet, so a shared machine's load hits both alike.

Usage: .venv/bin/python bench/era_switch.py --baseline /tmp/base [--runs N]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cli_chain import free_port, populate, start_node  # noqa: E402 - needs ROOT on sys.path first
from bench.cli_startup import time_interleaved  # noqa: E402

LAUNCH = "import sys; sys.path.insert(0, sys.argv.pop(1)); from taocli.launch import run; run()"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True, help="a checkout of taocli to compare with")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="taocli-bench-") as tmp:
        home = Path(tmp)
        port = free_port()
        node = start_node(home / "node", port)
        url = f"ws://127.0.0.1:{port}"
        try:
            env = {k: v for k, v in os.environ.items() if not k.startswith(("TAOCLI_", "BT_", "PYTHONPATH"))}
            env.update({"HOME": str(home), "TAOCLI_CACHE_DIR": str(home / "cache"), "NO_COLOR": "1"})
            populate(url, home / "wallets", 1)
            command = ["wallet", "balance", "-w", "bench", "-p", str(home / "wallets"), "-n", url, "--json"]
            cases = [(label, [sys.executable, "-c", LAUNCH, str(tree), *command])
                     for label, tree in (("baseline", args.baseline.resolve()), ("candidate", ROOT))]
            times = time_interleaved(cases, env, args.runs)
            base = statistics.median(times["baseline"])
            for label, found in times.items():
                median = statistics.median(found)
                print(f"wallet balance, {label:<10} median {median * 1000:6.0f} ms  ({median / base:.2f}x baseline)")
        finally:
            node.send_signal(signal.SIGTERM)
            try:
                node.wait(10)
            except subprocess.TimeoutExpired:
                node.kill()


if __name__ == "__main__":
    main()
