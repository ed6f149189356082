#!/usr/bin/env python3
"""How long `taocli` takes to start, against bare Python.

Runs each command >= 10 times as a fresh process (stdin closed, output discarded) and prints the
minimum and median wall time, the ratio to `python -c pass`, and whether the targets hold:
< 0.2 s and < 10x bare Python for both `taocli --help` and `taocli wallet list`.
btcli 9 needs ~0.8-1 s for `--help`; the 2024 btcli ~3 s.

Usage: .venv/bin/python bench/cli_startup.py [--runs N] [--strict]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 0.2
TARGET_RATIO = 10.0


def taocli_command() -> list[str]:
    """The installed console script, or `python -m taocli` when there is none (shared with cli_chain.py)."""
    script = Path(sys.executable).with_name("taocli")
    return [str(script)] if script.exists() else [sys.executable, "-m", "taocli"]


def time_runs(argv: list[str], env: dict[str, str], runs: int) -> list[float]:
    """Wall times of `runs` fresh processes (one warm-up run first, not counted)."""
    times: list[float] = []
    for i in range(runs + 1):
        start = time.perf_counter()
        proc = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed: {proc.stderr.decode(errors='replace').strip()[-500:]}")
        if i:
            times.append(elapsed)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    runs = max(10, args.runs)
    tao = taocli_command()
    with tempfile.TemporaryDirectory(prefix="taocli-bench-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TAOCLI_", "BT_"))}
        env.update({"HOME": tmp, "TAOCLI_CONFIG": str(Path(tmp) / "config.toml"), "NO_COLOR": "1"})
        wallets = str(Path(tmp) / "wallets")
        for name in ("alice", "bob"):
            subprocess.run([*tao, "wallet", "create", "-p", wallets, "-w", name, "--no-password", "-y"],
                           env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True)
        cases = [
            ("python -c pass", [sys.executable, "-c", "pass"]),
            ("taocli --version", [*tao, "--version"]),
            ("taocli --help", [*tao, "--help"]),
            ("taocli wallet list", [*tao, "wallet", "list", "-p", wallets]),
            ("taocli wallet list --json", [*tao, "wallet", "list", "-p", wallets, "--json"]),
        ]
        results = {label: time_runs(argv, env, runs) for label, argv in cases}
    base = statistics.median(results["python -c pass"])
    print(f"{'command':28} {'min s':>7} {'median s':>9} {'x python':>9}   ({runs} runs each)")
    ok = True
    for label, times in results.items():
        med = statistics.median(times)
        ratio = med / base
        verdict = ""
        if label in ("taocli --help", "taocli wallet list"):
            passed = med < TARGET_SECONDS and ratio < TARGET_RATIO
            ok = ok and passed
            verdict = "  target met" if passed else f"  MISSED (< {TARGET_SECONDS} s and < {TARGET_RATIO:g}x)"
        print(f"{label:28} {min(times):7.3f} {med:9.3f} {ratio:8.1f}x{verdict}")
    return 0 if ok or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
