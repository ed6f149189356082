"""Check a call against the runtime's declaration before composing it: one clear line when they differ.

Why: a 2024-shaped call sent to a dTAO runtime (add_stake without netuid) fails obscurely inside the encoder
or, worse, encodes against the wrong fields. The rooms name the arguments they send; this module compares
them with the metadata and says exactly what the chain takes.
"""

from __future__ import annotations

from chain.errors import ChainError
from chain.runtime.shape import CallShape, RuntimeShape


class CallMismatch(ChainError):
    """The connected runtime declares this call differently (or not at all)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


def require_call(shape: RuntimeShape, pallet: str, name: str, sends: tuple[str, ...]) -> CallShape:
    """The declared call when its argument names are exactly `sends`, in order; else CallMismatch."""
    call = shape.call(pallet, name)
    if call is None:
        raise CallMismatch(f"this chain has no {pallet}.{name}: the command does not apply to its runtime")
    if call.arg_names != sends:
        raise CallMismatch(f"{pallet}.{name} on this chain takes ({', '.join(call.arg_names)}), this client "
                           f"sends ({', '.join(sends)}): the runtime is of another era than this command expects")
    return call
