"""The two kinds of failure the runtime reports.

`DispatchError` is raised inside a call: the extrinsic is still included, pays its fee, and its effects are
rolled back (ExtrinsicFailed event). `TransactionError` means the extrinsic is invalid and never enters a
block; the node answers the submit call with it as a JSON-RPC error (code 1010/1011, Substrate's texts).
"""

from __future__ import annotations

from typing import Any

INVALID, UNKNOWN = 1010, 1011

# sp_runtime::transaction_validity display strings, as the client sees them in `data`.
STALE = "Transaction is outdated"
FUTURE = "Transaction will be valid in the future"
BAD_PROOF = "Transaction has a bad signature"
PAYMENT = "Inability to pay some fees (e.g. account balance too low)"
ANCIENT_BIRTH = "Transaction has an ancient birth block"
CALL = "Transaction call is not expected"
BAD_SIGNER = "Invalid signing address"
EXHAUSTS = "Transaction would exhaust the block limits"
CANNOT_LOOKUP = "Could not lookup information required to validate the transaction"
NO_UNSIGNED = "Could not find an unsigned validator for the unsigned transaction"


class TransactionError(Exception):
    """An invalid or unknown transaction: `code` 1010/1011, `message`, and Substrate's `data` text."""

    def __init__(self, code: int, data: str) -> None:
        self.code = code
        self.message = "Invalid Transaction" if code == INVALID else "Unknown Transaction"
        self.data = data
        super().__init__(f"{self.message}: {data}")

    def to_json(self) -> dict[str, Any]:
        """The JSON-RPC error object a Substrate node returns for this failure."""
        return {"code": self.code, "message": self.message, "data": self.data}


def invalid(data: str) -> TransactionError:
    """Shorthand for a 1010 Invalid Transaction."""
    return TransactionError(INVALID, data)


class DispatchError(Exception):
    """A failed call. `value` is the `sp_runtime::DispatchError` value as the codec encodes it."""

    def __init__(self, value: Any, text: str = "") -> None:
        self.value = value
        super().__init__(text or str(value))


class ModuleError(DispatchError):
    """`DispatchError::Module{index, error}`: a pallet's declared error, found by dense index."""

    def __init__(self, pallet: str, pallet_index: int, name: str, index: int) -> None:
        self.pallet = pallet
        self.name = name
        value = {"Module": {"index": pallet_index, "error": bytes((index, 0, 0, 0))}}
        super().__init__(value, f"{pallet}.{name}")


def bad_origin() -> DispatchError:
    """The call needs a different origin (e.g. root)."""
    return DispatchError("BadOrigin", "BadOrigin")


def token_error(name: str) -> DispatchError:
    """`DispatchError::Token(name)` (FundsUnavailable, BelowMinimum, ...)."""
    return DispatchError({"Token": name}, f"Token.{name}")


def arithmetic_error(name: str) -> DispatchError:
    """`DispatchError::Arithmetic(name)` (Underflow, Overflow, DivisionByZero)."""
    return DispatchError({"Arithmetic": name}, f"Arithmetic.{name}")
