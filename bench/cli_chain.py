#!/usr/bin/env python3
"""Wall time of chain commands on the local chain, beside `taocli --help`, in one run.

Starts a real node (`python -m localnet --instant`) in a temporary data dir, creates a subnet and fills
it with 256 burned registrations, then times fresh `taocli` processes:
  - `taocli --help`                        (start-up floor: no chain at all)
  - `taocli wallet balance`                (one storage read + one runtime-API call)
  - `taocli subnets show --netuid N`       (the 256-neuron metagraph: one RPC, decoded by chain.types)
and, for the write path, the substrate-interface connection in a fresh process with the metadata decoded
from the node vs loaded from the disk cache (`chain.metadata_cache`).

Usage: .venv/bin/python bench/cli_chain.py [--runs N] [--neurons N]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cli_startup import taocli_command, time_runs  # noqa: E402 - needs ROOT on sys.path first


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_node(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-m", "localnet", "--data-dir", str(data_dir), "--port", str(port),
                             "--instant", "--log-level", "WARNING"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "system_health", "params": []}).encode()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            req = urllib.request.Request(f"http://127.0.0.1:{port}", data=body,
                                         headers={"Content-Type": "application/json"})
            urllib.request.urlopen(req, timeout=2).read()
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("the node did not start within 30 s")


def populate(url: str, wallets: Path, neurons: int) -> tuple[int, float]:
    """A wallet 'bench' (plaintext), a subnet owned by //Alice, and `neurons` registered hotkeys."""
    from chain.balance import Balance
    from chain.client import Subtensor
    from wallet.keypair import Keypair
    from wallet.wallet import Wallet

    t0 = time.perf_counter()
    alice = Keypair.from_uri("//Alice")
    bench = Keypair.from_uri("//BenchColdkey")
    w = Wallet("bench", "default", str(wallets))
    w.set_coldkey(bench, password=None)
    w.set_hotkey(Keypair.from_uri("//BenchHotkey"))
    with Subtensor(url) as client:
        client.execute(client.balances.prepare_transfer(alice.ss58_address, bench.ss58_address, Balance.from_tao(500)),
                       alice)
        receipt = client.execute(client.subnets.prepare_register_network(alice.ss58_address), alice)
        netuid = receipt.find("SubtensorModule", "NetworkAdded").attributes[0]
        for name, value in (("max_regs_per_block", neurons), ("target_regs_per_interval", neurons),
                            ("max_allowed_uids", max(neurons, 256))):
            client.execute(client.admin.prepare_sudo_set(alice.ss58_address, netuid, name, value), alice)
        for i in range(neurons):
            hotkey = Keypair.from_uri(f"//BenchNeuron{i}").ss58_address
            client.execute(client.registration.prepare_burned_register(alice.ss58_address, netuid, hotkey), alice)
        assert len(client.subnets.neurons_lite(netuid)) >= neurons
    return netuid, time.perf_counter() - t0


CONNECT = ("import sys, time; from chain.client import Subtensor; s = Subtensor(sys.argv[1], metadata_cache="
           "sys.argv[2] == '1'); import substrateinterface; t = time.perf_counter(); s.substrate; "
           "print(time.perf_counter() - t, s.timings.metadata_cached)")


def connect_times(url: str, env: dict[str, str], cached: bool, runs: int, check: bool = True) -> list[float]:
    """Seconds to open the signing connection (metadata decode or cache load) in a fresh process."""
    out = []
    for _ in range(runs):
        proc = subprocess.run([sys.executable, "-c", CONNECT, url, "1" if cached else "0"], env=env, cwd=ROOT,
                              capture_output=True, text=True, check=True)
        seconds, hit = proc.stdout.split()
        assert not check or (hit == "True") == cached, proc.stdout
        out.append(float(seconds))
    return out


def line(label: str, times: list[float], base: float) -> str:
    med = statistics.median(times)
    return f"{label:<44} min {min(times) * 1000:7.0f} ms  median {med * 1000:7.0f} ms  ({med / base:4.1f}x help)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--neurons", type=int, default=256)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="taocli-bench-") as tmp:
        home = Path(tmp)
        port = free_port()
        node = start_node(home / "node", port)
        url = f"ws://127.0.0.1:{port}"
        try:
            env = {k: v for k, v in os.environ.items() if not k.startswith(("TAOCLI_", "BT_"))}
            env.update({"HOME": str(home), "TAOCLI_CACHE_DIR": str(home / "cache"), "NO_COLOR": "1"})
            wallets = home / "wallets"
            netuid, setup = populate(url, wallets, args.neurons)
            print(f"node on {url}; subnet {netuid} with {args.neurons} neurons registered in {setup:.1f} s")
            cli = taocli_command()
            help_times = time_runs([*cli, "--help"], env, args.runs)
            base = statistics.median(help_times)
            print(line("taocli --help", help_times, base))
            print(line("taocli wallet balance", time_runs(
                [*cli, "wallet", "balance", "-w", "bench", "-p", str(wallets), "-n", url, "--json"], env, args.runs),
                base))
            print(line(f"taocli subnets show --netuid {netuid} ({args.neurons} uids)", time_runs(
                [*cli, "subnets", "show", "--netuid", str(netuid), "-n", url, "--json"], env, args.runs), base))
            print(line(f"taocli subnets show (table, {args.neurons} uids)", time_runs(
                [*cli, "subnets", "show", "--netuid", str(netuid), "-n", url], env, args.runs), base))
            decoded = connect_times(url, env, False, args.runs)
            connect_times(url, env, True, 1, check=False)  # writes the cache file
            cached = connect_times(url, env, True, args.runs)
            d, c = statistics.median(decoded), statistics.median(cached)
            print(f"{'signing connection, metadata decoded':<44} median {d * 1000:7.0f} ms")
            print(f"{'signing connection, metadata from disk cache':<44} median {c * 1000:7.0f} ms  "
                  f"({d / c:.1f}x faster, {(d - c) * 1000:.0f} ms saved per write command)")
        finally:
            node.send_signal(signal.SIGTERM)
            try:
                node.wait(10)
            except subprocess.TimeoutExpired:
                node.kill()


if __name__ == "__main__":
    main()
