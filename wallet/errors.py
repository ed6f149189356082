"""Every way the wallet can refuse, as one exception family.

Why a family with a fixed shape: the CLI (and any script) must be able to show a failure as a
single line that tells the user what went wrong *and* what to do next, without a traceback and
without knowing which module raised it. So every error carries a ``cause`` and a ``remedy`` and
its ``str()`` is exactly ``"<cause>. <remedy>"`` on one line. Nothing here ever includes a
secret: callers pass paths, names and addresses, never passwords, seeds or phrases.
"""

from __future__ import annotations


class WalletError(Exception):
    """Base class: a refusal the user can act on.

    ``cause`` says what is wrong, ``remedy`` says what to do; ``path`` (if any) names the file
    or directory involved so a caller can point at it.
    """

    default_remedy = "check the input and try again"

    def __init__(self, cause: str, remedy: str | None = None, *, path: str | None = None) -> None:
        self.cause = _one_line(cause)
        self.remedy = _one_line(remedy if remedy is not None else self.default_remedy)
        self.path = path
        super().__init__(str(self))

    def __str__(self) -> str:
        cause = self.cause.rstrip(".")
        if not self.remedy:
            return cause
        remedy = self.remedy[0].upper() + self.remedy[1:]
        return f"{cause}. {remedy.rstrip('.')}."


def _one_line(text: str) -> str:
    """Collapse any whitespace runs (including newlines) so the message stays on one line."""
    return " ".join(str(text).split())


class WrongPassword(WalletError):
    """The password does not decrypt the keyfile (for $NACL this is indistinguishable from damage)."""

    default_remedy = "try again with the password used when the key was created, or regenerate the key"


class PasswordRequired(WalletError):
    """The keyfile is encrypted and no password was supplied (argument or BT_PW_ variable)."""

    default_remedy = "supply the password (or set the BT_PW_ variable for this keyfile)"


class KeyfileCorrupt(WalletError):
    """The file exists but is not a keyfile we can parse, or its fields disagree with each other."""

    default_remedy = "restore the file from a backup or regenerate the key from its mnemonic"


class KeyfileNotFound(WalletError):
    """A keyfile that was asked for does not exist."""

    default_remedy = "check the wallet path and names, or create/regenerate the key"


class UnknownWallet(KeyfileNotFound):
    """The named wallet (its directory or coldkey files) does not exist."""

    default_remedy = "list wallets with `taocli wallet list` or create one with `taocli wallet create`"


class UnknownHotkey(KeyfileNotFound):
    """The named hotkey does not exist in the wallet."""

    default_remedy = "list hotkeys with `taocli wallet list` or create one with `taocli wallet new-hotkey`"


class InvalidMnemonic(WalletError):
    """A mnemonic phrase is malformed: wrong word count, unknown word, or bad checksum."""

    default_remedy = "re-enter the 12/15/18/21/24 English BIP39 words exactly as written down"


class InvalidAddress(WalletError):
    """An SS58 address or hex public key is malformed or has a wrong checksum."""

    default_remedy = "copy the address again (an SS58 address such as 5F... or a 0x-prefixed 32-byte hex key)"


class InvalidSeed(WalletError):
    """A seed, private key or derivation URI is malformed."""

    default_remedy = "give the seed as 64 hex characters (0x optional)"


class InvalidName(WalletError):
    """A wallet or hotkey name is not a single, safe path component."""

    default_remedy = "use a plain name such as 'default' or 'miner1' (letters, digits, '-', '_')"


class KeyExists(WalletError):
    """Writing would replace an existing key and overwrite was not requested."""

    default_remedy = "choose another name, or pass --overwrite (the old file is kept as <name>.bak)"


class UnwritablePath(WalletError):
    """The wallet directory or file cannot be created or written."""

    default_remedy = "check the directory exists and is writable, or choose another --wallet-path"


class UnreadablePath(WalletError):
    """A keyfile exists but the operating system refuses to let us read it."""

    default_remedy = "run as the user who owns the wallet, or fix the file's permissions"


class InvalidKeyJson(WalletError):
    """A polkadot.js JSON export is malformed, has a wrong passphrase, or holds a key for another address."""

    default_remedy = "export the account again from polkadot.js and check the passphrase"


class UnsupportedKeyType(WalletError):
    """The keyfile holds a key type we do not handle (ed25519 coldkeys from bittensor-wallet 4.1)."""

    default_remedy = "use an sr25519 key; regenerate it from its mnemonic without --crypto-type ed25519"


__all__ = [
    "InvalidAddress",
    "InvalidKeyJson",
    "InvalidMnemonic",
    "InvalidName",
    "InvalidSeed",
    "KeyExists",
    "KeyfileCorrupt",
    "KeyfileNotFound",
    "PasswordRequired",
    "UnknownHotkey",
    "UnknownWallet",
    "UnreadablePath",
    "UnsupportedKeyType",
    "UnwritablePath",
    "WalletError",
    "WrongPassword",
]
