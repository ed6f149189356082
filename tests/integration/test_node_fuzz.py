"""Throw >= 10,000 malformed requests and extrinsics at the node, then prove it still answers and that its
state (root and balances) did not move."""

from __future__ import annotations

import http.client
import json
import random
import threading

import pytest
import websocket
from substrateinterface import Keypair, SubstrateInterface

from tests.integration.node_fixtures import NodeProcess, chain_fingerprint, fresh_node  # noqa: F401 - fixture

pytestmark = pytest.mark.slow

ALICE = Keypair.create_from_uri("//Alice")
BOB = Keypair.create_from_uri("//Bob")
MUTATING = {"dev_newBlock"}  # seals blocks on purpose; everything else must leave state alone


def _junk_value(rng: random.Random, depth: int = 0) -> object:
    kind = rng.randrange(9 if depth < 2 else 7)
    makers = [
        lambda: None, lambda: rng.randrange(-(2**70), 2**70), lambda: rng.random() * 1e9, lambda: True,
        lambda: "0x" + rng.randbytes(rng.randrange(0, 80)).hex(),
        lambda: "".join(chr(rng.randrange(32, 0x2FFF)) for _ in range(8)),
        lambda: "0x" + "zz" * rng.randrange(0, 4),
        lambda: [_junk_value(rng, depth + 1) for _ in range(rng.randrange(4))],
        lambda: {str(i): _junk_value(rng, depth + 1) for i in range(rng.randrange(3))},
    ]
    return makers[kind]()


def _extrinsic_variants(rng: random.Random, good: bytes) -> bytes:
    mode = rng.randrange(5)
    if mode == 0:
        return rng.randbytes(rng.randrange(0, 300))
    if mode == 1:
        return good[: rng.randrange(0, len(good))]
    if mode == 2:
        raw = bytearray(good)
        raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
        return bytes(raw)
    if mode == 3:
        return good + rng.randbytes(rng.randrange(1, 20))
    raw = bytearray(good)
    raw[0] = rng.randrange(256)  # wrong length prefix
    return bytes(raw)


def _messages(rng: random.Random, methods: list[str], good_xt: bytes, count: int) -> list[str | bytes]:
    out: list[str | bytes] = []
    for i in range(count):
        kind = rng.randrange(10)
        if kind == 0:
            out.append(rng.randbytes(rng.randrange(1, 200)))  # binary garbage
        elif kind == 1:
            out.append(json.dumps({"jsonrpc": "2.0", "id": i})[: rng.randrange(1, 20)])  # truncated JSON
        elif kind == 2:
            out.append(json.dumps(_junk_value(rng)))  # JSON that is not a request
        elif kind in (3, 4, 5):
            xt = _extrinsic_variants(rng, good_xt)
            method = rng.choice(["author_submitExtrinsic", "author_submitAndWatchExtrinsic", "payment_queryInfo"])
            out.append(json.dumps({"jsonrpc": "2.0", "id": i, "method": method, "params": ["0x" + xt.hex()]}))
        elif kind == 6:
            batch = [{"jsonrpc": "2.0", "id": f"{i}-{j}", "method": rng.choice(methods),
                      "params": [_junk_value(rng) for _ in range(rng.randrange(4))]} for j in range(3)]
            out.append(json.dumps(batch))
        else:
            params = _junk_value(rng) if rng.random() < 0.2 else [_junk_value(rng) for _ in range(rng.randrange(5))]
            out.append(json.dumps({"jsonrpc": rng.choice(["2.0", "2.0", "1.0", None]), "id": i,
                                   "method": rng.choice([*methods, "no_such_method"]), "params": params}))
    return out


def test_ten_thousand_malformed_inputs_change_nothing(fresh_node: NodeProcess):  # noqa: F811
    fresh_node.start()
    client = SubstrateInterface(url=fresh_node.url)
    call = client.compose_call("Balances", "transfer_keep_alive", {"dest": BOB.ss58_address, "value": 5})
    good = bytes.fromhex(str(client.create_signed_extrinsic(call=call, keypair=ALICE, nonce=10**6).data)[2:])
    client.close()  # a far-future nonce: valid format but waits in the future queue, never applied
    before = chain_fingerprint(fresh_node)
    methods = [m for m in fresh_node.result("rpc_methods")["methods"] if m not in MUTATING]
    rng = random.Random(20241126)
    ws_msgs = _messages(rng, methods, good, 9000)
    http_msgs = _messages(rng, methods, good, 1200)

    ws = websocket.create_connection(fresh_node.url, timeout=30)
    answers = 0

    def reader() -> None:
        nonlocal answers
        while True:
            msg = json.loads(ws.recv())
            if isinstance(msg, dict) and msg.get("id") == "end":
                return
            answers += 1

    thread = threading.Thread(target=reader)
    thread.start()
    for msg in ws_msgs:
        if isinstance(msg, bytes):
            ws.send_binary(msg)
        else:
            ws.send(msg)
    ws.send(json.dumps({"jsonrpc": "2.0", "id": "end", "method": "system_health", "params": []}))
    thread.join(120)
    assert not thread.is_alive()
    ws.close()
    assert answers > 8000  # nearly every message got an answer (notifications and late async ones aside)

    conn = http.client.HTTPConnection("127.0.0.1", fresh_node.port, timeout=30)
    statuses = set()
    for msg in http_msgs:
        body = msg if isinstance(msg, bytes) else msg.encode()
        conn.request("POST", "/", body=body, headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        statuses.add(resp.status)
    conn.close()
    assert statuses == {200}

    assert fresh_node.proc is not None and fresh_node.proc.poll() is None
    assert fresh_node.result("system_health")["peers"] == 0
    after = chain_fingerprint(fresh_node)
    assert after == before
    assert "Traceback" not in fresh_node.log()
