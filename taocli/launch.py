"""The `taocli` console script: answers `--help`/`--version` of the root before Typer is imported.

Everything else goes to `taocli.main.run`, which builds the Typer app (see taocli.roothelp for why).
Shell completion always takes the full path: it needs the real command tree.
"""

from __future__ import annotations

import os
import sys


def run() -> None:
    """Console-script entry point."""
    argv = sys.argv[1:]
    if not os.environ.get("_TAOCLI_COMPLETE"):
        from taocli import __version__
        from taocli.roothelp import fast_answer

        text = fast_answer(argv, __version__)
        if text is not None:
            sys.stdout.write(text)
            sys.stdout.flush()
            raise SystemExit(0)
    from taocli.main import run as run_main

    run_main(argv)
