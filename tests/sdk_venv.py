"""Virtual environments holding an official bittensor SDK, for tests that run it beside taocli.

The SDK is the other side of the wire in interop tests (its dendrite, axon, subtensor client and btcli), so
it must run as a real install, not as a mock. Each version lives in its own venv under
`~/.cache/taocli/sdk-venvs/bittensor-<version>` (`TAOCLI_TEST_CACHE` moves the root), outside the repo,
built once and reused by later runs. torch is pinned to the CPU build on the machine's disk before the SDK
is installed, because an unpinned torch pulls a multi-GB CUDA build; `setuptools<81` keeps the
`pkg_resources` the 6.x SDK imports.

Creation is guarded by a file lock, so pytest-xdist workers asking for the same version wait for one build.
A failed build raises `SdkUnavailable` with pip's last lines; tests decide whether that skips (a developer
machine without the registry) or fails (CI, where the registry is reachable and the test must run).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TORCH_PIN = "torch==2.13.0"
# What each SDK version needs beside itself (in install order), on top of torch.
_EXTRA_PINS: dict[str, list[str]] = {
    "6.9.3": ["setuptools<81"],
}


class SdkUnavailable(RuntimeError):
    """The SDK venv could not be built (no registry, a resolver conflict, ...)."""


def cache_root() -> Path:
    return Path(os.environ.get("TAOCLI_TEST_CACHE", Path.home() / ".cache" / "taocli")).expanduser()


def _venv_dir(version: str) -> Path:
    return cache_root() / "sdk-venvs" / f"bittensor-{version}"


def _pip(python: Path, *args: str, log: Path) -> None:
    with log.open("ab") as out:
        proc = subprocess.run(
            [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--quiet", *args],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=1800,
        )
    if proc.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise SdkUnavailable(f"pip install {' '.join(args)} failed (log {log}):\n{tail}")


def sdk_python(version: str) -> Path:
    """The python of a venv with `bittensor==version` installed, built on first use."""
    venv = _venv_dir(version)
    python = venv / "bin" / "python"
    ready = venv / ".taocli-ready"
    if ready.exists():
        return python
    venv.parent.mkdir(parents=True, exist_ok=True)
    with (venv.parent / f".{venv.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if ready.exists():
            return python
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        log = venv / "install.log"
        _pip(python, "--upgrade", "pip", log=log)
        _pip(python, TORCH_PIN, *_EXTRA_PINS.get(version, []), log=log)
        _pip(python, f"bittensor=={version}", TORCH_PIN, *_EXTRA_PINS.get(version, []), log=log)
        ready.write_text(version)
    return python


def require_sdk(version: str) -> Path:
    """`sdk_python`, or skip the test when the SDK cannot be installed here; under CI the failure is an error."""
    try:
        return sdk_python(version)
    except SdkUnavailable as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"bittensor {version} could not be installed ({str(exc).splitlines()[0]})")
