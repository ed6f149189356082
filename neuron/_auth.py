"""Is this request really from the hotkey it names, fresh, and unaltered? (The axon's 401/400 decisions.)

Order matters and differs from the SDK on purpose: the signature is checked before anything that trusts the
claimed hotkey (registration, blacklist, rate limit, priority), and a nonce is remembered only after its
signature verified, so forged requests cannot burn a real caller's nonces.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass

import neuron._wire as _wire
from neuron._replay import ReplayGuard
from neuron.synapse import Synapse, TerminalInfo, sha3_hex
from wallet.keypair import Keypair


@dataclass(slots=True)
class Verdict:
    status: int  # 200 when the request may go on
    message: str
    extended: bool = False  # a taocli dendrite: the whole body and timeout are signed


_OK = Verdict(200, "")


class Authenticator:
    def __init__(self, axon_hotkey: str, guard: ReplayGuard, freshness_seconds: float, max_cached_keys: int = 4096):
        self.axon_hotkey = axon_hotkey
        self.guard = guard
        self.window_ns = int(freshness_seconds * 1e9)
        self._keys: OrderedDict[str, Keypair | None] = OrderedDict()
        self._max_cached_keys = max_cached_keys

    def _keypair(self, ss58: str) -> Keypair | None:
        key = self._keys.get(ss58, False)
        if key is False:
            try:
                key = Keypair.from_ss58(ss58)
            except Exception:
                key = None
            self._keys[ss58] = key
            if len(self._keys) > self._max_cached_keys:
                self._keys.popitem(last=False)
        return key  # type: ignore[return-value]

    def check(self, headers: dict[str, str], dendrite: TerminalInfo) -> Verdict:
        """Signature, nonce freshness and replay, from the headers alone (the body is checked after)."""
        hotkey, nonce, signature = dendrite.hotkey, dendrite.nonce, dendrite.signature
        if not hotkey:
            return Verdict(401, "Not Verified: missing dendrite hotkey")
        if nonce is None:
            return Verdict(401, "Not Verified: missing nonce")
        if not signature:
            return Verdict(401, "Not Verified: missing signature")
        uuid = str(dendrite.uuid)
        extended = uuid.startswith(_wire.UUID_PREFIX)
        modern = extended or (dendrite.version or 0) >= _wire.MODERN_NONCE_VERSION
        endpoint = f"{hotkey}:{uuid}"
        now = time.time_ns()
        why = self.guard.check(endpoint, nonce, modern=modern, window_ns=self.window_ns, now_ns=now)
        if why:
            return Verdict(401, f"Not Verified: {why}")
        keypair = self._keypair(hotkey)
        if keypair is None:
            return Verdict(401, "Not Verified: the dendrite hotkey is not an ss58 address")
        message = _wire.request_message(nonce, hotkey, self.axon_hotkey, uuid, headers.get("computed_body_hash", ""))
        if extended:
            body_signature = headers.get(_wire.EXT_SIGNATURE)
            if not body_signature:
                return Verdict(401, "Not Verified: a taocli dendrite request without its body signature")
            message = _wire.extended_request_message(
                message, headers.get("timeout", ""), headers.get("name", ""), headers.get(_wire.EXT_BODY_SHA3, ""))
            signature = body_signature
        if not keypair.verify(message, signature):
            return Verdict(401, "Not Verified: signature mismatch")
        self.guard.commit(endpoint, nonce, modern=modern, window_ns=self.window_ns, now_ns=now)
        return Verdict(200, "", extended) if extended else _OK

    @staticmethod
    def check_body(headers: dict[str, str], body: bytes, verdict: Verdict, synapse: Synapse) -> Verdict:
        """The body against what was signed: the SDK's hashed fields, and for taocli peers every byte."""
        if verdict.extended and sha3_hex(body) != headers.get(_wire.EXT_BODY_SHA3, ""):
            return Verdict(400, "body does not match its signed digest (taocli_body_sha3)")
        signed = headers.get("computed_body_hash", "")
        # SDK 6.x hashes the fields in declaration order; 7+ in required_hash_fields order.
        if synapse.body_hash != signed and synapse.body_hash_in_field_order() != signed:
            return Verdict(400, "body hash mismatch: the hashed fields differ from computed_body_hash")
        return verdict
