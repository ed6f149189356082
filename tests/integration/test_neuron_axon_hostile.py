"""Hostile input against a real axon on 127.0.0.1: each gets its status, and the axon keeps serving after it."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import neuron._wire as _wire
from tests.integration.neuron_fixtures import (
    AXON_KEY,
    CALLER_KEY,
    OTHER_KEY,
    Echo,
    axon_factory,  # noqa: F401 (fixture)
    dendrite,  # noqa: F401 (fixture)
    healthy,
    post,
    raw_exchange,
    signed_request,
)
from tests.integration.neuron_load import blast, interleaved_requests, sdk_style_requests

REPO = Path(__file__).resolve().parents[2]


def message_of(response) -> str:
    return json.loads(response.content)["message"]


def test_forged_signature_is_401(axon_factory, dendrite) -> None:  # noqa: F811
    axon = axon_factory()
    url, body, headers = signed_request(dendrite, axon.info(), Echo(text="x"))
    headers[_wire.EXT_SIGNATURE] = "0x" + OTHER_KEY.sign("anything").hex()
    reply = post(url, body, headers)
    assert reply.status_code == 401 and "signature mismatch" in message_of(reply)
    reply = post(url, body, {**headers, _wire.EXT_SIGNATURE: "0xzz"})
    assert reply.status_code == 401
    # SDK-style (no taocli uuid): a signature by another key over the right message
    (request,) = sdk_style_requests(CALLER_KEY, AXON_KEY.ss58_address, Echo(text="x"), 1)
    head, _, rest = request.partition(b"bt_header_dendrite_signature: ")
    forged = head + b"bt_header_dendrite_signature: 0x" + OTHER_KEY.sign("x").hex().encode() + rest[130:]
    assert b" 401 " in raw_exchange(axon.port, forged)[:20]
    assert healthy(dendrite, axon)


def test_replayed_request_is_401(axon_factory, dendrite) -> None:  # noqa: F811
    axon = axon_factory()
    url, body, headers = signed_request(dendrite, axon.info(), Echo(text="x"))
    assert post(url, body, headers).status_code == 200
    for _ in range(3):
        reply = post(url, body, headers)
        assert reply.status_code == 401 and "already used" in message_of(reply)
    (request,) = sdk_style_requests(CALLER_KEY, AXON_KEY.ss58_address, Echo(text="y"), 1)
    assert b" 200 " in raw_exchange(axon.port, request)[:20]
    assert b" 401 " in raw_exchange(axon.port, request)[:20]
    assert healthy(dendrite, axon)


def test_stale_nonce_with_a_huge_unsigned_timeout_is_401(axon_factory, dendrite) -> None:  # noqa: F811
    """The SDK lets the unsigned timeout header widen the window (4 s + timeout); here it cannot."""
    axon = axon_factory()
    stale = sdk_style_requests(CALLER_KEY, AXON_KEY.ss58_address, Echo(text="x"), 1, timeout=100_000.0,
                               nonce_offset_ns=-60 * 10**9)[0]
    assert b"timeout: 100000.0" in stale
    reply = raw_exchange(axon.port, stale)
    assert b" 401 " in reply[:20] and b"60." in reply and b"accepted for 16.0 s" in reply
    # a taocli request whose (signed) timeout is huge gets the same window
    dendrite._last_nonce = time.time_ns() - 60 * 10**9
    dendrite._nonce = lambda: dendrite._last_nonce  # type: ignore[method-assign]
    answer = dendrite.query(axon.info(), Echo(text="x"), timeout=100_000.0)
    assert answer.status_code == 401 and "old" in answer.status_message
    del dendrite._nonce
    assert healthy(dendrite, axon)


def test_tampered_body_is_400_and_a_stripped_body_signature_401(axon_factory, dendrite) -> None:  # noqa: F811
    axon = axon_factory()

    def fresh() -> tuple[str, bytes, dict[str, str]]:  # a verified nonce is spent even if the body is refused
        return signed_request(dendrite, axon.info(), Echo(text="hello", note="keep"))

    url, body, headers = fresh()
    hashed = post(url, body.replace(b'"hello"', b'"HELLO"'), headers)
    assert hashed.status_code == 400 and "signed digest" in message_of(hashed)
    assert post(url, body, headers).status_code == 401  # that nonce is used up
    url, body, headers = fresh()
    unhashed = post(url, body.replace(b'"keep"', b'"evil"'), headers)  # outside required_hash_fields
    assert unhashed.status_code == 400 and "signed digest" in message_of(unhashed)
    url, body, headers = fresh()
    stripped = {k: v for k, v in headers.items() if k not in (_wire.EXT_SIGNATURE, _wire.EXT_BODY_SHA3)}
    downgrade = post(url, body.replace(b'"keep"', b'"evil"'), stripped)
    assert downgrade.status_code == 401 and "without its body signature" in message_of(downgrade)
    # SDK-style requests: the hashed field is covered by computed_body_hash
    (request,) = sdk_style_requests(CALLER_KEY, AXON_KEY.ss58_address, Echo(text="hello"), 1)
    reply = raw_exchange(axon.port, request.replace(b'"text":"hello"', b'"text":"HELLO"'))
    assert b" 400 " in reply[:20] and b"body hash mismatch" in reply
    assert post(url, body, headers).status_code == 200  # refused before its signature: the nonce is unspent
    assert healthy(dendrite, axon)


def test_oversized_body_is_413_before_it_is_read(axon_factory, dendrite) -> None:  # noqa: F811
    axon = axon_factory(max_body_bytes=2048)
    answer = dendrite.query(axon.info(), Echo(text="x" * 5000))
    assert answer.status_code == 413 and "2048" in answer.status_message
    # a client announcing 1 GB gets the answer at once, without sending the body
    started = time.monotonic()
    reply = raw_exchange(axon.port, b"POST /Echo HTTP/1.1\r\nhost: x\r\ncontent-length: 1000000000\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 413") and time.monotonic() - started < 1.5
    chunked = (b"POST /Echo HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n"
               + (b"400\r\n" + b"a" * 1024 + b"\r\n") * 3)
    assert raw_exchange(axon.port, chunked).startswith(b"HTTP/1.1 413")
    assert dendrite.query(axon.info(), Echo(text="small")).status_code == 200
    assert axon.stats()["by_status"][413] == 3


def test_unknown_synapse_and_garbage_are_refused(axon_factory, dendrite) -> None:  # noqa: F811
    axon = axon_factory()
    reply = raw_exchange(axon.port, b"POST /Nope HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}")
    assert reply.startswith(b"HTTP/1.1 404") and b"Available synapses: Echo, Sleep" in reply
    assert raw_exchange(axon.port, b"\x16\x03\x01garbage\r\n\r\n").startswith(b"HTTP/1.1 400")
    huge = b"GET /Echo HTTP/1.1\r\nx-big: " + b"a" * 70_000 + b"\r\n\r\n"
    assert raw_exchange(axon.port, huge).startswith(b"HTTP/1.1 431")
    bad_number = raw_exchange(axon.port, b"POST /Echo HTTP/1.1\r\nhost: x\r\nbt_header_dendrite_nonce: 1x\r\n"
                                         b"content-length: 2\r\n\r\n{}")
    assert bad_number.startswith(b"HTTP/1.1 400")
    unsigned = raw_exchange(axon.port, b"POST /Echo HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}")
    assert unsigned.startswith(b"HTTP/1.1 401")
    assert healthy(dendrite, axon)


def test_slowloris_is_cut_off_and_others_are_served_meanwhile(axon_factory, dendrite) -> None:  # noqa: F811
    axon = axon_factory(header_timeout=1.5, body_timeout=1.5)
    outcome: dict[str, object] = {}

    def slow_client(body_phase: bool) -> None:
        with socket.create_connection(("127.0.0.1", axon.port), timeout=10) as sock:
            request = b"POST /Echo HTTP/1.1\r\nhost: x\r\ncontent-length: 50\r\n\r\n" + b"{" * 50
            split = request.index(b"\r\n\r\n") + 4 if body_phase else 0
            sock.sendall(request[:split])
            started = time.monotonic()
            received = b""
            for byte in request[split:]:
                try:
                    sock.sendall(bytes([byte]))
                    sock.settimeout(1.0)
                    chunk = sock.recv(4096)
                    received += chunk
                    if not chunk or received:
                        break
                except TimeoutError:
                    continue
                except OSError:
                    break
            outcome["body" if body_phase else "header"] = (received, time.monotonic() - started)

    threads = [threading.Thread(target=slow_client, args=(phase,)) for phase in (False, True)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    assert healthy(dendrite, axon)  # served while the slow clients dribble
    for t in threads:
        t.join(15)
    for phase in ("header", "body"):
        received, seconds = outcome[phase]
        assert received.startswith(b"HTTP/1.1 408"), (phase, received)
        assert seconds < 4, (phase, seconds)
    assert healthy(dendrite, axon)


def test_idle_keepalive_connections_are_closed(axon_factory) -> None:  # noqa: F811
    axon = axon_factory(keepalive_timeout=0.5, header_timeout=1.0)
    with socket.create_connection(("127.0.0.1", axon.port), timeout=5) as sock:
        sock.sendall(b"POST /Nope HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}")
        assert sock.recv(65536).startswith(b"HTTP/1.1 404")
        started = time.monotonic()
        assert sock.recv(10) == b""  # kept alive, then closed by the server when idle
        assert 0.3 < time.monotonic() - started < 2
    with socket.create_connection(("127.0.0.1", axon.port), timeout=5) as silent:
        started = time.monotonic()
        assert silent.recv(10) == b""  # never sent a byte: closed after header_timeout
        assert 0.8 < time.monotonic() - started < 3


@pytest.mark.slow
def test_memory_is_flat_over_100k_requests() -> None:
    """100k signed requests to an axon process: RSS after the first 20k and after all stay within a few MB.

    The nonce table is capped at 5,000 here and the window is long, so the cap (not the window) is what keeps
    the table small; by_status proves the requests were really served.
    """
    proc = subprocess.Popen([sys.executable, "-m", "tests.integration.neuron_axon_proc", "--freshness", "600",
                             "--max-nonces", "5000"], cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        port = int(proc.stdout.readline().split()[1])
        connections, per = 16, 100_000 // 16

        def batch(n: int) -> list[list[bytes]]:
            return interleaved_requests(CALLER_KEY, AXON_KEY.ss58_address, Echo(text="m"), connections, n)

        def rss_kb() -> int:
            for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
            raise AssertionError("no VmRSS")

        warm = asyncio.run(blast("127.0.0.1", port, batch(per // 5)))
        after_warm = rss_kb()
        rest = asyncio.run(blast("127.0.0.1", port, batch(per - per // 5)))
        after_all = rss_kb()
    finally:
        proc.stdin.close()
        stats = json.loads(proc.stdout.readlines()[-1])
        proc.wait(10)
    served = warm.statuses[200] + rest.statuses[200]
    print(f"RSS after 20k: {after_warm} kB, after 100k: {after_all} kB; {rest.rate:.0f} req/s; {stats['by_status']}")
    assert served == connections * per, (warm.statuses, rest.statuses)
    assert stats["by_status"]["200"] == served and stats["nonces_tracked"] <= 5000
    assert after_all - after_warm < 8 * 1024, (after_warm, after_all)


def test_pipelined_requests_are_answered_in_order_and_expect_continue_is_honoured(axon_factory, dendrite) -> None:  # noqa: F811
    axon = axon_factory()
    requests = sdk_style_requests(CALLER_KEY, AXON_KEY.ss58_address, Echo(text="p"), 20)
    reply = raw_exchange(axon.port, b"".join(requests), wait=3.0)
    assert reply.count(b"HTTP/1.1 200 OK") == 20
    (one,) = sdk_style_requests(CALLER_KEY, AXON_KEY.ss58_address, Echo(text="c"), 1)
    head, body = one.split(b"\r\n\r\n", 1)
    with socket.create_connection(("127.0.0.1", axon.port), timeout=5) as sock:
        sock.sendall(head + b"\r\nexpect: 100-continue\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue")
        sock.sendall(body)
        assert sock.recv(65536).startswith(b"HTTP/1.1 200")
    assert healthy(dendrite, axon)
