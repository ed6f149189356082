"""Checks several rooms run before composing a call: short account names in messages, who owns a hotkey
(registration and, in the dTAO era, subnet creation ask), and the per-coldkey transaction rate limit that
staking and delegation share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chain.errors import PreconditionFailed
from wallet.ss58 import public_key_from, ss58_encode

if TYPE_CHECKING:
    from chain.connection import Connection


def short(address: str) -> str:
    """`5Ft2nm…Pzww`: enough of an address to recognise it in a one-line message."""
    return f"{address[:6]}…{address[-4:]}" if len(address) > 12 else address


def hotkey_owner(conn: Connection, hotkey: str | bytes) -> str | None:
    """The coldkey that owns a hotkey (storage Owner, the same key layout in both eras), None when the hotkey
    never registered."""
    from chain import storage as st

    raw = conn.storage("Owner", st.blake2_128_concat(public_key_from(hotkey)))
    return None if raw is None or raw == bytes(32) else ss58_encode(raw)


def need_tx_window(conn: Connection, coldkey: str) -> None:
    """Staking and delegation share a per-coldkey rate limit: refused while now - last <= TxRateLimit."""
    limit = int.from_bytes(conn.stored_or_default("TxRateLimit"), "little")  # unset: the metadata's default
    raw_last = conn.storage("LastTxBlock", public_key_from(coldkey))
    last = int.from_bytes(raw_last, "little") if raw_last else 0
    if limit == 0 or last == 0:
        return
    now = conn.block_number() + 1  # the block the call lands in
    if now - last <= limit:
        raise PreconditionFailed(
            f"coldkey {short(coldkey)} staked, unstaked or delegated at block {last}; this chain allows one such "
            f"action every {limit} blocks: retry at block {last + limit + 1} (now {now - 1})")
