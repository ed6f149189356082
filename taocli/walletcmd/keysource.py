"""Turn user-supplied key material (mnemonic, seed or polkadot.js JSON) into a Keypair.

The material never comes from argv: a 0600 file (`--mnemonic-file`, `--seed-file`), a JSON export
(`--json-file`, encrypted by its own passphrase, so its mode is not policed) or a hidden prompt.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from taocli.errors import MissingInput, UsageProblem
from taocli.options import SECRETS, value_option
from taocli.prompts import can_prompt
from taocli.secret_input import first_line, password_from_sources, read_private_file

if TYPE_CHECKING:  # pragma: no cover
    from wallet.keypair import Keypair

MnemonicFile = Annotated[Path | None, value_option(
    "--mnemonic-file", panel=SECRETS, help="File holding the mnemonic words (mode 0600).")]
SeedFile = Annotated[Path | None, value_option(
    "--seed-file", panel=SECRETS, help="File holding the 32-byte seed as hex (mode 0600).")]
JsonFile = Annotated[Path | None, value_option(
    "--json-file", panel=SECRETS, help="polkadot.js account export (JSON) to import.")]
JsonPasswordFile = Annotated[Path | None, value_option(
    "--json-password-file", panel=SECRETS, help="File (0600) whose first line is the JSON export's passphrase.")]
JsonPasswordFd = Annotated[int | None, value_option(
    "--json-password-fd", panel=SECRETS, help="File descriptor to read the JSON export's passphrase from.")]


def keypair_from_material(what: str, *, mnemonic_file: Path | None, seed_file: Path | None,
                          json_file: Path | None, json_password_file: Path | None,
                          json_password_fd: int | None, yes: bool) -> Keypair:
    """The keypair described by exactly one source, or a hidden prompt when a person is present."""
    from wallet.keypair import Keypair

    given = [flag for flag, value in (("--mnemonic-file", mnemonic_file), ("--seed-file", seed_file),
                                      ("--json-file", json_file)) if value is not None]
    if len(given) > 1:
        raise UsageProblem(f"{' and '.join(given)} cannot be used together; give one source for the {what}")
    if mnemonic_file is not None:
        return _from_mnemonic(read_private_file(mnemonic_file, "--mnemonic-file"))
    if seed_file is not None:
        return Keypair.from_seed(first_line(read_private_file(seed_file, "--seed-file")).strip())
    if json_file is not None:
        text = read_private_file(json_file, "--json-file", must_be_private=False)
        passphrase = password_from_sources(json_password_file, json_password_fd,
                                           file_flag="--json-password-file", fd_flag="--json-password-fd")
        if passphrase is None:
            passphrase = _prompt_or_fail(
                "Passphrase of the JSON export: ",
                "the JSON export needs its passphrase: pass --json-password-file PATH or --json-password-fd N",
                yes)
        from wallet.polkadot_json import keypair_from_polkadot_json

        return keypair_from_polkadot_json(text, passphrase)
    typed = _prompt_or_fail(
        f"Mnemonic or 0x seed of the {what} (input hidden): ",
        f"no key material for the {what}: pass --mnemonic-file PATH, --seed-file PATH or --json-file PATH",
        yes).strip()
    if typed.lower().startswith("0x"):
        return Keypair.from_seed(typed)
    return _from_mnemonic(typed)


def _from_mnemonic(text: str) -> Keypair:
    from wallet.keypair import Keypair
    from wallet.mnemonic import normalise_mnemonic

    return Keypair.from_mnemonic(normalise_mnemonic(text))


def _prompt_or_fail(prompt: str, missing: str, yes: bool) -> str:
    if not can_prompt(yes):
        raise MissingInput(missing)
    import getpass

    return getpass.getpass(prompt)
