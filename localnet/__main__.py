"""`python -m localnet`: run the local chain node in the foreground until Ctrl-C or SIGTERM.

The process writes `node.pid` (JSON: pid, host, port, mode) into its data dir while it runs, so
`taocli localnet status/stop` find it however it was started, and removes it on a clean exit. Bad input
(a taken port, an unreadable genesis file) is one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import json
import logging
import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

from localnet.process import DEFAULT_HOST, DEFAULT_PORT, PID_FILE, default_data_dir

DEFAULT_BLOCK_TIME = 12.0
FAST_BLOCK_TIME = 0.25


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m localnet", description="Run the taocli local chain node.")
    p.add_argument("--name", default="default", help="chain name; data goes to ~/.taocli/localnet/<name>")
    p.add_argument("--data-dir", type=Path, help="where blocks and state are kept (overrides --name)")
    p.add_argument("--host", default=DEFAULT_HOST, help="interface to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help="JSON-RPC port, WebSocket and HTTP (9944)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--block-time", type=float, help="seconds between blocks (default 12)")
    mode.add_argument("--fast", action="store_true", help="a block every 0.25 s")
    mode.add_argument("--instant", action="store_true", help="seal a block as soon as extrinsics wait")
    p.add_argument("--archive", action="store_true", help="keep the state of every block (default: last 256)")
    p.add_argument("--genesis", type=Path, help="genesis file (TOML or JSON) for a fresh chain")
    p.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING or ERROR")
    return p


def _fail(message: str) -> None:
    sys.stderr.write(f"localnet: error: {message}\n")
    sys.stderr.flush()
    raise SystemExit(2)


def _mode(args: argparse.Namespace) -> Any:
    from localnet.node import BlockMode

    if args.instant:
        return BlockMode(instant=True, interval=0.0)
    interval = FAST_BLOCK_TIME if args.fast else (args.block_time or DEFAULT_BLOCK_TIME)
    if not 0.01 <= interval <= 3600:
        _fail(f"--block-time {interval:g} is out of range; use 0.01 to 3600 seconds")
    return BlockMode(instant=False, interval=interval)


def _runtime(genesis_path: Path | None) -> Any:
    from localnet.genesis import GenesisError, dev_genesis, load_genesis
    from localnet.runtime.executive import Runtime

    if genesis_path is None:
        return Runtime(dev_genesis())
    try:
        genesis = load_genesis(genesis_path)
    except OSError as err:
        _fail(f"cannot read genesis file {genesis_path}: {err.strerror or err}; check the path")
    except Exception as err:
        _fail(f"genesis file {genesis_path} is invalid: {err}")
    try:
        return Runtime(genesis)  # checks [runtime] pallet names against the pallets it has
    except GenesisError as err:
        _fail(f"genesis file {genesis_path} is invalid: {err}")


def _check_port(host: str, port: int) -> None:
    if not 0 <= port <= 65535:
        _fail(f"--port {port} is not a TCP port; use 1-65535")
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                _fail(f"port {port} on {host} is already in use (is a localnet already running? "
                      "try `taocli localnet status`)")
            _fail(f"cannot listen on {host}:{port}: {err.strerror or err}; check --host")


def _open_store(data_dir: Path, archive: bool) -> Any:
    """The chain database, locked for this process; every refusal is one line naming the file and the fix."""
    import sqlite3

    from localnet.store import Store, StoreError

    try:
        return Store(data_dir, archive=archive)
    except StoreError as err:
        _fail(str(err))
    except (OSError, sqlite3.Error) as err:
        reason = getattr(err, "strerror", None) or err
        _fail(f"cannot open the chain database in {data_dir}: {reason}; check the directory's owner and "
              "permissions and the free disk space")


def _discard(store: Any) -> None:
    """Close the store after a failed start; a database this start created (no genesis yet) is removed so the
    next start is not refused for an empty or half-made chain."""
    from localnet.process import CHAIN_FILES

    store.close()
    if store.created:
        for name in CHAIN_FILES:
            (store.path / name).unlink(missing_ok=True)


async def serve(args: argparse.Namespace, ready: Any = None) -> None:
    """Run node and RPC until cancelled or signalled; `ready(server)` is called once listening."""
    from localnet.genesis import GenesisError
    from localnet.node import Node
    from localnet.rpc import build_dispatcher
    from localnet.rpc.server import PortInUse, RpcServer
    from localnet.store import StoreError

    data_dir: Path = args.data_dir or default_data_dir(args.name)
    mode = _mode(args)
    started = time.perf_counter()
    store = _open_store(data_dir, args.archive)  # first: a second node on this data dir is refused naming the pid
    try:
        _check_port(args.host, args.port)
        runtime = _runtime(args.genesis)
        try:
            node = Node(runtime, store, mode)  # a fresh chain runs the pallets' genesis builders here
        except GenesisError as err:
            _fail(f"genesis file {args.genesis} is invalid: {err}")
        except StoreError as err:  # writing the genesis block failed (disk full)
            _fail(str(err))
    except SystemExit:
        _discard(store)
        raise
    server = RpcServer(build_dispatcher(node), args.host, args.port)
    try:
        await server.start()
    except PortInUse as err:
        _discard(store)
        _fail(str(err.strerror))
    except OSError as err:
        _discard(store)
        _fail(f"cannot listen on {args.host}:{args.port}: {err.strerror or err}")
    pid_path = data_dir / PID_FILE
    pid_path.write_text(json.dumps({"pid": os.getpid(), "host": args.host, "port": server.port,
                                    "mode": mode.describe(), "started": time.time()}))
    node.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    best = node.best
    print(f"localnet ready on ws://{args.host}:{server.port} (also HTTP POST) | chain {runtime.chain_name} | "
          f"blocks {mode.describe()} | best #{best.number} 0x{best.hash.hex()[:16]}… | data {data_dir} | "
          f"started in {time.perf_counter() - started:.2f} s", flush=True)
    if ready is not None:
        ready(server)
    try:
        await stop.wait()
    finally:
        logging.getLogger("localnet").info("stopping at block #%d", node.best.number)
        await server.close()
        await node.stop()
        store.close()
        with contextlib.suppress(OSError):
            if json.loads(pid_path.read_text()).get("pid") == os.getpid():
                pid_path.unlink()
        print("localnet stopped", flush=True)


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    logging.basicConfig(level=getattr(logging, str(args.log_level).upper(), logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args))


if __name__ == "__main__":
    main()
