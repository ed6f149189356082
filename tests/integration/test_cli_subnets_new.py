"""`taocli subnets new`: the real command writes a subnet that passes its own generated tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.test_cli_support import clean_env, run_cli

pytestmark = pytest.mark.slow  # starts taocli and pytest processes


def run_its_tests(where: Path, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
                           "tests"], cwd=where, env=clean_env(home), capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("template", ["echo", "text_prompting", "price_prediction"])
def test_a_new_subnet_passes_its_own_tests(tmp_path: Path, template: str) -> None:
    where = tmp_path / "work" / "newnet"
    made = run_cli(["subnets", "new", "newnet", "--template", template, "--dir", str(where), "--json"], tmp_path)
    assert made.code == 0, made.stderr
    data = made.json()
    assert data["dir"] == str(where) and data["template"] == template
    assert f"taocli miner start --template-path {where} --netuid 1 -w miner --detach" in data["next"]
    tested = run_its_tests(where, tmp_path)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "3 passed" in tested.stdout, tested.stdout


def test_a_taken_directory_is_one_error_line(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    res = run_cli(["subnets", "new", "taken", "--dir", str(tmp_path / "taken")], tmp_path)
    assert res.code == 1
    assert "already exists and is not an empty directory" in res.one_error_line()
    plain = run_cli(["subnets", "new", "fresh", "--template", "echo", "--dir", str(tmp_path / "fresh")], tmp_path)
    assert plain.code == 0 and "Created subnet fresh from template echo" in plain.stdout
