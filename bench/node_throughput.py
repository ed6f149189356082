"""How fast is the local node? Signed transfers per second end to end over the RPC, node-side validation
per second beside bare sr25519 verify per second (same run, same machine), and client connect + metadata.

    .venv/bin/python bench/node_throughput.py [--accounts 256] [--per-account 8] [--connections 4] [--json]

Transfers come from many prefunded accounts (a genesis file funds them) so per-sender nonces do not
serialise; extrinsics are signed before the clock starts (the client's signing speed is reported apart),
then pipelined over several WebSocket connections with `author_submitExtrinsic`. The clock stops when the
last of them is in a sealed block. Targets: >= 1,000 transfers/s, validation >= 25% of bare verify,
connect + metadata < 0.3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sr25519  # noqa: E402
import websocket  # noqa: E402
from substrateinterface import Keypair, SubstrateInterface  # noqa: E402

from localnet.scale.codec import encode_compact  # noqa: E402
from tests.integration.node_fixtures import NodeProcess  # noqa: E402

BOB = Keypair.create_from_uri("//Bob")


def make_accounts(n: int) -> list[tuple[bytes, bytes]]:
    """(public, secret) sr25519 pairs from random seeds."""
    return [sr25519.pair_from_seed(secrets.token_bytes(32)) for _ in range(n)]


class Template:
    """Builds signed transfer extrinsics by hand from one the client made, varying signer and nonce.

    The signing payload does not depend on the signer, and only the compact nonce differs between
    nonces, so we let substrate-interface build the payload layout once and splice the rest."""

    def __init__(self, client: SubstrateInterface, some_pair: tuple[bytes, bytes]):
        self.call = client.compose_call("Balances", "transfer_keep_alive", {"dest": BOB.ss58_address, "value": 1000})
        p0 = bytes(client.generate_signature_payload(call=self.call, nonce=0).data)
        p1 = bytes(client.generate_signature_payload(call=self.call, nonce=1).data)
        at = next(i for i in range(len(p0)) if p0[i] != p1[i])
        self.payload_prefix, self.payload_suffix = p0[:at], p0[at + 1:]
        kp = Keypair(public_key=some_pair[0], private_key=some_pair[1], ss58_format=42)
        xt0 = bytes.fromhex(str(client.create_signed_extrinsic(call=self.call, keypair=kp, nonce=0).data)[2:])
        _, body_at = _decode_compact_len(xt0)
        body = xt0[body_at:]
        call_bytes = bytes(self.call.data.data)
        assert body.endswith(call_bytes)
        head = 1 + 33 + 65  # version, MultiAddress::Id, MultiSignature::Sr25519
        extra0 = body[head: len(body) - len(call_bytes)]
        era_len = at - len(call_bytes)
        self.extra_prefix, self.extra_suffix = extra0[:era_len], extra0[era_len + 1:]
        self.call_bytes = call_bytes

    def build(self, pair: tuple[bytes, bytes], nonce: int) -> bytes:
        payload = self.payload_prefix + encode_compact(nonce) + self.payload_suffix
        if len(payload) > 256:
            import hashlib

            payload = hashlib.blake2b(payload, digest_size=32).digest()
        sig = sr25519.sign(pair, payload)
        body = (b"\x84\x00" + pair[0] + b"\x01" + sig + self.extra_prefix + encode_compact(nonce)
                + self.extra_suffix + self.call_bytes)
        return encode_compact(len(body)) + body


def _decode_compact_len(data: bytes) -> tuple[int, int]:
    from localnet.scale.codec import decode_compact

    return decode_compact(data, 0)


def bare_verify_rate(samples: list[tuple[bytes, bytes, bytes]]) -> float:
    t0 = time.perf_counter()
    for sig, msg, pub in samples:
        assert sr25519.verify(sig, msg, pub)
    return len(samples) / (time.perf_counter() - t0)


def node_validation_rate(genesis_path: Path, xts: list[bytes]) -> float:
    """The node's own `validate` (decode, era, nonce, fees, signature) in this process, on a real store."""
    from localnet.genesis import load_genesis
    from localnet.node import BlockMode, Node
    from localnet.runtime.executive import Runtime
    from localnet.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        node = Node(Runtime(load_genesis(genesis_path)), Store(tmp), BlockMode(instant=True))
        state = node.store.at()
        t0 = time.perf_counter()
        for xt in xts:
            node.validate(xt, state)
        rate = len(xts) / (time.perf_counter() - t0)
        node.store.close()
    return rate


def connect_times(url: str, runs: int = 7) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        client = SubstrateInterface(url=url)
        client.init_runtime()
        out.append(time.perf_counter() - t0)
        client.close()
    return out


def inclusion_latency(client: SubstrateInterface, template: Template, pair: tuple[bytes, bytes], runs: int = 20,
                      ) -> list[float]:
    """submit_extrinsic(wait_for_inclusion=True) round trips of pre-signed transfers, one at a time."""
    out = []
    for nonce in range(runs):
        xt = client.create_scale_object("Extrinsic", metadata=client.metadata)
        xt.decode(scalecodec_bytes(template.build(pair, nonce)))
        t0 = time.perf_counter()
        receipt = client.submit_extrinsic(xt, wait_for_inclusion=True)
        out.append(time.perf_counter() - t0)
        assert receipt.extrinsic_hash
    return out


