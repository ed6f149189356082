"""The runtime-wide type space: core Substrate types under the Rust paths that clients key on.

substrate-interface (scalecodec) recognises types by path: `sp_core::crypto::AccountId32` gives SS58
addresses, `sp_weights::weight_v2::Weight` switches on weight-v2 handling, `frame_system::EventRecord` gives
`extrinsic_idx`, and so on. Pallets add their own structs/enums to the same space.
"""

from __future__ import annotations

from localnet.scale.codecs import CodecCompiler
from localnet.scale.types import Array, Composite, Enum, Field, Named, Prim, Tup, TypeSpace, Variant, enum, struct

SPACE = TypeSpace()
CODECS = CodecCompiler(SPACE)


def _define_core(space: TypeSpace) -> None:
    space.define("AccountId", Composite(("sp_core", "crypto", "AccountId32"),
                                        (Field(None, Array(Prim("u8"), 32), "[u8; 32]"),)))
    space.aliases["AccountId32"] = "AccountId"
    space.define("H256", Composite(("primitive_types", "H256"), (Field(None, Array(Prim("u8"), 32), "[u8; 32]"),)))
    space.aliases["Hash"] = "H256"
    space.aliases["Balance"] = "u64"
    space.aliases["BlockNumber"] = "u32"
    space.define("MultiAddress", Enum(
        ("sp_runtime", "multiaddress", "MultiAddress"),
        (Variant("Id", 0, (Field(None, Named("AccountId"), "AccountId"),)),
         Variant("Index", 1, (Field(None, space.parse("Compact<()>"), "AccountIndex"),)),
         Variant("Raw", 2, (Field(None, space.parse("Vec<u8>"), "Vec<u8>"),)),
         Variant("Address32", 3, (Field(None, space.parse("[u8; 32]"), "[u8; 32]"),)),
         Variant("Address20", 4, (Field(None, space.parse("[u8; 20]"), "[u8; 20]"),))),
        params=(("AccountId", Named("AccountId")), ("AccountIndex", Tup(()))),
    ))
    space.aliases["AccountIdLookup"] = "MultiAddress"
    for crate, size in (("ed25519", 64), ("sr25519", 64), ("ecdsa", 65)):
        space.define(f"{crate.capitalize()}Signature",
                     Composite(("sp_core", crate, "Signature"), (Field(None, Array(Prim("u8"), size)),)))
    space.define("MultiSignature", Enum(("sp_runtime", "MultiSignature"), (
        Variant("Ed25519", 0, (Field(None, Named("Ed25519Signature"), "ed25519::Signature"),)),
        Variant("Sr25519", 1, (Field(None, Named("Sr25519Signature"), "sr25519::Signature"),)),
        Variant("Ecdsa", 2, (Field(None, Named("EcdsaSignature"), "ecdsa::Signature"),)))))
    # Era: Immortal plus Mortal1(u8)..Mortal255(u8), as scale-info describes it; clients special-case the path.
    era_variants = [Variant("Immortal", 0)] + [
        Variant(f"Mortal{i}", i, (Field(None, Prim("u8")),)) for i in range(1, 256)]
    space.define("Era", Enum(("sp_runtime", "generic", "era", "Era"), tuple(era_variants)))
    space.define("Weight", struct("sp_weights::weight_v2::Weight",
                                  [("ref_time", "Compact<u64>"), ("proof_size", "Compact<u64>")], space))
    space.define("DispatchClass", enum("frame_support::dispatch::DispatchClass",
                                       [("Normal", []), ("Operational", []), ("Mandatory", [])], space))
    space.define("Pays", enum("frame_support::dispatch::Pays", [("Yes", []), ("No", [])], space))
    space.define("DispatchInfo", struct("frame_support::dispatch::DispatchInfo", [
        ("weight", "Weight"), ("class", "DispatchClass"), ("pays_fee", "Pays")], space))
    space.define("ModuleError", struct("sp_runtime::ModuleError", [("index", "u8"), ("error", "[u8; 4]")], space))
    space.define("TokenError", enum("sp_runtime::TokenError", [(n, []) for n in (
        "FundsUnavailable", "OnlyProvider", "BelowMinimum", "CannotCreate", "UnknownAsset", "Frozen",
        "Unsupported", "CannotCreateHold", "NotExpendable", "Blocked")], space))
    space.define("ArithmeticError", enum("sp_arithmetic::ArithmeticError",
                                         [("Underflow", []), ("Overflow", []), ("DivisionByZero", [])], space))
    space.define("TransactionalError", enum("sp_runtime::TransactionalError",
                                            [("LimitReached", []), ("NoLayer", [])], space))
    space.define("DispatchError", enum("sp_runtime::DispatchError", [
        ("Other", []), ("CannotLookup", []), ("BadOrigin", []), ("Module", [(None, "ModuleError")]),
        ("ConsumerRemaining", []), ("NoProviders", []), ("TooManyConsumers", []), ("Token", [(None, "TokenError")]),
        ("Arithmetic", [(None, "ArithmeticError")]), ("Transactional", [(None, "TransactionalError")]),
        ("Exhausted", []), ("Corruption", []), ("Unavailable", []), ("RootNotAllowed", [])], space))
    space.define("DispatchResult", Enum(("Result",), (
        Variant("Ok", 0, (Field(None, Tup(())),)), Variant("Err", 1, (Field(None, Named("DispatchError")),))),
        params=(("T", Tup(())), ("E", Named("DispatchError")))))
    space.define("Phase", enum("frame_system::Phase", [
        ("ApplyExtrinsic", [(None, "u32")]), ("Finalization", []), ("Initialization", [])], space))
    space.define("EventRecord", Composite(("frame_system", "EventRecord"), (
        Field("phase", Named("Phase"), "Phase"), Field("event", Named("RuntimeEvent"), "E"),
        Field("topics", space.parse("Vec<H256>"), "Vec<T>")),
        params=(("E", Named("RuntimeEvent")), ("T", Named("H256")))))
    space.define("AccountData", struct("pallet_balances::types::AccountData", [
        ("free", "u64"), ("reserved", "u64"), ("frozen", "u64"), ("flags", "ExtraFlags")], space))
    space.define("ExtraFlags", struct("pallet_balances::types::ExtraFlags", [(None, "u128")], space))
    space.define("AccountInfo", struct("frame_system::AccountInfo", [
        ("nonce", "u32"), ("consumers", "u32"), ("providers", "u32"), ("sufficients", "u32"),
        ("data", "AccountData")], space))
    space.define("Header", struct("sp_runtime::generic::header::Header", [
        ("parent_hash", "H256"), ("number", "Compact<u32>"), ("state_root", "H256"),
        ("extrinsics_root", "H256"), ("digest", "Digest")], space))
    space.define("Digest", struct("sp_runtime::generic::digest::Digest", [("logs", "Vec<DigestItem>")], space))
    space.define("DigestItem", enum("sp_runtime::generic::digest::DigestItem", [
        ("Other", [(None, "Vec<u8>")])], space))
    # Fee API results carry the chain's Balance, u64, as the real runtime encodes them (spec 143: an 8-byte
    # partial fee after the weight and class). Clients decode by registering Balance = u64 from the metadata,
    # as the official tools do; a u128 here broke bittensor 6.9.3 transfers ("Current offset: 14 / length: 22").
    space.define("RuntimeDispatchInfo", struct("pallet_transaction_payment::types::RuntimeDispatchInfo", [
        ("weight", "Weight"), ("class", "DispatchClass"), ("partial_fee", "u64")], space))
    space.define("InclusionFee", struct("pallet_transaction_payment::types::InclusionFee", [
        ("base_fee", "u64"), ("len_fee", "u64"), ("adjusted_weight_fee", "u64")], space))
    space.define("FeeDetails", struct("pallet_transaction_payment::types::FeeDetails", [
        ("inclusion_fee", "Option<InclusionFee>"), ("tip", "u64")], space))
    space.define("RuntimeVersion", struct("sp_version::RuntimeVersion", [
        ("spec_name", "str"), ("impl_name", "str"), ("authoring_version", "u32"), ("spec_version", "u32"),
        ("impl_version", "u32"), ("apis", "Vec<([u8; 8], u32)>"), ("transaction_version", "u32"),
        ("state_version", "u8")], space))
    space.define("Runtime", Composite(("node_subtensor_runtime", "Runtime"), ()))


_define_core(SPACE)
