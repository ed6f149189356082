"""The Runtime: validates transactions for the pool and executes blocks for the author.

A pure state machine over a `StateReader` (see docs/design/localnet-runtime.md): nothing here touches disk,
sockets or threads. Block execution follows frame-executive: initialise (number, parent hash, BlockHash),
on_initialize hooks, the Timestamp inherent, each extrinsic re-checked and applied (fee and nonce outside
the call's storage layer, the call itself transactional), on_finalize hooks, then System.Events written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from localnet.genesis import Genesis
from localnet.runtime import apis, balances, system, timestamp, transaction_payment
from localnet.runtime.context import (
    PHASE_FINALIZATION,
    BlockEnv,
    Call,
    CallContext,
    phase_apply,
)
from localnet.runtime.core_types import CODECS
from localnet.runtime.errors import DispatchError, TransactionError
from localnet.runtime.framework import Pallet
from localnet.runtime.metadata_build import build_metadata
from localnet.runtime.pallets import BY_NAME, PALLETS, configure
from localnet.runtime.state import DictState, Overlay, StateReader
from localnet.runtime.sudo import NO_FEE
from localnet.runtime.validation import Checked, Checker, ValidTransaction
from localnet.scale.codec import encode_compact
from localnet.scale.extrinsic import encode_unsigned

LOG = logging.getLogger("localnet.runtime")
SPEC_NAME = "node-subtensor"
SPEC_VERSION = 143
TRANSACTION_VERSION = 1
BLOCK_HASH_COUNT = 4096
_CLASS = {"Normal": 0, "Operational": 1, "Mandatory": 2}

__all__ = ["BlockOutcome", "Runtime", "TransactionError", "ValidTransaction"]


@dataclass
class BlockOutcome:
    """What the author persists: the block body (inherent first), the state changes, and the rejects."""

    extrinsics: list[bytes]
    changes: dict[bytes, bytes | None]
    rejected: list[tuple[bytes, TransactionError]] = field(default_factory=list)


def dispatch_info(weight: int, klass: str, pays: bool) -> bytes:
    """Hand-encoded DispatchInfo {weight: {ref_time, proof_size}, class, pays_fee} (hot path)."""
    return encode_compact(weight) + b"\x00" + bytes((_CLASS[klass], 0 if pays else 1))


def _dispatch(ctx: CallContext, call: Call) -> Any:
    return call.call.fn(ctx, *call.args)


class Runtime:
    """One runtime instance per node; stateless between calls apart from its cached metadata."""

    def __init__(self, genesis: Genesis | None = None, *, extra_hooks: list[Pallet] | None = None) -> None:
        """`extra_hooks`: pallets whose hooks and genesis run too, without calls (tests, tooling)."""
        from localnet.genesis import dev_genesis

        self.genesis = genesis or dev_genesis()
        configure(self.genesis.runtime, self)  # indices and ED: process-wide, see pallets.configure
        self.spec_version = self.genesis.runtime.spec_version or SPEC_VERSION
        self.pallets = list(PALLETS)
        self.hook_pallets = self.pallets + [p for p in extra_hooks or [] if not p.calls]
        self.checker = Checker(self.spec_version, TRANSACTION_VERSION)
        self._metadata = {v: build_metadata(self.pallets, v) for v in (14, 15)}
        self.rpc_methods: dict[str, Callable[[StateReader, list[Any]], Any]] = {}
        for p in self.pallets:
            self.rpc_methods.update(p.rpcs)
        self.apis = apis.RuntimeApis(self)
        self._warm_up()

    def _warm_up(self) -> None:
        """Compile every codec now, so no request thread ever compiles one lazily mid-block."""
        for p in self.pallets:
            for item in p.storage:
                item.meta()
            for cd in p.calls.values():
                cd.arg_codecs()
            for ev in p.events:
                ev.prepare()
        for name in ("RuntimeVersion", "RuntimeDispatchInfo", "FeeDetails", "DispatchError", "Vec<u32>", "u32",
                     "AccountId", "EventRecord"):
            CODECS.codec(name)

    # -- identity ----------------------------------------------------------------------------------------
    @property
    def chain_name(self) -> str:
        """system_chain: the genesis chain name (never a scalecodec preset name)."""
        return self.genesis.chain_name

    @property
    def properties(self) -> dict[str, Any]:
        """system_properties."""
        return {"ss58Format": 42, "tokenDecimals": 9, "tokenSymbol": "TAO"}

    @property
    def version(self) -> dict[str, Any]:
        """state_getRuntimeVersion JSON."""
        return apis.version_json(SPEC_NAME, self.spec_version, TRANSACTION_VERSION,
                                 [a.api for p in self.pallets for a in p.apis])

    def metadata(self, version: int = 14) -> bytes:
        """The metadata blob (`b"meta"` + version + body) of version 14 or 15."""
        if version not in self._metadata:
            raise ValueError(f"metadata version {version} is not available; use 14 or 15")
        return self._metadata[version]

    # -- genesis -----------------------------------------------------------------------------------------
    def genesis_storage(self) -> dict[bytes, bytes]:
        """Block 0 state: every pallet's genesis builder, in index order."""
        overlay = Overlay(DictState())
        system.BlockHash.set(overlay, 0, b"\x69" * 32)  # frame-system's placeholder until block 1
        for p in self.hook_pallets:
            for build in p.genesis_builders:
                build(self.genesis, overlay)
        return {k: v for k, v in overlay.changes().items() if v is not None}

    # -- pool --------------------------------------------------------------------------------------------
    def validate_transaction(self, state: StateReader, xt: bytes, *, best_number: int,
                             block_hash: Callable[[int], bytes | None], genesis_hash: bytes) -> ValidTransaction:
        """Pool validation against the state at `best_number`; raises TransactionError."""
        try:
            _, valid = self.checker.check(state, xt, current=best_number + 1, block_hash=block_hash,
                                          genesis_hash=genesis_hash)
        except TransactionError:
            raise
        except Exception as exc:  # a runtime bug must not become an RPC traceback
            raise TransactionError(1010, f"Could not validate the transaction: {exc}") from None
        return valid

    # -- blocks ------------------------------------------------------------------------------------------
    def execute_block(self, state: StateReader, *, number: int, parent_hash: bytes, timestamp_ms: int,
                      extrinsics: list[bytes]) -> BlockOutcome:
        """Build block `number` on `parent_hash` from candidate extrinsics; invalid ones are rejected."""
        overlay = Overlay(state)

        def stored_hash(n: int) -> bytes | None:
            return overlay.get(system.BlockHash.key(n))

        env = BlockEnv(number, parent_hash, timestamp_ms, dispatcher=_dispatch, block_hash=stored_hash)
        system.Number.set(overlay, number)
        system.ParentHash.set(overlay, parent_hash)
        system.BlockHash.set(overlay, number - 1, parent_hash)
        genesis_hash = stored_hash(0) or parent_hash
        hook_ctx = CallContext(overlay, None, env)
        self._run_hooks(hook_ctx, "on_initialize_hooks", number)

        inherent = self._timestamp_inherent(overlay, timestamp_ms)
        included = [inherent]
        self._apply_inherent(overlay, env, inherent)
        rejected: list[tuple[bytes, TransactionError]] = []
        for raw in extrinsics:
            try:
                checked, _ = self.checker.check(overlay, raw, current=number, block_hash=stored_hash,
                                                genesis_hash=genesis_hash, exact_nonce=True)
            except TransactionError as err:
                rejected.append((raw, err))
                continue
            except Exception as exc:
                rejected.append((raw, TransactionError(1010, f"Could not validate the transaction: {exc}")))
                continue
            self._apply_signed(overlay, env, len(included), checked)
            included.append(raw)

        env.phase = PHASE_FINALIZATION
        self._run_hooks(hook_ctx, "on_finalize_hooks", number)
        if number > BLOCK_HASH_COUNT + 1:
            system.BlockHash.remove(overlay, number - BLOCK_HASH_COUNT - 1)
        overlay.set(system.Events.key(), encode_compact(len(env.events)) + b"".join(env.events))
        system.EventCount.set(overlay, len(env.events))
        return BlockOutcome(included, overlay.changes(), rejected)

    def _run_hooks(self, ctx: CallContext, kind: str, number: int) -> None:
        """Run every pallet's hooks of one kind, each in its own storage layer.

        A hook that raises is a runtime bug: its writes and events are rolled back and logged, and the
        block is still produced (a dev chain that stops making blocks helps nobody).
        """
        for p in self.hook_pallets:
            for hook in getattr(p, kind):
                mark = len(ctx.env.events)
                try:
                    with ctx.state.transaction():
                        hook(ctx, number)
                except Exception:
                    LOG.exception("runtime bug in %s.%s at block %d", p.name, hook.__name__, number)
                    del ctx.env.events[mark:]

    @staticmethod
    def _timestamp_inherent(state: Overlay, timestamp_ms: int) -> bytes:
        now = max(timestamp_ms, timestamp.Now.get(state) + 1)
        return encode_unsigned(bytes((timestamp.pallet.index, 0)) + encode_compact(now))

    def _apply_inherent(self, overlay: Overlay, env: BlockEnv, raw: bytes) -> None:
        _xt, call = self.checker.parse(raw)
        env.phase = phase_apply(0)
        with overlay.transaction():
            _dispatch(CallContext(overlay, None, env), call)
        info = dispatch_info(call.weight(), call.call.dispatch_class, False)
        env.events.append(env.phase + b"\x00\x00" + info + b"\x00")

    def _apply_signed(self, overlay: Overlay, env: BlockEnv, index: int, checked: Checked) -> None:
        """Pre-dispatch (nonce, fee), transactional dispatch, post-dispatch (refund, events)."""
        xt, who, fee = checked.xt, checked.xt.signer, checked.fee
        env.phase = phase_apply(index)
        info = system.account(overlay, who)
        info["nonce"] += 1
        system.Account.set(overlay, who, info)
        ctx = CallContext(overlay, who, env)
        if fee:
            balances.withdraw(ctx, overlay, who, fee, keep_alive=True, burn=True)
            ctx.deposit_event(balances.Withdraw, who, fee)
        mark = len(env.events)
        error: DispatchError | None = None
        result: Any = None
        try:
            with overlay.transaction():
                result = _dispatch(ctx, checked.call)
        except DispatchError as err:
            error = err
            del env.events[mark:]
        except Exception as exc:  # a pallet bug: fail this extrinsic (rolled back), keep the chain going
            LOG.exception("runtime bug while dispatching %s", checked.call.name)
            error = DispatchError("Other", f"{checked.call.name} failed: {exc!r}")
            del env.events[mark:]
        pays = checked.pays and not (error is None and result == NO_FEE)
        actual = fee
        if not pays and fee > xt.tip:
            actual = xt.tip
            balances.deposit(ctx, overlay, who, fee - actual, mint=True)
            ctx.deposit_event(balances.Deposit, who, fee - actual)
        ctx.deposit_event(transaction_payment.TransactionFeePaid, who, actual, xt.tip)
        body = dispatch_info(checked.weight, checked.call.call.dispatch_class, pays)
        if error is None:
            env.events.append(env.phase + b"\x00\x00" + body + b"\x00")
        else:
            err_bytes = apis.encode_dispatch_error(error)
            env.events.append(env.phase + b"\x00\x01" + err_bytes + body + b"\x00")

    # -- queries -----------------------------------------------------------------------------------------
    def call(self, state: StateReader, method: str, data: bytes) -> bytes:
        """state_call: runtime API `method` with SCALE `data`; raises apis.ApiError for bad input."""
        return self.apis.call(state, method, data)

    def query_info(self, state: StateReader, xt: bytes) -> dict[str, Any]:
        """payment_queryInfo JSON for an extrinsic."""
        return self.apis.query_info_json(xt)

    def query_fee_details(self, state: StateReader, xt: bytes) -> dict[str, Any]:
        """payment_queryFeeDetails JSON for an extrinsic."""
        return self.apis.fee_details_json(xt)

    def account_nonce(self, state: StateReader, account_id: bytes) -> int:
        """The next nonce of an account (system_accountNextIndex / AccountNonceApi)."""
        return system.account_nonce(state, account_id)

    def storage_key(self, pallet: str, item: str, *keys: Any) -> bytes:
        """Full storage key of a declared item (a prefix when fewer keys are given)."""
        return self._item(pallet, item).key(*keys)

    def read(self, state: StateReader, pallet: str, item: str, *keys: Any) -> Any:
        """Decoded value of a declared item (its default when absent)."""
        return self._item(pallet, item).get(state, *keys)

    def _item(self, pallet: str, item: str) -> Any:
        p = BY_NAME.get(pallet)
        found = next((s for s in p.storage if s.name == item), None) if p else None
        if found is None:
            raise KeyError(f"no storage item {pallet}.{item}")
        return found
