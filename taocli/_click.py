"""The click package Typer is built on (a private module of Typer; tests/unit/test_cli_click_internals.py
fails loudly when an upgrade moves what we take from it).

Typer >= 0.16 ships its own copy of click as `typer._click`; older releases depend on the separate
`click` package. The error boundary needs click's exception types, so this one module hides which of
the two is present.
"""

from __future__ import annotations

from typer import Abort, Exit

try:  # Typer with its vendored click
    from typer import _click as click
except ImportError:  # pragma: no cover - older Typer
    import click  # type: ignore[no-redef]

ClickException = click.exceptions.ClickException
UsageError = click.exceptions.UsageError
NoArgsIsHelpError = getattr(click.exceptions, "NoArgsIsHelpError", None)

__all__ = ["Abort", "ClickException", "Exit", "NoArgsIsHelpError", "UsageError", "click"]
