"""The Typer-free root help and version (taocli.roothelp) say exactly what click would say."""

from __future__ import annotations

import io
import subprocess
import sys
from contextlib import redirect_stdout

import pytest

from taocli import __version__
from taocli.roothelp import fast_answer, render_help, short_help


def _click_output(argv: list[str], columns: int, monkeypatch: pytest.MonkeyPatch) -> str:
    from taocli.main import run

    monkeypatch.setenv("COLUMNS", str(columns))
    buf = io.StringIO()
    with redirect_stdout(buf), pytest.raises(SystemExit) as done:
        run(argv)
    assert done.value.code == 0
    return buf.getvalue()


@pytest.mark.parametrize("columns", [20, 52, 60, 67, 71, 80, 95, 200])
@pytest.mark.parametrize("argv", [["--help"], ["-h"], []])
def test_fast_root_help_is_clicks_root_help(argv: list[str], columns: int, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _click_output(argv, columns, monkeypatch)
    assert render_help(columns) == expected
    assert fast_answer(argv, __version__) == expected  # COLUMNS is set: the terminal size says the same


@pytest.mark.parametrize("argv", [["--version"], ["-V"]])
def test_fast_version_is_clicks_version(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert fast_answer(argv, __version__) == _click_output(argv, 80, monkeypatch)


def test_anything_else_goes_to_typer() -> None:
    for argv in (["wallet"], ["--help", "wallet"], ["--debug"], ["-V", "x"], ["--json"]):
        assert fast_answer(argv, __version__) is None


def test_short_help_truncates_like_click() -> None:
    from taocli._click import click

    texts = ["Run the main job: wallets, a local chain, a subnet with a validator.", "One. Two.", "",
             "word " * 30, "a" * 60 + " b", "Exactly ten", "x y z"]
    for text in texts:
        for limit in range(1, 70):
            assert short_help(text, limit) == click.utils.make_default_short_help(text, limit), (text, limit)


def test_the_console_script_answers_help_without_importing_typer() -> None:
    code = ("import sys; sys.argv = ['taocli', '--help']\n"
            "from taocli.launch import run\n"
            "try:\n    run()\nexcept SystemExit:\n    pass\n"
            "assert 'typer' not in sys.modules, 'typer was imported'\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Usage: taocli [OPTIONS] COMMAND [ARGS]...")
