"""Shell completion: the committed scripts are current, and taocli answers a shell's completion request."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.test_cli_support import TAOCLI, clean_env

pytestmark = pytest.mark.slow  # starts processes

ROOT = Path(__file__).resolve().parents[2]


def test_committed_scripts_are_current() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "completions" / "generate.py"), "--check"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_completion_request_lists_subcommands_and_options(tmp_path: Path) -> None:
    env = clean_env(tmp_path, {"_TAOCLI_COMPLETE": "complete_bash", "COMP_WORDS": "taocli wallet regen",
                               "COMP_CWORD": "2"})
    proc = subprocess.run(TAOCLI, env=env, capture_output=True, text=True, timeout=60)
    assert proc.stdout.split() == ["regen-coldkey", "regen-coldkeypub", "regen-hotkey", "regen-hotkeypub"]
    env.update({"COMP_WORDS": "taocli wallet create --wallet.na", "COMP_CWORD": "3"})
    proc = subprocess.run(TAOCLI, env=env, capture_output=True, text=True, timeout=60)
    assert proc.stdout.split() == ["--wallet.name"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash not installed")
def test_bash_script_drives_completion(tmp_path: Path) -> None:
    bin_dir = Path(TAOCLI[0]).parent if len(TAOCLI) == 1 else None
    if bin_dir is None:
        pytest.skip("no taocli console script installed")
    script = (f"source {ROOT / 'completions' / 'taocli.bash'}; PATH={bin_dir}:$PATH; "
              "COMP_WORDS=(taocli con); COMP_CWORD=1; _taocli_completion taocli; echo \"${COMPREPLY[@]}\"")
    proc = subprocess.run(["bash", "-c", script], env=clean_env(tmp_path), capture_output=True, text=True,
                          timeout=60)
    assert proc.stdout.split() == ["config"]
