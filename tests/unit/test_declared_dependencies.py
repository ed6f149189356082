"""Every third-party module the shipped packages import is declared in pyproject.toml.

An undeclared import works on a developer's machine only because another dependency happens to pull it
in (pycryptodome and scalecodec came with substrate-interface), and breaks the day that one changes.
"""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("taocli", "wallet", "chain", "localnet", "neuron", "subnet_templates")


def _declared() -> set[str]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        specs += extra
    return {_norm(re.split(r"[<>=!~;\[ ]", spec, maxsplit=1)[0]) for spec in specs}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_top_levels() -> dict[str, str]:
    found: dict[str, str] = {}
    for package in SHIPPED:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names: list[str] = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                    names = [node.module]
                for name in names:
                    found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def test_every_third_party_import_of_the_shipped_packages_is_declared() -> None:
    declared = _declared()
    providers = packages_distributions()
    missing = []
    for module, where in sorted(_imported_top_levels().items()):
        if module in sys.stdlib_module_names or module in SHIPPED or module == "__future__":
            continue
        dists = {_norm(d) for d in providers.get(module, [])}
        if not dists:  # a fallback for other versions (tomli before 3.11, click before Typer vendored it)
            continue
        if not dists & declared:
            missing.append(f"{module} (imported by {where}; provided by {sorted(dists)})")
    assert not missing, "undeclared imports: " + "; ".join(missing)
