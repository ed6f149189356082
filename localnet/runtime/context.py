"""What a dispatching call sees: its origin, the state overlay and the block it runs in.

Origins are plain values: an AccountId (`bytes`) for a signed origin, the string "Root", or None for an
unsigned (inherent/hook) origin. Events are encoded the moment they are deposited and appended to the
block's record list; the executive truncates that list when a call fails, so a rolled-back call leaves no
events behind (just like its storage writes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from localnet.runtime.errors import DispatchError, bad_origin

if TYPE_CHECKING:
    from localnet.runtime.state import Overlay


class EventLike(Protocol):
    """What a context needs of an event declaration (framework.EventDef)."""

    def encode(self, *args: Any, **kwargs: Any) -> bytes: ...


class CallDefLike(Protocol):
    """What a decoded call needs of its declaration (framework.CallDef); a Protocol avoids an import cycle."""

    pallet: Any
    name: str
    fn: Callable[..., Any]
    pays: bool
    dispatch_class: str

    def weight_of(self, args: tuple[Any, ...]) -> int: ...

    def encode(self, *args: Any) -> bytes: ...

ROOT = "Root"


@dataclass(frozen=True, slots=True)
class CollectiveOrigin:
    """`pallet_collective::RawOrigin::Members(approvals, eligible)` of one collective (by pallet name).

    A motion that passed dispatches its proposal with this origin; a call accepts it only when the
    approvals are a large enough share of the eligible voters (e.g. SubtensorModule.sudo wants > 1/2).
    It is neither signed nor Root, so every other origin check rejects it with BadOrigin.
    """

    collective: str
    approvals: int
    eligible: int

    def more_than(self, collective: str, numerator: int, denominator: int) -> bool:
        """`EnsureProportionMoreThan<N, D>`: approvals / eligible > N / D, for that collective only."""
        return self.collective == collective and self.approvals * denominator > numerator * self.eligible


Origin = bytes | str | CollectiveOrigin | None

PHASE_INITIALIZATION = b"\x02"
PHASE_FINALIZATION = b"\x01"


def phase_apply(index: int) -> bytes:
    """Encoded `Phase::ApplyExtrinsic(index)`."""
    return b"\x00" + index.to_bytes(4, "little")


@dataclass(slots=True)
class Call:
    """A decoded RuntimeCall: which dispatchable, its decoded args, and the exact bytes it came from."""

    call: CallDefLike
    args: tuple[Any, ...]
    raw: bytes = b""

    @property
    def name(self) -> str:
        """`Pallet.call_name`, for logs and errors."""
        return f"{self.call.pallet.name}.{self.call.name}"

    def weight(self) -> int:
        """ref_time weight of this call."""
        return self.call.weight_of(self.args)


@dataclass
class BlockEnv:
    """Per-block environment shared by every context in the block."""

    number: int
    parent_hash: bytes = bytes(32)
    timestamp_ms: int = 0
    events: list[bytes] = field(default_factory=list)
    phase: bytes = PHASE_INITIALIZATION
    dispatcher: Callable[[CallContext, Call], None] | None = None
    block_hash: Callable[[int], bytes | None] = lambda n: None


class CallContext:
    """Handed to every call and hook: `state`, `origin`, and helpers for events and nested dispatch."""

    __slots__ = ("env", "origin", "state")

    def __init__(self, state: Overlay, origin: Origin, env: BlockEnv) -> None:
        self.state = state
        self.origin = origin
        self.env = env

    @property
    def block_number(self) -> int:
        """The number of the block being built."""
        return self.env.number

    def ensure_signed(self) -> bytes:
        """The signer's AccountId, or BadOrigin."""
        if isinstance(self.origin, bytes):
            return self.origin
        raise bad_origin()

    def ensure_root(self) -> None:
        """Pass only for the Root origin (Sudo), else BadOrigin."""
        if self.origin != ROOT:
            raise bad_origin()

    def ensure_none(self) -> None:
        """Pass only for unsigned (inherent) origin, else BadOrigin."""
        if self.origin is not None:
            raise bad_origin()

    def deposit_event(self, event: EventLike, *args: Any, **kwargs: Any) -> None:
        """Record an event in System.Events for the current phase."""
        self.env.events.append(self.env.phase + event.encode(*args, **kwargs) + b"\x00")

    def dispatch(self, call: Call, origin: Origin | str = "same") -> None:
        """Dispatch a nested call (Utility, Sudo) with this or another origin; raises DispatchError."""
        if self.env.dispatcher is None:
            raise DispatchError("Unavailable", "no dispatcher in this context")
        ctx = self if origin == "same" else CallContext(self.state, origin, self.env)
        self.env.dispatcher(ctx, call)

    def block_hash(self, number: int) -> bytes | None:
        """Hash of an earlier block (System.BlockHash), None when unknown."""
        return self.env.block_hash(number)


HookContext = CallContext