def scalecodec_bytes(raw: bytes) -> object:
    from scalecodec.base import ScaleBytes

    return ScaleBytes(raw)


def pipeline(node: NodeProcess, xts: list[bytes], connections: int) -> dict[str, float]:
    """Send every extrinsic, spread over `connections` sockets, and wait until all are in blocks."""
    start_block = int(node.result("chain_getHeader")["number"], 16)
    socks = [websocket.create_connection(node.url, timeout=60) for _ in range(connections)]
    errors: list[object] = []
    chunks = [xts[i::connections] for i in range(connections)]

    def reader(ws: websocket.WebSocket, expected: int) -> None:
        for _ in range(expected):
            reply = json.loads(ws.recv())
            if "error" in reply:
                errors.append(reply["error"])

    readers = [threading.Thread(target=reader, args=(ws, len(c))) for ws, c in zip(socks, chunks, strict=True)]
    messages = [[json.dumps({"jsonrpc": "2.0", "id": i, "method": "author_submitExtrinsic",
                             "params": ["0x" + xt.hex()]}) for i, xt in enumerate(c)] for c in chunks]
    for r in readers:
        r.start()
    t0 = time.perf_counter()

    def sender(ws: websocket.WebSocket, msgs: list[str]) -> None:
        for m in msgs:
            ws.send(m)

    senders = [threading.Thread(target=sender, args=(ws, m)) for ws, m in zip(socks, messages, strict=True)]
    for s in senders:
        s.start()
    for s in senders:
        s.join()
    submitted_at = time.perf_counter()
    for r in readers:
        r.join()
    accepted_at = time.perf_counter()
    included = 0
    number = start_block
    while included < len(xts) - len(errors) and time.perf_counter() - t0 < 120:
        best = int(node.result("chain_getHeader")["number"], 16)
        while number < best:
            number += 1
            block = node.result("chain_getBlock", [node.result("chain_getBlockHash", [number])])
            included += len(block["block"]["extrinsics"]) - 1  # minus the timestamp inherent
        time.sleep(0.005)
    done = time.perf_counter()
    for ws in socks:
        ws.close()
    return {"sent_s": submitted_at - t0, "accepted_s": accepted_at - t0, "total_s": done - t0,
            "included": included, "rejected": len(errors), "blocks": number - start_block,
            "first_error": errors[0] if errors else None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accounts", type=int, default=256)
    ap.add_argument("--per-account", type=int, default=8)
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    results: dict[str, object] = {"cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        pairs = make_accounts(args.accounts)
        genesis = Path(tmp) / "genesis.json"
        genesis.write_text(json.dumps({"balances": {"0x" + pub.hex(): 1000 for pub, _ in pairs}}))
        node = NodeProcess(Path(tmp) / "node", "--instant", "--genesis", str(genesis)).start()
        try:
            results["node_startup_s"] = round(node.startup_seconds, 3)
            times = connect_times(node.url)
            results["connect_metadata_s"] = {"median": round(statistics.median(times), 3),
                                             "min": round(min(times), 3)}
            client = SubstrateInterface(url=node.url)
            template = Template(client, pairs[0])
            t0 = time.perf_counter()
            xts = [template.build(pair, n) for n in range(args.per_account) for pair in pairs[:-1]]
            results["client_sign_per_s"] = round(len(xts) / (time.perf_counter() - t0))
            t0 = time.perf_counter()
            for _ in range(20):
                client.create_signed_extrinsic(call=template.call, keypair=BOB)
            results["substrate_interface_sign_per_s"] = round(20 / (time.perf_counter() - t0))
            latency = inclusion_latency(client, template, pairs[-1])
            results["submit_wait_inclusion_ms"] = {"median": round(statistics.median(latency) * 1000, 2),
                                                   "p90": round(sorted(latency)[int(len(latency) * 0.9)] * 1000, 2)}
            client.close()
            msg = template.payload_prefix + b"\0" + template.payload_suffix
            samples = [(sr25519.sign(p, msg), msg, p[0]) for p in pairs]
            first_nonce = [template.build(pair, 0) for pair in pairs]
            bares, validations = [], []
            for _ in range(3):  # interleaved, so load from other processes hits both alike
                bares.append(bare_verify_rate(samples * 4))
                validations.append(node_validation_rate(genesis, first_nonce * 4))
            bare, validation = statistics.median(bares), statistics.median(validations)
            results["bare_sr25519_verify_per_s"] = round(bare)
            results["node_validation_per_s"] = round(validation)
            results["validation_vs_verify"] = round(validation / bare, 3)
            run = pipeline(node, xts, args.connections)
            results["end_to_end"] = {**{k: (round(v, 3) if isinstance(v, float) else v) for k, v in run.items()},
                                     "transfers": len(xts)}
            results["transfers_per_s"] = round(run["included"] / run["total_s"])
            results["accepted_per_s"] = round(len(xts) / run["accepted_s"])
        finally:
            node.stop()
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for key, value in results.items():
        print(f"{key:32} {value}")
    targets = [("transfers/s end to end >= 1000", results["transfers_per_s"] >= 1000),
               ("validation >= 25% of bare verify", results["validation_vs_verify"] >= 0.25),
               ("connect + metadata < 0.3 s", results["connect_metadata_s"]["median"] < 0.3)]
    for name, ok in targets:
        print(f"{'PASS' if ok else 'MISS'}  {name}")


if __name__ == "__main__":
    main()
