"""The demo's wallet part: every key is made by the real `taocli wallet` commands, without one prompt.

The commands run in-process (no interpreter start per step) through the same error boundary as the
console script, each shown as the exact command line a user would type. They run with `--json`, and the
demo prints one line from the JSON they return, so the section stays short and shows the scripting
interface at the same time. The owner's coldkey is encrypted with a password read from a 0600 file (the
safe way to script a password); the other demo wallets use `--no-password`, which is fine for throw-away
keys in a temp dir and never for real funds.

Besides making keys, the demo uses the rest of the wallet commands once each: `sign`/`verify`, `list`,
`show`, `change-password` (the owner's coldkey gets a second password, which the chain part then uses),
`regen-coldkey` (the nominator's coldkey restored from its words into another wallet, checked to give the
same address) and `regen-coldkeypub` (a watch-only copy of the owner's address).
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
NEW_DEMO_PASSWORD = "demo: violet anchor drifts past noon 17"  # what `change-password` moves the owner to

#: (wallet, hotkey) of each role in the chain journey.
OWNER = ("owner", "default")
VALIDATOR = ("validator", "default")
MINERS = (("miner", "miner1"), ("miner", "miner2"), ("miner", "miner3"))
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


def write_private_file(path: Path, secret: str) -> Path:
    """A secret file (password, mnemonic) created 0600 from the start, as the `--*-file` flags require."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret + "\n")
    return path


def create_wallets(narrator: Narrator, root: Path) -> DemoWallets:
    """Owner (encrypted), validator, miner (three hotkeys) and nominator; sign/verify; show, re-password, restore."""
    wallets = DemoWallets(root / "wallets", write_private_file(root / "owner.password", DEMO_PASSWORD))
    runner = WalletRunner(narrator)
    nominator_words = _make_keys(runner, narrator, wallets)
    _sign_and_verify(runner, narrator, wallets)
    _inspect_repassword_restore(runner, narrator, wallets, root, nominator_words)
    return wallets


def _make_keys(runner: WalletRunner, narrator: Narrator, wallets: DemoWallets) -> str:
    """Create the four wallets and the other miner hotkeys; returns the nominator coldkey's words."""
    where = ["-p", str(wallets.path)]
    narrator.section("Wallets: owner, validator, miner (3 hotkeys), nominator — no prompts (taocli wallet)")
    made = runner.ok(["create", "-w", "owner", *where, "--password-file", str(wallets.password_file), "--yes",
                      "--json"])
    _remember(wallets, made, "coldkey encrypted (argon2) with the password from a 0600 file", narrator)
    for name, hotkey in (VALIDATOR, MINERS[0]):
        made = runner.ok(["create", "-w", name, "-H", hotkey, *where, "--no-password", "--yes", "--json"])
        _remember(wallets, made, "coldkey unencrypted (--no-password: demo keys only)", narrator)
    name, hotkey = NOMINATOR
    made = runner.ok(["create", "-w", name, "-H", hotkey, *where, "--no-password", "--show-mnemonic", "--yes",
                      "--json"])
    _remember(wallets, made, "coldkey unencrypted; its words are kept (not shown) to restore it below", narrator)
    nominator_words = made["mnemonics"]["coldkey"]
    for name, hotkey in MINERS[1:]:
        made = runner.ok(["new-hotkey", "-w", name, "-H", hotkey, *where, "--yes", "--json"])
        wallets.hotkeys[(name, hotkey)] = made["hotkey"]["ss58_address"]
        narrator.step(f"hotkey '{hotkey}' added to wallet '{name}'", made["hotkey"]["ss58_address"])
    listed = runner.ok(["list", *where, "--json"])["wallets"]
    narrator.step("wallet list", ", ".join(f"{w['name']} ({len(w['hotkeys'])} hotkey"
                                           f"{'s' if len(w['hotkeys']) != 1 else ''})" for w in listed))
    return nominator_words


