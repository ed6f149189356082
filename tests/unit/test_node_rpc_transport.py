"""The JSON-RPC server on a real 127.0.0.1 socket: WebSocket and HTTP POST on one port, Substrate's error
codes for malformed input, batches, notifications, subscriptions ordered after their id, and survival."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
import websocket  # websocket-client: the transport substrate-interface itself uses

from localnet.rpc.common import new_subscription
from localnet.rpc.dispatch import Dispatcher, RpcError, Session
from localnet.rpc.server import PortInUse, RpcServer


def _dispatcher() -> Dispatcher:
    d = Dispatcher()
    d.add("echo", lambda s, value, extra=None: value)

    async def slow(s: Session, value: int) -> int:
        await asyncio.sleep(0.01)
        return value * 2

    d.add("slow", slow)

    def fail(s: Session) -> None:
        raise RpcError(1010, "Invalid Transaction", "Transaction is outdated")

    d.add("fail", fail)

    def subscribe(s: Session) -> str:
        sid = new_subscription(s)
        s.subscriptions[sid] = lambda: s.notify("test_event", sid, "cleaned up")
        s.after_response(lambda: s.notify("test_event", sid, "first"))
        return sid

    d.add("test_subscribe", subscribe)
    d.add("test_unsubscribe", Session.unsubscribe)
    return d


@pytest.fixture(scope="module")
def server() -> Iterator[RpcServer]:
    loop = asyncio.new_event_loop()
    srv = RpcServer(_dispatcher(), "127.0.0.1", 0)
    loop.run_until_complete(srv.start())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield srv
    loop.call_soon_threadsafe(loop.stop)
    thread.join(2)


def _ws(server: RpcServer) -> websocket.WebSocket:
    return websocket.create_connection(f"ws://127.0.0.1:{server.port}", timeout=5)


def _post(server: RpcServer, body: bytes) -> tuple[int, Any]:
    req = urllib.request.Request(f"http://127.0.0.1:{server.port}/", data=body,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            text = resp.read()
            return resp.status, json.loads(text) if text else None
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_websocket_calls_errors_and_batches(server):
    ws = _ws(server)
    ws.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "echo", "params": [{"a": 1}]}))
    assert json.loads(ws.recv()) == {"jsonrpc": "2.0", "result": {"a": 1}, "id": 1}
    ws.send("{not json")
    assert json.loads(ws.recv())["error"]["code"] == -32700
    ws.send(json.dumps({"jsonrpc": "2.0", "id": 2, "method": "nope", "params": []}))
    assert json.loads(ws.recv())["error"] == {"code": -32601, "message": "Method not found"}
    ws.send(json.dumps({"jsonrpc": "2.0", "id": 3, "method": "echo", "params": [1, 2, 3]}))
    assert json.loads(ws.recv())["error"]["code"] == -32602
    ws.send(json.dumps({"jsonrpc": "2.0", "id": "x", "method": "fail", "params": []}))
    assert json.loads(ws.recv())["error"] == {"code": 1010, "message": "Invalid Transaction",
                                              "data": "Transaction is outdated"}
    ws.send(json.dumps([{"jsonrpc": "2.0", "id": 4, "method": "echo", "params": [4]},
                        {"jsonrpc": "2.0", "method": "echo", "params": [0]},  # notification: no answer
                        {"jsonrpc": "2.0", "id": 5, "method": "slow", "params": [5]}]))
    assert json.loads(ws.recv()) == [{"jsonrpc": "2.0", "result": 4, "id": 4},
                                     {"jsonrpc": "2.0", "result": 10, "id": 5}]
    ws.send("[]")
    assert json.loads(ws.recv())["error"]["code"] == -32600
    ws.send(json.dumps({"jsonrpc": "2.0", "id": 6, "method": "test_subscribe", "params": []}))
    sid = json.loads(ws.recv())["result"]
    note = json.loads(ws.recv())
    assert note["method"] == "test_event" and note["params"] == {"subscription": sid, "result": "first"}
    ws.send(json.dumps({"jsonrpc": "2.0", "id": 7, "method": "test_unsubscribe", "params": [sid]}))
    assert json.loads(ws.recv())["params"]["result"] == "cleaned up"  # the cleanup ran before the answer
    assert json.loads(ws.recv()) == {"jsonrpc": "2.0", "result": True, "id": 7}
    for rid, unknown in ((8, sid), (9, 42)):  # already dropped, and not a subscription id at all
        ws.send(json.dumps({"jsonrpc": "2.0", "id": rid, "method": "test_unsubscribe", "params": [unknown]}))
        assert json.loads(ws.recv()) == {"jsonrpc": "2.0", "result": False, "id": rid}
    ws.close()


def test_http_post_keep_alive_and_refusals(server):
    status, reply = _post(server, json.dumps({"jsonrpc": "2.0", "id": 1, "method": "slow", "params": [21]}).encode())
    assert status == 200 and reply["result"] == 42
    status, reply = _post(server, b"\xff\xfe garbage")
    assert reply["error"]["code"] == -32700
    status, reply = _post(server, json.dumps({"jsonrpc": "2.0", "id": 1, "method": "test_subscribe"}).encode())
    assert reply["error"]["code"] == -32601  # no subscriptions over HTTP
    # two pipelined requests on one kept-alive connection
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    body = json.dumps({"jsonrpc": "2.0", "id": 7, "method": "echo", "params": ["hi"]}).encode()
    req = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
    sock.sendall((req + body) * 2)
    data = b""
    while data.count(b'"result":"hi"') < 2:
        chunk = sock.recv(65536)
        assert chunk
        data += chunk
    sock.close()
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    sock.sendall(b"POST / HTTP/1.1\r\nContent-Length: %d\r\n\r\n{" % (16 * 1024 * 1024))
    answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 413") and b"-32007" in answer
    sock.close()
    with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/health", timeout=5) as resp:
        assert json.loads(resp.read())["peers"] == 0


def test_garbage_on_the_socket_never_stops_the_server(server):
    for junk in (b"\x00\x01\x02" * 100, b"GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n", b"PUT / HTTP/1.1\r\n\r\n",
                 b"POST / HTTP/1.1\r\nContent-Length: nope\r\n\r\n", b"\r\n\r\n"):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        sock.sendall(junk)
        sock.shutdown(socket.SHUT_WR)
        try:
            while sock.recv(65536):
                pass
        except OSError:
            pass
        sock.close()
    ws = _ws(server)
    ws.send_binary(b"\xc3\x28 not utf8 but binary")
    assert json.loads(ws.recv())["error"]["code"] == -32700
    ws.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "echo", "params": ["alive"]}))
    assert json.loads(ws.recv())["result"] == "alive"
    ws.close()


def test_a_taken_port_is_one_clear_error(server):
    async def second() -> None:
        await RpcServer(Dispatcher(), "127.0.0.1", server.port).start()

    with pytest.raises(PortInUse) as err:
        asyncio.run(second())
    assert "already in use" in err.value.strerror


def test_oversized_websocket_message_and_bad_utf8(server):
    ws = _ws(server)
    big = '{"jsonrpc":"2.0","id":1,"method":"echo","params":["' + "a" * (16 * 1024 * 1024) + '"]}'
    ws.send(big)
    assert json.loads(ws.recv())["error"]["code"] == -32007
    ws.send(json.dumps({"jsonrpc": "2.0", "id": 2, "method": "echo", "params": ["still here"]}))
    assert json.loads(ws.recv())["result"] == "still here"
    ws.send(b"\xff\xfe", opcode=websocket.ABNF.OPCODE_TEXT)  # invalid UTF-8 in a text frame: RFC 6455 says 1007
    opcode, data = ws.recv_data(control_frame=True)
    assert opcode == websocket.ABNF.OPCODE_CLOSE and int.from_bytes(data[:2], "big") == 1007
    ws.close()
    ws = _ws(server)
    ws.send(json.dumps({"jsonrpc": "2.0", "id": 3, "method": "echo", "params": ["new connection"]}))
    assert json.loads(ws.recv())["result"] == "new connection"
    ws.close()
