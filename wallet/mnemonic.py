"""BIP39 mnemonics turned into substrate mini secrets.

Why our own checks instead of a library's validator: their errors are generic and some accept
UPPER-case words that the official wallet rejects. We take only the English word list, through the
`mnemonic` package's public `Mnemonic("english").wordlist` (a few ms to import, imported on first
use), and check word membership and the SHA-256 checksum ourselves, so an error can name the
unknown word or say the checksum fails.

Substrate does NOT use BIP39 seeds: the 32-byte mini secret is PBKDF2-HMAC-SHA512 over the
*entropy* (not the words) with salt "mnemonic"+password, 2048 rounds, first 32 bytes.
"""

from __future__ import annotations

import functools
import hashlib
import secrets

from wallet.errors import InvalidMnemonic

WORD_COUNTS = (12, 15, 18, 21, 24)
_PBKDF2_ROUNDS = 2048


@functools.lru_cache(maxsize=1)
def _wordlist() -> tuple[list[str], dict[str, int]]:
    """The 2048 BIP-39 English words and their indices (cached for the process)."""
    from mnemonic import Mnemonic

    words = list(Mnemonic("english").wordlist)
    return words, {w: i for i, w in enumerate(words)}


def generate_mnemonic(n_words: int = 12) -> str:
    """Return a fresh random English mnemonic of 12, 15, 18, 21 or 24 words (lower-case)."""
    if n_words not in WORD_COUNTS:
        raise InvalidMnemonic(
            f"a mnemonic cannot have {n_words} words", "choose 12, 15, 18, 21 or 24 words"
        )
    return _entropy_to_words(secrets.token_bytes(n_words * 4 // 3))


def _entropy_to_words(entropy: bytes) -> str:
    words, _ = _wordlist()
    n_bits = len(entropy) * 8
    cs_bits = n_bits // 32
    value = (int.from_bytes(entropy, "big") << cs_bits) | (hashlib.sha256(entropy).digest()[0] >> (8 - cs_bits))
    total = n_bits + cs_bits
    return " ".join(words[(value >> (total - 11 * (i + 1))) & 0x7FF] for i in range(total // 11))


def entropy_from_mnemonic(phrase: str) -> bytes:
    """Decode a phrase to its entropy, checking word count, each word and the checksum."""
    if not isinstance(phrase, str):
        raise InvalidMnemonic("the mnemonic must be text")
    tokens = phrase.lower().split()
    if len(tokens) not in WORD_COUNTS:
        raise InvalidMnemonic(f"the mnemonic has {len(tokens)} words, not 12, 15, 18, 21 or 24")
    _, index = _wordlist()
    value = 0
    for pos, word in enumerate(tokens, start=1):
        idx = index.get(word)
        if idx is None:
            raise InvalidMnemonic(
                f"word {pos} ({_clip(word)!r}) is not in the BIP39 English word list",
                "check the spelling of that word against your written copy",
            )
        value = (value << 11) | idx
    total = len(tokens) * 11
    cs_bits = total // 33
    n_bits = total - cs_bits
    entropy = (value >> cs_bits).to_bytes(n_bits // 8, "big")
    checksum = value & ((1 << cs_bits) - 1)
    if hashlib.sha256(entropy).digest()[0] >> (8 - cs_bits) != checksum:
        raise InvalidMnemonic(
            "the mnemonic checksum fails (every word is valid, but one is wrong or the order differs)",
            "compare each word and its position with your written copy",
        )
    return entropy


def _clip(word: str) -> str:
    return word if len(word) <= 20 else word[:17] + "..."


def normalise_mnemonic(phrase: str) -> str:
    """Return the canonical form: lower-case words separated by single spaces, checksum verified.

    We store this form so files stay readable by the official wallet, which rejects upper case.
    """
    entropy_from_mnemonic(phrase)
    return " ".join(phrase.lower().split())


def is_valid_mnemonic(phrase: str) -> bool:
    """True when ``phrase`` decodes (any case, any whitespace) with a valid checksum."""
    try:
        entropy_from_mnemonic(phrase)
    except InvalidMnemonic:
        return False
    return True


def mini_secret_from_mnemonic(phrase: str, password: str = "") -> bytes:
    """The substrate-bip39 32-byte mini secret (what keyfiles store as secretSeed)."""
    entropy = entropy_from_mnemonic(phrase)
    salt = b"mnemonic" + password.encode("utf-8")
    return hashlib.pbkdf2_hmac("sha512", entropy, salt, _PBKDF2_ROUNDS, 64)[:32]


__all__ = [
    "WORD_COUNTS",
    "entropy_from_mnemonic",
    "generate_mnemonic",
    "is_valid_mnemonic",
    "mini_secret_from_mnemonic",
    "normalise_mnemonic",
]
