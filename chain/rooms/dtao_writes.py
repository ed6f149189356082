"""The 2024 writes whose dTAO form taocli does not send yet (stake add/remove, subnets create): refused in one
line naming what the chain declares, before the 2024 pre-checks (which read storage this era no longer keeps)
and before any key is unlocked. The dTAO writes replace these refusals room by room (issue 12)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chain.errors import RuntimeMismatch

if TYPE_CHECKING:
    from chain.dtao.connect import DtaoContext


def not_yet(ctx: DtaoContext, call: str, command: str) -> RuntimeMismatch:
    declared = ctx.shape.call("SubtensorModule", call)
    takes = declared.signature() if declared is not None else f"no SubtensorModule.{call}"
    return RuntimeMismatch(f"`taocli {command}` does not support this chain's dTAO runtime yet (it declares "
                           f"{takes}); nothing was signed")
