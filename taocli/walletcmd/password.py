"""`wallet change-password`: re-encrypt the coldkey under a new password.

The wallet library writes the new file atomically and decrypts it again before replacing the old one,
so a failure at any point leaves a coldkey that opens with one of the two passwords. The previous file
is kept as `coldkey.bak`, which still opens with the OLD password; we say so, since a user changing a
password because the old one leaked will want to delete it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from taocli.options import (
    SECRETS,
    AllowWeak,
    Debug,
    IgnoredNetwork,
    Json,
    PasswordFd,
    PasswordFile,
    WalletName,
    WalletPath,
    Yes,
    value_option,
)
from taocli.walletcmd.session import open_session

NewPasswordFile = Annotated[Path | None, value_option(
    "--new-password-file", panel=SECRETS, help="File (0600) whose first line is the new password.")]
NewPasswordFd = Annotated[int | None, value_option(
    "--new-password-fd", panel=SECRETS, help="File descriptor to read the new password from.")]


def change_password(
    name: WalletName = None, wallet_path: WalletPath = None, password_file: PasswordFile = None,
    password_fd: PasswordFd = None, new_password_file: NewPasswordFile = None,
    new_password_fd: NewPasswordFd = None, allow_weak_password: AllowWeak = False, json_out: Json = False,
    yes: Yes = False, debug: Debug = False, network: IgnoredNetwork = None,
) -> None:
    """Change the coldkey's password (or encrypt a plaintext coldkey)."""
    from taocli.secret_input import existing_password, new_password

    s = open_session(name, None, wallet_path, json_out, yes)
    w = s.wallet
    keyfile = w.coldkey_file
    path = Path(keyfile.path)
    was_encrypted = keyfile.is_encrypted  # raises KeyfileNotFound/UnknownWallet when absent
    s.confirm_plan(f"Change the password of wallet '{s.name}':",
                   [f"coldkey (re-encrypted): {path} [old file kept as {path.name}.bak]"], "Continue?")
    old = None
    if was_encrypted:
        old = existing_password(path, "coldkey", file=password_file, fd=password_fd, yes=yes)
    new = new_password("coldkey", file=new_password_file, fd=new_password_fd, allow_weak=allow_weak_password,
                       yes=yes, file_flag="--new-password-file", fd_flag="--new-password-fd")
    s.out.working("Decrypting and re-encrypting the coldkey (argon2, a few seconds)...")
    kp = w.coldkey(old)
    backup = keyfile.write(kp, password=new, overwrite=True)
    s.out.success(f"Changed the password of coldkey {kp.ss58_address}")
    if backup is not None and not was_encrypted:
        # The backup is the old *plaintext* key: keeping it would undo the encryption just asked for.
        # The new file was decrypted and compared before it replaced the old one, so nothing is lost.
        Path(backup).unlink(missing_ok=True)
        s.out.note(f"Removed the unencrypted previous copy {backup}")
        backup = None
    elif backup is not None:
        s.out.warn(f"the previous file is kept at {backup} and still opens with the OLD password; delete it "
                   f"once the new password works")
    if s.out.json_mode:
        s.out.result({"wallet": s.name, "coldkey": {"ss58_address": kp.ss58_address, "file": str(path),
                                                    "encrypted": True},
                      "backup": str(backup) if backup is not None else None})
