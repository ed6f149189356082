"""`wallet create`, `wallet new-coldkey`, `wallet new-hotkey`: make fresh keys from new mnemonics.

Order matters (btcli#861: `btcli wallet create` on an existing wallet prints a fresh coldkey mnemonic
and only then asks whether to overwrite): we check what exists, show the plan and ask, collect the
password, and only then generate and write. A "no" leaves nothing behind, not even a printed secret.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from taocli.errors import CliError, UsageProblem
from taocli.options import (
    SECRETS,
    AllowWeak,
    Debug,
    Hotkey,
    IgnoredNetwork,
    Json,
    NoPassword,
    NWords,
    Overwrite,
    PasswordFd,
    PasswordFile,
    ShowMnemonic,
    WalletName,
    WalletPath,
    Yes,
)
from taocli.walletcmd.session import Session, check_word_count, file_state, open_session

if TYPE_CHECKING:  # pragma: no cover
    from wallet.keypair import Keypair

MNEMONIC_WARNING = ("Write these words down and keep them offline: they are the only way to recover "
                    "the key. Anyone who sees them controls it.")

EncryptHotkey = Annotated[bool, typer.Option(
    "--encrypt", help="Encrypt the hotkey with a password (default: plaintext, as the official wallet does, "
    "so miners can start unattended).", rich_help_panel=SECRETS)]


def _refuse_existing(s: Session, paths: list[Path], overwrite: bool) -> None:
    existing = [p for p in paths if p.exists()]
    if existing and not overwrite:
        shown = ", ".join(str(p) for p in existing)
        raise CliError(f"wallet '{s.name}' already has keys ({shown}); nothing was changed. Pass --overwrite "
                       f"to replace them (old files are kept as .bak) or choose another --wallet-name")


def coldkey_password(s: Session, no_password: bool, file: Path | None, fd: int | None,
                     allow_weak: bool) -> str | None:
    """The new coldkey's password (or None with --no-password, after a warning)."""
    from taocli.secret_input import new_password

    if no_password:
        if file is not None or fd is not None:
            raise UsageProblem("--no-password cannot be combined with --password-file/--password-fd; pick one")
        s.out.warn("the coldkey will be stored UNENCRYPTED: anyone who can read the file can spend its funds")
        return None
    return new_password("coldkey", file=file, fd=fd, allow_weak=allow_weak, yes=s.yes,
                        missing_hint="or --no-password to store it unencrypted")


def refuse_unused_password(encrypt: bool, file: Path | None, fd: int | None) -> None:
    """A password given for a hotkey that will be stored plaintext is a mistake worth stopping for."""
    if not encrypt and (file is not None or fd is not None):
        raise UsageProblem("a password was given but hotkeys are stored plaintext; add --encrypt to use it")


def hotkey_password(s: Session, encrypt: bool, file: Path | None, fd: int | None,
                    allow_weak: bool) -> str | None:
    """The new hotkey's password with --encrypt; None (plaintext, as the official wallet) otherwise."""
    from taocli.secret_input import new_password

    if not encrypt:
        return None
    return new_password("hotkey", file=file, fd=fd, allow_weak=allow_weak, yes=s.yes)


def announce_encryption(s: Session, password: str | None) -> None:
    """argon2 takes seconds; say so (on a terminal) before an encrypted key is written."""
    if password is not None:
        s.out.working("Encrypting the key (argon2, a few seconds)...")


def _new_keypair(n_words: int) -> tuple[str, Keypair]:
    """A fresh mnemonic and the sr25519 keypair it derives."""
    from wallet.keypair import Keypair
    from wallet.mnemonic import generate_mnemonic

    phrase = generate_mnemonic(n_words)
    return phrase, Keypair.from_mnemonic(phrase)


