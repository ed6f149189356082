#!/usr/bin/env python3
"""What a neuron's metagraph sync costs, against a full read, in one run on one real node.

Starts a real node (`--instant`), fills a subnet with N registered neurons (bench/cli_chain.py's setup),
runs an epoch so every uid holds a validator permit, lets `--setters` of them weight every other uid,
then times
`neuron.metagraph.Metagraph.sync` in-process (median of --runs):
  - baseline: a full lite read (`force=True`: one neuronInfo_getNeuronsLite + decode into arrays)
  - sync when no block came since (what a miner pays every tick between blocks)
  - a full read with weights and bonds (n×n)
  - the incremental full sync after one uid set weights (its row only, no epoch in between)

Usage: .venv/bin/python bench/metagraph_sync.py [--neurons 64] [--setters 16] [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cli_chain import free_port, populate, start_node  # noqa: E402 - needs ROOT on sys.path first


def timed(fn: Callable[[], object], runs: int, before: Callable[[], object] | None = None) -> float:
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neurons", type=int, default=64)
    parser.add_argument("--setters", type=int, default=16)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    from chain.client import Subtensor
    from neuron.chain_link import ChainLink
    from neuron.metagraph import Metagraph
    from wallet.keypair import Keypair

    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        node = start_node(Path(tmp) / "chain", port)
        url = f"ws://127.0.0.1:{port}"
        try:
            netuid, _ = populate(url, Path(tmp) / "wallets", args.neurons)
            alice = Keypair.from_uri("//Alice")
            with Subtensor(url) as client:
                for name, value in (("tempo", 10), ("weights_rate_limit", 0), ("max_validators", args.neurons)):
                    client.execute(client.prepare_sudo_set(alice.ss58_address, netuid, name, value), alice)
                for _ in range(30):  # to the epoch that hands out validator permits
                    client.rpc.call("dev_newBlock", [{"count": 1}])
                    info = client.subnet(netuid)
                    if info is not None and info.blocks_since_last_step == 0:
                        break
                client.rpc.call("dev_newBlock", [{"count": 1}])
                setters = [Keypair.from_uri(f"//BenchNeuron{i}") for i in range(args.setters)]
                others = list(range(args.setters, args.neurons))
                for key in setters:  # validators weight every miner, as real ones do: dense rows
                    client.set_weights(key, netuid, others, [1.0 + (i % 7) for i in range(len(others))])

                link = ChainLink(url)
                graph = Metagraph(netuid)
                graph.sync(link)
                lite = timed(lambda: graph.sync(link, force=True), args.runs)
                unchanged = timed(lambda: graph.sync(link), args.runs)
                full = timed(lambda: graph.sync(link, lite=False, force=True), args.runs)
                graph.sync(link, lite=False, force=True)
                state = {"i": 0}

                def one_more_setter() -> None:
                    key = setters[state["i"] % len(setters)]
                    state["i"] += 1
                    info = client.subnet(netuid)
                    if info is not None and info.blocks_since_last_step >= 9:  # keep clear of the epoch block
                        client.rpc.call("dev_newBlock", [{"count": 3}])
                    client.set_weights(key, netuid, others, [1.0 + (i % 5) for i in range(len(others))])

                rows: list[object] = []
                incremental = timed(lambda: rows.append(graph.sync(link, lite=False).rows), args.runs,
                                    before=one_more_setter)
                link.close()
        finally:
            node.terminate()
            node.wait(10)

    print(f"metagraph sync, {args.neurons} uids ({args.setters} with weights), median of {args.runs}; "
          "2 shared cores")
    print(f"  full lite read (baseline)          {lite * 1000:8.2f} ms   1.00x")
    print(f"  sync, no new block                 {unchanged * 1000:8.2f} ms   {unchanged / lite:.3f}x")
    print(f"  full read with weights and bonds   {full * 1000:8.2f} ms   {full / lite:.2f}x")
    print(f"  incremental full sync (1 row)      {incremental * 1000:8.2f} ms   {incremental / lite:.2f}x"
          f"   ({incremental / full:.2f}x of the full read; rows re-read: {sorted({str(r) for r in rows})})")


if __name__ == "__main__":
    main()
