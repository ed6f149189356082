"""Start the real node as a separate process on a free port with a temporary data dir, and stop it.

Import the fixtures into a test module (`from tests.integration.node_fixtures import instant_node`) or use
`NodeProcess` directly to restart, `kill -9` or switch block modes. Every process started here is stopped
by its own pid when the fixture ends.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from substrateinterface import Keypair, SubstrateInterface

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NodeProcess:
    """One `python -m localnet` process (`--instant` unless other flags are given)."""

    def __init__(self, data_dir: Path, *flags: str, port: int | None = None, fd_limit: int | None = None):
        self.data_dir = Path(data_dir)
        self.fd_limit = fd_limit  # RLIMIT_NOFILE of the node process (tests that exhaust descriptors)
        self.flags = list(flags) or ["--instant"]
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None
        self.startup_seconds = 0.0

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> NodeProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.data_dir / "test-node.log", "ab")  # noqa: SIM115 - owned by the child process
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "localnet", "--data-dir", str(self.data_dir), "--port", str(self.port),
             "--log-level", "WARNING", *self.flags],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=self._limits,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"node exited with {self.proc.returncode}:\n{self.log()[-3000:]}")
            try:
                self.rpc("system_health")
                self.startup_seconds = time.perf_counter() - t0
                return self
            except OSError:
                time.sleep(0.03)
        raise RuntimeError(f"node did not answer within {timeout} s:\n{self.log()[-3000:]}")

    def _limits(self) -> None:
        # A file-size limit then makes writes fail with EFBIG instead of killing the node (disk-full tests).
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        if self.fd_limit is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_NOFILE, (self.fd_limit, self.fd_limit))

    def rss_mb(self) -> float:
        """The node's resident memory now (Linux /proc)."""
        assert self.proc is not None
        with open(f"/proc/{self.proc.pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def log(self) -> str:
        path = self.data_dir / "test-node.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def rpc(self, method: str, params: list | None = None, timeout: float = 10.0) -> Any:
        """One call over HTTP POST; returns the whole reply (result or error)."""
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
        req = urllib.request.Request(self.http_url, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return json.loads(resp.read())

    def rpc_raw(self, body: bytes, timeout: float = 10.0) -> Any:
        """POST any bytes as a JSON-RPC payload; returns the decoded reply."""
        req = urllib.request.Request(self.http_url, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return json.loads(resp.read())

    def result(self, method: str, params: list | None = None) -> Any:
        reply = self.rpc(method, params)
        assert "error" not in reply, reply
        return reply["result"]

    def stop(self, timeout: float = 10.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)

    def kill9(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(5)


@pytest.fixture(scope="module")
def instant_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    """A node sealing blocks on submit, shared by one test module."""
    node = NodeProcess(tmp_path_factory.mktemp("localnet"), "--instant").start()
    yield node
    node.stop()


@pytest.fixture
def fresh_node(tmp_path: Path) -> Iterator[NodeProcess]:
    """A node of its own for tests that restart, kill or overload it."""
    node = NodeProcess(tmp_path / "localnet", "--instant")
    yield node
    node.stop()


def chain_fingerprint(node: NodeProcess) -> tuple[str, str, Any, Any]:
    """Best block number, its state root, and //Alice's and //Bob's System.Account read by a stock
    substrate-interface client: what a restart (crash test) or junk input (fuzz test) must leave equal."""
    head = node.result("chain_getHeader")
    client = SubstrateInterface(url=node.url)
    try:
        alice, bob = (client.query("System", "Account", [Keypair.create_from_uri(uri).ss58_address]).value
                      for uri in ("//Alice", "//Bob"))
    finally:
        client.close()
    return head["number"], head["stateRoot"], alice, bob
