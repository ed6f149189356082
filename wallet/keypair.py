"""sr25519 keypairs: the one object every other layer signs with.

Why immutable and why so many constructors: a Keypair is created from whatever the user holds
(mnemonic, mini-secret seed, secret URI, schnorrkel private key, address) and then passed around
the CLI, chain client and neuron code. Making it frozen means nobody can swap the public key of
a keypair whose secret stays the same. Each constructor validates its input and raises a
``WalletError`` subclass with one clear line; ``repr`` never shows secret material.

Key forms (see spec §5): ``seed`` is the 32-byte mini secret; ``private_key`` is 64 bytes,
scalar (LE, canonical, < ℓ) ‖ nonce, exactly what py-sr25519-bindings 0.2 returns.
"""

from __future__ import annotations

import binascii
from typing import Any

import sr25519

from wallet import derivation
from wallet.errors import InvalidAddress, InvalidMnemonic, InvalidSeed
from wallet.mnemonic import mini_secret_from_mnemonic, normalise_mnemonic
from wallet.ss58 import DEFAULT_PREFIX, public_key_from, ss58_decode, ss58_encode

# Order of the Ristretto/ed25519 prime-order group: a valid scalar is < ℓ.
CURVE_ORDER = 2**252 + 27742317777372353535851937790883648493
_BYTES_WRAP = (b"<Bytes>", b"</Bytes>")


def _hex_bytes(value: str, what: str, size: int | None) -> bytes:
    text = value.strip()
    if text[:2].lower() == "0x":
        text = text[2:]
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raise InvalidSeed(f"the {what} is not hexadecimal", f"give the {what} as hex digits (0x optional)") from None
    if size is not None and len(raw) != size:
        raise InvalidSeed(
            f"the {what} is {len(raw)} bytes, not {size}", f"give the {what} as {2 * size} hex digits (0x optional)"
        )
    return raw


def message_bytes(message: bytes | str) -> bytes:
    """Bytes to sign for ``message``: text is UTF-8, except a ``0x<hex>`` string means those bytes.

    That hex rule is what substrate-interface and bittensor-wallet do, so a signature made by
    either verifies here for the same Python argument.
    """
    if isinstance(message, bytes | bytearray | memoryview):
        return bytes(message)
    if isinstance(message, str):
        if message[:2] == "0x":
            try:
                return binascii.unhexlify(message[2:])
            except (binascii.Error, ValueError):
                pass
        return message.encode("utf-8")
    raise TypeError(f"a message must be bytes or str, not {type(message).__name__}")


