"""A taocli axon serving Echo (async, trivial) as its own process, for load tests and bench/axon.py.

Usage: python -m tests.integration.neuron_axon_proc [--freshness S] [--max-nonces N] [--concurrency N]
Prints ``READY <port>`` once listening; serves until stdin closes, then prints its stats as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys

from neuron import Axon
from tests.integration.neuron_fixtures import AXON_KEY, echo


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--freshness", type=float, default=16.0)
    parser.add_argument("--max-nonces", type=int, default=200_000)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    axon = Axon(AXON_KEY, host="127.0.0.1", port=0, freshness_seconds=args.freshness,
                max_concurrency=args.concurrency)
    axon.replay.max_entries = args.max_nonces
    axon.attach(echo).start()
    print(f"READY {axon.port}", flush=True)
    try:
        sys.stdin.read()
    finally:
        axon.stop(grace=2.0)
        print(json.dumps(axon.stats()), flush=True)


if __name__ == "__main__":
    main()
