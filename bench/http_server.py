#!/usr/bin/env python3
"""Which HTTP layer should carry the axon: our asyncio+httptools protocol, or uvicorn (the SDK's server)?

Each server runs as its own process with the same trivial handler (a fixed 200 JSON answer), and the same
keep-alive client (tests/integration/neuron_load.py, 64 connections) drives each for the same time, side by
side in one run. Prints requests/s, p50/p99 latency and the ratio to uvicorn. The machine may be shared:
compare ratios, not absolute numbers.

Usage: .venv/bin/python bench/http_server.py [--seconds 3] [--connections 64]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

BODY = b'{"name":"Echo","reply":"HI"}'
REQUEST = b"POST /Echo HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"


def serve(kind: str) -> None:
    import socket

    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    print(f"READY {sock.getsockname()[1]}", flush=True)
    if kind == "uvicorn":
        import uvicorn

        async def app(scope, receive, send):  # the leanest ASGI app: no framework, no middleware
            if scope["type"] != "http":
                return
            while (await receive()).get("more_body"):
                pass
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(BODY)).encode())]})
            await send({"type": "http.response.body", "body": BODY})

        config = uvicorn.Config(app, loop="uvloop", http="httptools", log_level="error", access_log=False)
        uvicorn.Server(config).run(sockets=[sock])
        return
    from neuron._http import HttpProtocol, Limits, Request, Response, ServerState

    async def handler(request: Request) -> Response:
        return Response(200, {"content-type": "application/json"}, BODY)

    async def main() -> None:
        state = ServerState(handler, lambda *a: Response(500), Limits())
        server = await asyncio.get_running_loop().create_server(lambda: HttpProtocol(state), sock=sock)
        await server.serve_forever()

    if kind == "plain-uvloop":
        import uvloop

        uvloop.run(main())
    else:
        asyncio.run(main())


def measure(kind: str, seconds: float, connections: int) -> tuple[float, float, float]:
    from tests.integration.neuron_load import blast

    proc = subprocess.Popen([sys.executable, __file__, "--serve", kind], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        port = int(proc.stdout.readline().split()[1])
        asyncio.run(blast("127.0.0.1", port, [[REQUEST] * 200 for _ in range(connections)]))  # warm up
        result = asyncio.run(blast("127.0.0.1", port, [[REQUEST] * 10**6 for _ in range(connections)], seconds))
        assert set(result.statuses) == {200}, result.statuses
        return result.rate, result.percentile(50) * 1e3, result.percentile(99) * 1e3
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    rows = {kind: measure(kind, args.seconds, args.connections) for kind in ("uvicorn", "plain", "plain-uvloop")}
    base = rows["uvicorn"][0]
    print(f"trivial handler, {args.connections} keep-alive connections, {args.seconds:g} s each (shared machine)")
    for kind, (rate, p50, p99) in rows.items():
        print(f"  {kind:13s} {rate:8.0f} req/s  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  {rate / base:5.2f}x uvicorn")


if __name__ == "__main__":
    main()