class Keypair:
    """An sr25519 public key, optionally with its secret (private key, mini seed, mnemonic)."""

    __slots__ = ("_mnemonic", "_private_key", "_public_key", "_seed", "_ss58_address")
    crypto_type = "sr25519"
    _public_key: bytes
    _private_key: bytes | None
    _seed: bytes | None
    _mnemonic: str | None
    _ss58_address: str

    def __init__(
        self,
        public_key: bytes,
        private_key: bytes | None = None,
        *,
        seed: bytes | None = None,
        mnemonic: str | None = None,
    ) -> None:
        """Low-level constructor; prefer the ``from_*`` classmethods, which validate input."""
        if len(public_key) != 32:
            raise InvalidAddress(f"a public key must be 32 bytes, got {len(public_key)}")
        if private_key is not None and len(private_key) != 64:
            raise InvalidSeed(f"a private key must be 64 bytes, got {len(private_key)}")
        object.__setattr__(self, "_public_key", bytes(public_key))
        object.__setattr__(self, "_private_key", None if private_key is None else bytes(private_key))
        object.__setattr__(self, "_seed", None if seed is None else bytes(seed))
        object.__setattr__(self, "_mnemonic", mnemonic)
        object.__setattr__(self, "_ss58_address", ss58_encode(self._public_key, DEFAULT_PREFIX))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Keypair is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Keypair is immutable")

    # ----- read-only views -------------------------------------------------------------------
    @property
    def public_key(self) -> bytes:
        """The 32-byte sr25519 public key (the account id)."""
        return self._public_key

    @property
    def ss58_address(self) -> str:
        """The address in SS58 format 42 (starts with '5')."""
        return self._ss58_address

    @property
    def private_key(self) -> bytes | None:
        """64 bytes scalar‖nonce, or None for a public-only keypair."""
        return self._private_key

    @property
    def seed(self) -> bytes | None:
        """The 32-byte mini secret when the key came from a seed or mnemonic, else None."""
        return self._seed

    @property
    def mnemonic(self) -> str | None:
        """The canonical (lower-case, single-spaced) phrase when known, else None."""
        return self._mnemonic

    @property
    def has_secret(self) -> bool:
        """True when this keypair can sign."""
        return self._private_key is not None

    def public_only(self) -> Keypair:
        """The same account without any secret (what coldkeypub.txt holds)."""
        return Keypair(self._public_key)

    def __repr__(self) -> str:
        kind = "secret" if self.has_secret else "public"
        return f"Keypair({self._ss58_address}, sr25519, {kind})"

    def __eq__(self, other: object) -> bool:
        """Same account and same signing scalar (soft derivation randomises the nonce half)."""
        if not isinstance(other, Keypair):
            return NotImplemented
        mine, theirs = self._private_key, other._private_key
        if mine is None or theirs is None:
            return self._public_key == other._public_key and mine is theirs
        return self._public_key == other._public_key and mine[:32] == theirs[:32]

    def __hash__(self) -> int:
        return hash(self._public_key)

    # ----- constructors ----------------------------------------------------------------------
    @classmethod
    def from_seed(cls, seed: bytes | str) -> Keypair:
        """From a 32-byte mini secret (raw bytes or hex text, 0x optional)."""
        if isinstance(seed, str):
            raw = _hex_bytes(seed, "seed", 32)
        elif isinstance(seed, bytes | bytearray):
            raw = bytes(seed)
            if len(raw) != 32:
                raise InvalidSeed(f"the seed is {len(raw)} bytes, not 32")
        else:
            raise InvalidSeed(f"a seed must be bytes or hex text, not {type(seed).__name__}")
        public, private = sr25519.pair_from_seed(raw)
        return cls(bytes(public), bytes(private), seed=raw)

    @classmethod
    def from_mnemonic(cls, phrase: str) -> Keypair:
        """From a BIP39 phrase the substrate way; the canonical phrase is kept on the keypair."""
        canonical = normalise_mnemonic(phrase)
        seed = mini_secret_from_mnemonic(canonical)
        public, private = sr25519.pair_from_seed(seed)
        return cls(bytes(public), bytes(private), seed=seed, mnemonic=canonical)

    @classmethod
    def from_private_key(cls, private_key: bytes | str) -> Keypair:
        """From a 64-byte schnorrkel secret (scalar‖nonce); a non-canonical scalar (>= ℓ) is refused."""
        raw = _hex_bytes(private_key, "private key", 64) if isinstance(private_key, str) else bytes(private_key)
        if len(raw) != 64:
            raise InvalidSeed(f"the private key is {len(raw)} bytes, not 64", "give 128 hex digits (0x optional)")
        if int.from_bytes(raw[:32], "little") >= CURVE_ORDER:
            raise InvalidSeed(
                "the private key's scalar is not canonical (>= the group order)",
                "this is not an sr25519 private key in schnorrkel form; check where it came from",
            )
        try:
            public = sr25519.public_from_secret_key(raw)
        except ValueError as exc:
            raise InvalidSeed(f"the private key is invalid ({exc})") from None
        return cls(bytes(public), raw)

    @classmethod
    def from_public_key(cls, public_key: bytes | str) -> Keypair:
        """A public-only keypair from 32 bytes or 64 hex digits (0x optional)."""
        return cls(public_key_from(public_key))

    @classmethod
    def from_ss58(cls, address: str) -> Keypair:
        """A public-only keypair from an SS58 address of any valid prefix (stored as format 42)."""
        return cls(ss58_decode(address))

    @classmethod
    def from_uri(cls, uri: str) -> Keypair:
        """From a secret URI: ``//Alice``, ``<phrase>//hard/soft///password``, ``0x<seed>//path``.

        Without junctions or password the result equals from_mnemonic/from_seed (phrase and seed
        kept); once derived, only the private key and public fields exist, as in sp-core.
        """
        parsed = derivation.parse_uri(uri)
        if parsed.seed_hex is not None:
            root = cls.from_seed(parsed.seed_hex)
        elif parsed.password is None:
            try:
                root = cls.from_mnemonic(parsed.phrase or derivation.DEV_PHRASE)
            except InvalidMnemonic as exc:
                raise InvalidMnemonic(f"in the secret URI, {exc.cause}", exc.remedy) from None
        else:
            seed = mini_secret_from_mnemonic(parsed.phrase or derivation.DEV_PHRASE, parsed.password)
            public, private = sr25519.pair_from_seed(seed)
            root = cls(bytes(public), bytes(private))
        if not parsed.junctions:
            return root
        return root.derive(parsed.junctions)

    def derive(self, junctions: tuple[derivation.Junction, ...] | str) -> Keypair:
        """Apply hard/soft junctions (objects or a ``//a/b`` path) to this secret keypair."""
        if isinstance(junctions, str):
            junctions = derivation.parse_junctions(junctions)
        if self._private_key is None:
            raise InvalidSeed("a public-only key cannot be derived", "derive from the secret key instead")
        public, private = self._public_key, self._private_key
        for junction in junctions:
            fn = sr25519.hard_derive_keypair if junction.hard else sr25519.derive_keypair
            _, public, private = fn((junction.chain_code, public, private), b"")
        return Keypair(bytes(public), bytes(private))

    # ----- signatures ------------------------------------------------------------------------
    def sign(self, message: bytes | str) -> bytes:
        """A 64-byte (randomised) sr25519 signature; compare signatures by verifying, not by bytes."""
        if self._private_key is None:
            raise InvalidSeed(
                f"{self._ss58_address} has no secret key here, so it cannot sign",
                "unlock the coldkey or use a hotkey file that holds the secret",
            )
        return bytes(sr25519.sign((self._public_key, self._private_key), message_bytes(message)))

    def verify(self, message: bytes | str, signature: bytes | str) -> bool:
        """True if ``signature`` is valid for ``message`` or its ``<Bytes>…</Bytes>`` wrapping.

        Never raises for a malformed signature or message: garbage simply does not verify.
        """
        try:
            data = message_bytes(message)
            if isinstance(signature, str):
                text = signature.strip()
                sig = bytes.fromhex(text[2:] if text[:2].lower() == "0x" else text)
            else:
                sig = bytes(signature)
        except (TypeError, ValueError):
            return False
        if len(sig) != 64:
            return False
        for candidate in (data, _BYTES_WRAP[0] + data + _BYTES_WRAP[1]):
            try:
                if sr25519.verify(sig, candidate, self._public_key):
                    return True
            except (ValueError, TypeError):
                return False
        return False


__all__ = ["CURVE_ORDER", "Keypair", "message_bytes"]