def _reveal(s: Session, label: str, phrase: str, show_mnemonic: bool, shown: dict[str, str]) -> None:
    """Show a new mnemonic once, to a person: on a terminal, or anywhere only with --show-mnemonic.

    Printing it into a pipe or a redirected file would leave the key in logs (btcli's debug.txt did
    exactly that), so without a terminal the words stay in the key file unless explicitly asked for.
    """
    if s.out.json_mode:
        if show_mnemonic:
            shown[label] = phrase
        return
    if show_mnemonic or sys.stdout.isatty():
        s.out.secret_block(f"The mnemonic of the new {label}:", phrase, MNEMONIC_WARNING)
    else:
        s.out.warn(f"the {label} mnemonic is not printed because stdout is not a terminal (add "
                   f"--show-mnemonic to print it anyway); it is stored in the key file")


def _json_hint(s: Session, show_mnemonic: bool) -> None:
    if s.out.json_mode and not show_mnemonic:
        s.out.warn("the mnemonic is not printed in --json mode (add --show-mnemonic); it is stored inside "
                   "the key file, so back it up now")


def key_info(path: Path, address: str, encrypted: bool) -> dict[str, Any]:
    """How a written key is described in --json output."""
    return {"ss58_address": address, "file": str(path), "encrypted": encrypted}


def _report_new_keys(s: Session, mnemonics: dict[str, str], show_mnemonic: bool, line: str,
                     data: dict[str, Any]) -> None:
    """After writing: show each new mnemonic once, confirm with `line`, and in --json mode emit `data`
    (with the mnemonics only when --show-mnemonic asked for them)."""
    shown: dict[str, str] = {}
    for label, phrase in mnemonics.items():
        _reveal(s, label, phrase, show_mnemonic, shown)
    _json_hint(s, show_mnemonic)
    s.out.done(line, {**data, "mnemonics": shown} if shown else data)


def create(
    name: WalletName = None, hotkey: Hotkey = None, wallet_path: WalletPath = None,
    n_words: NWords = 12, no_password: NoPassword = False, password_file: PasswordFile = None,
    password_fd: PasswordFd = None, allow_weak_password: AllowWeak = False, overwrite: Overwrite = False,
    show_mnemonic: ShowMnemonic = False, json_out: Json = False, yes: Yes = False, debug: Debug = False,
    network: IgnoredNetwork = None,
) -> None:
    """Create a wallet: an encrypted coldkey (+ coldkeypub.txt) and a plaintext hotkey."""
    check_word_count(n_words)
    s = open_session(name, hotkey, wallet_path, json_out, yes)
    w = s.wallet
    targets = [Path(w.coldkey_file.path), Path(w.coldkeypub_file.path), Path(w.hotkey_file.path)]
    _refuse_existing(s, [*targets, Path(w.hotkeypub_file.path)], overwrite)
    enc = "UNENCRYPTED" if no_password else "encrypted"
    s.confirm_plan(
        f"Create wallet '{s.name}' in {s.path}:",
        [f"coldkey ({enc}): {targets[0]} [{file_state(targets[0])}]",
         f"coldkeypub.txt: {targets[1]} [{file_state(targets[1])}]",
         f"hotkey '{s.hotkey}' (plaintext): {targets[2]} [{file_state(targets[2])}]"],
        "Replace the existing keys with new ones?" if any(p.exists() for p in targets) else "Create it?",
    )
    password = coldkey_password(s, no_password, password_file, password_fd, allow_weak_password)
    (cold_phrase, cold), (hot_phrase, hot) = _new_keypair(n_words), _new_keypair(n_words)
    announce_encryption(s, password)
    w.set_coldkey(cold, password=password, overwrite=overwrite)
    w.set_hotkey(hot, password=None, overwrite=overwrite)
    _report_new_keys(
        s, {"coldkey": cold_phrase, "hotkey": hot_phrase}, show_mnemonic,
        f"Created wallet '{s.name}': coldkey {cold.ss58_address}, hotkey '{s.hotkey}' {hot.ss58_address}",
        {"wallet": s.name, "wallet_path": str(s.path),
         "coldkey": key_info(targets[0], cold.ss58_address, password is not None),
         "hotkey": {"name": s.hotkey, **key_info(targets[2], hot.ss58_address, False)}})


