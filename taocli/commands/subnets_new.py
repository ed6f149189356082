"""`taocli subnets new NAME --template T [--dir D]`: start a new subnet from a template (subnet_templates.scaffold)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from taocli.options import Debug, Json

TemplateName = Annotated[str, typer.Option("--template", "-t", help="Template to start from (echo, text_prompting, "
                                           "price_prediction).")]
Directory = Annotated[Path | None, typer.Option("--dir", help="Where to create it (default: ./NAME); must not "
                                                "exist or be empty.", show_default=False)]


def new(name: Annotated[str, typer.Argument(help="The new subnet's name (a-z, 0-9, _ and -).")],
        template: TemplateName = "echo", directory: Directory = None, json_out: Json = False,
        debug: Debug = False) -> None:
    """Create a new subnet project from a template: protocol, miner, validator, tests, README, pyproject."""
    from subnet_templates import scaffold
    from taocli.errors import CliError
    from taocli.output import Output

    out = Output(json_out)
    try:
        made = scaffold.create(name, template, directory)
    except scaffold.ScaffoldError as exc:
        raise CliError(str(exc)) from None
    data: dict[str, Any] = {"name": made.name, "template": made.template, "dir": str(made.directory),
                            "files": made.files, "next": made.next_steps()}
    if json_out:
        out.result(data)
        return
    out.success(f"Created subnet {made.name} from template {made.template} in {made.directory} "
                f"({len(made.files)} files)")
    out.note("Next:\n" + "\n".join(f"  {step}" for step in made.next_steps()))
