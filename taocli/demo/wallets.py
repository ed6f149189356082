"""The demo's wallet part: every key is made by the real `taocli wallet` commands, without one prompt.

The commands run in-process (no interpreter start per step) through the same error boundary as the
console script, each shown as the exact command line a user would type. They run with `--json`, and the
demo prints one line from the JSON they return, so the section stays short and shows the scripting
interface at the same time. The owner's coldkey is encrypted with a password read from a 0600 file (the
safe way to script a password); the other demo wallets use `--no-password`, which is fine for throw-away
keys in a temp dir and never for real funds.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from taocli.demo.narrate import Narrator, short
from taocli.errors import CliError

DEMO_PASSWORD = "demo: correct horse battery staple 42"  # a throw-away wallet in a temp dir

#: (wallet, hotkey) of each role in the chain journey.
OWNER = ("owner", "default")
VALIDATOR = ("validator", "default")
MINERS = (("miner", "miner1"), ("miner", "miner2"))
NOMINATOR = ("nominator", "default")


@dataclass
class DemoWallets:
    """Where the demo's wallets live and their addresses, by wallet name and hotkey name."""

    path: Path
    password_file: Path
    coldkeys: dict[str, str] = field(default_factory=dict)
    hotkeys: dict[tuple[str, str], str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {name: {"coldkey": cold, "hotkeys": {hk: addr for (w, hk), addr in self.hotkeys.items()
                                                    if w == name}}
                for name, cold in self.coldkeys.items()}


class WalletRunner:
    """Runs one `taocli wallet ...` command in-process and hands back its JSON reply (or its error)."""

    def __init__(self, narrator: Narrator) -> None:
        import typer

        from taocli.commands.wallet import app

        self.narrator = narrator
        self.command = typer.main.get_group(app)  # a group whose commands are built on first use

    def run(self, args: list[str], *, stdin_text: str | None = None) -> tuple[int, Any, str]:
        """(exit code, parsed JSON stdout or None, the one error line or '') of one command."""
        from taocli.boundary import run

        shown = ["wallet", *args]
        if stdin_text is None:
            self.narrator.command(shown)
        else:
            import shlex

            self.narrator.say(f"  $ echo {shlex.quote(stdin_text.rstrip(chr(10)))} | taocli {shlex.join(shown)}")
        out, err = io.StringIO(), io.StringIO()
        saved_in = sys.stdin
        if stdin_text is not None:
            sys.stdin = io.TextIOWrapper(io.BytesIO(stdin_text.encode()), encoding="utf-8")
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = run(self.command, args, prog_name="taocli wallet")
        finally:
            sys.stdin = saved_in
        errors = [line[len("Error: "):] for line in err.getvalue().splitlines() if line.startswith("Error: ")]
        text = out.getvalue().strip()
        return code, json.loads(text) if text.startswith("{") else None, errors[-1] if errors else ""

    def ok(self, args: list[str], **kwargs: Any) -> Any:
        """Run a command that must succeed; a failure ends the demo with the command's own error line."""
        code, data, error = self.run(args, **kwargs)
        if code != 0:
            raise CliError(f"demo step failed (exit {code}): taocli wallet {' '.join(args[:1])}: {error}")
        return data


def write_password_file(path: Path, password: str) -> Path:
    """A password file created 0600 from the start, as `--password-file` requires."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(password + "\n")
    return path


def create_wallets(narrator: Narrator, root: Path) -> DemoWallets:
    """Owner (encrypted), validator, miner (two hotkeys) and nominator; then a sign/verify round trip."""
    wallets = DemoWallets(root / "wallets", write_password_file(root / "owner.password", DEMO_PASSWORD))
    runner = WalletRunner(narrator)
    where = ["-p", str(wallets.path)]

    narrator.section("Wallets: owner, validator, miner (2 hotkeys), nominator — no prompts (taocli wallet)")
    made = runner.ok(["create", "-w", "owner", *where, "--password-file", str(wallets.password_file), "--yes",
                      "--json"])
    _remember(wallets, made, "coldkey encrypted (argon2) with the password from a 0600 file", narrator)
    for name, hotkey in (VALIDATOR, MINERS[0], NOMINATOR):
        made = runner.ok(["create", "-w", name, "-H", hotkey, *where, "--no-password", "--yes", "--json"])
        _remember(wallets, made, "coldkey unencrypted (--no-password: demo keys only)", narrator)
    name, hotkey = MINERS[1]
    made = runner.ok(["new-hotkey", "-w", name, "-H", hotkey, *where, "--yes", "--json"])
    wallets.hotkeys[(name, hotkey)] = made["hotkey"]["ss58_address"]
    narrator.step(f"hotkey '{hotkey}' added to wallet '{name}'", made["hotkey"]["ss58_address"])
    listed = runner.ok(["list", *where, "--json"])["wallets"]
    narrator.step("wallet list", ", ".join(f"{w['name']} ({len(w['hotkeys'])} hotkey"
                                           f"{'s' if len(w['hotkeys']) != 1 else ''})" for w in listed))

    narrator.section("Sign with the validator's hotkey, verify it, and reject a tampered message")
    signed = runner.ok(["sign", "-w", VALIDATOR[0], "-H", VALIDATOR[1], *where, "--use-hotkey", "-m", "gm",
                        "--json"])
    narrator.step("signed 'gm'", f"{signed['signature'][:18]}… by {short(signed['signer'])}")
    check = ["verify", "--address", signed["signer"], "--signature", signed["signature"], "--json"]
    verified = runner.ok(check, stdin_text="gm\n")
    narrator.step("verified (message piped on stdin)", "valid" if verified["valid"] else "NOT valid")
    code, _, error = runner.run([*check, "-m", "gn"])
    if code == 0:
        raise CliError("the demo expected a tampered message to be rejected, but it verified")
    narrator.step("tampered message 'gn'", f"rejected with exit code {code}: {error}")
    return wallets


def _remember(wallets: DemoWallets, made: dict[str, Any], how: str, narrator: Narrator) -> None:
    name, cold = made["wallet"], made["coldkey"]["ss58_address"]
    hotkey = made["hotkey"]
    wallets.coldkeys[name] = cold
    wallets.hotkeys[(name, hotkey["name"])] = hotkey["ss58_address"]
    narrator.step(f"wallet '{name}' created", f"coldkey {short(cold)}, hotkey '{hotkey['name']}' "
                  f"{short(hotkey['ss58_address'])}; {how}")
