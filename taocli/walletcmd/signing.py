"""`wallet sign` and `wallet verify`: sr25519 signatures over a message.

The message comes from `--message` or, when absent, from stdin; one trailing newline is dropped from
stdin so `echo hello | taocli wallet sign` and `--message hello` sign the same bytes. `verify` exits 1
on a bad signature, so scripts can branch on it.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from taocli.errors import CliError, UsageProblem
from taocli.options import Debug, Hotkey, IgnoredNetwork, Json, PasswordFd, PasswordFile, WalletName, WalletPath, Yes
from taocli.prompts import stdin_is_terminal
from taocli.walletcmd.session import Session, open_session

Message = Annotated[str | None, typer.Option("--message", "-m", help="The message (default: read stdin).",
                                             show_default=False)]
UseHotkey = Annotated[bool, typer.Option("--use-hotkey", "--use_hotkey",
                                         help="Use the hotkey instead of the coldkey.")]
Signature = Annotated[str, typer.Option("--signature", "-s", help="The signature as 0x-hex (64 bytes).")]
Address = Annotated[str | None, typer.Option(
    "--address", "--ss58", "--public-key",
    help="Signer's SS58 address or 0x public key (default: this wallet's coldkey, or hotkey with "
         "--use-hotkey).", show_default=False)]


def read_message(message: str | None) -> bytes:
    """The bytes to sign: --message as UTF-8, else stdin minus one trailing newline."""
    if message is not None:
        return message.encode("utf-8")
    if stdin_is_terminal():
        raise UsageProblem("no message: pass --message TEXT or pipe the message on stdin")
    data = sys.stdin.buffer.read()
    if data.endswith(b"\r\n"):
        return data[:-2]
    return data[:-1] if data.endswith(b"\n") else data


def _signer(s: Session, use_hotkey: bool, password_file: Any, password_fd: Any) -> Any:
    from taocli.secret_input import existing_password

    w = s.wallet
    keyfile = w.hotkey_file if use_hotkey else w.coldkey_file
    what = f"hotkey '{s.hotkey}'" if use_hotkey else "coldkey"
    password = None
    if keyfile.exists and keyfile.is_encrypted:  # absent files: the wallet raises UnknownWallet/Hotkey
        password = existing_password(keyfile.path, what, file=password_file, fd=password_fd, yes=s.yes)
        s.out.working(f"Decrypting the {what} (argon2, a few seconds)...")
    return w.hotkey_keypair(password=password) if use_hotkey else w.coldkey(password)


def sign(
    name: WalletName = None, hotkey: Hotkey = None, wallet_path: WalletPath = None, message: Message = None,
    use_hotkey: UseHotkey = False, password_file: PasswordFile = None, password_fd: PasswordFd = None,
    json_out: Json = False, yes: Yes = False, debug: Debug = False, network: IgnoredNetwork = None,
) -> None:
    """Sign a message with the coldkey (or --use-hotkey) and print the 0x signature."""
    s = open_session(name, hotkey, wallet_path, json_out, yes)
    data = read_message(message)
    kp = _signer(s, use_hotkey, password_file, password_fd)
    signature = "0x" + kp.sign(data).hex()
    if s.out.json_mode:
        s.out.result({"signer": kp.ss58_address, "key": "hotkey" if use_hotkey else "coldkey",
                      "message_bytes": len(data), "signature": signature})
    else:
        s.out.note(f"Signed {len(data)} bytes with {'hotkey' if use_hotkey else 'coldkey'} {kp.ss58_address}:")
        sys.stdout.write(signature + "\n")


def verify(
    signature: Signature, message: Message = None, address: Address = None, name: WalletName = None,
    hotkey: Hotkey = None, wallet_path: WalletPath = None, use_hotkey: UseHotkey = False,
    json_out: Json = False, yes: Yes = False, debug: Debug = False, network: IgnoredNetwork = None,
) -> None:
    """Check a signature against a message and an address; exits 1 when it is not valid."""
    from wallet.keypair import Keypair
    from wallet.ss58 import public_key_from

    s = open_session(name, hotkey, wallet_path, json_out, yes)
    if address is not None:
        kp = Keypair.from_public_key(public_key_from(address))
    elif use_hotkey:
        kp = s.wallet.hotkey_keypair(password=None)
    else:
        kp = s.wallet.coldkeypub
    sig_text = signature.strip()
    try:
        sig = bytes.fromhex(sig_text[2:] if sig_text.lower().startswith("0x") else sig_text)
    except ValueError:
        raise UsageProblem("--signature is not hex; give the 0x-prefixed 64-byte signature") from None
    if len(sig) != 64:
        raise UsageProblem(f"--signature has {len(sig)} bytes; an sr25519 signature has 64")
    data = read_message(message)
    valid = bool(kp.verify(data, sig))
    if s.out.json_mode:
        s.out.result({"valid": valid, "signer": kp.ss58_address, "message_bytes": len(data)})
    if not valid:
        raise CliError(f"the signature is NOT valid for {kp.ss58_address} over this message")
    if not s.out.json_mode:
        s.out.success(f"Valid signature by {kp.ss58_address}")
