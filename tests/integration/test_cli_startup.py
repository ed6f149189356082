"""Start-up stays light: `taocli --help` and `taocli wallet list` import no crypto/chain/numeric stacks.

Timing on a shared machine is noisy, so the hard guard is *what gets imported*; bench/cli_startup.py
measures the wall time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.test_cli_support import clean_env, run_cli

pytestmark = pytest.mark.slow  # starts Python processes

NEVER_AT_START = ("substrateinterface", "scalecodec", "numpy", "websockets", "nacl", "sr25519", "zxcvbn",
                  "pydantic", "bip_utils", "cryptography", "chain", "localnet.node", "neuron", "torch",
                  "subnet_templates")


def modules_after(code: str, home: Path) -> set[str]:
    script = ("import sys, json\n" + code + "\nsys.stdout.flush()\n"
              "sys.__stderr__.write(json.dumps(sorted(sys.modules)))\n")
    proc = subprocess.run([sys.executable, "-c", script], env=clean_env(home), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60)
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


def heavy(modules: set[str], allowed: tuple[str, ...] = ()) -> list[str]:
    return sorted(m for m in modules
                  if any(m == h or m.startswith(h + ".") for h in NEVER_AT_START if h not in allowed))


def test_help_imports_nothing_heavy(tmp_path: Path) -> None:
    loaded = modules_after(
        "from taocli.main import run\ntry:\n    run(['--help'])\nexcept SystemExit:\n    pass", tmp_path)
    assert heavy(loaded) == []
    assert "rich" not in loaded  # plain help: rich formatting costs more than the rest of start-up
    # the groups are listed from main.RootGroup's table, not imported
    assert sorted(m for m in loaded if m.startswith(("taocli.commands.", "taocli.walletcmd."))) == []


@pytest.mark.parametrize("argv", [["miner", "--help"], ["validator", "start", "--help"], ["miner", "status", "--help"]])
def test_neuron_command_help_imports_no_numeric_or_network_stack(tmp_path: Path, argv: list[str]) -> None:
    """The miner/validator groups load their loops (numpy, httpx, msgspec, a template's torch) only to run."""
    loaded = modules_after(f"from taocli.main import run\ntry:\n    run({argv!r})\nexcept SystemExit:\n    pass",
                           tmp_path)
    assert heavy(loaded) == []
    assert not [m for m in loaded if m.split(".")[0] in ("torch", "httpx", "msgspec", "httptools", "subnet_templates")]


def test_wallet_list_reads_public_files_without_crypto_stacks(tmp_path: Path) -> None:
    made = run_cli(["wallet", "create", "-p", str(tmp_path / "w"), "-w", "a", "--no-password", "-y"], tmp_path)
    assert made.code == 0, made.stderr
    loaded = modules_after(
        f"from taocli.main import run\ntry:\n    run(['wallet', 'list', '-p', {str(tmp_path / 'w')!r}])\n"
        "except SystemExit:\n    pass", tmp_path)
    # decoding an SS58 address needs blake2b from hashlib only; sr25519 may load to rebuild a Keypair
    assert heavy(loaded, allowed=("sr25519",)) == []
    # only the wallet group and the one module holding `list`: no chain groups, no key-writing commands
    ours = sorted(m for m in loaded if m.startswith(("taocli.commands.", "taocli.walletcmd.")))
    assert ours == ["taocli.commands.wallet", "taocli.walletcmd.inspect", "taocli.walletcmd.session"]


def test_help_lists_the_groups_and_version_prints(tmp_path: Path) -> None:
    res = run_cli(["--help"], tmp_path)
    assert res.code == 0
    for group in ("wallet", "localnet", "config", "demo"):
        assert group in res.stdout
    version = run_cli(["--version"], tmp_path)
    assert version.code == 0 and version.stdout.startswith("taocli ")


def test_building_every_command_group_imports_no_torch(tmp_path: Path) -> None:
    """torch belongs to the neuron processes: even the miner, validator, subnets and demo modules only name it."""
    loaded = modules_after(
        "import typer.main\nfrom taocli._click import click\nfrom taocli.main import RootGroup, app\n"
        "root = typer.main.get_command(app)\nctx = click.Context(root)\n"
        "for name in RootGroup.LAZY:\n    group = root.get_command(ctx, name)\n"
        "    for sub in getattr(group, 'list_commands', lambda _c: [])(ctx):\n        group.get_command(ctx, sub)\n",
        tmp_path)
    assert any(m.startswith("taocli.commands.") for m in loaded)  # the groups were really built
    assert sorted(m for m in loaded if m == "torch" or m.startswith(("torch.", "subnet_templates."))) == []
