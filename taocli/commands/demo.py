"""`taocli demo`: the main job as a script anyone can watch, in a throw-away directory.

It creates wallets with the real `taocli wallet` commands (no prompts), starts a fresh local chain in the
same directory, and walks a subnet from creation to paid emission: funding, registration, stake, a
delegate and its nominator, weights, an epoch, and the metagraph that shows who earned what. The node is
stopped at the end whatever happens. The work lives in `taocli.demo`, imported only when the demo runs,
so `taocli --help` stays light.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from taocli.errors import UsageProblem
from taocli.options import Debug, Json

DirOption = Annotated[Path | None, typer.Option(
    "--dir", help="Keep the demo's wallets and chain in this new or empty directory instead of a temporary one.",
    show_default=False)]


def demo(directory: DirOption = None, json_out: Json = False, debug: Debug = False) -> None:
    """Run the main job: wallets, a local chain, a subnet with a validator, miners and a nominator, an epoch."""
    from taocli.demo.runner import run_demo

    if directory is None:
        with tempfile.TemporaryDirectory(prefix="taocli-demo-") as tmp:
            run_demo(Path(tmp), json_out)
        return
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise UsageProblem(f"--dir {directory} is not an empty directory; give a new or empty one (the demo "
                           "starts a fresh chain and new wallets there)")
    directory.mkdir(parents=True, exist_ok=True)
    run_demo(directory.resolve(), json_out)
