"""`wallet regen-coldkey`, `regen-coldkeypub`, `regen-hotkey`, `regen-hotkeypub`: restore keys.

The plan shown before writing includes the address the material produces, so a typo in a mnemonic
shows up as an unexpected address *before* anything is replaced. regen-coldkeypub needs only public
data (the address), which is why it is the one command that takes its input from argv: it is the safe
choice on a rented server, where the full coldkey should never be (btcli#1026).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from taocli.errors import CliError, UsageProblem
from taocli.options import (
    AllowWeak,
    Debug,
    Hotkey,
    IgnoredNetwork,
    Json,
    NoPassword,
    Overwrite,
    PasswordFd,
    PasswordFile,
    WalletName,
    WalletPath,
    Yes,
)
from taocli.walletcmd.create import (
    EncryptHotkey,
    announce_encryption,
    coldkey_password,
    hotkey_password,
    key_info,
    refuse_unused_password,
)
from taocli.walletcmd.keysource import (
    JsonFile,
    JsonPasswordFd,
    JsonPasswordFile,
    MnemonicFile,
    SeedFile,
    keypair_from_material,
)
from taocli.walletcmd.session import Session, file_state, open_session

if TYPE_CHECKING:  # pragma: no cover
    from wallet.keypair import Keypair

Ss58 = Annotated[str | None, typer.Option("--ss58", "--ss58-address", "--ss58_address",
                                          help="The coldkey's SS58 address (public).", show_default=False)]
PublicKey = Annotated[str | None, typer.Option("--public-key", "--public_key", "--pubkey",
                                               help="The coldkey's public key as 0x-hex (public).",
                                               show_default=False)]


def _guard(s: Session, path: Path, label: str, overwrite: bool) -> None:
    if path.exists() and not overwrite:
        raise CliError(f"the {label} of wallet '{s.name}' already exists ({path}); nothing was changed. "
                       f"Pass --overwrite to replace it (the old file is kept as .bak)")


def regen_coldkey(
    name: WalletName = None, wallet_path: WalletPath = None, mnemonic_file: MnemonicFile = None,
    seed_file: SeedFile = None, json_file: JsonFile = None, json_password_file: JsonPasswordFile = None,
    json_password_fd: JsonPasswordFd = None, no_password: NoPassword = False,
    password_file: PasswordFile = None, password_fd: PasswordFd = None,
    allow_weak_password: AllowWeak = False, overwrite: Overwrite = False, json_out: Json = False,
    yes: Yes = False, debug: Debug = False, network: IgnoredNetwork = None,
) -> None:
    """Restore a coldkey from its mnemonic, seed or a polkadot.js JSON export."""
    s = open_session(name, None, wallet_path, json_out, yes)
    w = s.wallet
    cold_path, pub_path = Path(w.coldkey_file.path), Path(w.coldkeypub_file.path)
    _guard(s, cold_path, "coldkey", overwrite)
    kp = keypair_from_material("coldkey", mnemonic_file=mnemonic_file, seed_file=seed_file,
                               json_file=json_file, json_password_file=json_password_file,
                               json_password_fd=json_password_fd, yes=yes)
    replace_pub = overwrite or _same_public_key(w, kp.ss58_address, pub_path)
    enc = "UNENCRYPTED" if no_password else "encrypted"
    s.confirm_plan(f"Restore coldkey {kp.ss58_address} into wallet '{s.name}':",
                   [f"coldkey ({enc}): {cold_path} [{file_state(cold_path)}]",
                    f"coldkeypub.txt: {pub_path} [{file_state(pub_path)}]",
                    "(this puts the key that controls the funds on this machine; a server that only needs "
                    "the address wants `taocli wallet regen-coldkeypub` instead)"],
                   "Write it?")
    password = coldkey_password(s, no_password, password_file, password_fd, allow_weak_password)
    announce_encryption(s, password)
    w.set_coldkey(kp, password=password, overwrite=replace_pub)
    s.out.done(f"Restored coldkey {kp.ss58_address} in wallet '{s.name}'",
               {"wallet": s.name, "coldkey": key_info(cold_path, kp.ss58_address, password is not None)})


def _same_public_key(w: object, address: str, pub_path: Path) -> bool:
    """True when coldkeypub.txt is absent or already names `address` (rewriting it loses nothing).

    A coldkeypub.txt for a *different* key means the user is about to mix two identities in one
    wallet; that needs an explicit --overwrite.
    """
    if not pub_path.exists():
        return False
    current = w.coldkeypub.ss58_address  # type: ignore[attr-defined]
    if current != address:
        raise CliError(f"coldkeypub.txt of this wallet belongs to another key ({current}), not {address}; "
                       f"nothing was changed. Pass --overwrite to replace it or use another --wallet-name")
    return True


def _public_keypair(ss58: str | None, public_key: str | None) -> Keypair:
    """The public-only keypair named by exactly one of --ss58 and --public-key."""
    from wallet.keypair import Keypair
    from wallet.ss58 import public_key_from

    if (ss58 is None) == (public_key is None):
        raise UsageProblem("give exactly one of --ss58 ADDRESS or --public-key 0xHEX")
    return Keypair.from_public_key(public_key_from(ss58 if ss58 is not None else str(public_key)))


def regen_coldkeypub(
    name: WalletName = None, wallet_path: WalletPath = None, ss58: Ss58 = None, public_key: PublicKey = None,
    overwrite: Overwrite = False, json_out: Json = False, yes: Yes = False, debug: Debug = False,
    network: IgnoredNetwork = None,
) -> None:
    """Write only coldkeypub.txt from a public address: enough to receive, stake-view and register."""
    kp = _public_keypair(ss58, public_key)
    s = open_session(name, None, wallet_path, json_out, yes)
    w = s.wallet
    pub_path = Path(w.coldkeypub_file.path)
    _guard(s, pub_path, "coldkeypub.txt", overwrite)
    s.confirm_plan(f"Write the public coldkey {kp.ss58_address} for wallet '{s.name}':",
                   [f"coldkeypub.txt: {pub_path} [{file_state(pub_path)}]"], "Write it?")
    w.set_coldkeypub(kp, overwrite=overwrite)
    s.out.done(f"Wrote coldkeypub.txt for {kp.ss58_address} in wallet '{s.name}'",
               {"wallet": s.name, "coldkeypub": {"ss58_address": kp.ss58_address, "file": str(pub_path)}})


def regen_hotkey(
    name: WalletName = None, hotkey: Hotkey = None, wallet_path: WalletPath = None,
    mnemonic_file: MnemonicFile = None, seed_file: SeedFile = None, json_file: JsonFile = None,
    json_password_file: JsonPasswordFile = None, json_password_fd: JsonPasswordFd = None,
    encrypt: EncryptHotkey = False, password_file: PasswordFile = None, password_fd: PasswordFd = None,
    allow_weak_password: AllowWeak = False, overwrite: Overwrite = False, json_out: Json = False,
    yes: Yes = False, debug: Debug = False, network: IgnoredNetwork = None,
) -> None:
    """Restore a hotkey from its mnemonic, seed or a polkadot.js JSON export (plaintext unless --encrypt)."""
    s = open_session(name, hotkey, wallet_path, json_out, yes)
    w = s.wallet
    hot_path = Path(w.hotkey_file.path)
    _guard(s, hot_path, f"hotkey '{s.hotkey}'", overwrite)
    refuse_unused_password(encrypt, password_file, password_fd)
    kp = keypair_from_material(f"hotkey '{s.hotkey}'", mnemonic_file=mnemonic_file, seed_file=seed_file,
                               json_file=json_file, json_password_file=json_password_file,
                               json_password_fd=json_password_fd, yes=yes)
    s.confirm_plan(f"Restore hotkey {kp.ss58_address} as '{s.hotkey}' in wallet '{s.name}':",
                   [f"hotkey ({'encrypted' if encrypt else 'plaintext'}): {hot_path} [{file_state(hot_path)}]"],
                   "Write it?")
    password = hotkey_password(s, encrypt, password_file, password_fd, allow_weak_password)
    announce_encryption(s, password)
    w.set_hotkey(kp, password=password, overwrite=overwrite)
    s.out.done(f"Restored hotkey '{s.hotkey}' {kp.ss58_address} in wallet '{s.name}'",
               {"wallet": s.name, "hotkey": {"name": s.hotkey, **key_info(hot_path, kp.ss58_address, encrypt)}})


def regen_hotkeypub(
    name: WalletName = None, hotkey: Hotkey = None, wallet_path: WalletPath = None, ss58: Ss58 = None,
    public_key: PublicKey = None, overwrite: Overwrite = False, json_out: Json = False, yes: Yes = False,
    debug: Debug = False, network: IgnoredNetwork = None,
) -> None:
    """Write only hotkeys/<hotkey>pub.txt from a public address (a watch-only hotkey, btcli#513)."""
    kp = _public_keypair(ss58, public_key)
    s = open_session(name, hotkey, wallet_path, json_out, yes)
    pub_path = Path(s.wallet.hotkeypub_file.path)
    _guard(s, pub_path, f"public file of hotkey '{s.hotkey}'", overwrite)
    s.confirm_plan(f"Write the public hotkey {kp.ss58_address} as '{s.hotkey}' in wallet '{s.name}':",
                   [f"{pub_path.name}: {pub_path} [{file_state(pub_path)}]"], "Write it?")
    s.wallet.set_hotkeypub(kp, overwrite=overwrite)
    s.out.done(f"Wrote {pub_path.name} for {kp.ss58_address} in wallet '{s.name}'",
               {"wallet": s.name,
                "hotkeypub": {"name": s.hotkey, "ss58_address": kp.ss58_address, "file": str(pub_path)}})
