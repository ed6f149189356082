"""Run a real subtensor runtime under chopsticks for tests: install (once, into the user cache), boot on a free
port, and drive blocks and storage.

chopsticks executes the real compiled runtime from a raw chain spec and serves standard JSON-RPC, so taocli's
decoders and maths can be checked against the runtime's own answers. It is kept outside the repo in
~/.cache/taocli/chopsticks/<version> (installed with npm on first use, ~55 s); without npm the tests skip.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

from chain.rpc import RpcConnection

VERSION = "1.5.1"
CACHE = Path.home() / ".cache" / "taocli" / "chopsticks" / VERSION
RUNTIMES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "subtensor-runtimes"


def chopsticks_bin() -> Path | None:
    """The chopsticks executable, installed into the cache on first use; None if it cannot be installed."""
    binary = CACHE / "node_modules" / ".bin" / "chopsticks"
    if binary.exists():
        return binary
    npm = shutil.which("npm")
    if npm is None:
        return None
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run([npm, "install", "--prefix", str(CACHE), f"@acala-network/chopsticks@{VERSION}"],
                   check=False, capture_output=True, timeout=600)
    return binary if binary.exists() else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Chopsticks:
    """One chopsticks process in Manual block mode and a JSON-RPC connection to it."""

    def __init__(self, binary: Path, args: list[str], log: Path, timeout: float = 180) -> None:
        self.port = free_port()
        self.url = f"ws://127.0.0.1:{self.port}"
        cmd = [str(binary), *args, "--build-block-mode", "Manual", "--allow-unresolved-imports",
               "--port", str(self.port), "--host", "127.0.0.1"]
        self.proc = subprocess.Popen(cmd, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
        self.rpc = RpcConnection(self.url, timeout=120)
        deadline = time.time() + timeout
        while True:
            try:
                self.rpc.call("chain_getBlockHash", [0])
                return
            except Exception:
                if self.proc.poll() is not None or time.time() > deadline:
                    self.stop()
                    raise RuntimeError(f"chopsticks did not start; see {log}") from None
                time.sleep(1)

    def call(self, method: str, params: list[Any] | None = None) -> Any:
        return self.rpc.call(method, params)

    def new_block(self, count: int = 1) -> str:
        self.call("dev_newBlock", [{"count": count}])
        return self.call("chain_getBlockHash")

    def set_storage(self, changes: dict[str, Any] | list[list[str]]) -> None:
        """chopsticks' dev_setStorage: {pallet: {item: [[[keys], value]]}} by name, or [[key, value]] raw."""
        self.call("dev_setStorage", [changes])

    def stop(self) -> None:
        self.rpc.close()
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def spec218_args() -> list[str]:
    return ["--genesis", str(RUNTIMES / "raonet.json")]


def spec143_args(tmp: Path) -> list[str]:
    text = (RUNTIMES / "code_substitute_2585476.txt").read_text().strip()
    wasm = tmp / "spec143.wasm"
    wasm.write_bytes(bytes.fromhex(text[2:] if text.startswith("0x") else text))
    return ["--genesis", str(RUNTIMES / "raw_spec_testfinney.json"), "--wasm-override", str(wasm)]
