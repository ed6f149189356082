"""The one error a dTAO decoder raises when a reply is not a layout taocli knows."""

from __future__ import annotations

from chain.errors import ChainError


class RuntimeTooNew(ChainError):
    """A reply or type whose layout taocli does not know: refuse it rather than show shifted numbers."""

    def __init__(self, what: str) -> None:
        super().__init__(f"this chain's runtime is newer than taocli knows: {what} — "
                         "upgrade taocli, or report the chain's spec version if you run the newest one")
        self.what = what


class ApiAbsent(ChainError):
    """The connected runtime does not declare this runtime API (an older era, or one that removed it)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"this chain's runtime has no {name}: the command needs a dTAO-era chain")
        self.name = name
