"""Where passwords, mnemonics, seeds and key JSON come from: never the command line.

argv is visible to every user in `ps`, lands in shell history, and btcli even logged it to a 0644
debug file. So secrets come only from, in order:
  1. a file the user names (`--password-file`, `--mnemonic-file`, `--seed-file`), which must not be
     readable by group or others (mode 0600), exactly like ssh refuses a loose private key;
  2. an open file descriptor (`--password-fd 3`), for pipes from password managers;
  3. for an existing keyfile's password, the bittensor-compatible `BT_PW_*` variable;
  4. an interactive hidden prompt, only when stdin is a terminal and `--yes` was not given.
In non-interactive mode a missing secret fails at once with a line naming the flag to add.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from taocli.errors import CliError, MissingInput, UsageProblem
from taocli.prompts import can_prompt

MAX_SECRET_BYTES = 1 << 20  # key JSON files are a few KiB; refuse to slurp anything absurd


def read_private_file(path: Path, flag: str, *, must_be_private: bool = True) -> str:
    """The text of a file holding a secret, refusing one that group or others can read."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise CliError(f"{flag} {path}: no such file; check the path") from None
    except OSError as exc:
        raise CliError(f"{flag} {path}: cannot access it ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise CliError(f"{flag} {path} is a directory; give the file that holds the secret")
    loose = stat.S_IMODE(info.st_mode) & 0o077
    if must_be_private and stat.S_ISREG(info.st_mode) and loose:
        raise CliError(f"{flag} {path} is readable by others (mode {stat.S_IMODE(info.st_mode):04o}); "
                       f"run 'chmod 600 {path}' and retry")
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_SECRET_BYTES + 1)
    except OSError as exc:
        raise CliError(f"{flag} {path}: cannot read it ({exc.strerror})") from None
    if len(data) > MAX_SECRET_BYTES:
        raise CliError(f"{flag} {path} is larger than 1 MiB; that is not a secret file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise CliError(f"{flag} {path} is not UTF-8 text") from None


def read_fd(fd: int, flag: str) -> str:
    """The first line written to an inherited file descriptor.

    Reads one byte at a time and stops at the newline, so whatever follows on the same descriptor
    (e.g. a message to sign after the password on stdin) is left for its reader.
    """
    if fd < 0:
        raise UsageProblem(f"{flag} {fd}: a file descriptor is a number >= 0")
    data = bytearray()
    try:
        while len(data) <= MAX_SECRET_BYTES:
            byte = os.read(fd, 1)
            if not byte or byte == b"\n":
                break
            data += byte
    except OSError as exc:
        raise CliError(f"{flag} {fd}: cannot read that file descriptor ({exc.strerror}); "
                       f"open it in the calling shell, e.g. 3<secret.txt") from None
    try:
        return bytes(data).rstrip(b"\r").decode("utf-8")
    except UnicodeDecodeError:
        raise CliError(f"{flag} {fd}: input is not UTF-8 text") from None


def first_line(text: str) -> str:
    """The first line without its line ending (a password may contain spaces, so nothing else is cut)."""
    return text.splitlines()[0] if text else ""


def _exclusive(**given: object) -> None:
    names = [name for name, value in given.items() if value is not None]
    if len(names) > 1:
        raise UsageProblem(f"{' and '.join(names)} cannot be used together; pass only one")


def password_from_sources(file: Path | None, fd: int | None, *, file_flag: str = "--password-file",
                          fd_flag: str = "--password-fd") -> str | None:
    """The password from a file or fd if one was given, else None."""
    _exclusive(**{file_flag: file, fd_flag: fd})
    if file is not None:
        value = first_line(read_private_file(file, file_flag))
    elif fd is not None:
        value = first_line(read_fd(fd, fd_flag))
    else:
        return None
    if value == "":
        raise CliError(f"{file_flag if file is not None else fd_flag}: the password is empty")
    return value


def existing_password(keyfile: Path, what: str, *, file: Path | None, fd: int | None, yes: bool) -> str:
    """The password that unlocks an existing encrypted keyfile."""
    given = password_from_sources(file, fd)
    if given is not None:
        return given
    from wallet.passwords import env_var_name, password_from_env

    from_env = password_from_env(keyfile)
    if from_env:
        return from_env
    if not can_prompt(yes):
        raise MissingInput(f"the {what} {keyfile} is encrypted and no password was given: pass "
                           f"--password-file PATH or --password-fd N (or set {env_var_name(keyfile)})")
    import getpass

    return getpass.getpass(f"Password for the {what} {keyfile}: ")


def _strength(password: str) -> tuple[bool, str]:
    from wallet.passwords import check_strength

    return check_strength(password)


def new_password(what: str, *, file: Path | None, fd: int | None, allow_weak: bool, yes: bool,
                 file_flag: str = "--password-file", fd_flag: str = "--password-fd",
                 missing_hint: str = "") -> str:
    """A password for a key about to be encrypted: checked for strength, typed twice at a prompt."""
    given = password_from_sources(file, fd, file_flag=file_flag, fd_flag=fd_flag)
    if given is not None:
        ok, reason = _strength(given)
        if not ok and not allow_weak:
            raise CliError(f"the new password is too weak: {reason}; choose a stronger one or pass "
                           f"--allow-weak-password")
        return given
    if not can_prompt(yes):
        hint = f"{file_flag} PATH or {fd_flag} N" + (f", {missing_hint}" if missing_hint else "")
        raise MissingInput(f"the new {what} needs a password and stdin is not a terminal: pass {hint}")
    import getpass

    for _ in range(5):
        first = getpass.getpass(f"New password for the {what}: ")
        ok, reason = _strength(first)
        if not ok and not allow_weak:
            sys.stderr.write(f"Too weak: {reason}. Try a longer passphrase (or --allow-weak-password).\n")
            continue
        if first != first.strip():
            sys.stderr.write("Note: the password starts or ends with whitespace; the official btcli trims "
                             "typed passwords, so it could not unlock this key.\n")
        if getpass.getpass("Retype the password: ") != first:
            sys.stderr.write("The passwords did not match; try again.\n")
            continue
        return first
    raise CliError("no acceptable password after 5 attempts; nothing was changed")
