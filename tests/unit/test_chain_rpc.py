"""The lean JSON-RPC connection against a real websocket server on 127.0.0.1 that misbehaves on purpose."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest
from websockets.sync.server import ServerConnection, serve

from chain.errors import NodeUnreachable
from chain.rpc import MethodNotFound, RpcConnection, RpcError


def handler(ws: ServerConnection) -> None:
    held = None  # a "later" request is answered only after the reply to the request that follows it
    for raw in ws:
        req = json.loads(raw)
        method, rid = req["method"], req["id"]
        if method == "later":
            held = rid
            continue
        if method == "echo":
            ws.send(json.dumps({"jsonrpc": "2.0", "id": 999, "result": "stray notification"}))  # skipped
            ws.send(json.dumps({"jsonrpc": "2.0", "id": rid, "result": req["params"]}))
        elif method == "missing":
            ws.send(json.dumps({"jsonrpc": "2.0", "id": rid, "error": {"code": -32601, "message": "Method not found"}}))
        elif method == "broken":
            ws.send(json.dumps({"jsonrpc": "2.0", "id": rid, "error": {"code": 1, "message": "Unable to get info"}}))
        elif method == "silent":
            continue
        elif method == "hangup":
            ws.close()
            return
        if held is not None:
            ws.send(json.dumps({"jsonrpc": "2.0", "id": held, "result": "late"}))
            held = None


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    server = serve(handler, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"ws://127.0.0.1:{server.socket.getsockname()[1]}"
    server.shutdown()


def test_results_errors_and_missing_methods(url: str) -> None:
    rpc = RpcConnection(url, timeout=2)
    assert rpc.call("echo", [1, "a"]) == [1, "a"]
    with pytest.raises(MethodNotFound):
        rpc.call("missing")
    with pytest.raises(RpcError, match="the node refused broken: Unable to get info") as err:
        rpc.call("broken")
    assert err.value.code == 1
    assert rpc.call("echo", []) == []  # the connection survives errors
    rpc.close()


def test_silence_and_hangups_are_unreachable_errors(url: str) -> None:
    rpc = RpcConnection(url, timeout=0.3)
    with pytest.raises(NodeUnreachable, match=r"no answer to silent within 0\.3 s"):
        rpc.call("silent")
    rpc.close()
    rpc = RpcConnection(url, timeout=2)
    with pytest.raises(NodeUnreachable, match="connection lost during hangup"):
        rpc.call("hangup")
    assert rpc.call("echo", [2]) == [2]  # reconnects on the next call


def test_refused_port_names_the_endpoint_and_local_remedy() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(NodeUnreachable, match=rf"cannot reach the chain at ws://127.0.0.1:{port} .*localnet start"):
        RpcConnection(f"ws://127.0.0.1:{port}", timeout=1).call("system_health")


def test_threads_can_share_one_connection(url: str) -> None:
    rpc = RpcConnection(url, timeout=2)
    results: dict[int, object] = {}

    def work(i: int) -> None:
        results[i] = rpc.call("echo", [i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {i: [i] for i in range(16)}
    rpc.close()


def test_pipelined_calls_come_back_in_request_order(url: str) -> None:
    rpc = RpcConnection(url, timeout=2)
    rpc.PIPELINE = 7  # several windows
    calls = [("echo", [i]) for i in range(20)]
    calls[9] = ("later", [])  # answered after the reply to request 10, i.e. out of order
    results = rpc.call_many(calls)
    assert results == [[i] if i != 9 else "late" for i in range(20)]
    assert rpc.call_many([]) == []


def test_pipelined_calls_raise_the_first_failure_and_the_connection_survives(url: str) -> None:
    rpc = RpcConnection(url, timeout=2)
    with pytest.raises(MethodNotFound) as err:
        rpc.call_many([("echo", [1]), ("missing", []), ("broken", []), ("echo", [2])])
    assert err.value.method == "missing"
    assert rpc.call_many([("echo", [3])]) == [[3]]
    rpc.close()
