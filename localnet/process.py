"""Start, stop and inspect the node process from outside it (what `taocli localnet` calls).

Light on purpose: only the standard library at import time, so `taocli localnet status` stays fast. The
running node keeps `node.pid` (JSON) in its data dir; a detached node logs to `node.log` beside it.
Every refusal is a `LocalnetError` whose text is one line naming the cause and the remedy.
"""

from __future__ import annotations

import json
import shutil
import socket
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from localnet import daemon
from localnet.daemon import pid_alive  # noqa: F401 - re-exported: the CLI and the demo use it from here

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 9944
PID_FILE = "node.pid"
LOG_FILE = "node.log"
CHAIN_FILES = ("chain.sqlite", "chain.sqlite-wal", "chain.sqlite-shm")


class LocalnetError(Exception):
    """A one-line, user-fixable problem with the local node."""


def default_data_dir(name: str = "default") -> Path:
    """`~/.taocli/localnet/<name>`: one directory per named chain."""
    return Path.home() / ".taocli" / "localnet" / name


@dataclass
class NodeConfig:
    """Everything `python -m localnet` accepts, as data."""

    data_dir: Path = field(default_factory=default_data_dir)
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    block_time: float | None = None
    fast: bool = False
    instant: bool = False
    archive: bool = False
    genesis: Path | None = None

    def argv(self) -> list[str]:
        args = ["--data-dir", str(self.data_dir), "--host", self.host, "--port", str(self.port)]
        if self.instant:
            args.append("--instant")
        elif self.fast:
            args.append("--fast")
        elif self.block_time is not None:
            args += ["--block-time", str(self.block_time)]
        if self.archive:
            args.append("--archive")
        if self.genesis is not None:
            args += ["--genesis", str(self.genesis)]
        return args


# -- small helpers ----------------------------------------------------------------------------------------

def port_open(host: str, port: int, timeout: float = 0.3) -> bool:
    """True if something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def read_pid_file(data_dir: Path) -> dict[str, Any] | None:
    """The running node's pid record, or None if there is none (or it is stale, or its pid was recycled)."""
    return daemon.read_pid_record(data_dir / PID_FILE, b"localnet")


def rpc_call(host: str, port: int, method: str, params: list | None = None, timeout: float = 5.0) -> Any:
    """One JSON-RPC call over HTTP POST; raises LocalnetError on transport or RPC failure."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
    req = urllib.request.Request(f"http://{host}:{port}/", data=body,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            reply = json.loads(resp.read())
    except (OSError, ValueError) as err:
        raise LocalnetError(f"no localnet answers on {host}:{port} ({err}); start one with "
                            "`taocli localnet start`") from None
    if "error" in reply:
        raise LocalnetError(f"{method} failed: {reply['error'].get('message')} {reply['error'].get('data') or ''}")
    return reply.get("result")


# -- commands ---------------------------------------------------------------------------------------------

def check_can_start(config: NodeConfig) -> None:
    """Refuse early and clearly if this data dir already runs a node or the port is taken."""
    running = read_pid_file(config.data_dir)
    if running:
        raise LocalnetError(f"a localnet is already running from {config.data_dir} (pid {running['pid']}, "
                            f"port {running.get('port')}); stop it with `taocli localnet stop`")
    if port_open(config.host, config.port):
        raise LocalnetError(f"port {config.port} on {config.host} is already in use; stop whatever uses it "
                            "or pick another with --port")
    if config.genesis is not None and not config.genesis.is_file():
        raise LocalnetError(f"genesis file {config.genesis} does not exist; check the path")
    # mkdir's bare "File exists" / "Not a directory" named neither the cause nor the fix.
    where = config.data_dir
    while not where.exists() and where.parent != where:
        where = where.parent
    if not where.is_dir():
        raise LocalnetError(f"the data dir {config.data_dir} cannot be made: {where} is a file, not a directory; "
                            "move it away or pick another --data-dir")


def start_detached(config: NodeConfig, timeout: float = 15.0) -> dict[str, Any]:
    """Spawn the node in the background (own session, output to node.log) and wait until it answers."""
    check_can_start(config)
    config.data_dir.mkdir(parents=True, exist_ok=True)
    log_path = config.data_dir / LOG_FILE
    proc = daemon.spawn([sys.executable, "-m", "localnet", *config.argv()], log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code = proc.poll()
        if code is not None:
            tail = [line for line in log_tail(config.data_dir, 20) if "error" in line.lower()]
            why = tail[-1].strip() if tail else f"exit code {code}"
            raise LocalnetError(f"the node stopped during start-up: {why} (full log: {log_path})")
        info = read_pid_file(config.data_dir)
        if info and info.get("pid") == proc.pid and port_open(config.host, config.port, 0.2):
            info["log"] = str(log_path)
            return info
        time.sleep(0.05)
    raise LocalnetError(f"the node did not answer within {timeout:g} s; see {log_path}")


def stop(data_dir: Path, timeout: float = 10.0) -> int:
    """Stop the node running from `data_dir` (SIGTERM, then SIGKILL after `timeout`); returns its pid."""
    info = read_pid_file(data_dir)
    if info is None:
        raise LocalnetError(f"no localnet is running from {data_dir}; nothing to stop")
    pid = int(info["pid"])
    daemon.terminate(pid, timeout)
    (data_dir / PID_FILE).unlink(missing_ok=True)
    return pid


def status(data_dir: Path, host: str | None = None, port: int | None = None) -> dict[str, Any]:
    """What the node reports about itself (endpoint, mode, best block, accounts, subnets), or not running."""
    info = read_pid_file(data_dir)
    if info is None and port is None:
        return {"running": False, "dataDir": str(data_dir),
                "hasChain": (data_dir / CHAIN_FILES[0]).exists()}
    host = host or (info or {}).get("host", DEFAULT_HOST)
    port = port or (info or {}).get("port", DEFAULT_PORT)
    report = rpc_call(host, port, "localnet_status")
    report.update({"running": True, "endpoint": f"ws://{host}:{port}", "pid": (info or {}).get("pid")})
    return report


def reset(data_dir: Path) -> list[str]:
    """Delete the chain database so the next start writes a fresh genesis; refuses while running."""
    from localnet.store_guard import lock_holder

    holder = lock_holder(data_dir) if data_dir.is_dir() else None
    if read_pid_file(data_dir) or holder:
        pid = f" (pid {holder})" if holder else ""
        raise LocalnetError(f"the localnet in {data_dir} is running{pid}; stop it first with "
                            f"`taocli localnet stop --data-dir {data_dir}`")
    removed = []
    for name in CHAIN_FILES:
        path = data_dir / name
        if path.exists():
            path.unlink()
            removed.append(name)
    return removed


def log_tail(data_dir: Path, lines: int = 50) -> list[str]:
    """The last `lines` lines of the detached node's log."""
    path = data_dir / LOG_FILE
    if not path.exists():
        raise LocalnetError(f"no log at {path}; only a node started with --detach writes one")
    return daemon.tail(path, lines)


def follow_log(data_dir: Path, poll: float = 0.25) -> Iterator[str]:
    """Yield lines appended to the log from now on (for `logs -f`)."""
    return daemon.follow(data_dir / LOG_FILE, poll)


def remove_all(data_dir: Path) -> None:
    """Remove a stopped chain's whole directory (tests and `reset --all`)."""
    if read_pid_file(data_dir):
        raise LocalnetError(f"the localnet in {data_dir} is running; stop it first")
    shutil.rmtree(data_dir, ignore_errors=True)
