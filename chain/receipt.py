"""What a submitted extrinsic produced: block, fee and events, or a typed failure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chain.balance import Balance


@dataclass(frozen=True)
class Event:
    """One runtime event, by pallet and name, with its decoded attributes."""

    pallet: str
    name: str
    attributes: Any


@dataclass(frozen=True)
class Receipt:
    """The proof that a call was included: where, what it cost, and what it emitted."""

    extrinsic_hash: str
    block_hash: str
    block_number: int | None
    fee: Balance
    events: list[Event] = field(default_factory=list)

    def find(self, pallet: str, name: str) -> Event | None:
        """The first event with this pallet and name, if the call emitted one."""
        return next((e for e in self.events if e.pallet == pallet and e.name == name), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "extrinsic_hash": self.extrinsic_hash,
            "block_hash": self.block_hash,
            "block_number": self.block_number,
            "fee": self.fee.to_json(),
            "events": [f"{e.pallet}.{e.name}" for e in self.events],
        }