def new_coldkey(
    name: WalletName = None, wallet_path: WalletPath = None, n_words: NWords = 12,
    no_password: NoPassword = False, password_file: PasswordFile = None, password_fd: PasswordFd = None,
    allow_weak_password: AllowWeak = False, overwrite: Overwrite = False,
    show_mnemonic: ShowMnemonic = False, json_out: Json = False, yes: Yes = False, debug: Debug = False,
    network: IgnoredNetwork = None,
) -> None:
    """Create only a coldkey (encrypted) and its coldkeypub.txt."""
    check_word_count(n_words)
    s = open_session(name, None, wallet_path, json_out, yes)
    w = s.wallet
    targets = [Path(w.coldkey_file.path), Path(w.coldkeypub_file.path)]
    _refuse_existing(s, targets, overwrite)
    enc = "UNENCRYPTED" if no_password else "encrypted"
    s.confirm_plan(
        f"New coldkey for wallet '{s.name}':",
        [f"coldkey ({enc}): {targets[0]} [{file_state(targets[0])}]",
         f"coldkeypub.txt: {targets[1]} [{file_state(targets[1])}]"],
        "Replace the existing coldkey?" if targets[0].exists() else "Create it?",
    )
    password = coldkey_password(s, no_password, password_file, password_fd, allow_weak_password)
    phrase, cold = _new_keypair(n_words)
    announce_encryption(s, password)
    w.set_coldkey(cold, password=password, overwrite=overwrite)
    _report_new_keys(s, {"coldkey": phrase}, show_mnemonic,
                     f"Created coldkey {cold.ss58_address} for wallet '{s.name}'",
                     {"wallet": s.name, "wallet_path": str(s.path),
                      "coldkey": key_info(targets[0], cold.ss58_address, password is not None)})


def new_hotkey(
    name: WalletName = None, hotkey: Hotkey = None, wallet_path: WalletPath = None, n_words: NWords = 12,
    encrypt: EncryptHotkey = False, password_file: PasswordFile = None, password_fd: PasswordFd = None,
    allow_weak_password: AllowWeak = False, overwrite: Overwrite = False,
    show_mnemonic: ShowMnemonic = False, json_out: Json = False, yes: Yes = False, debug: Debug = False,
    network: IgnoredNetwork = None,
) -> None:
    """Create a hotkey in a wallet (plaintext unless --encrypt)."""
    check_word_count(n_words)
    s = open_session(name, hotkey, wallet_path, json_out, yes)
    w = s.wallet
    target = Path(w.hotkey_file.path)
    if (target.exists() or Path(w.hotkeypub_file.path).exists()) and not overwrite:
        raise CliError(f"hotkey '{s.hotkey}' already exists in wallet '{s.name}' ({target}); nothing was "
                       f"changed. Pass --overwrite to replace it or choose another --hotkey")
    refuse_unused_password(encrypt, password_file, password_fd)
    s.confirm_plan(
        f"New hotkey '{s.hotkey}' for wallet '{s.name}':",
        [f"hotkey ({'encrypted' if encrypt else 'plaintext'}): {target} [{file_state(target)}]"],
        "Replace the existing hotkey?" if target.exists() else "Create it?",
    )
    password = hotkey_password(s, encrypt, password_file, password_fd, allow_weak_password)
    phrase, hot = _new_keypair(n_words)
    announce_encryption(s, password)
    w.set_hotkey(hot, password=password, overwrite=overwrite)
    _report_new_keys(s, {"hotkey": phrase}, show_mnemonic,
                     f"Created hotkey '{s.hotkey}' {hot.ss58_address} in wallet '{s.name}'",
                     {"wallet": s.name, "wallet_path": str(s.path),
                      "hotkey": {"name": s.hotkey, **key_info(target, hot.ss58_address, encrypt)}})
