"""The REAL subtensor runtime (spec 143, the March-2024 WASM) run by chopsticks, for differential tests.

Why: taocli's chain client and its local chain were only ever checked against each other, so a deviation
both shared (fees decoded and encoded as u128) stayed invisible. Here the judge is the real runtime: the
compressed WASM from `shared/fixtures/subtensor-runtimes/` executed by chopsticks (an npm package that runs a
Substrate runtime and serves standard JSON-RPC).

chopsticks is installed with npm into a cache OUTSIDE the repo (`~/.cache/taocli/chopsticks/<version>`, root
moved by TAOCLI_TEST_CACHE as in tests/sdk_venv.py), once, under a file lock so xdist workers wait for one
install. Where Node.js is missing the tests skip with one line saying what to install; under CI=true that is a
failure instead, because CI must run them. Every process started here is stopped by its own pid.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.integration.node_fixtures import ROOT, free_port
from tests.sdk_venv import cache_root

CHOPSTICKS_VERSION = "1.5.1"
RUNTIMES = ROOT.parent / "shared" / "fixtures" / "subtensor-runtimes"
GENESIS = RUNTIMES / "raw_spec_testfinney.json"
WASM_HEX = RUNTIMES / "code_substitute_2585476.txt"  # spec 143, compressed WASM as hex
RAONET = RUNTIMES / "raonet.json"  # spec 218 (Feb 2025, dTAO): its genesis carries its own code
SPEC_VERSION = 143


class ChopsticksUnavailable(RuntimeError):
    """Node.js, npm, the fixtures or the chopsticks install are missing."""


def _unavailable(reason: str) -> None:
    """Skip with one line naming what to install, or fail under CI (which must run these tests)."""
    if os.environ.get("CI"):
        pytest.fail(f"realchain tests cannot run: {reason}")
    pytest.skip(reason)


def chopsticks_bin() -> Path:
    """The chopsticks executable of the cached install, installing it on first use (npm, ~1 min)."""
    home = cache_root() / "chopsticks" / CHOPSTICKS_VERSION
    exe = home / "node_modules" / ".bin" / "chopsticks"
    if exe.exists():
        return exe
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise ChopsticksUnavailable("Node.js (node and npm, version 20 or later) is not installed: install it "
                                    "(e.g. apt-get install nodejs npm) to run the realchain tests")
    home.mkdir(parents=True, exist_ok=True)
    with (home.parent / f".{CHOPSTICKS_VERSION}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if exe.exists():
            return exe
        log = home / "npm-install.log"
        with log.open("ab") as out:
            proc = subprocess.run(
                ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(home),
                 f"@acala-network/chopsticks@{CHOPSTICKS_VERSION}"],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=900)
        if proc.returncode != 0 or not exe.exists():
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-10:])
            raise ChopsticksUnavailable(f"npm install @acala-network/chopsticks@{CHOPSTICKS_VERSION} failed "
                                        f"(log {log}):\n{tail}")
    return exe


def spec143_wasm() -> Path:
    """The spec-143 WASM decoded from its hex fixture, cached beside the chopsticks install."""
    if not WASM_HEX.exists() or not GENESIS.exists():
        raise ChopsticksUnavailable(f"the runtime fixtures are missing under {RUNTIMES} (the shared/ checkout "
                                    f"beside the repo)")
    target = cache_root() / "chopsticks" / "spec143.wasm"
    if not target.exists():
        text = WASM_HEX.read_text().strip()
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(bytes.fromhex(text[2:] if text.startswith("0x") else text))
        partial.replace(target)  # atomic: another worker never sees half a file
    return target


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM it when the test process dies (a killed pytest or xdist worker
    never runs the fixture's teardown, and a node process in its own session would outlive it)."""
    import ctypes
    from contextlib import suppress

    with suppress(OSError, AttributeError):  # not Linux: the fixture's own stop() still ends it
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Chopsticks:
    """One chopsticks process serving a real runtime on a free port: spec 143 with blocks built on submit by
    default; `raonet=True` is spec 218 (its genesis carries its code), `runtime_args` (e.g. `["--genesis",
    RAONET]`) any other, and `build_mode` ("Manual": blocks only on `dev_newBlock`) another mode."""

    def __init__(self, workdir: Path, runtime_args: list[str] | None = None, build_mode: str = "Instant", *,
                 raonet: bool = False) -> None:
        self.workdir = workdir
        self.runtime_args = ["--genesis", str(RAONET)] if raonet and runtime_args is None else runtime_args
        self.build_mode = build_mode
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.startup_seconds = 0.0

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90.0) -> Chopsticks:
        exe = chopsticks_bin()
        if self.runtime_args is None:
            runtime = ["--genesis", str(GENESIS), "--wasm-override", str(spec143_wasm())]
        else:
            runtime = self.runtime_args
            missing = [a for a in runtime if a.endswith(".json") and not Path(a).exists()]
            if missing:
                raise ChopsticksUnavailable(f"the runtime fixture {missing[0]} is missing (the shared/ checkout "
                                            f"beside the repo)")
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = (self.workdir / "chopsticks.log").open("ab")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [str(exe), *runtime, "--allow-unresolved-imports",
             "--build-block-mode", self.build_mode, "--port", str(self.port), "--host", "127.0.0.1"],
            cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, preexec_fn=_die_with_parent)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"chopsticks exited with {self.proc.returncode}:\n{self.log()[-3000:]}")
            try:
                self.rpc("chain_getHeader")
                self.startup_seconds = time.perf_counter() - t0
                return self
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"chopsticks did not answer within {timeout:.0f} s:\n{self.log()[-3000:]}")

    def log(self) -> str:
        path = self.workdir / "chopsticks.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def rpc(self, method: str, params: list[Any] | None = None, timeout: float = 60.0) -> dict[str, Any]:
        """One JSON-RPC call over HTTP POST; the whole reply (result or error)."""
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}", data=body,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return json.loads(resp.read())

    def result(self, method: str, params: list[Any] | None = None) -> Any:
        reply = self.rpc(method, params)
        assert "error" not in reply, reply
        return reply["result"]

    def call(self, method: str, params: list[Any] | None = None) -> Any:
        """The result, with an error reply raised as chain.rpc.RpcError: the interface of taocli's
        RpcConnection, so chain code (e.g. chain.dtao.connect) can take this process directly."""
        from chain.rpc import RpcError

        reply = self.rpc(method, params)
        error = reply.get("error")
        if error is not None:
            raise RpcError(method, error.get("code"), str(error.get("message", error)))
        return reply["result"]

    def fund_and_make_sudo(self, address: str, rao: int) -> None:
        """Give `address` a free balance and the sudo key (neither genesis does), then build a block."""
        account = {"nonce": 0, "consumers": 0, "providers": 1, "sufficients": 0,
                   "data": {"free": rao, "reserved": 0, "frozen": 0, "flags": 0}}
        self.result("dev_setStorage", [{"Sudo": {"Key": address}, "System": {"Account": [[[address], account]]}}])
        self.result("dev_newBlock", [{"count": 1}])

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)  # its own session: node and any child it spawned
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)


def start_real_chain(workdir: Path, runtime_args: list[str] | None = None,
                     build_mode: str = "Instant", *, raonet: bool = False) -> Chopsticks:
    """A started chopsticks, or a skip (a fail under CI) naming what is missing."""
    try:
        return Chopsticks(workdir, runtime_args, build_mode, raonet=raonet).start()
    except ChopsticksUnavailable as exc:
        _unavailable(str(exc))
        raise  # unreachable: skip/fail raise
