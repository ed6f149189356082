"""`python -m taocli` runs the same command line as the `taocli` console script."""

from __future__ import annotations

from taocli.launch import run

if __name__ == "__main__":
    run()
