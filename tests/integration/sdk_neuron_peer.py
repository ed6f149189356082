"""The bittensor SDK's side of the neuron interop tests; runs under an SDK venv's python, never imported by us.

Usage (one JSON line per result on stdout):
  sdk_neuron_peer.py axon PORT URI                serve Echo on 0.0.0.0:PORT with the key of URI; prints READY
                                                  and serves until stdin closes
  sdk_neuron_peer.py dendrite PORT HOTKEY URI N   N calls of Echo to 127.0.0.1:PORT (axon hotkey HOTKEY) as URI
  sdk_neuron_peer.py forge PORT HOTKEY URI        one call whose signature is made by another key
  sdk_neuron_peer.py bench PORT HOTKEY URI SECONDS CONCURRENCY   the SDK dendrite's rate, as JSON
  sdk_neuron_peer.py hash                         body hashes of fixed Echo values, for the hash vectors
Works with SDK 6.9.3 and 10.x (names differ; see _sdk()).
(No `from __future__ import annotations`: the SDK axon reads the forward annotation as a class.)
"""



import json
import sys
import time
from typing import ClassVar, Optional


def _sdk():
    import bittensor as bt

    try:
        import bittensor.utils.networking as networking
    except ImportError:  # pragma: no cover
        networking = None
    if networking is not None:  # no internet here: the SDK would otherwise ask public services
        networking.get_external_ip = lambda: "127.0.0.1"
    keypair_cls = getattr(bt, "Keypair", None)
    if keypair_cls is None:
        from bittensor_wallet import Keypair as keypair_cls
    axon_cls = getattr(bt, "Axon", None) or bt.axon
    dendrite_cls = getattr(bt, "Dendrite", None) or bt.dendrite
    try:
        from bittensor.core.chain_data import AxonInfo
    except ImportError:
        AxonInfo = bt.AxonInfo
    return bt, keypair_cls, axon_cls, dendrite_cls, AxonInfo


bt, Keypair, AxonCls, DendriteCls, AxonInfo = _sdk()


LEGACY = str(getattr(bt, "__version__", "10")).startswith("6.")


class Echo(bt.Synapse):
    # 6.x reads required_hash_fields as a pydantic field (sent in the body); 7+ as a class variable.
    if LEGACY:
        required_hash_fields: list = ["text"]
    else:
        required_hash_fields: ClassVar[tuple[str, ...]] = ("text",)
    text: str
    note: str = ""
    reply: Optional[str] = None  # noqa: UP045 (the 6.9.3 venv may run an older Python)


class Mixed(bt.Synapse):
    required_hash_fields: ClassVar[tuple[str, ...]] = ("values", "text", "mapping", "count")
    text: str
    values: list[float]
    mapping: dict = {}  # noqa: RUF012
    count: int = 0


class _Wallet:
    """What the SDK axon reads from a wallet: the hotkey (and a coldkeypub for info())."""

    def __init__(self, keypair):
        self.hotkey = keypair
        self.coldkeypub = keypair


def serve(port: int, uri: str) -> None:
    keypair = Keypair.create_from_uri(uri)

    def forward(synapse: Echo) -> Echo:
        synapse.reply = synapse.text.upper() + "/sdk"
        return synapse

    axon = AxonCls(wallet=_Wallet(keypair), port=port, ip="127.0.0.1", external_ip="127.0.0.1")
    axon.attach(forward_fn=forward)
    axon.start()
    print("READY", flush=True)
    try:
        sys.stdin.read()
    finally:
        axon.stop()


def _target(port: int, hotkey: str):
    return AxonInfo(version=0, ip="127.0.0.1", port=port, ip_type=4, hotkey=hotkey, coldkey=hotkey)


def _report(answer) -> dict:
    axon = answer.axon
    signed = False
    if axon is not None and axon.signature and axon.nonce is not None:
        message = f"{axon.nonce}.{answer.dendrite.hotkey}.{axon.hotkey}.{axon.uuid}"
        signed = Keypair(ss58_address=axon.hotkey).verify(message, axon.signature)
    return {"status": answer.dendrite.status_code, "message": answer.dendrite.status_message,
            "reply": answer.reply, "axon_hotkey": axon.hotkey if axon else None, "response_signature_ok": signed}


def call(port: int, hotkey: str, uri: str, count: int) -> None:
    dendrite = DendriteCls(wallet=Keypair.create_from_uri(uri))
    for i in range(count):
        answer = dendrite.query(_target(port, hotkey), Echo(text=f"hello {i}", note="n"), timeout=10)
        print(json.dumps(_report(answer)), flush=True)
        time.sleep(0.001)


def forge(port: int, hotkey: str, uri: str) -> None:
    impostor = Keypair.create_from_uri("//Eve")

    class Forger(DendriteCls):
        def preprocess_synapse_for_request(self, target_axon_info, synapse, timeout=12.0):
            synapse = super().preprocess_synapse_for_request(target_axon_info, synapse, timeout)
            d = synapse.dendrite
            message = f"{d.nonce}.{d.hotkey}.{synapse.axon.hotkey}.{d.uuid}.{synapse.body_hash}"
            d.signature = f"0x{impostor.sign(message).hex()}"
            return synapse

    answer = Forger(wallet=Keypair.create_from_uri(uri)).query(_target(port, hotkey), Echo(text="x"), timeout=10)
    print(json.dumps(_report(answer)), flush=True)


def bench(port: int, hotkey: str, uri: str, seconds: float, concurrency: int) -> None:
    """The SDK dendrite's rate with ``concurrency`` calls in flight (one dendrite, as a validator has)."""
    import asyncio

    dendrite = DendriteCls(wallet=Keypair.create_from_uri(uri))
    target = _target(port, hotkey)

    async def main() -> dict:
        done = {"ok": 0, "failed": 0}
        stop_at = time.perf_counter() + seconds

        async def worker() -> None:
            while time.perf_counter() < stop_at:
                answer = await dendrite.forward(target, Echo(text="x"), timeout=10)
                done["ok" if answer.dendrite.status_code == 200 else "failed"] += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        done["rate"] = done["ok"] / (time.perf_counter() - started)
        return done

    print(json.dumps(asyncio.run(main())), flush=True)


def hashes() -> None:
    print(json.dumps({
        "echo": Echo(text="héllo wörld").body_hash,
        "mixed": Mixed(text="t", values=[1, 2.5, 1e-7], mapping={"k": [1, 2]}, count=3).body_hash,
        "empty": bt.Synapse().body_hash,
    }), flush=True)


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "axon":
        serve(int(args[0]), args[1])
    elif mode == "dendrite":
        call(int(args[0]), args[1], args[2], int(args[3]))
    elif mode == "forge":
        forge(int(args[0]), args[1], args[2])
    elif mode == "bench":
        bench(int(args[0]), args[1], args[2], float(args[3]), int(args[4]))
    elif mode == "hash":
        hashes()
    else:
        sys.exit(f"unknown mode {mode!r}")
