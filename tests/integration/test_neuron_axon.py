"""A taocli dendrite calling a taocli axon over real HTTP on 127.0.0.1: answers, status codes, ordering."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import ClassVar

from neuron import Axon, Dendrite
from neuron.network import AxonInfo
from tests.integration.neuron_fixtures import (
    AXON_KEY,
    CALLER_KEY,
    OTHER_KEY,
    Echo,
    Sleep,
    axon_factory,  # noqa: F401 (fixture)
    dendrite,  # noqa: F401 (fixture)
    healthy,
)


def test_fan_out_answers_each_axon_in_order_with_status_and_time(axon_factory, dendrite) -> None:  # noqa: F811
    axons = [axon_factory(), axon_factory()]
    answers = dendrite.query([a.info() for a in axons] + [axons[0]], Echo(text="hi"), timeout=5)
    assert [a.reply for a in answers] == ["HI", "HI", "HI"]
    for answer in answers:
        assert answer.status_code == 200 and answer.status_message == "Success"
        assert answer.process_time is not None and 0 < answer.process_time < 5
        assert answer.axon.hotkey == AXON_KEY.ss58_address and answer.axon.nonce
    assert axons[0].stats()["by_status"] == {200: 2}


def test_single_axon_gives_a_single_answer_and_async_forward_works(axon_factory) -> None:  # noqa: F811
    axon = axon_factory()

    async def main() -> None:
        async with Dendrite(CALLER_KEY) as d:
            one = await d.forward(axon.info(), Echo(text="a"))
            many = await d.forward([axon.info()] * 5, Echo(text="b"), timeout=3)
        assert one.reply == "A" and [m.reply for m in many] == ["B"] * 5

    asyncio.run(main())


def test_handler_sees_the_verified_caller(axon_factory, dendrite) -> None:  # noqa: F811
    seen = []

    async def who(syn: Echo) -> Echo:
        seen.append((syn.dendrite.hotkey, syn.dendrite.ip))
        return syn

    axon = Axon(AXON_KEY, host="127.0.0.1", port=0).attach(who).start()
    try:
        assert dendrite.query(axon.info(), Echo(text="x")).status_code == 200
    finally:
        axon.stop()
    assert seen == [(CALLER_KEY.ss58_address, "127.0.0.1")]


def test_unregistered_hotkey_is_403_before_the_handler(axon_factory, dendrite) -> None:  # noqa: F811
    axon = axon_factory(is_allowed=lambda hotkey: hotkey == OTHER_KEY.ss58_address)
    answer = dendrite.query(axon.info(), Echo(text="x"))
    assert answer.status_code == 403 and "not registered" in answer.status_message
    assert answer.reply is None
    with Dendrite(OTHER_KEY) as allowed:
        assert allowed.query(axon.info(), Echo(text="x")).status_code == 200


def test_blacklist_sees_only_verified_requests_and_refuses_403(dendrite) -> None:  # noqa: F811
    calls = []

    def blacklist(syn: Echo) -> tuple[bool, str]:
        calls.append(syn.dendrite.hotkey)
        return syn.text == "bad", "text is bad"

    axon = Axon(AXON_KEY, host="127.0.0.1", port=0).attach(lambda s: s, blacklist, synapse=Echo).start()
    try:
        bad = dendrite.query(axon.info(), Echo(text="bad"))
        good = dendrite.query(axon.info(), Echo(text="good"))
        forged = Dendrite(CALLER_KEY)
        forged.hotkey = OTHER_KEY.ss58_address  # claims another hotkey, signs with its own key
        assert forged.query(axon.info(), Echo(text="x")).status_code == 401
        forged.close()
    finally:
        axon.stop()
    assert bad.status_code == 403 and "text is bad" in bad.status_message
    assert good.status_code == 200
    assert calls == [CALLER_KEY.ss58_address] * 2


def test_unknown_synapse_is_404(axon_factory, dendrite) -> None:  # noqa: F811
    axon = Axon(AXON_KEY, host="127.0.0.1", port=0).attach(lambda s: s, synapse=Echo).start()
    try:
        answer = dendrite.query(axon.info(), Sleep())
    finally:
        axon.stop()
    assert answer.status_code == 404 and "Echo" in answer.status_message


def test_handler_over_its_timeout_is_408_and_server_stays_up(axon_factory, dendrite) -> None:  # noqa: F811
    axon = axon_factory()
    answer = dendrite.query(axon.info(), Sleep(seconds=2.0), timeout=0.5)
    assert answer.status_code == 408
    assert axon.stats()["in_flight"] == 0 or healthy(dendrite, axon)
    assert healthy(dendrite, axon)


def test_axon_side_timeout_is_408_from_the_axon(axon_factory, dendrite) -> None:  # noqa: F811
    axon = axon_factory(max_timeout=0.3)
    answer = dendrite.query(axon.info(), Sleep(seconds=2.0), timeout=5)
    assert answer.status_code == 408 and "0.3" in answer.status_message
    assert axon.stats()["by_status"][408] == 1


def test_sync_handler_runs_off_the_loop(dendrite) -> None:  # noqa: F811
    def slow(syn: Sleep) -> Sleep:
        time.sleep(syn.seconds)
        syn.tag = threading.current_thread().name
        return syn

    axon = Axon(AXON_KEY, host="127.0.0.1", port=0).attach(slow).attach(
        lambda s: s, synapse=Echo).start()
    try:
        async def both() -> tuple:
            async with Dendrite(CALLER_KEY) as d:
                return await asyncio.gather(d.forward(axon.info(), Sleep(seconds=1.0)),
                                            d.forward(axon.info(), Echo(text="x")))
        started = time.monotonic()
        slow_answer, fast_answer = asyncio.run(both())
    finally:
        axon.stop()
    assert slow_answer.tag.startswith("axon-forward")
    assert fast_answer.status_code == 200 and time.monotonic() - started < 3


def test_per_hotkey_rate_limit_is_429(axon_factory, dendrite) -> None:  # noqa: F811
    axon = axon_factory(rate_limit_per_minute=3)
    codes = [dendrite.query(axon.info(), Echo(text="x")).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    with Dendrite(OTHER_KEY) as other:
        assert other.query(axon.info(), Echo(text="x")).status_code == 200


def test_handler_exception_is_500_without_details(dendrite) -> None:  # noqa: F811
    async def boom(syn: Echo) -> Echo:
        raise RuntimeError("secret detail")

    axon = Axon(AXON_KEY, host="127.0.0.1", port=0).attach(boom).start()
    try:
        answer = dendrite.query(axon.info(), Echo(text="x"))
    finally:
        axon.stop()
    assert answer.status_code == 500 and "secret" not in answer.status_message


def test_priority_queue_serves_the_highest_stake_first(dendrite) -> None:  # noqa: F811
    order: list[str] = []
    stakes = {CALLER_KEY.ss58_address: 1.0, OTHER_KEY.ss58_address: 100.0}

    async def work(syn: Sleep) -> Sleep:
        order.append(syn.tag)
        await asyncio.sleep(syn.seconds)
        return syn

    axon = Axon(AXON_KEY, host="127.0.0.1", port=0, max_concurrency=1, stake_of=stakes.__getitem__)
    axon.attach(work).start()
    try:
        async def main() -> None:
            low, high = Dendrite(CALLER_KEY), Dendrite(OTHER_KEY)
            first = asyncio.ensure_future(low.forward(axon.info(), Sleep(seconds=0.5, tag="first")))
            await asyncio.sleep(0.2)  # the slot is taken; everything below waits
            lows = [asyncio.ensure_future(low.forward(axon.info(), Sleep(tag=f"low{i}"))) for i in range(3)]
            await asyncio.sleep(0.1)
            highs = [asyncio.ensure_future(high.forward(axon.info(), Sleep(tag=f"high{i}"))) for i in range(3)]
            answers = await asyncio.gather(first, *lows, *highs)
            assert all(a.status_code == 200 for a in answers)
            await low.aclose()
            await high.aclose()

        asyncio.run(main())
    finally:
        axon.stop()
    assert order[0] == "first"
    assert sorted(order[1:4]) == ["high0", "high1", "high2"], order
    assert sorted(order[4:]) == ["low0", "low1", "low2"], order


def test_graceful_stop_finishes_in_flight_requests(dendrite) -> None:  # noqa: F811
    axon = Axon(AXON_KEY, host="127.0.0.1", port=0).attach(
        __import__("tests.integration.neuron_fixtures", fromlist=["sleep"]).sleep).start()
    result: list = []
    worker = threading.Thread(target=lambda: result.append(dendrite.query(axon.info(), Sleep(seconds=1.0))))
    worker.start()
    time.sleep(0.3)
    axon.stop(grace=5.0)
    worker.join(5)
    assert result and result[0].status_code == 200
    with Dendrite(CALLER_KEY) as late:
        assert late.query(axon.info(), Sleep(), timeout=2).status_code == 503


def test_unreachable_axon_is_503_and_silent_one_408(dendrite) -> None:  # noqa: F811
    import socket

    with socket.socket() as listener:  # accepts (backlog) but never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        silent = AxonInfo("127.0.0.1", listener.getsockname()[1], AXON_KEY.ss58_address)
        closed = socket.socket()
        closed.bind(("127.0.0.1", 0))
        dead = AxonInfo("127.0.0.1", closed.getsockname()[1], AXON_KEY.ss58_address)
        closed.close()
        started = time.monotonic()
        answers = dendrite.query([silent, dead], Echo(text="x"), timeout=1.0)
    assert [a.status_code for a in answers] == [408, 503]
    assert time.monotonic() - started < 3


def test_answer_signed_by_another_hotkey_is_refused_502(axon_factory, dendrite) -> None:  # noqa: F811
    axon = axon_factory()
    impostor = AxonInfo("127.0.0.1", axon.port, OTHER_KEY.ss58_address)  # we expect Charlie, Alice answers
    answer = dendrite.query(impostor, Echo(text="x"))
    # Alice's axon refuses a request addressed to Charlie (401), and that refusal is not trusted either way.
    assert answer.status_code in (401, 502) and answer.reply is None


def test_info_and_stats(axon_factory) -> None:  # noqa: F811
    axon = axon_factory(external_ip="203.0.113.7", external_port=9999)
    assert axon.info() == AxonInfo("203.0.113.7", 9999, AXON_KEY.ss58_address)
    plain = axon_factory()
    assert plain.info().ip == "127.0.0.1" and plain.info().port == plain.port > 0
    stats = plain.stats()
    assert stats["requests"] == 0 and stats["in_flight"] == 0 and stats["uptime_seconds"] >= 0


def test_a_tampered_answer_is_refused_502(axon_factory) -> None:  # noqa: F811
    """A man in the middle between a taocli dendrite and axon: passing answers through works, editing them does not."""
    from neuron._client import ClientPool
    from neuron._http import HttpProtocol, Limits, Request, Response, ServerState

    axon = axon_factory()
    tamper = {"on": False}

    async def relay(request: Request) -> Response:
        pool = ClientPool()
        try:
            forwarded = {k: v for k, v in request.headers.items() if k not in ("host", "content-length")}
            answer = await pool.post("127.0.0.1", axon.port, request.path, forwarded, request.body)
        finally:
            pool.close()
        body = answer.body.replace(b'"HI"', b'"OK"') if tamper["on"] else answer.body
        headers = {k: v for k, v in answer.headers.items() if k not in ("content-length", "connection")}
        return Response(answer.status, headers, body)

    async def main() -> list[int]:
        state = ServerState(relay, lambda *a: Response(500), Limits())
        server = await asyncio.get_running_loop().create_server(lambda: HttpProtocol(state), "127.0.0.1", 0)
        target = AxonInfo("127.0.0.1", server.sockets[0].getsockname()[1], AXON_KEY.ss58_address)
        codes = []
        async with Dendrite(CALLER_KEY, require_signed_responses=True) as d:
            passed = await d.forward(target, Echo(text="hi"))
            codes.append(passed.status_code)
            assert passed.reply == "HI"
            tamper["on"] = True
            edited = await d.forward(target, Echo(text="hi"))
            codes.append(edited.status_code)
            assert edited.reply is None and "signature" in edited.status_message
        server.close()
        return codes

    assert asyncio.run(main()) == [200, 502]


def test_an_axon_can_be_stopped_and_started_again(dendrite) -> None:  # noqa: F811
    def blocking(syn: Sleep) -> Sleep:  # sync: runs in the axon's thread pool
        return syn

    axon = Axon(AXON_KEY, host="127.0.0.1", port=0).attach(blocking)
    for _ in range(2):
        axon.start()
        assert dendrite.query(axon.info(), Sleep(tag="x")).status_code == 200
        axon.stop(grace=1.0)


def test_async_start_and_stop_on_the_callers_loop() -> None:
    async def main() -> int:
        axon = Axon(AXON_KEY, host="127.0.0.1", port=0).attach(
            __import__("tests.integration.neuron_fixtures", fromlist=["echo"]).echo)
        await axon.astart()
        async with Dendrite(CALLER_KEY) as d:
            answer = await d.forward(axon.info(), Echo(text="x"))
        await axon.astop()
        return answer.status_code

    assert asyncio.run(main()) == 200


def test_attach_refuses_what_it_cannot_serve() -> None:
    import pytest

    from neuron import Synapse

    class Typo(Synapse):
        required_hash_fields: ClassVar[tuple[str, ...]] = ("txt",)
        text: str = ""

    axon = Axon(AXON_KEY, host="127.0.0.1", port=0)
    with pytest.raises(TypeError, match="txt"):
        axon.attach(lambda s: s, synapse=Typo)
    with pytest.raises(TypeError, match="annotate its first parameter"):
        axon.attach(lambda s: s)
    axon.attach(lambda s: s, synapse=Echo)
    with pytest.raises(ValueError, match="already attached"):
        axon.attach(lambda s: s, synapse=Echo)
