"""Find, load and feed a subnet template (the contract is subnet_templates/README.md).

A template is a package directory with protocol.py, miner.py, validator.py and README.md. It is loaded by
name from `subnet_templates/<name>/` or from any directory (`--template-path`), in the second case under a
private package name so its relative imports work without touching sys.path. Loading imports the
template's own (possibly heavy) libraries, so only a running neuron calls this, never the CLI's start-up.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

REQUIRED_FILES = ("protocol.py", "miner.py", "validator.py")
FACTORY = {"miner": "create_miner", "validator": "create_validator"}
NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")
TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


class TemplateError(Exception):
    """A template cannot be found, loaded or configured; the text is one line naming cause and fix."""


class Response(NamedTuple):
    """One miner's answer to a validator query (the synapse carries status code and process time)."""

    uid: int
    hotkey: str
    synapse: Any


class Score(NamedTuple):
    """A score in [0, 1] for the miner that was `hotkey` on `uid` when it answered (deferred scoring)."""

    uid: int
    hotkey: str
    value: float


def builtin_root() -> Path:
    """Where the templates shipped with taocli live (this installation's subnet_templates/)."""
    spec = importlib.util.find_spec("subnet_templates")
    if spec is None or not spec.submodule_search_locations:
        raise TemplateError("the subnet_templates package is missing from this installation; reinstall taocli")
    return Path(next(iter(spec.submodule_search_locations)))


def available() -> list[str]:
    """Names of the built-in templates (directories holding every required file)."""
    root = builtin_root()
    return sorted(p.name for p in root.iterdir()
                  if p.is_dir() and all((p / f).is_file() for f in REQUIRED_FILES))


def default_cache_root() -> Path:
    base = os.environ.get("TAOCLI_CACHE_DIR")
    return Path(base) if base else Path.home() / ".taocli" / "cache"


def resolve(name: str | None = None, path: str | Path | None = None) -> Path:
    """The template directory for `--template NAME` or `--template-path DIR` (exactly one)."""
    if (name is None) == (path is None):
        raise TemplateError("give either --template NAME or --template-path DIR (one of them)")
    if name is not None:
        if not NAME_RE.match(name):
            raise TemplateError(f"template name {name!r} is not a directory name; use letters, digits, _ and -")
        where = builtin_root() / name
        if not where.is_dir():
            known = ", ".join(available()) or "none"
            raise TemplateError(f"no template named {name!r}; the built-in templates are: {known} "
                                "(or give a directory with --template-path)")
    else:
        where = Path(path).expanduser().resolve()  # type: ignore[arg-type]
        if not where.is_dir():
            raise TemplateError(f"template path {where} is not a directory; give the subnet's package directory")
    missing = [f for f in REQUIRED_FILES if not (where / f).is_file()]
    if missing:
        raise TemplateError(f"template {where} lacks {', '.join(missing)}; a template needs "
                            f"{', '.join(REQUIRED_FILES)} (see subnet_templates/README.md)")
    return where


def load_package(where: Path) -> str:
    """Import the template directory as a package; returns its module name."""
    builtin = builtin_root()
    if where.parent == builtin:
        package = f"subnet_templates.{where.name}"
        importlib.import_module(package)
        return package
    # Named by the full path: two scaffolded subnets with the same directory name must not share modules.
    digest = hashlib.sha1(str(where).encode(), usedforsecurity=False).hexdigest()[:12]
    safe = re.sub(r"\W", "_", where.name)
    package = f"taocli_template_{safe}_{digest}"
    if package in sys.modules:
        return package
    init = where / "__init__.py"
    spec = importlib.util.spec_from_file_location(package, init if init.is_file() else None,
                                                  submodule_search_locations=[str(where)])
    if spec is None:
        raise TemplateError(f"cannot load the template package at {where}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[package] = module
    if spec.loader is not None and init.is_file():
        spec.loader.exec_module(module)
    return package


def load_module(where: Path, part: str) -> ModuleType:
    """The template's `protocol`, `miner` or `validator` module (one-line error when it fails to import)."""
    package = load_package(where)
    try:
        return importlib.import_module(f"{package}.{part}")
    except ImportError as exc:
        raise TemplateError(f"template {where.name}: {part}.py cannot be imported ({exc}); install what it "
                            "needs or fix the import") from exc


@dataclass
class TemplateContext:
    """What a template's factory is given (subnet_templates/README.md, 'TemplateContext')."""

    name: str
    role: str
    netuid: int
    hotkey: str
    cache_dir: Path
    state_dir: Path
    options: dict[str, str] = field(default_factory=dict)
    log: Callable[[str], None] = print

    def opt(self, key: str, default: Any) -> Any:
        """Option `key` converted to the type of `default`; `default` itself when not given."""
        raw = self.options.get(key)
        if raw is None:
            return default
        kind = type(default)
        if kind is bool:
            low = raw.strip().lower()
            if low in TRUE or low in FALSE:
                return low in TRUE
            raise TemplateError(f"--template-opt {key}={raw}: expected true or false")
        try:
            return kind(raw)
        except (TypeError, ValueError):
            raise TemplateError(f"--template-opt {key}={raw}: expected {kind.__name__}") from None


def parse_options(pairs: list[str] | None) -> dict[str, str]:
    """`["k=v", ...]` from repeated --template-opt into a dict; a pair without '=' is refused."""
    options: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise TemplateError(f"--template-opt {pair!r}: write KEY=VALUE, e.g. --template-opt wrong=true")
        options[key.strip()] = value
    return options


def build(where: Path, ctx: TemplateContext) -> Any:
    """Run the template's factory for `ctx.role`: the object the base loop drives."""
    module = load_module(where, ctx.role)
    factory_name = FACTORY[ctx.role]
    factory = getattr(module, factory_name, None)
    if not callable(factory):
        raise TemplateError(f"template {where.name}: {ctx.role}.py defines no {factory_name}(ctx) "
                            "(see subnet_templates/README.md)")
    known = getattr(module, "OPTIONS", None)
    if isinstance(known, dict):
        unknown = sorted(set(ctx.options) - set(known))
        if unknown:
            listed = ", ".join(sorted(known)) or "none"
            raise TemplateError(f"template {where.name} has no option {unknown[0]!r} for a {ctx.role}; its "
                                f"options are: {listed}")
    ctx.cache_dir.mkdir(parents=True, exist_ok=True)
    ctx.state_dir.mkdir(parents=True, exist_ok=True)
    built = factory(ctx)
    if getattr(built, "synapse", None) is None:
        raise TemplateError(f"template {where.name}: the {ctx.role} object has no `synapse` attribute "
                            "naming the Synapse class it serves")
    return built


def spec_version(where: Path) -> int | None:
    """protocol.SPEC_VERSION when the template sets one (the weights version_key), else None."""
    value = getattr(load_module(where, "protocol"), "SPEC_VERSION", None)
    return int(value) if value is not None else None
