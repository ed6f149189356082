#!/usr/bin/env python3
"""How long `taocli` takes to start, against bare Python and, when it is installed, btcli.

Runs each command >= 10 times as a fresh process (stdin closed, output discarded), the commands taking
turns so that a busy machine slows them alike, and prints the minimum and median wall time, the ratio to
`python -c pass`, and whether the targets hold: `taocli --help` <= 0.07 s and >= 10x faster than
`btcli --help` in the same run (when btcli is there); `taocli wallet list` < 0.2 s and < 10x bare Python.

btcli is looked for at $TAOCLI_BTCLI, then ~/.cache/taocli/btcli-venv/bin/btcli (a venv outside the repo:
`python3 -m venv ~/.cache/taocli/btcli-venv && ~/.cache/taocli/btcli-venv/bin/pip install
bittensor-cli==9.23.2`); never a dependency of taocli.

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
HELP_TARGET_SECONDS = 0.07
BTCLI_TARGET_RATIO = 10.0
BTCLI_VENV = Path.home() / ".cache" / "taocli" / "btcli-venv" / "bin" / "btcli"


def btcli_command() -> list[str] | None:
    """The btcli to compare with, or None when none is installed (the bench then skips that side)."""
    candidate = Path(os.environ.get("TAOCLI_BTCLI") or BTCLI_VENV)
    return [str(candidate)] if candidate.is_file() and os.access(candidate, os.X_OK) else None


def taocli_command() -> list[str]:
    """The installed console script, or `python -m taocli` when there is none (shared with cli_chain.py)."""
    script = Path(sys.executable).with_name("taocli")
    return [str(script)] if script.exists() else [sys.executable, "-m", "taocli"]


def time_once(argv: list[str], env: dict[str, str]) -> float:
    """Wall time of one fresh process; a failure stops the bench with its stderr."""
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {proc.stderr.decode(errors='replace').strip()[-500:]}")
    return elapsed


def time_runs(argv: list[str], env: dict[str, str], runs: int) -> list[float]:
    """Wall times of `runs` fresh processes (one warm-up run first, not counted)."""
    time_once(argv, env)
    return [time_once(argv, env) for _ in range(runs)]


def time_interleaved(cases: list[tuple[str, list[str]]], env: dict[str, str], runs: int) -> dict[str, list[float]]:
    """Like `time_runs` for several commands, taking turns run by run (side by side on a shared machine)."""
    for _, argv in cases:
        time_once(argv, env)  # warm-up: page cache, .pyc files
    results: dict[str, list[float]] = {label: [] for label, _ in cases}
    for _ in range(runs):
        for label, argv in cases:
            results[label].append(time_once(argv, env))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    runs = max(10, args.runs)
    tao = taocli_command()
    with tempfile.TemporaryDirectory(prefix="taocli-bench-") as tmp:
        # PYTHONDONTWRITEBYTECODE would recompile taocli's sources in every run: an installed taocli has
        # its .pyc files, so the bench measures that (the warm-up run writes them).
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("TAOCLI_", "BT_")) and k != "PYTHONDONTWRITEBYTECODE"}
        env.update({"HOME": tmp, "TAOCLI_CONFIG": str(Path(tmp) / "config.toml"), "NO_COLOR": "1"})
        wallets = str(Path(tmp) / "wallets")
        for name in ("alice", "bob"):
            subprocess.run([*tao, "wallet", "create", "-p", wallets, "-w", name, "--no-password", "-y"],
                           env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=True)
        cases = [
            ("python -c pass", [sys.executable, "-c", "pass"]),
            ("taocli --version", [*tao, "--version"]),
            ("taocli --help", [*tao, "--help"]),
            ("taocli wallet list", [*tao, "wallet", "list", "-p", wallets]),
            ("taocli wallet list --json", [*tao, "wallet", "list", "-p", wallets, "--json"]),
        ]
        btcli = btcli_command()
        if btcli is not None:
            cases.append(("btcli --help", [*btcli, "--help"]))
        results = time_interleaved(cases, env, runs)
    base = statistics.median(results["python -c pass"])
    print(f"{'command':28} {'min s':>7} {'median s':>9} {'x python':>9}   ({runs} runs each, interleaved)")
    ok = True
    for label, times in results.items():
        med = statistics.median(times)
        ratio = med / base
        verdict = ""
        if label == "taocli wallet list":
            passed = med < TARGET_SECONDS and ratio < TARGET_RATIO
            ok = ok and passed
            verdict = "  target met" if passed else f"  MISSED (< {TARGET_SECONDS} s and < {TARGET_RATIO:g}x)"
        elif label == "taocli --help":
            passed = med <= HELP_TARGET_SECONDS
            ok = ok and passed
            verdict = "  target met" if passed else f"  MISSED (<= {HELP_TARGET_SECONDS} s)"
        print(f"{label:28} {min(times):7.3f} {med:9.3f} {ratio:8.1f}x{verdict}")
    if "btcli --help" in results:
        speedup = statistics.median(results["btcli --help"]) / statistics.median(results["taocli --help"])
        passed = speedup >= BTCLI_TARGET_RATIO
        ok = ok and passed
        print(f"btcli --help / taocli --help: {speedup:.1f}x faster"
              + ("  target met" if passed else f"  MISSED (>= {BTCLI_TARGET_RATIO:g}x)"))
    else:
        print("btcli not found (set TAOCLI_BTCLI or install it in ~/.cache/taocli/btcli-venv): no btcli ratio")
    return 0 if ok or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
