"""Typed chain errors: each one renders as a single line that says what went wrong and what to do."""

from __future__ import annotations


class ChainError(Exception):
    """Base of every error the chain client raises; `str()` is a complete user-facing line."""


class NodeUnreachable(ChainError):
    """The endpoint did not answer: name it, and say how to start the local chain."""

    def __init__(self, url: str, reason: str = "") -> None:
        hint = (
            "start the local chain with `taocli localnet start --detach`"
            if _is_loopback(url)
            else "check the URL and your connection, or pick another endpoint with --network"
        )
        detail = f" ({reason})" if reason else ""
        super().__init__(f"cannot reach the chain at {url}{detail}: {hint}")
        self.url = url


def _is_loopback(url: str) -> bool:
    """Whether the URL's host is this machine (only then can starting the local chain help); a remote host
    whose name merely contains "localhost" or "127.0.0.1" is not."""
    from urllib.parse import urlsplit

    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    return host in ("localhost", "::1") or host.startswith("127.")


class TransactionRejected(ChainError):
    """The node refused the transaction before inclusion (bad nonce, fee, era, signature...)."""

    def __init__(self, reason: str, code: int | None = None) -> None:
        remedy = _REJECTION_REMEDIES.get(reason.lower(), "check the transaction and try again")
        super().__init__(f"the node rejected the transaction: {reason} — {remedy}")
        self.reason = reason
        self.code = code


class ExtrinsicFailed(ChainError):
    """The transaction was included but its call failed with a module error."""

    def __init__(self, pallet: str, name: str, docs: str = "", block_hash: str | None = None) -> None:
        text = f"{pallet}.{name}"
        explanation = docs.strip() or _MODULE_ERROR_HINTS.get(name, "")
        super().__init__(f"the chain refused the call: {text}" + (f" — {explanation}" if explanation else ""))
        self.pallet = pallet
        self.name = name
        self.block_hash = block_hash


class RuntimeMismatch(ChainError):
    """The chain's metadata lacks a call or argument this client needs (a different runtime)."""


_REJECTION_REMEDIES = {
    "transaction is outdated": "a transaction with this nonce was already included; retry to use a fresh nonce",
    "transaction has a bad signature": "the key does not match the sender; check the wallet and hotkey",
    "inability to pay some fees (e.g. account balance too low)": "fund the account (local chain: taocli wallet faucet)",
    "transaction is stale": "the signing window (era) expired; retry the command",
    "transaction is temporarily banned": "an identical transaction was just submitted; wait a block and retry",
}

_MODULE_ERROR_HINTS = {
    "InsufficientBalance": "the sender's free balance is too low for this amount",
    "NotEnoughBalanceToStake": "the coldkey's free balance is lower than the amount to stake",
    "NotEnoughStaketoWithdraw": "the hotkey holds less stake from this coldkey than the amount to remove",
    "NotRegistered": "the hotkey is not registered on this subnet",
    "AlreadyRegistered": "the hotkey is already registered on this subnet",
    "NetworkDoesNotExist": "no subnet has that netuid; list them with `taocli subnets list`",
    "TooManyRegistrationsThisBlock": "the subnet's registration limit for this block is reached; retry next block",
    "TooManyRegistrationsThisInterval": "the subnet's registrations for this interval are used up; retry later",
    "SettingWeightsTooFast": "the subnet's weights rate limit has not passed since your last set_weights",
    "HotKeyAccountNotExists": "the hotkey has no owner on chain yet: register it on a subnet first",
    "NonAssociatedColdKey": "this coldkey does not own the hotkey",
    "AlreadyDelegate": "this hotkey is already a delegate",
    "ExistentialDeposit": "a new account must receive at least the chain's existential deposit; send more",
    "NoValidatorPermit": "this uid has no validator permit yet: permits go to the top stakes at each epoch",
    "TxRateLimitExceeded": "this coldkey acted too recently (TxRateLimit); wait a few blocks and retry",
    "RegistrationDisabled": "registration (or PoW registration) is switched off on this subnet",
    "NotSubnetOwner": "only the subnet's owner may do this",
    "BadOrigin": "this call needs the sudo key (or the subnet owner for owner-settable parameters)",
    "InvalidIpAddress": "the axon IP must be a public address (not 0.0.0.0 or 127.0.0.1)",
    "InvalidPort": "the axon port must be between 1 and 65535",
    "ServingRateLimitExceeded": "the axon was served too recently on this subnet; wait for the serving rate limit",
    "StakeTooLowForRoot": "the root network is full and this hotkey's stake is below its smallest member's",
    "MaxWeightExceeded": "one uid gets more than the subnet's max_weights_limit; spread the weight",
    "NotSettingEnoughWeights": "set weights on at least the subnet's min_allowed_weights uids",
    "IncorrectNetworkVersionKey": "the subnet expects a newer weights version key (--version-key)",
    "InvalidSeal": "the proof-of-work does not match this hotkey and block; solve again",
    "InvalidWorkBlock": "the proof-of-work is for a block that is too old; solve again on a fresh block",
    "InvalidDifficulty": "the proof-of-work does not meet the subnet's difficulty; solve again",
    "AllNetworksInImmunity": "the subnet limit is reached and every subnet is still immune from pruning",
    "NotEnoughBalance": "the coldkey's free balance is too low",
}
