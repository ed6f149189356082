"""Chain errors read as one line that names what failed and what to do."""

from __future__ import annotations

from chain.errors import ExtrinsicFailed, NodeUnreachable, TransactionRejected


def test_module_errors_name_pallet_error_and_remedy() -> None:
    err = ExtrinsicFailed("SubtensorModule", "NoValidatorPermit", "")
    assert str(err).startswith("the chain refused the call: SubtensorModule.NoValidatorPermit — ")
    assert "permit" in str(err).split("—", 1)[1]
    documented = ExtrinsicFailed("Balances", "InsufficientBalance", "Balance too low to send value.")
    assert str(documented).endswith("— Balance too low to send value.")
    unknown = ExtrinsicFailed("Other", "Strange", "")
    assert str(unknown) == "the chain refused the call: Other.Strange"


def test_unreachable_says_how_to_start_a_local_chain_or_check_a_remote_one() -> None:
    local = str(NodeUnreachable("ws://127.0.0.1:9944", "Connection refused"))
    assert local == ("cannot reach the chain at ws://127.0.0.1:9944 (Connection refused): start the local chain "
                     "with `taocli localnet start --detach`")
    remote = str(NodeUnreachable("wss://entrypoint-finney.opentensor.ai:443"))
    assert "check the URL and your connection" in remote and "\n" not in remote


def test_rejections_carry_a_remedy() -> None:
    fees = TransactionRejected("Inability to pay some fees (e.g. account balance too low)")
    assert "fund the account" in str(fees)
    other = TransactionRejected("Something new")
    assert str(other).endswith("Something new — check the transaction and try again")
