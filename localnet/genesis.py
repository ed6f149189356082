"""Genesis configuration of the local chain: dev defaults and TOML/JSON overrides.

`dev_genesis()` gives the "Bittensor Local" dev chain: //Alice … //Ferdie prefunded with 1,000,000 TAO each
and //Alice as the sudo key. `load_genesis(path)` starts from those defaults and applies a file:

    chain_name = "My Local"            # never a scalecodec preset name such as "polkadot"
    dev_accounts = true                # false: start without the six prefunded dev accounts
    sudo = "//Alice"                   # a //URI, an SS58 address or 0x-hex public key
    [balances]                         # amounts in TAO (exact decimals), or integers in RAO with "rao:" keys
    "//Zed" = 5000
    "5F3sa2TJ…" = 12.5
    [subtensor]                        # any other table is passed through to that pallet's genesis builder
    tempo = 10
    [runtime]                          # a differently-configured runtime (clients must read its metadata)
    spec_version = 200
    existential_deposit = 1000         # RAO
    pallet_indices = { SubtensorModule = 21, Balances = 14, AdminUtils = 30 }

`[runtime]` exists so that one client can be shown to work against two runtimes: the indices move the
metadata, call decoding, events and module errors together (they come from the same declarations).
Names are checked against the runtime's pallets when the Runtime is built (this module cannot know them).

Bad files raise GenesisError with one line naming the problem and the fix.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from wallet.keypair import Keypair
from wallet.ss58 import ss58_decode

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

RAO_PER_TAO = 1_000_000_000
DEFAULT_EXISTENTIAL_DEPOSIT = 500  # RAO; the Balances pallet's value unless [runtime] changes it
RUNTIME_KEYS = ("pallet_indices", "spec_version", "existential_deposit")
DEV_ACCOUNTS = ("Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie")
DEV_BALANCE_RAO = 1_000_000 * RAO_PER_TAO
# Names clients treat as type presets (scalecodec lower-cases system_chain and loads legacy types).
RESERVED_CHAIN_NAMES = {"polkadot", "kusama", "westend", "rococo", "statemine", "statemint", "karura",
                        "acala", "moonbeam", "moonriver", "kilt", "development", "core", "substrate-node-template"}


class GenesisError(ValueError):
    """A genesis file or value that cannot be used; the message says what and how to fix it."""


@dataclass
class RuntimeSettings:
    """The `[runtime]` table: what a differently-configured chain changes in the runtime itself.

    None / empty means "as built", so a default genesis leaves the runtime exactly as it was.
    """

    pallet_indices: dict[str, int] = field(default_factory=dict)
    spec_version: int | None = None
    existential_deposit: int | None = None  # RAO

    @property
    def ed(self) -> int:
        """The existential deposit this chain will run with, in RAO."""
        return DEFAULT_EXISTENTIAL_DEPOSIT if self.existential_deposit is None else self.existential_deposit


@dataclass
class Genesis:
    """Everything the runtime needs to build block 0."""

    chain_name: str = "Bittensor Local"
    balances: dict[bytes, int] = field(default_factory=dict)
    sudo: bytes | None = None
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    dev_accounts: dict[str, bytes] = field(default_factory=dict)
    runtime: RuntimeSettings = field(default_factory=RuntimeSettings)

    def section(self, name: str) -> dict[str, Any]:
        """A pallet's own table (e.g. `subtensor`), empty when the file has none."""
        return self.sections.get(name, {})


def dev_account(name: str) -> bytes:
    """Public key of the well-known dev account `//name` (sr25519, Substrate dev phrase)."""
    return Keypair.from_uri(f"//{name}").public_key


def dev_genesis() -> Genesis:
    """The default dev chain: six prefunded dev accounts, //Alice is sudo."""
    accounts = {name: dev_account(name) for name in DEV_ACCOUNTS}
    return Genesis(balances={pk: DEV_BALANCE_RAO for pk in accounts.values()}, sudo=accounts["Alice"],
                   dev_accounts=accounts)


def parse_account(text: str) -> bytes:
    """A //URI, SS58 address or 0x-hex public key -> 32-byte AccountId."""
    text = str(text).strip()
    try:
        if text.startswith("//"):
            return Keypair.from_uri(text).public_key
        if text.startswith("0x"):
            raw = bytes.fromhex(text[2:])
            if len(raw) != 32:
                raise ValueError("not 32 bytes")
            return raw
        return ss58_decode(text)
    except Exception:
        raise GenesisError(f"genesis: {text[:60]!r} is not an account; use //Name, an SS58 address or "
                           "0x + 64 hex digits") from None


def _amount(key: str, value: Any) -> int:
    """TAO amount (number or decimal string) -> RAO; keys prefixed "rao:" take integer RAO."""
    try:
        if key.startswith("rao:"):
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidOperation
            rao = value
        else:
            tao = Decimal(str(value))
            rao_dec = tao * RAO_PER_TAO
            if rao_dec != rao_dec.to_integral_value():
                raise InvalidOperation
            rao = int(rao_dec)
    except (InvalidOperation, ValueError):
        raise GenesisError(f"genesis: balance of {key!r} must be a TAO amount with at most 9 decimals "
                           f"(got {value!r})") from None
    if rao < 0:
        raise GenesisError(f"genesis: balance of {key!r} is negative; give a positive TAO amount")
    return rao


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GenesisError(f"genesis: cannot read {path} ({exc.strerror}); check the path") from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        kind = "JSON" if path.suffix.lower() == ".json" else "TOML"
        raise GenesisError(f"genesis: {path} is not valid {kind} ({exc}); fix the syntax") from None
    if not isinstance(data, dict):
        raise GenesisError(f"genesis: {path} must hold a table/object at the top level")
    return data


def _uint(key: str, value: Any, low: int, high: int) -> int:
    """An integer setting of `[runtime]` within [low, high] (TOML/JSON booleans are not integers)."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise GenesisError(f"genesis: [runtime] {key} must be an integer from {low} to {high:,} (got {value!r})")
    return value


def _runtime_settings(table: Any, settings: RuntimeSettings) -> None:
    """Parse `[runtime]` into `settings`; pallet names are checked later, by the runtime that has them."""
    if not isinstance(table, dict):
        raise GenesisError("genesis: runtime must be a table: [runtime] with pallet_indices, spec_version, "
                           "existential_deposit")
    unknown = sorted(set(table) - set(RUNTIME_KEYS))
    if unknown:
        raise GenesisError(f"genesis: unknown [runtime] key(s) {', '.join(unknown)}; known: {', '.join(RUNTIME_KEYS)}")
    if "spec_version" in table:
        settings.spec_version = _uint("spec_version", table["spec_version"], 1, 2**32 - 1)
    if "existential_deposit" in table:
        settings.existential_deposit = _uint("existential_deposit", table["existential_deposit"], 1, 2**64 - 1)
    indices = table.get("pallet_indices", {})
    if not isinstance(indices, dict):
        raise GenesisError("genesis: [runtime] pallet_indices must be a table of PalletName = index (0-255)")
    owner: dict[int, str] = {}
    for name, value in indices.items():
        index = _uint(f"pallet_indices.{name}", value, 0, 255)
        if index in owner:
            raise GenesisError(f"genesis: [runtime] pallet_indices gives {owner[index]} and {name} the same index "
                               f"{index}; every pallet needs its own")
        owner[index] = name
        settings.pallet_indices[str(name)] = index


def apply_overrides(genesis: Genesis, data: dict[str, Any]) -> Genesis:
    """Apply a parsed genesis document on top of `genesis` (mutates and returns it)."""
    if "runtime" in data:  # first: the balance check below needs this chain's existential deposit
        _runtime_settings(data["runtime"], genesis.runtime)
    if data.get("dev_accounts") is False:
        genesis.balances.clear()
        genesis.dev_accounts.clear()
        genesis.sudo = None
    if "chain_name" in data:
        name = str(data["chain_name"]).strip()
        if not name or name.lower() in RESERVED_CHAIN_NAMES:
            raise GenesisError(f"genesis: chain_name {name!r} is reserved by client type presets; pick another")
        genesis.chain_name = name
    if "sudo" in data:
        genesis.sudo = None if data["sudo"] in (None, "", False) else parse_account(data["sudo"])
    balances = data.get("balances", {})
    if not isinstance(balances, dict):
        raise GenesisError("genesis: [balances] must be a table of account = TAO amount")
    for key, value in balances.items():
        who = parse_account(key[4:] if key.startswith("rao:") else key)
        rao = _amount(key, value)
        if rao == 0:
            genesis.balances.pop(who, None)
        elif rao < genesis.runtime.ed:
            raise GenesisError(f"genesis: balance of {key!r} is below the existential deposit "
                               f"({genesis.runtime.ed} RAO)")
        else:
            genesis.balances[who] = rao
    if any(rao < genesis.runtime.ed for rao in genesis.balances.values()):
        raise GenesisError(f"genesis: [runtime] existential_deposit {genesis.runtime.ed} RAO is above a prefunded "
                           "balance; lower it or raise the balances")
    for key, value in data.items():
        if key in ("chain_name", "sudo", "balances", "dev_accounts", "runtime"):
            continue
        if not isinstance(value, dict):
            raise GenesisError(f"genesis: unknown setting {key!r}; pallet settings go in a [{key}] table")
        genesis.sections.setdefault(key, {}).update(value)
    return genesis


def load_genesis(path: str | Path) -> Genesis:
    """Dev defaults overridden by a TOML (default) or JSON (`.json`) file."""
    return apply_overrides(dev_genesis(), _read(Path(path)))
