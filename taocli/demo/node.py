"""A fresh local chain for the demo: its own data dir and genesis file, a free port, always stopped.

The node is the real one (`python -m localnet`), started detached through `localnet.process` exactly as
`taocli localnet start --detach` does. It runs with `--instant` (a block is sealed as soon as a transaction
arrives) and the demo seals empty blocks with `dev_newBlock` when it needs time to pass, so the journey
never waits on a block timer. Leaving the `with` block stops the node, whatever happened inside: an error,
Ctrl-C, or SIGTERM (turned into KeyboardInterrupt while the node runs, so `finally` gets to run).
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from localnet import process as lp
from taocli.demo.narrate import Narrator

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port nothing listens on right now (the node refuses clearly if it is taken meanwhile)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class DemoNode:
    """The running node: where it lives, how to reach it, and whether it was stopped cleanly."""

    config: lp.NodeConfig
    pid: int | None = None
    stopped: bool = False
    port_free: bool = False

    @property
    def url(self) -> str:
        return f"ws://{self.config.host}:{self.config.port}"

    def seal(self, count: int = 1) -> None:
        """Seal `count` empty blocks now (`dev_newBlock`): how time passes on an --instant chain."""
        lp.rpc_call(self.config.host, self.config.port, "dev_newBlock", [{"count": count}])

    def to_json(self) -> dict[str, Any]:
        return {"endpoint": self.url, "data_dir": str(self.config.data_dir), "pid": self.pid,
                "port": self.config.port, "mode": "fast" if self.config.fast else "instant",
                "genesis": str(self.config.genesis),
                "stopped": self.stopped, "port_free": self.port_free}


def write_genesis(path: Path, tempo: int) -> Path:
    """The demo's genesis: the dev accounts, and subnets whose epoch comes every `tempo` blocks."""
    path.write_text("# taocli demo: the dev chain, with a short tempo so epochs come quickly\n"
                    f"[subtensor]\ntempo = {tempo}\n", encoding="utf-8")
    return path


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


@contextmanager
def fresh_node(narrator: Narrator, root: Path, tempo: int, keep: bool = False) -> Iterator[DemoNode]:
    """Start a node on a fresh chain under `root`, yield it, and stop it on the way out, always.

    With `keep`, a run that went well leaves the chain running, restarted with its own block timer (`--fast`)
    on the same data dir and port, so the neurons kept with it see time pass without the demo sealing blocks.
    """
    config = lp.NodeConfig(data_dir=root / "chain", host=HOST, port=free_port(), instant=True,
                           genesis=write_genesis(root / "genesis.toml", tempo))
    node = DemoNode(config)
    kept = False
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if main else None
    try:
        narrator.command(["localnet", "start", "--instant", "--detach", "--data-dir", str(config.data_dir),
                          "--port", str(config.port), "--genesis", str(config.genesis)])
        info = lp.start_detached(config)
        node.pid = int(info["pid"])
        narrator.step("local chain started", f"pid {node.pid}, {node.url}, genesis tempo {tempo}, "
                      f"log {info.get('log')}")
        yield node
        if keep:
            _stop(narrator, node, main)
            config.instant, config.fast = False, True
            node.pid = int(lp.start_detached(config)["pid"])
            node.stopped = node.port_free = False
            kept = True
            narrator.step("local chain restarted with a block every 0.25 s (--fast), kept running",
                          f"pid {node.pid}, {node.url}, same data dir")
    finally:
        if not kept:  # an error or Ctrl-C stops the chain even under --keep
            _stop(narrator, node, main)
        if main:
            signal.signal(signal.SIGTERM, previous)


def _terminate(pid: int, timeout: float = 10.0) -> None:
    """SIGTERM, then SIGKILL after `timeout`: what `localnet.process.stop` does, by pid alone."""
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while lp.pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if lp.pid_alive(pid):
        os.kill(pid, signal.SIGKILL)


def _stop(narrator: Narrator, node: DemoNode, main: bool) -> None:
    """Stop the node if it runs (also after a failed start), with Ctrl-C held off for that second."""
    held = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        running = lp.read_pid_file(node.config.data_dir)
        if running is not None:
            node.pid = lp.stop(node.config.data_dir)
        elif node.pid is not None and lp.pid_alive(node.pid):
            _terminate(node.pid)  # our own child, whose pid file went missing (data dir deleted under it)
        node.stopped = node.pid is None or not lp.pid_alive(node.pid)
        node.port_free = not lp.port_open(node.config.host, node.config.port)
    finally:
        if main:
            signal.signal(signal.SIGINT, held)
    if node.pid is not None:
        narrator.say(f"\n  • local chain stopped: pid {node.pid} {'gone' if node.stopped else 'STILL RUNNING'}, "
                     f"port {node.config.port} {'free' if node.port_free else 'STILL IN USE'}")
