"""taocli's key vault: sr25519 keypairs, SS58, mnemonics and bittensor-compatible keyfiles.

A pure library (no prompts, no printing, no network). Names are re-exported lazily so that
``import wallet`` stays cheap: ``taocli wallet list`` must start in well under 0.2 s, and the
crypto back ends (PyNaCl, cryptography, zxcvbn) are only loaded by the functions that need them.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    # errors
    "WalletError": "wallet.errors",
    "WrongPassword": "wallet.errors",
    "PasswordRequired": "wallet.errors",
    "KeyfileCorrupt": "wallet.errors",
    "KeyfileNotFound": "wallet.errors",
    "UnknownWallet": "wallet.errors",
    "UnknownHotkey": "wallet.errors",
    "InvalidMnemonic": "wallet.errors",
    "InvalidAddress": "wallet.errors",
    "InvalidSeed": "wallet.errors",
    "InvalidName": "wallet.errors",
    "KeyExists": "wallet.errors",
    "UnwritablePath": "wallet.errors",
    "UnreadablePath": "wallet.errors",
    "InvalidKeyJson": "wallet.errors",
    "UnsupportedKeyType": "wallet.errors",
    # keys
    "Keypair": "wallet.keypair",
    "ss58_encode": "wallet.ss58",
    "ss58_decode": "wallet.ss58",
    "is_valid_ss58": "wallet.ss58",
    "public_key_from": "wallet.ss58",
    "generate_mnemonic": "wallet.mnemonic",
    "normalise_mnemonic": "wallet.mnemonic",
    "mini_secret_from_mnemonic": "wallet.mnemonic",
    # files
    "Keyfile": "wallet.keyfile",
    "Wallet": "wallet.wallet",
    "list_wallets": "wallet.wallet",
    "DEFAULT_WALLET_PATH": "wallet.wallet",
    # passwords and imports
    "env_var_name": "wallet.passwords",
    "encode_env_password": "wallet.passwords",
    "decode_env_password": "wallet.passwords",
    "password_from_env": "wallet.passwords",
    "check_strength": "wallet.passwords",
    "keypair_from_polkadot_json": "wallet.polkadot_json",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'wallet' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
