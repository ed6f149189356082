#!/usr/bin/env python3
"""The signing connection (substrate-interface + metadata) of a baseline tree beside this one, side by side.

The baseline's `chain/` and `wallet/` come from a git ref (default: the commit before issue 14, whose cache
was a pickle keyed by genesis hash and spec version); this tree's cache is raw SCALE keyed by the code hash
and decoded with memoised classes. Each variant runs in fresh processes, interleaved, against one local node:
without a disk cache (metadata fetched and decoded) and with one (second connect onwards).

Usage: .venv/bin/python bench/metadata_cache.py [--runs 7] [--baseline-ref ac1df07]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cli_chain import free_port, start_node  # noqa: E402

CONNECT = ("import sys, time; t = time.perf_counter(); from chain.client import Subtensor; "
           "s = Subtensor(sys.argv[1], metadata_cache=sys.argv[2] == '1'); import substrateinterface; "
           "t = time.perf_counter(); s.substrate; print(time.perf_counter() - t, s.timings.metadata_cached)")


def export_tree(ref: str, into: Path) -> Path:
    """`chain/` and `wallet/` of `ref`, unpacked under `into` (importable with PYTHONPATH=into)."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", ref, "chain", "wallet"], cwd=ROOT, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def connect(url: str, tree: Path, cache_dir: Path, cached: bool) -> tuple[float, bool]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TAOCLI_", "BT_"))}
    env.update({"PYTHONPATH": str(tree), "TAOCLI_CACHE_DIR": str(cache_dir)})
    out = subprocess.run([sys.executable, "-c", CONNECT, url, "1" if cached else "0"], env=env, cwd=tree,
                         capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), out[1] == "True"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--baseline-ref", default="ac1df07")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="taocli-bench-md-") as tmp:
        home = Path(tmp)
        trees = {"baseline": export_tree(args.baseline_ref, home / "baseline"), "this tree": ROOT}
        port = free_port()
        node = start_node(home / "node", port)
        url = f"ws://127.0.0.1:{port}"
        try:
            times: dict[tuple[str, bool], list[float]] = {(name, c): [] for name in trees for c in (False, True)}
            for name, tree in trees.items():  # fill each cache once
                connect(url, tree, home / f"cache-{name}", True)
            for _ in range(args.runs):
                for name, tree in trees.items():
                    for cached in (False, True):
                        seconds, hit = connect(url, tree, home / f"cache-{name}", cached)
                        assert hit == cached, (name, cached, hit)
                        times[(name, cached)].append(seconds)
        finally:
            node.terminate()
            node.wait(10)
        print(f"signing connection to a local --instant node, {args.runs} fresh processes each (median, min)")
        for cached in (False, True):
            label = "metadata from the disk cache" if cached else "metadata fetched and decoded"
            base = statistics.median(times[("baseline", cached)])
            for name in trees:
                ts = times[(name, cached)]
                med = statistics.median(ts)
                print(f"  {label:<30} {name:<10} {med * 1000:6.0f} ms  (min {min(ts) * 1000:4.0f})  "
                      f"{med / base:4.2f}x baseline")
        files = {name: sorted(p.name for p in (home / f"cache-{name}").iterdir()) for name in trees}
        print(f"cache files: {files}")


if __name__ == "__main__":
    main()
