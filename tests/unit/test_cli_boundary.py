"""The error boundary and the output module, in-process (fast): exit codes, one-line errors, pure JSON."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
import typer

from taocli.boundary import describe, run
from taocli.errors import CliError, UsageProblem
from taocli.main import app
from taocli.output import Output
from wallet.errors import UnknownWallet, WrongPassword


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAOCLI_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("TAOCLI_DEBUG", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))


def run_root(args: list[str]) -> int:
    return run(typer.main.get_command(app), args)


def probe_app(exc: BaseException) -> typer.Typer:
    """A tiny real Typer app whose one command raises `exc`."""
    probe = typer.Typer()

    @probe.command()
    def boom(debug: bool = typer.Option(False, "--debug"), json_out: bool = typer.Option(False, "--json")) -> None:
        raise exc

    @probe.command()
    def fine() -> None:
        """Second command so the app is a group."""

    return probe


@pytest.mark.parametrize(("exc", "code", "needle"), [
    (WrongPassword("the password does not open /x/coldkey"), 1, "password does not open"),
    (UnknownWallet("no wallet 'w'"), 1, "taocli wallet list"),
    (CliError("plain failure"), 1, "plain failure"),
    (UsageProblem("bad flags"), 2, "bad flags"),
    (PermissionError(13, "Permission denied", "/root/x"), 1, "permission denied /root/x"),
    (ValueError("odd\nvalue"), 1, "rerun with --debug"),
])
def test_errors_become_one_line(exc: BaseException, code: int, needle: str,
                                capsys: pytest.CaptureFixture[str]) -> None:
    assert run(typer.main.get_command(probe_app(exc)), ["boom"]) == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("Error: ") and needle in err
    assert "Traceback" not in err


def test_debug_adds_the_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(typer.main.get_command(probe_app(ValueError("x"))), ["boom", "--debug"]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_keyboard_interrupt_exits_130(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(typer.main.get_command(probe_app(KeyboardInterrupt())), ["boom"]) == 130
    err = capsys.readouterr().err
    assert "interrupted" in err and "Traceback" not in err


def test_usage_error_exits_2_and_names_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_root(["wallet", "list", "--no-such-flag"]) == 2
    err = capsys.readouterr().err
    assert "--no-such-flag" in err and "taocli wallet list --help" in err and err.count("\n") == 1


def test_group_without_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_root(["wallet"]) == 0
    assert "create" in capsys.readouterr().out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from taocli import __version__

    assert run_root(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"taocli {__version__}"


def test_describe_keeps_library_messages_verbatim() -> None:
    assert describe(WrongPassword("cause", "do this"))[0] == "cause. Do this."


def test_json_mode_keeps_stdout_pure(capsys: pytest.CaptureFixture[str]) -> None:
    out = Output(json_mode=True)
    out.note("a note")
    out.warn("a warning")
    out.success("done")
    long_value = "x" * 500  # never wrapped at the terminal width
    out.result({"value": long_value, "n": 1}, render=lambda console: pytest.fail("rendered in JSON mode"))
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {"value": long_value, "n": 1}
    assert captured.out.count("\n") == 1
    assert "a note" in captured.err and "a warning" in captured.err


def test_config_commands_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_root(["config", "set", "network", "ws://127.0.0.1:9944"]) == 0
    assert run_root(["config", "get", "network", "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert json.loads(lines[-1])["value"] == "ws://127.0.0.1:9944"
    assert run_root(["config", "show", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["settings"]["network"]["source"].startswith("config file")
    assert run_root(["config", "set", "network", ""]) == 0
    assert run_root(["config", "get", "network"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == "local"


def test_help_folds_alias_spellings_into_the_description(capsys: pytest.CaptureFixture[str]) -> None:
    from taocli.main import run as run_main

    with pytest.raises(SystemExit) as done:
        run_main(["wallet", "create", "--help"])
    assert done.value.code == 0
    out = " ".join(capsys.readouterr().out.split())  # help wraps at the terminal width
    assert "-w, --wallet-name <str>" in out and "Also: --name, --wallet.name, --wallet_name." in out
    assert "--wallet.name, --wallet_name <str>" not in out


def test_compact_record_leaves_single_names_and_flag_pairs_alone() -> None:
    from taocli.helpfmt import compact_record

    assert compact_record(("--debug", "Trace.")) == ("--debug", "Trace.")
    assert compact_record(("--x / --no-x", "Pair.")) == ("--x / --no-x", "Pair.")
    assert compact_record(("-y, --yes, --no-prompt", "Yes.")) == ("-y, --yes", "Yes. Also: --no-prompt.")


@pytest.mark.parametrize(("exc", "code", "kind"), [
    (KeyboardInterrupt(), 130, "KeyboardInterrupt"),
    (ValueError("odd"), 1, "ValueError"),
    (WrongPassword("the password does not open /x/coldkey"), 1, "WrongPassword"),
])
def test_json_failures_leave_an_error_document(exc: BaseException, code: int, kind: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert run(typer.main.get_command(probe_app(exc)), ["boom", "--json"]) == code
    captured = capsys.readouterr()
    line = captured.err.strip().removeprefix("Error: ")
    assert json.loads(captured.out) == {"error": {"message": line, "kind": kind, "exit_code": code}}


def test_documents_written_to_another_stdout_do_not_hide_the_error(capsys: pytest.CaptureFixture[str]) -> None:
    """The demo runs wallet commands in-process with stdout captured; their JSON is not the demo's."""
    from taocli.output import emit_json

    probe = typer.Typer()

    @probe.command()
    def outer(json_out: bool = typer.Option(False, "--json")) -> None:
        with contextlib.redirect_stdout(io.StringIO()):
            emit_json({"inner": True})
        raise CliError("the outer command failed")

    @probe.command()
    def fine() -> None:
        """Second command so the app is a group."""

    assert run(typer.main.get_command(probe), ["outer", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["error"]["message"] == "the outer command failed"