def _sign_and_verify(runner: WalletRunner, narrator: Narrator, wallets: DemoWallets) -> None:
    """A hotkey signature, verified from a pipe, and a tampered message rejected."""
    narrator.section("Sign with the validator's hotkey, verify it, and reject a tampered message")
    signed = runner.ok(["sign", "-w", VALIDATOR[0], "-H", VALIDATOR[1], "-p", str(wallets.path), "--use-hotkey",
                        "-m", "gm", "--json"])
    narrator.step("signed 'gm'", f"{signed['signature'][:18]}… by {short(signed['signer'])}")
    check = ["verify", "--address", signed["signer"], "--signature", signed["signature"], "--json"]
    verified = runner.ok(check, stdin_text="gm\n")
    narrator.step("verified (message piped on stdin)", "valid" if verified["valid"] else "NOT valid")
    code, _, error = runner.run([*check, "-m", "gn"])
    if code == 0:
        raise CliError("the demo expected a tampered message to be rejected, but it verified")
    narrator.step("tampered message 'gn'", f"rejected with exit code {code}: {error}")


def _inspect_repassword_restore(runner: WalletRunner, narrator: Narrator, wallets: DemoWallets, root: Path,
                                nominator_words: str) -> None:
    """`show`, `change-password` on the owner (the chain part then uses the new password), and two restores."""
    where = ["-p", str(wallets.path)]
    owner = wallets.coldkeys[OWNER[0]]
    narrator.section("Show a wallet, change its password, restore keys (taocli wallet show / change-password / "
                     "regen-coldkey / regen-coldkeypub)")
    shown = runner.ok(["show", "-w", OWNER[0], *where, "--json"])
    lock = "encrypted" if shown["coldkey"]["encrypted"] else "plaintext"
    narrator.step(f"wallet show {OWNER[0]}", f"coldkey {short(shown['coldkey']['ss58_address'])} ({lock}), "
                  f"hotkeys: {', '.join(h['name'] for h in shown['hotkeys'])}")

    new_file = write_private_file(root / "owner.new-password", NEW_DEMO_PASSWORD)
    changed = runner.ok(["change-password", "-w", OWNER[0], *where, "--password-file", str(wallets.password_file),
                         "--new-password-file", str(new_file), "--yes", "--json"])
    wallets.password_file = new_file
    backup = Path(changed["backup"]).name if changed["backup"] else "none"
    narrator.step("owner's password changed", f"coldkey {short(owner)} re-encrypted with the password from "
                  f"{new_file.name} (used from here on); old file kept as {backup}, which opens with the old one")

    words = write_private_file(root / "nominator.mnemonic", nominator_words)
    restored = runner.ok(["regen-coldkey", "-w", "nominator-restored", *where, "--mnemonic-file", str(words),
                          "--no-password", "--yes", "--json"])["coldkey"]["ss58_address"]
    if restored != wallets.coldkeys[NOMINATOR[0]]:
        raise CliError(f"regen-coldkey from the nominator's words gave {restored}, not the nominator's coldkey "
                       f"{wallets.coldkeys[NOMINATOR[0]]}")
    narrator.step("nominator's coldkey restored from its words into wallet 'nominator-restored'",
                  f"same address {short(restored)}")

    watch = runner.ok(["regen-coldkeypub", "-w", "owner-watch", *where, "--ss58", owner, "--yes", "--json"])
    narrator.step("watch-only wallet 'owner-watch'", f"only {Path(watch['coldkeypub']['file']).name} for "
                  f"{short(owner)}: enough to receive, watch and register hotkeys, with no secret on this machine")


def _remember(wallets: DemoWallets, made: dict[str, Any], how: str, narrator: Narrator) -> None:
    name, cold = made["wallet"], made["coldkey"]["ss58_address"]
    hotkey = made["hotkey"]
    wallets.coldkeys[name] = cold
    wallets.hotkeys[(name, hotkey["name"])] = hotkey["ss58_address"]
    narrator.step(f"wallet '{name}' created", f"coldkey {short(cold)}, hotkey '{hotkey['name']}' "
                  f"{short(hotkey['ss58_address'])}; {how}")
