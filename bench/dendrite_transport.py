#!/usr/bin/env python3
"""Which HTTP client should carry the dendrite: httpx, or the small asyncio+httptools pool in neuron/_client.py?

Both post the same ~1 KB JSON body with 20 headers to the same trivial server process (bench/http_server.py's
plain server), with 1 and 64 calls in flight, side by side in one run. Prints calls/s and the client's CPU per
call (what limits a validator fanning out to many miners). Machine may be shared: read the ratios.

Usage: .venv/bin/python bench/dendrite_transport.py [--seconds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

HEADERS = {f"bt_header_dendrite_field{i}": "x" * 40 for i in range(20)}
BODY = b'{"text": "' + b"a" * 1000 + b'"}'


async def run(kind: str, port: int, in_flight: int, seconds: float) -> tuple[float, float]:
    if kind == "httpx":
        import httpx

        client = httpx.AsyncClient(trust_env=False, limits=httpx.Limits(max_connections=256))
        url = f"http://127.0.0.1:{port}/Echo"

        async def call() -> int:
            return (await client.post(url, content=BODY, headers=HEADERS)).status_code
    else:
        from neuron._client import ClientPool

        pool = ClientPool()

        async def call() -> int:
            return (await pool.post("127.0.0.1", port, "/Echo", HEADERS, BODY)).status
    count = 0
    await call()
    stop_at = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal count
        while time.perf_counter() < stop_at:
            assert await call() == 200
            count += 1

    wall, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(in_flight)))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if kind == "httpx":
        await client.aclose()
    else:
        pool.close()
    return count / wall, cpu / count * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    server = subprocess.Popen([sys.executable, str(REPO / "bench" / "http_server.py"), "--serve", "plain"],
                              stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        port = int(server.stdout.readline().split()[1])
        print("POST of a 1 KB body with 20 headers to a trivial server (shared machine: compare the ratios)")
        for in_flight in (1, 64):
            rows = {kind: asyncio.run(run(kind, port, in_flight, args.seconds)) for kind in ("httpx", "pool")}
            for kind, (rate, cpu) in rows.items():
                print(f"  {kind:6s} {in_flight:3d} in flight: {rate:8.0f} calls/s, {cpu:7.1f} us client CPU per call")
            print(f"  pool/httpx: {rows['pool'][0] / rows['httpx'][0]:.1f}x calls/s, "
                  f"{rows['httpx'][1] / rows['pool'][1]:.1f}x less CPU per call")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
