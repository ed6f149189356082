"""The real node against hostile clients (issue 14, items 2, 3 and 9): amplifying batches, floods of idle and
slow connections, JSON nested too deep and invalid UTF-8. Each test drives `python -m localnet` over sockets."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import pytest
import websocket  # websocket-client, as substrate-interface uses

from tests.integration.node_fixtures import NodeProcess

pytestmark = pytest.mark.slow


def _ws(node: NodeProcess) -> websocket.WebSocket:
    return websocket.create_connection(node.url, timeout=60, skip_utf8_validation=True)


def test_an_amplifying_batch_is_capped_and_others_keep_being_served(tmp_path: Path) -> None:
    """1,024 x state_getKeys("0x") in one 78 KB batch made the node build a ~400 MB reply on its event loop
    (3.5 s stall, 1.68 GB RSS). Now the reply stops at 15 MiB (the rest answer -32008) and other clients
    are answered meanwhile."""
    accounts = "\n".join(f'"0x{i:064x}" = 1' for i in range(1, 2001))  # ~340 KB of keys per getKeys("0x")
    (tmp_path / "genesis.toml").write_text(f"[balances]\n{accounts}\n")
    node = NodeProcess(tmp_path / "amp", "--instant", "--genesis", str(tmp_path / "genesis.toml")).start()
    try:
        rss_before = node.rss_mb()
        batch = [{"jsonrpc": "2.0", "id": i, "method": "state_getKeys", "params": ["0x"]} for i in range(1024)]
        latencies: list[float] = []
        stop = threading.Event()

        def probe() -> None:
            while not stop.is_set():
                t0 = time.monotonic()
                node.result("system_health")
                latencies.append(time.monotonic() - t0)
                time.sleep(0.02)

        prober = threading.Thread(target=probe)
        prober.start()
        ws = _ws(node)
        try:
            t0 = time.monotonic()
            ws.send(json.dumps(batch))
            reply_text = ws.recv()
            took = time.monotonic() - t0
        finally:
            ws.close()
            stop.set()
            prober.join(10)
        reply = json.loads(reply_text)
        rss_peak = node.rss_mb()
        too_big = [r for r in reply if r.get("error", {}).get("code") == -32008]
        served = [r for r in reply if "result" in r]
        print(f"\nbatch of 1024 state_getKeys: reply {len(reply_text) / 1e6:.1f} MB in {took:.2f} s, {len(served)} "
              f"served, {len(too_big)} x -32008; RSS {rss_before:.0f} -> {rss_peak:.0f} MB; other client's worst "
              f"latency {max(latencies) * 1000:.0f} ms over {len(latencies)} calls")
        assert len(reply) == 1024 and served and too_big
        assert len(reply_text) <= 16 * 1024 * 1024
        assert rss_peak - rss_before < 300
        assert max(latencies) < 1.5
        assert node.result("system_health") is not None
    finally:
        node.stop()


def test_a_flood_of_idle_connections_leaves_room_and_a_quiet_log(tmp_path: Path) -> None:
    """With its descriptors limited to 256, 600 idle TCP connections used to exhaust the node: new clients
    hung and the log grew by a traceback per failed accept. Now the longest-idle connections give way to new
    ones, and the log says so a few times, without tracebacks."""
    node = NodeProcess(tmp_path / "flood", fd_limit=256).start()
    idle: list[socket.socket] = []
    try:
        for _ in range(600):
            idle.append(socket.create_connection(("127.0.0.1", node.port), timeout=5))
        time.sleep(0.5)
        t0 = time.monotonic()
        assert node.rpc("system_health", timeout=5)["result"] is not None
        assert time.monotonic() - t0 < 3
        ws = _ws(node)
        ws.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "chain_getHeader", "params": []}))
        assert "result" in json.loads(ws.recv())
        ws.close()
    finally:
        for s in idle:
            s.close()
        log = node.log()
        node.stop()
    print(f"\nnode log after 600 idle connections: {len(log.splitlines())} lines, {len(log)} bytes")
    assert "Traceback" not in log
    assert len(log.splitlines()) < 50


def test_a_slow_request_head_is_closed(tmp_path: Path) -> None:
    """Slowloris: a head that never completes used to hold its connection forever."""
    node = NodeProcess(tmp_path / "slow").start()
    try:
        s = socket.create_connection(("127.0.0.1", node.port), timeout=30)
        s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")
        t0 = time.monotonic()
        with _closed():
            while time.monotonic() - t0 < 25:
                s.sendall(b"X-a: b\r\n")
                time.sleep(1)
        took = time.monotonic() - t0
        s.close()
        print(f"\nslow request head closed after {took:.1f} s")
        assert took < 15
    finally:
        node.stop()


class _closed:
    """Context that expects the server to close the socket (a send or the loop ending by reset/EPIPE)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type | None, exc: BaseException | None, tb: object) -> bool:
        if kind is None:
            raise AssertionError("the server never closed the slow connection")
        return issubclass(kind, (BrokenPipeError, ConnectionResetError))


def test_deep_json_is_a_parse_error_and_bad_utf8_closes_with_1007(tmp_path: Path) -> None:
    node = NodeProcess(tmp_path / "deep").start()
    try:
        deep = "[" * 100_000 + "]" * 100_000
        reply = node.rpc_raw(deep.encode())
        assert reply["error"]["code"] == -32700, reply
        ws = _ws(node)
        ws.send(deep)
        assert json.loads(ws.recv())["error"]["code"] == -32700
        ws.send(b"\xff\xfe{}", opcode=websocket.ABNF.OPCODE_TEXT)
        opcode, data = ws.recv_data(control_frame=True)
        assert opcode == websocket.ABNF.OPCODE_CLOSE and int.from_bytes(data[:2], "big") == 1007
        ws.close()
        assert node.result("system_health") is not None
        assert "RecursionError" not in node.log() and "Traceback" not in node.log()
    finally:
        node.stop()
