"""A composed, priced, not yet signed call: what the CLI shows before asking for a password."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chain.balance import Balance


@dataclass
class PreparedCall:
    """A composed call, who must sign it, and what it will cost; nothing is signed yet."""

    pallet: str
    function: str
    params: dict[str, Any]
    call: Any
    signer: str
    fee: Balance

    def describe(self) -> str:
        return f"{self.pallet}.{self.function}"
