#!/usr/bin/env python3
"""The taocli axon and dendrite against the bittensor 10.5.0 SDK's, same machine, same client, same run.

Axon: each server runs as its own process serving the same trivial Echo synapse as the same hotkey; one
client (tests/integration/neuron_load.py: keep-alive connections, requests pre-signed exactly as an SDK
dendrite signs them, so client cost stays out of the numbers) measures requests/s and p50/p99 latency with
1 and with 64 requests in flight. Dendrite: the taocli Dendrite and the SDK dendrite (in its venv) each keep
64 calls in flight against the same taocli axon process; their rates are compared.

Spec baseline (shared/spec/neuron-protocol.md §G): SDK axon 205-221 req/s; SDK dendrite ~155 req/s at 64 in
flight. Targets: axon >= 2,000 req/s (10x) and p99 < 10 ms at 64 in flight; dendrite >= 5x the SDK's.
The machine may be shared with other work: read the ratios, which come from one run side by side.

Usage: .venv/bin/python bench/axon.py [--seconds 4] [--skip-sdk]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.integration.neuron_fixtures import AXON_KEY, CALLER_KEY, Echo, stop_peer, wait_listening  # noqa: E402
from tests.integration.neuron_load import LoadResult, blast, interleaved_requests  # noqa: E402

PEER = REPO / "tests" / "integration" / "sdk_neuron_peer.py"
IN_FLIGHT = 64


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]




def start_taocli_axon() -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen([sys.executable, "-m", "tests.integration.neuron_axon_proc"], cwd=REPO,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    return proc, int(proc.stdout.readline().split()[1])


def start_sdk_axon(python: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    proc = subprocess.Popen([str(python), str(PEER), "axon", str(port), "//Alice"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    if proc.stdout.readline().strip() != "READY":
        raise RuntimeError("the SDK axon did not start")
    wait_listening(port, 60.0)
    return proc, port


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc), to report the server's CPU per request."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(port: int, connections: int, seconds: float, expected_rate: float, pid: int) -> LoadResult:
    """Pre-sign enough requests for ``seconds`` at ``expected_rate`` (x1.5), then drive the server."""
    per = max(20, int(expected_rate * seconds * 1.5 / connections) + 5)
    warm = interleaved_requests(CALLER_KEY, AXON_KEY.ss58_address, Echo(text="warm"), connections, 5)
    asyncio.run(blast("127.0.0.1", port, warm))
    requests = interleaved_requests(CALLER_KEY, AXON_KEY.ss58_address, Echo(text="hello"), connections, per)
    cpu = cpu_seconds(pid)
    result = asyncio.run(blast("127.0.0.1", port, requests, seconds))
    result.server_cpu = (cpu_seconds(pid) - cpu) / max(1, len(result.latencies))  # type: ignore[attr-defined]
    bad = {k: v for k, v in result.statuses.items() if k != 200}
    if bad:
        print(f"    (non-200 answers: {bad})")
    return result


def axon_rows(port: int, seconds: float, expected: float, pid: int) -> dict[str, LoadResult]:
    return {"1 in flight": load(port, 1, seconds / 2, expected / 8, pid),
            f"{IN_FLIGHT} in flight": load(port, IN_FLIGHT, seconds, expected, pid)}


def taocli_dendrite_rate(port: int, seconds: float) -> tuple[float, int]:
    from neuron import Dendrite
    from neuron.network import AxonInfo

    target = AxonInfo("127.0.0.1", port, AXON_KEY.ss58_address)

    async def main() -> tuple[float, int]:
        counts = {"ok": 0, "failed": 0}
        async with Dendrite(CALLER_KEY) as dendrite:
            await dendrite.forward(target, Echo(text="warm"))
            stop_at = time.perf_counter() + seconds

            async def worker() -> None:
                while time.perf_counter() < stop_at:
                    answer = await dendrite.forward(target, Echo(text="x"), timeout=10)
                    counts["ok" if answer.status_code == 200 else "failed"] += 1

            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
            return counts["ok"] / (time.perf_counter() - started), counts["failed"]

    return asyncio.run(main())


def show(label: str, result: LoadResult) -> str:
    return (f"{label:28s} {result.rate:8.0f} req/s  p50 {result.percentile(50) * 1e3:7.2f} ms"
            f"  p99 {result.percentile(99) * 1e3:7.2f} ms  server CPU {result.server_cpu * 1e3:5.2f} ms/req")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--skip-sdk", action="store_true", help="taocli only (no SDK venv needed)")
    args = parser.parse_args()
    sdk_python = None
    if not args.skip_sdk:
        from tests.sdk_venv import sdk_python as build

        sdk_python = build("10.5.0")
    print(f"trivial Echo synapse, 127.0.0.1, {os.cpu_count()} cores (shared machine: compare the ratios)")

    proc, port = start_taocli_axon()
    try:
        ours = axon_rows(port, args.seconds, 4000, proc.pid)
        ours_dendrite, ours_failed = taocli_dendrite_rate(port, args.seconds)
        sdk_dendrite = None
        if sdk_python is not None:
            out = subprocess.run([str(sdk_python), str(PEER), "bench", str(port), AXON_KEY.ss58_address, "//Bob",
                                  str(args.seconds), str(IN_FLIGHT)], capture_output=True, text=True, timeout=300)
            sdk_dendrite = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        stop_peer(proc)
    theirs = None
    if sdk_python is not None:
        proc, port = start_sdk_axon(sdk_python)
        try:
            theirs = axon_rows(port, args.seconds, 300, proc.pid)
        finally:
            stop_peer(proc)

    print("axon (same pre-signed client for both):")
    for label, result in ours.items():
        print("  " + show(f"taocli axon, {label}", result))
        if theirs is not None:
            other = theirs[label]
            print("  " + show(f"SDK 10.5.0 axon, {label}", other))
            print(f"  {'':28s} ratio {result.rate / other.rate:6.1f}x rate,"
                  f" p99 {other.percentile(99) / result.percentile(99):5.1f}x lower,"
                  f" {other.server_cpu / result.server_cpu:5.1f}x less server CPU per request")
    busy = ours[f"{IN_FLIGHT} in flight"]
    print(f"  target >= 2,000 req/s at {IN_FLIGHT} in flight: {'met' if busy.rate >= 2000 else 'NOT met'};"
          f" p99 < 10 ms: {'met' if busy.percentile(99) < 0.010 else 'NOT met'}"
          f" (closed loop: p50 >= {IN_FLIGHT}/rate = {IN_FLIGHT / busy.rate * 1e3:.1f} ms by Little's law;"
          f" the server's CPU alone allows {1 / busy.server_cpu:.0f} req/s on one free core)")
    print(f"dendrite ({IN_FLIGHT} in flight, against the taocli axon):")
    print(f"  taocli Dendrite   {ours_dendrite:8.0f} calls/s ({ours_failed} failed)")
    if sdk_dendrite is not None:
        print(f"  SDK 10.5.0 dendrite {sdk_dendrite['rate']:6.0f} calls/s ({sdk_dendrite['failed']} failed)")
        ratio = ours_dendrite / sdk_dendrite["rate"]
        print(f"  ratio {ratio:.1f}x (target >= 5x: {'met' if ratio >= 5 else 'NOT met'})")


if __name__ == "__main__":
    main()
