"""`taocli demo`: the main job as a script anyone can watch, in a throw-away directory.

It creates wallets with the real `taocli wallet` commands (no prompts), starts a fresh local chain in the
same directory, and walks a subnet from creation to paid emission: funding, registration, stake, a
delegate and its nominator, weights, an epoch. Then the whole network: a validator and three miners of a
subnet template (real PyTorch models of different quality) as real processes, blocks through two epochs
while a live table shows the metagraph move, and incentive that follows quality. Everything it started is
stopped at the end whatever happens, unless --keep. The work lives in `taocli.demo`, imported only when the
demo runs, so `taocli --help` stays light.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from taocli.errors import UsageProblem
from taocli.options import Debug, Json

DEMO_TEMPLATES = ("text_prompting", "price_prediction")  # the templates whose miners have a quality knob

DirOption = Annotated[Path | None, typer.Option(
    "--dir", help="Keep the demo's wallets and chain in this new or empty directory instead of a temporary one.",
    show_default=False)]
TemplateOption = Annotated[str, typer.Option(
    "--template", "-t", help=f"Subnet template the neurons run: {' or '.join(DEMO_TEMPLATES)}.")]
KeepOption = Annotated[bool, typer.Option(
    "--keep", help="Leave the chain and the neurons running at the end (prints how to stop them).")]


def demo(directory: DirOption = None, template: TemplateOption = "text_prompting", keep: KeepOption = False,
         json_out: Json = False, debug: Debug = False) -> None:
    """Run the main job: wallets, a local chain, a subnet with a validator, miners and a nominator, an epoch."""
    from taocli.demo.runner import run_demo

    if template not in DEMO_TEMPLATES:
        raise UsageProblem(f"--template {template}: the demo runs {' or '.join(DEMO_TEMPLATES)} (their miners "
                           "have a quality knob the demo can rank)")
    if directory is None:
        if keep:  # what is kept must outlive this command: a directory that is not deleted at exit
            run_demo(Path(tempfile.mkdtemp(prefix="taocli-demo-")), json_out, template, keep)
            return
        with tempfile.TemporaryDirectory(prefix="taocli-demo-") as tmp:
            run_demo(Path(tmp), json_out, template, keep)
        return
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise UsageProblem(f"--dir {directory} is not an empty directory; give a new or empty one (the demo "
                           "starts a fresh chain and new wallets there)")
    directory.mkdir(parents=True, exist_ok=True)
    run_demo(directory.resolve(), json_out, template, keep)
