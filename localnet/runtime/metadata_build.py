"""Assembles this runtime's metadata (V14 and V15) from the pallet declarations.

Signed extensions are listed in the 2024 subtensor order; substrate-interface builds the signing payload
in the standard Substrate order (era, nonce, tip / spec, tx, genesis, birth hash), which this order matches.
"""

from __future__ import annotations

from localnet.runtime.core_types import SPACE
from localnet.runtime.framework import Pallet, RuntimeApi
from localnet.scale.metadata import ApiMeta, ApiMethod, RuntimeMeta, encode_metadata
from localnet.scale.portable import PortableRegistry
from localnet.scale.types import Composite, Field, Named, Seq, Tup, TypeRef

# (identifier, Rust path, body field type or None, additional-signed type string)
SIGNED_EXTENSIONS: list[tuple[str, str, str | None, str]] = [
    ("CheckNonZeroSender", "frame_system::extensions::check_non_zero_sender::CheckNonZeroSender", None, "()"),
    ("CheckSpecVersion", "frame_system::extensions::check_spec_version::CheckSpecVersion", None, "u32"),
    ("CheckTxVersion", "frame_system::extensions::check_tx_version::CheckTxVersion", None, "u32"),
    ("CheckGenesis", "frame_system::extensions::check_genesis::CheckGenesis", None, "H256"),
    ("CheckMortality", "frame_system::extensions::check_mortality::CheckMortality", "Era", "H256"),
    ("CheckNonce", "frame_system::extensions::check_nonce::CheckNonce", "Compact<u32>", "()"),
    ("CheckWeight", "frame_system::extensions::check_weight::CheckWeight", None, "()"),
    ("ChargeTransactionPayment", "pallet_transaction_payment::ChargeTransactionPayment", "Compact<u64>", "()"),
    ("SubtensorSignedExtension", "pallet_subtensor::SubtensorSignedExtension", None, "()"),
    ("CommitmentsSignedExtension", "pallet_commitments::CommitmentsSignedExtension", None, "()"),
]

CORE_APIS: list[ApiMeta] = [
    ApiMeta("Core", [ApiMethod("version", [], Named("RuntimeVersion"), ["Returns the version of the runtime."])]),
    ApiMeta("Metadata", [
        ApiMethod("metadata", [], SPACE.parse("Vec<u8>")),
        ApiMethod("metadata_at_version", [("version", SPACE.parse("u32"))], SPACE.parse("Option<Vec<u8>>")),
        ApiMethod("metadata_versions", [], SPACE.parse("Vec<u32>"))]),
    ApiMeta("AccountNonceApi", [ApiMethod("account_nonce", [("account", Named("AccountId"))], SPACE.parse("u32"))]),
    ApiMeta("TransactionPaymentApi", [
        ApiMethod("query_info", [("uxt", Named("UncheckedExtrinsic")), ("len", SPACE.parse("u32"))],
                  Named("RuntimeDispatchInfo")),
        ApiMethod("query_fee_details", [("uxt", Named("UncheckedExtrinsic")), ("len", SPACE.parse("u32"))],
                  Named("FeeDetails"))]),
    ApiMeta("TransactionPaymentCallApi", [
        ApiMethod("query_call_info", [("call", Named("RuntimeCall")), ("len", SPACE.parse("u32"))],
                  Named("RuntimeDispatchInfo")),
        ApiMethod("query_call_fee_details", [("call", Named("RuntimeCall")), ("len", SPACE.parse("u32"))],
                  Named("FeeDetails"))]),
]


def _extension_types() -> tuple[list[tuple[str, TypeRef, TypeRef]], Tup]:
    exts: list[tuple[str, TypeRef, TypeRef]] = []
    for ident, path, body, additional in SIGNED_EXTENSIONS:
        fields = (Field(None, SPACE.parse(body), body),) if body else ()
        exts.append((ident, Composite(tuple(path.split("::")), fields), SPACE.parse(additional)))
    return exts, Tup(tuple(ty for _, ty, _ in exts))


def _define_extrinsic(extra: Tup) -> None:
    SPACE.define("UncheckedExtrinsic", Composite(
        ("sp_runtime", "generic", "unchecked_extrinsic", "UncheckedExtrinsic"),
        (Field(None, Seq(SPACE.parse("u8")), "Vec<u8>"),),
        params=(("Address", Named("MultiAddress")), ("Call", Named("RuntimeCall")),
                ("Signature", Named("MultiSignature")), ("Extra", extra))))


def _group_apis(pallets: list[Pallet]) -> list[ApiMeta]:
    grouped: dict[str, list[RuntimeApi]] = {}
    for p in pallets:
        for api in p.apis:
            grouped.setdefault(api.api, []).append(api)
    return [ApiMeta(name, [a.meta() for a in apis]) for name, apis in grouped.items()]


def runtime_meta(pallets: list[Pallet]) -> RuntimeMeta:
    """The neutral description of the whole runtime."""
    exts, extra = _extension_types()
    _define_extrinsic(extra)
    return RuntimeMeta(
        pallets=[p.meta() for p in pallets], extrinsic_ty=Named("UncheckedExtrinsic"),
        address_ty=Named("MultiAddress"), call_ty=Named("RuntimeCall"), signature_ty=Named("MultiSignature"),
        extra_ty=extra, signed_extensions=exts, runtime_ty=Named("Runtime"), event_ty=Named("RuntimeEvent"),
        error_ty=Named("RuntimeError"), apis=CORE_APIS + _group_apis(pallets))


def build_metadata(pallets: list[Pallet], version: int) -> bytes:
    """The `b"meta"`-prefixed metadata blob of the given version (14 or 15)."""
    meta = runtime_meta(pallets)
    registry = PortableRegistry(SPACE)
    # Register the types clients key on first, so they get small stable ids.
    for name in ("AccountId", "EventRecord", "DispatchInfo", "DispatchError", "AccountInfo"):
        registry.id_of(Named(name))
    return encode_metadata(meta, registry, version)
