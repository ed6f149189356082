"""`taocli demo`: the main job as a script anyone can watch, in a throw-away directory.

Until the local chain lands this is the wallet journey: two wallets created without a single prompt
(one encrypted through a 0600 password file, one with --no-password), listed, shown, and a message
signed and verified. Every step prints the exact command line it runs, so the demo doubles as a
tutorial. The chain journey (localnet, subnet, miner, validator) is appended here as it lands.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shlex
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from taocli.errors import CliError

DEMO_PASSWORD = "demo: correct horse battery staple 42"  # a throw-away wallet in a temp dir


def _step(title: str) -> None:
    sys.stdout.write(f"\n== {title}\n")
    sys.stdout.flush()


def _run(command: object, args: list[str], *, stdin_text: str | None = None, capture: bool = False) -> str:
    """Run one `taocli wallet ...` command in-process, showing its command line (and output) first."""
    from taocli.boundary import run

    shown = "$ taocli wallet " + shlex.join(args)
    if stdin_text is not None:
        shown = f"$ echo {shlex.quote(stdin_text.rstrip(chr(10)))} | taocli wallet " + shlex.join(args)
    sys.stdout.write(shown + "\n")
    sys.stdout.flush()
    saved_in, buffer = sys.stdin, io.StringIO()
    if stdin_text is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin_text.encode()), encoding="utf-8")
    try:
        if capture:
            with contextlib.redirect_stdout(buffer):
                code = run(command, args, prog_name="taocli wallet")
            sys.stdout.write(buffer.getvalue())
        else:
            code = run(command, args, prog_name="taocli wallet")
    finally:
        sys.stdin = saved_in
    if code != 0:
        raise CliError(f"demo step failed with exit code {code}: taocli wallet {shlex.join(args)}")
    return buffer.getvalue()


def demo(
    directory: Annotated[Path | None, typer.Option(
        "--dir", help="Keep the demo wallets in this directory instead of a temporary one.",
        show_default=False)] = None,
) -> None:
    """Run the scripted journey: create two wallets, list, show, sign and verify."""
    from taocli.commands.wallet import app as wallet_app

    command = typer.main.get_command(wallet_app)
    if directory is None:
        with tempfile.TemporaryDirectory(prefix="taocli-demo-") as tmp:
            _journey(command, Path(tmp))
    else:
        directory.mkdir(parents=True, exist_ok=True)
        _journey(command, directory)


def _journey(command: object, root: Path) -> None:
    wallets = root / "wallets"
    pw_file = root / "alice.password"
    fd = os.open(pw_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(DEMO_PASSWORD + "\n")
    base = ["-p", str(wallets), "-H", "default"]
    sys.stdout.write(f"taocli demo: a wallet journey in {root} (throw-away keys; nothing else is touched)\n")

    _step("1. Create wallet 'alice': encrypted coldkey, password from a 0600 file, no prompts")
    _run(command, ["create", "-w", "alice", *base, "--password-file", str(pw_file), "--yes"])
    _step("2. Create wallet 'bob' unencrypted (fine for a demo, never for real funds), JSON output")
    _run(command, ["create", "-w", "bob", *base, "--no-password", "--yes", "--json"])
    _step("3. Add a second hotkey 'miner1' to bob")
    _run(command, ["new-hotkey", "-w", "bob", "-p", str(wallets), "-H", "miner1", "--yes"])
    _step("4. List every wallet")
    _run(command, ["list", "-p", str(wallets)])
    _step("5. Show alice")
    _run(command, ["show", "-w", "alice", *base])
    _step("6. Sign a message with alice's coldkey (unlocked with the password file)")
    _run(command, ["sign", "-w", "alice", *base, "--password-file", str(pw_file), "-m", "hello from taocli"])
    _step("7. Sign with bob's hotkey (JSON), then verify it with the message piped on stdin")
    signed = json.loads(_run(command, ["sign", "-w", "bob", *base, "--use-hotkey", "-m", "gm", "--json"],
                             capture=True))
    signature, signer = signed["signature"], signed["signer"]
    _run(command, ["verify", "--address", signer, "--signature", signature], stdin_text="gm\n")
    _step("8. A tampered message is rejected (exit code 1, one line, no traceback)")
    try:
        _run(command, ["verify", "--address", signer, "--signature", signature, "-m", "gn"])
    except CliError:
        sys.stdout.write("(rejected as expected)\n")
    else:
        raise CliError("the demo expected a tampered message to be rejected, but it verified")
    sys.stdout.write("\nDone. Next: `taocli wallet --help`; every command takes --json and --yes.\n")
