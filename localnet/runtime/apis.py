"""Runtime APIs served through `state_call`, the runtime version, and fee queries.

Input/output types are the real runtime's: AccountNonceApi answers a u32 and TransactionPaymentApi a
RuntimeDispatchInfo / FeeDetails whose balances are the chain's u64 Balance (clients register that type,
as on the real chain); pallets' own APIs are declared with `@pallet.runtime_api` and described in metadata
V15. A method the runtime lacks is refused as a real node refuses it (4003 "Exported method ... is not found").
"""

from __future__ import annotations

import hashlib
from typing import Any, Protocol

from localnet.runtime import system, transaction_payment
from localnet.runtime.core_types import CODECS
from localnet.runtime.errors import DispatchError, TransactionError
from localnet.runtime.framework import RuntimeApi
from localnet.runtime.pallets import decode_call
from localnet.runtime.state import StateReader
from localnet.scale.codec import ScaleDecodeError, decode_bytes, encode_bytes
from localnet.scale.codecs import Codec


class RuntimeLike(Protocol):
    """The parts of executive.Runtime the APIs use (a Protocol keeps the import graph acyclic)."""

    pallets: list[Any]
    checker: Any

    @property
    def version(self) -> dict[str, Any]: ...

    def metadata(self, version: int = 14) -> bytes: ...

CORE_API_VERSIONS = [("Core", 4), ("Metadata", 2), ("BlockBuilder", 6), ("TaggedTransactionQueue", 3),
                     ("OffchainWorkerApi", 2), ("AuraApi", 1), ("SessionKeys", 1), ("GrandpaApi", 3),
                     ("AccountNonceApi", 1), ("TransactionPaymentApi", 4), ("TransactionPaymentCallApi", 3)]


class ApiError(ValueError):
    """Undecodable input to a runtime API method (the node answers with a JSON-RPC error)."""


class UnknownApiMethod(ApiError, LookupError):
    """No runtime API method of that name (a LookupError, as the node maps "method not found")."""


def api_id(name: str) -> bytes:
    """The 8-byte API id: blake2b-64 of the trait name, as `sp_api` computes it."""
    return hashlib.blake2b(name.encode(), digest_size=8).digest()


def version_json(spec_name: str, spec_version: int, tx_version: int,
                 extra_apis: list[str] | None = None) -> dict[str, Any]:
    """state_getRuntimeVersion in the exact JSON shape of a Substrate node; pallets' APIs are version 1."""
    apis = list(CORE_API_VERSIONS) + [(n, 1) for n in dict.fromkeys(extra_apis or [])
                                      if n not in dict(CORE_API_VERSIONS)]
    return {"specName": spec_name, "implName": spec_name, "authoringVersion": 1, "specVersion": spec_version,
            "implVersion": 1, "apis": [["0x" + api_id(n).hex(), v] for n, v in apis],
            "transactionVersion": tx_version, "stateVersion": 1}


_DISPATCH_ERROR: Codec | None = None


def encode_dispatch_error(error: DispatchError) -> bytes:
    """SCALE `sp_runtime::DispatchError` of a raised error."""
    global _DISPATCH_ERROR
    if _DISPATCH_ERROR is None:
        _DISPATCH_ERROR = CODECS.codec("DispatchError")
    return _DISPATCH_ERROR.encode(error.value)


