"""With --json, a failing command still leaves one JSON document on stdout: the error, its kind and code.

Scripts parse stdout; before, a failure left it empty. The one line on stderr and the exit code stay
as they were, and without --json stdout stays empty.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.integration.test_cli_support import Result, run_cli

pytestmark = pytest.mark.slow  # each test starts `taocli` processes

ALICE = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
CLOSED = "ws://127.0.0.1:9"  # the discard port: nothing listens, the connection is refused at once


def error_document(res: Result, code: int, kind: str) -> dict[str, Any]:
    """The error object on stdout, checked against the stderr line and the exit code."""
    assert res.code == code, (res.code, res.stdout, res.stderr)
    line = res.one_error_line()
    assert res.stdout.count("\n") == 1, res.stdout  # exactly one document
    error = json.loads(res.stdout)["error"]
    assert error == {"message": line.removeprefix("Error: "), "kind": kind, "exit_code": code}
    return error


def test_wallet_error(tmp_path: Path) -> None:
    res = run_cli(["wallet", "show", "-p", str(tmp_path / "wallets"), "-w", "nobody", "--json"], tmp_path)
    error = error_document(res, 1, "UnknownWallet")
    assert "no wallet named 'nobody'" in error["message"]


def test_chain_error_unreachable_node(tmp_path: Path) -> None:
    res = run_cli(["subnets", "list", "--network", CLOSED, "--json-output"], tmp_path)
    error = error_document(res, 1, "NodeUnreachable")
    assert f"cannot reach the chain at {CLOSED}" in error["message"]


@pytest.mark.parametrize(("args", "kind", "needle"), [
    (["wallet", "list", "--no-such-flag", "--json"], "NoSuchOption", "--no-such-flag"),  # click's parser
    (["wallet", "create", "--n-words", "13", "--yes", "--json"], "UsageProblem", "--n-words 13"),  # ours
])
def test_usage_errors(tmp_path: Path, args: list[str], kind: str, needle: str) -> None:
    error = error_document(run_cli(args, tmp_path), 2, kind)
    assert needle in error["message"]


def test_without_json_stdout_stays_empty(tmp_path: Path) -> None:
    res = run_cli(["wallet", "show", "-p", str(tmp_path / "wallets"), "-w", "nobody"], tmp_path)
    assert res.code == 1 and res.stdout == ""
    assert "no wallet named 'nobody'" in res.one_error_line()


def test_a_command_that_wrote_its_document_keeps_it_alone(tmp_path: Path) -> None:
    res = run_cli(["wallet", "verify", "-m", "hello", "-s", "0x" + "00" * 64, "--address", ALICE, "--json"],
                  tmp_path)
    assert res.code == 1 and "NOT valid" in res.one_error_line()
    assert json.loads(res.stdout) == {"valid": False, "signer": ALICE, "message_bytes": 5}
