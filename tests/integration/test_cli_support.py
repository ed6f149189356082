"""Helpers shared by the CLI tests: run the real `taocli` as a subprocess in an isolated environment.

Not a conftest (that file is shared); test modules import from here. It holds no tests itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SCRIPT = Path(sys.executable).with_name("taocli")
TAOCLI: list[str] = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "taocli"]
STRONG_PASSWORD = "tangerine orbit velvet 7 canyon"


@dataclass
class Result:
    """What one CLI run left behind."""

    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    def one_error_line(self) -> str:
        """The single error line on stderr (asserting there is exactly one and no traceback)."""
        assert "Traceback" not in self.stderr, self.stderr
        errors = [line for line in self.stderr.splitlines() if line.startswith("Error: ")]
        assert len(errors) == 1, self.stderr
        return errors[0]


def clean_env(home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """An environment with no wallet/config variables leaking in from the developer's shell."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TAOCLI_", "BT_", "COLUMNS"))}
    env.update({"HOME": str(home), "TAOCLI_CONFIG": str(home / "config.toml"), "NO_COLOR": "1"})
    env.update(extra or {})
    return env


def run_cli(args: list[str], home: Path, *, env: Mapping[str, str] | None = None, input_text: str | None = None,
            pass_fds: tuple[int, ...] = (), timeout: float = 120) -> Result:
    """Run taocli with stdin not a terminal (a pipe or /dev/null), as a script or CI would."""
    proc = subprocess.run(
        [*TAOCLI, *args], env=clean_env(home, env), capture_output=True, text=True, timeout=timeout,
        input=input_text, stdin=None if input_text is not None else subprocess.DEVNULL, pass_fds=pass_fds,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def plaintext_wallet(home: Path, name: str = "alice") -> Path:
    """`home/wallets` holding wallet `name` (plaintext coldkey, hotkey 'default'), made by the CLI itself."""
    root = home / "wallets"
    res = run_cli(["wallet", "create", "-p", str(root), "-w", name, "--no-password", "--yes", "--json"], home)
    assert res.code == 0, res.stderr
    return root


def write_secret(path: Path, text: str, mode: int = 0o600) -> Path:
    """A secret file created with `mode` from the start (never briefly world-readable)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(path, mode)
    return path


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` with its bytes, to prove a failed command changed nothing."""
    if not root.exists():
        return {}
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def copy_tree(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst
