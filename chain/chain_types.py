"""The chain's own types and storage defaults, read from its metadata (substrate-interface's decoded copy).

Why: substrate-interface decodes runtime-API replies (`TransactionPaymentApi_query_info`,
`query_fee_details`) with its generic "core" type registry, where `Balance` is u128. Subtensor's Balance is
u64, so the fee estimate of every write failed on the real runtime ("Decoding <U128> - No more bytes").
The official tools register the chain's real types on the client side; this module finds them in the
metadata the chain itself serves (the type of `Balances.ExistentialDeposit`), so a chain with u128 balances
keeps working too. Storage items that were never written hold the default the metadata declares
(`StorageEntryMetadata.default`); reads use it instead of constants copied from one runtime version.
"""

from __future__ import annotations

from typing import Any

from chain.scale import Reader

PRIMITIVES = {"u8", "u16", "u32", "u64", "u128"}


def balance_type(substrate: Any) -> str:
    """The primitive behind this chain's `Balance` ('u64' on subtensor), from the metadata; 'u128' (the
    generic registry's choice) when the metadata does not say."""
    constant = substrate.get_metadata_constant("Balances", "ExistentialDeposit")
    if constant is None:
        return "u128"
    decoder = substrate.runtime_config.get_decoder_class(f"scale_info::{constant.value['type']}")
    name = getattr(decoder, "__name__", "").lower() if decoder is not None else ""
    return name if name in PRIMITIVES else "u128"


def register_chain_types(substrate: Any) -> str:
    """Make substrate-interface decode `Balance` (fee replies included) as this chain declares it.

    Kept in `substrate.type_registry` as well, so a runtime reload (which rebuilds the registry) keeps it.
    Returns the primitive registered.
    """
    primitive = balance_type(substrate)
    types = {"Balance": primitive}
    registry = dict(substrate.type_registry or {})
    registry["types"] = {**registry.get("types", {}), **types}
    substrate.type_registry = registry
    substrate.runtime_config.update_type_registry_types(types)
    return primitive


def storage_default(substrate: Any, pallet: str, item: str) -> bytes | None:
    """The SCALE bytes the metadata declares as the default of `pallet.item` (what the chain answers for a
    key never written, under a `ValueQuery`); None when the item does not exist or has no default."""
    module = substrate.metadata.get_metadata_pallet(pallet)
    function = module.get_storage_function(item) if module is not None else None
    if function is None:
        return None
    if function.value.get("modifier") != "Default":
        return None
    # The decoded `default` is sometimes hex and sometimes the bytes as text; the encoded field (a Vec<u8>:
    # compact length, then the bytes) is unambiguous.
    reader = Reader(bytes(function.value_object["default"].get_used_bytes()))
    return reader.take(reader.compact())
