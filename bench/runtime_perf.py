"""Measure the runtime's hot paths on one core: `python bench/runtime_perf.py [N]`.

Prints signed-transfer validation rate and block execution cost per transfer, the two numbers the node's
end-to-end target (>= 1,000 transfers/s) depends on. No test asserts them: machines differ.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from localnet.runtime.executive import Runtime
from localnet.runtime.pallets import BY_NAME
from wallet.keypair import Keypair

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.devchain import DevChain
from tests.support.devsign import sign_extrinsic


def measure(n: int = 2000) -> dict[str, float]:
    """Sign `n` transfers from //Alice, validate each at the head, then execute them in one block."""
    alice, bob = Keypair.from_uri("//Alice"), Keypair.from_uri("//Bob")
    t0 = time.perf_counter()
    chain = DevChain(Runtime())
    start_s = time.perf_counter() - t0
    chain.produce([])
    call = BY_NAME["Balances"].calls_by_name["transfer_keep_alive"].encode({"Id": bob.public_key}, 10**9)
    xts = [sign_extrinsic(alice.public_key, alice.sign, call, nonce=i, genesis_hash=chain.genesis_hash)
           for i in range(n)]
    t0 = time.perf_counter()
    for xt in xts:
        chain.validate(xt)
    validate_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    block = chain.produce(xts)
    execute_s = time.perf_counter() - t0
    if block.outcome.rejected or len(block.extrinsics) != n + 1:
        raise RuntimeError(f"{len(block.outcome.rejected)} transfers were rejected")
    return {"runtime_start_ms": start_s * 1e3, "validate_per_s": n / validate_s,
            "execute_ms_per_transfer": execute_s / n * 1e3, "block_ms": execute_s * 1e3}


def main(argv: list[str]) -> None:
    """Entry point: optional argument N (transfers, default 2000)."""
    n = int(argv[1]) if len(argv) > 1 else 2000
    for key, value in measure(n).items():
        print(f"{key:>26}: {value:,.3f}")


if __name__ == "__main__":
    main(sys.argv)
