"""`taocli localnet ...`: start, stop and inspect the embedded chain node (commands land with the node)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Run the local chain that ships inside taocli.", no_args_is_help=True)