class RuntimeApis:
    """Dispatch table for `state_call` methods."""

    def __init__(self, runtime: RuntimeLike) -> None:
        self.runtime = runtime
        self.custom: dict[str, RuntimeApi] = {f"{a.api}_{a.method}": a for p in runtime.pallets for a in p.apis}

    def call(self, state: StateReader, method: str, data: bytes) -> bytes:
        """Run one API method; raises ApiError with a one-line cause."""
        try:
            return self._call(state, method, data)
        except (ScaleDecodeError, TransactionError, IndexError) as exc:
            raise ApiError(f"{method}: could not decode the input ({exc})") from None

    def _call(self, state: StateReader, method: str, data: bytes) -> bytes:
        rt = self.runtime
        if method == "Core_version":
            v = rt.version
            value = {"spec_name": v["specName"], "impl_name": v["implName"], "authoring_version": 1,
                     "spec_version": v["specVersion"], "impl_version": 1,
                     "apis": [(bytes.fromhex(i[2:]), n) for i, n in v["apis"]],
                     "transaction_version": v["transactionVersion"], "state_version": 1}
            return CODECS.codec("RuntimeVersion").encode(value)
        if method == "Metadata_metadata":
            return encode_bytes(rt.metadata(14))
        if method == "Metadata_metadata_versions":
            return CODECS.codec("Vec<u32>").encode([14, 15])
        if method == "Metadata_metadata_at_version":
            version = CODECS.codec("u32").decode_all(data)
            return b"\x01" + encode_bytes(rt.metadata(version)) if version in (14, 15) else b"\x00"
        if method == "AccountNonceApi_account_nonce":
            who = CODECS.codec("AccountId").decode_all(data)
            return system.account_nonce(state, who).to_bytes(4, "little")
        if method in ("TransactionPaymentApi_query_info", "TransactionPaymentApi_query_fee_details"):
            raw, length = self._xt_and_len(data)
            weight, klass, pays, tip = self._xt_facts(raw)
            return self._fee_answer(method.endswith("info"), length, weight, klass, pays, tip)
        if method in ("TransactionPaymentCallApi_query_call_info", "TransactionPaymentCallApi_query_call_fee_details"):
            call, end = decode_call(data, 0)
            length = CODECS.codec("u32").decode_all(data[end:])
            return self._fee_answer(method.endswith("info"), length, call.weight(), call.call.dispatch_class,
                                    call.call.pays, 0)
        api = self.custom.get(method)
        if api is None:
            raise UnknownApiMethod(f"unknown runtime API method {method!r}")
        o = 0
        args = []
        for _, ty in api.inputs:
            value, o = CODECS.codec(ty).decode(data, o)
            args.append(value)
        if o != len(data):
            raise ApiError(f"{method}: {len(data) - o} unexpected trailing input bytes")
        return CODECS.codec(api.output).encode(api.fn(state, *args))

    @staticmethod
    def _xt_and_len(data: bytes) -> tuple[bytes, int]:
        """Input `(uxt: Extrinsic, len: u32)`: the extrinsic's own encoding (length-prefixed) then u32."""
        _body, end = decode_bytes(data, 0)
        raw = data[:end]
        if len(data) - end != 4:
            raise ApiError("expected the extrinsic followed by a u32 length")
        return raw, int.from_bytes(data[end:], "little")

    def _xt_facts(self, raw: bytes) -> tuple[int, str, bool, int]:
        xt, call = self.runtime.checker.parse(raw)
        return call.weight(), call.call.dispatch_class, call.call.pays, xt.tip

    @staticmethod
    def _fee_answer(info: bool, length: int, weight: int, klass: str, pays: bool, tip: int) -> bytes:
        parts = transaction_payment.fee_details(length, weight, tip, pays)
        if info:
            partial = sum(parts.values()) if parts else 0
            return CODECS.codec("RuntimeDispatchInfo").encode(
                {"weight": {"ref_time": weight, "proof_size": 0}, "class": klass, "partial_fee": partial})
        return CODECS.codec("FeeDetails").encode({"inclusion_fee": parts, "tip": tip})

    def fee_details_json(self, raw: bytes) -> dict[str, Any]:
        """payment_queryFeeDetails: the inclusion fee parts as hex numbers (null for calls that do not pay)."""
        weight, _, pays, tip = self._xt_facts(raw)
        parts = transaction_payment.fee_details(len(raw), weight, tip, pays)
        inclusion = None if parts is None else {"baseFee": hex(parts["base_fee"]), "lenFee": hex(parts["len_fee"]),
                                                "adjustedWeightFee": hex(parts["adjusted_weight_fee"])}
        return {"inclusionFee": inclusion, "tip": hex(tip)}

    def query_info_json(self, raw: bytes) -> dict[str, Any]:
        """payment_queryInfo: weight, class and partial fee (tip excluded) as a Substrate node prints them."""
        weight, klass, pays, tip = self._xt_facts(raw)
        parts = transaction_payment.fee_details(len(raw), weight, tip, pays)
        return {"weight": {"ref_time": weight, "proof_size": 0}, "class": klass.lower(),
                "partialFee": str(sum(parts.values()) if parts else 0)}
