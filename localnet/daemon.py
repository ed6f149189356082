"""A Python process run in the background with a pid file and a log file: the node's pattern, shared.

`taocli localnet start --detach` and `taocli miner|validator start --detach` both spawn a child in its own
session with output to a log, find it again by a JSON pid file (guarded against recycled pids by its
command line), stop it with SIGTERM then SIGKILL, and show or follow its log. This module is that
pattern once; it lives here because localnet may import nothing above it and the CLI may import localnet.
Standard library only: `status` and `logs` commands stay fast.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child (a detached process we started and nobody reaped) is not alive
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ")[-1][:1] != "Z"
    except OSError:
        return True


def cmdline_has(pid: int, marker: bytes) -> bool:
    """Guard against a recycled pid: the process's command line must contain `marker` (where /proc exists)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return marker in fh.read()
    except FileNotFoundError:
        return not Path("/proc/self").exists()  # no /proc (macOS): trust the pid file
    except OSError:
        return True


def read_pid_record(path: Path, marker: bytes) -> dict[str, Any] | None:
    """The live process's pid record (JSON with "pid") at `path`, or None if absent, stale or recycled."""
    try:
        info = json.loads(path.read_text())
        pid = int(info["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return info if pid_alive(pid) and cmdline_has(pid, marker) else None


def spawn(argv: list[str], log_path: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start `argv` in its own session (Ctrl-C in this terminal does not reach it), output appended to the log."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True, env=env)


def terminate(pid: int, timeout: float = 10.0) -> bool:
    """SIGTERM, then SIGKILL after `timeout`; True when it ended on SIGTERM (a clean shutdown)."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + timeout
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if pid_alive(pid):
        os.kill(pid, signal.SIGKILL)
        return False
    return True


def tail(path: Path, lines: int = 50) -> list[str]:
    """The last `lines` lines of a log (reads at most its last 256 KiB)."""
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        fh.seek(max(0, size - 256 * 1024))
        text = fh.read().decode("utf-8", "replace")
    if lines <= 0:  # [-0:] would be the whole log, the opposite of `tail -n 0`
        return []
    return [line + "\n" for line in text.splitlines()[-lines:]]


def follow(path: Path, poll: float = 0.25) -> Iterator[str]:
    """Yield lines appended to the log from now on (for `logs -f`)."""
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        while True:
            line = fh.readline()
            if line:
                yield line.decode("utf-8", "replace")
            else:
                time.sleep(poll)
