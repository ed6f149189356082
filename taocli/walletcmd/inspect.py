"""`wallet list` and `wallet show`: addresses only, read from public files, never a password prompt.

Addresses come from `coldkeypub.txt` and `hotkeys/<name>pub.txt`; a plaintext hotkey without a pub file
is read directly, an encrypted one is reported as such. A damaged file is shown as an error in its row
rather than aborting the whole listing, so one bad wallet never hides the others.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from taocli.errors import CliError
from taocli.options import Debug, Hotkey, IgnoredNetwork, Json, WalletName, WalletPath, Yes
from taocli.walletcmd.session import Session, open_session


def _coldkey_entry(w: Any) -> dict[str, Any]:
    from wallet.errors import WalletError

    pub_path = Path(w.coldkeypub_file.path)
    entry: dict[str, Any] = {"ss58_address": None, "public_key": None,
                             "has_coldkey": Path(w.coldkey_file.path).exists()}
    if pub_path.exists():
        try:
            kp = w.coldkeypub
            entry["ss58_address"], entry["public_key"] = kp.ss58_address, "0x" + kp.public_key.hex()
        except WalletError as exc:
            entry["error"] = str(exc)
    else:
        entry["error"] = "no coldkeypub.txt"
    return entry


def _hotkey_entry(w: Any, hotkey: str) -> dict[str, Any]:
    from wallet.errors import WalletError

    entry: dict[str, Any] = {"name": hotkey, "ss58_address": None}
    try:
        secret = w.hotkey_file_for(hotkey)
        entry["encrypted"] = bool(secret.exists and secret.is_encrypted)
        if entry["encrypted"] and not w.hotkeypub_file_for(hotkey).exists:
            entry["error"] = "encrypted, no pub file"
        else:
            entry["ss58_address"] = w.hotkeypub(hotkey).ss58_address
    except WalletError as exc:
        entry["error"] = str(exc)
    return entry


def _wallet_entry(s: Session) -> dict[str, Any]:
    w = s.wallet
    hotkeys = [_hotkey_entry(w, hk) for hk in w.hotkey_names()]
    return {"name": s.name, "path": str(s.path / s.name), "coldkey": _coldkey_entry(w), "hotkeys": hotkeys}


def _label(entry: dict[str, Any]) -> str:
    from rich.markup import escape

    if entry.get("ss58_address"):
        return f"[cyan]{entry['ss58_address']}[/cyan]"
    return f"[red]{escape(entry.get('error', 'unknown'))}[/red]"


def list_(
    wallet_path: WalletPath = None, json_out: Json = False, debug: Debug = False, yes: Yes = False,
    name: WalletName = None, hotkey: Hotkey = None, network: IgnoredNetwork = None,
) -> None:
    """List every wallet under the wallet path with its coldkey and hotkey addresses."""
    from wallet.wallet import list_wallets

    s = open_session(None, None, wallet_path, json_out, yes)
    if s.path.exists() and not s.path.is_dir():  # "No wallets in <file>" hid a mistyped --wallet-path
        from taocli.errors import CliError

        raise CliError(f"the wallet path {s.path} is a file, not a directory; pass --wallet-path with the "
                       "directory that holds the wallets")
    names = sorted(list_wallets(str(s.path))) if s.path.is_dir() else []
    wallets = [_wallet_entry(open_session(n, None, str(s.path), json_out, yes)) for n in names]
    data = {"wallet_path": str(s.path), "wallets": wallets}

    def render(console: Any) -> None:
        from rich.markup import escape
        from rich.tree import Tree

        if not wallets:
            console.print(f"No wallets in {escape(str(s.path))}. Create one with: taocli wallet create")
            return
        tree = Tree(f"Wallets in {escape(str(s.path))}")
        for wal in wallets:
            branch = tree.add(f"[bold]{escape(wal['name'])}[/bold]  coldkey {_label(wal['coldkey'])}")
            for hk in wal["hotkeys"]:
                branch.add(f"{escape(hk['name'])}  {_label(hk)}")
        console.print(tree)

    s.out.result(data, render)


def show(
    name: WalletName = None, wallet_path: WalletPath = None, json_out: Json = False, debug: Debug = False,
    yes: Yes = False, hotkey: Hotkey = None, network: IgnoredNetwork = None,
) -> None:
    """Show one wallet's coldkey address, public key and hotkeys."""
    from wallet.errors import UnknownWallet

    s = open_session(name, hotkey, wallet_path, json_out, yes)
    w = s.wallet
    if not (s.path / s.name).is_dir():
        raise UnknownWallet(f"no wallet named '{s.name}' in {s.path}")
    entry = _wallet_entry(s)
    cold = entry["coldkey"]
    if cold.get("error") and not cold["has_coldkey"]:
        raise CliError(f"wallet '{s.name}' has no coldkey ({cold['error']}); restore it with "
                       f"taocli wallet regen-coldkey or regen-coldkeypub")
    encrypted = None
    if cold["has_coldkey"]:
        from wallet.errors import WalletError

        try:
            encrypted = bool(w.coldkey_file.is_encrypted)
        except WalletError:
            encrypted = None
    cold["encrypted"] = encrypted

    def render(console: Any) -> None:
        from rich.markup import escape
        from rich.table import Table

        table = Table(title=f"Wallet {escape(s.name)} ({escape(entry['path'])})", show_header=True)
        table.add_column("key")
        table.add_column("name")
        table.add_column("ss58 address")
        lock = {True: " (encrypted)", False: " (plaintext)", None: ""}[encrypted]
        table.add_row(f"coldkey{lock}", escape(s.name), _label(cold))
        for hk in entry["hotkeys"]:
            table.add_row("hotkey", escape(hk["name"]), _label(hk))
        console.print(table)
        if cold.get("public_key"):
            console.print(f"coldkey public key: {cold['public_key']}")

    s.out.result(entry, render)
