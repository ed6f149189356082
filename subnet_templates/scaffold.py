"""`taocli subnets new`: copy a template into a directory of its own, as the start of a new subnet.

The new directory is itself the template package (protocol.py, miner.py, validator.py, README.md and the
template's helper modules), so `taocli miner start --template-path DIR` runs it at once; beside them it gets
a project README, a pyproject.toml (its third-party dependencies and test settings) and tests/ that load the
subnet through the same loader the neurons use and play one validator round against its own miner.

Imports of shared helpers (`from subnet_templates import model_cache`) become relative and the helper is
copied along, so the new subnet does not depend on taocli's internal layout, only on `neuron` (the
contract). Pure standard library: the CLI may import this without torch.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

NAME_RE = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
SHARED_IMPORT = re.compile(r"^from subnet_templates import (\w+)$", re.MULTILINE)
THIRD_PARTY = {"torch": "torch==2.13.0", "numpy": "numpy>=1.26"}


class ScaffoldError(Exception):
    """The subnet cannot be created; `str()` is one line naming the cause and the remedy."""


@dataclass
class Scaffold:
    name: str
    template: str
    directory: Path
    files: list[str] = field(default_factory=list)

    def next_steps(self) -> list[str]:
        where = self.directory
        return [f"python -m pytest {where / 'tests'}",
                "taocli localnet start --fast --detach",
                f"taocli miner start --template-path {where} --netuid 1 -w miner --detach",
                f"taocli validator start --template-path {where} --netuid 1 -w validator --detach"]


def template_root() -> Path:
    return Path(__file__).resolve().parent


def available() -> list[str]:
    root = template_root()
    return sorted(p.name for p in root.iterdir()
                  if p.is_dir() and all((p / f).is_file() for f in ("protocol.py", "miner.py", "validator.py")))


def create(name: str, template: str, directory: Path | None = None) -> Scaffold:
    """Write the new subnet `name` from built-in `template` into `directory` (default ./NAME)."""
    if not NAME_RE.match(name):
        raise ScaffoldError(f"subnet name {name!r} must start with a lowercase letter and use only a-z, 0-9, "
                            "_ and - (at most 63 characters)")
    if template not in available():
        raise ScaffoldError(f"no template named {template!r}; the templates are: {', '.join(available())}")
    target = (directory if directory is not None else Path.cwd() / name).expanduser().resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ScaffoldError(f"{target} already exists and is not an empty directory; choose another --dir or "
                            "remove it first (nothing was written)")
    source = template_root() / template
    staging = target.with_name(f".{target.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir(parents=True)
        result = Scaffold(name, template, target)
        _copy_template(source, staging, result)
        _write(staging, "README.md", _readme(name, template, (source / "README.md").read_text(encoding="utf-8"),
                                             result), result)
        _write(staging, "pyproject.toml", _pyproject(name, staging), result)
        _write(staging, "tests/test_subnet.py", _TEST_FILE, result)
        if target.exists():
            target.rmdir()
        staging.replace(target)  # all or nothing: a failed scaffold leaves no half-made subnet behind
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise ScaffoldError(f"cannot write {target}: {exc.strerror or exc}; check the path and permissions") from None
    result.files.sort()
    return result


def _copy_template(source: Path, staging: Path, result: Scaffold) -> None:
    shared: set[str] = set()
    for path in sorted(source.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        shared.update(SHARED_IMPORT.findall(text))
        _write(staging, path.name, SHARED_IMPORT.sub(r"from . import \1", text), result)
    for helper in sorted(shared):  # helpers shared by the built-in templates travel with the copy
        _write(staging, f"{helper}.py", (template_root() / f"{helper}.py").read_text(encoding="utf-8"), result)
    if not (staging / "__init__.py").exists():
        _write(staging, "__init__.py", "", result)


def _write(root: Path, relative: str, text: str, result: Scaffold) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    result.files.append(relative)


def _dependencies(staging: Path) -> list[str]:
    code = "\n".join(p.read_text(encoding="utf-8") for p in staging.glob("*.py"))
    return [pin for module, pin in THIRD_PARTY.items() if re.search(rf"^\s*(import|from) {module}\b", code, re.M)]


def _pyproject(name: str, staging: Path) -> str:
    package = name.replace("-", "_")
    deps = "".join(f'    "{d}",\n' for d in _dependencies(staging))
    return f"""# The subnet {name}: this directory is the template package the neurons load
# (taocli miner start --template-path .). `neuron` (axon, dendrite, synapse, the template loader) comes
# with taocli, which runs it; the libraries below are what the subnet's own code imports.
[project]
name = "{name}"
version = "0.1.0"
description = "A subnet made with taocli subnets new"
requires-python = ">=3.10"
dependencies = [
{deps}]

[tool.setuptools]
packages = ["{package}"]
package-dir = {{"{package}" = "."}}

[tool.pytest.ini_options]
testpaths = ["tests"]
"""


def _readme(name: str, template: str, template_readme: str, result: Scaffold) -> str:
    steps = "\n".join(result.next_steps())
    return f"""# {name}

A subnet made with `taocli subnets new {name} --template {template}`. This directory is the subnet's
template package: `protocol.py` (the messages), `miner.py` (`create_miner`: the answer), `validator.py`
(`create_validator`: the query and the reward). The contract they follow is taocli's
`subnet_templates/README.md`. Change the task in those files; the neurons' loop (wallet, chain, axon,
dendrite, moving averages, weights) stays taocli's.

Run its tests, then the subnet on a local chain (after `taocli subnets create` and `taocli subnets register`
for the wallets `miner` and `validator`, as in `taocli demo`):

```
{steps}
```

What it started from — the `{template}` template:

{template_readme}"""


_TEST_FILE = '''"""This subnet's own checks: it loads through the neurons' loader; a validator round scores its miner.

Run with `python -m pytest tests` from the subnet's directory (taocli provides the `neuron` package).
"""

from __future__ import annotations

import asyncio
import copy
import inspect
from pathlib import Path

import pytest

from neuron import template as tpl
from neuron.synapse import TerminalInfo

SUBNET = Path(__file__).resolve().parent.parent


def build(role: str, tmp_path: Path) -> object:
    ctx = tpl.TemplateContext(name=SUBNET.name, role=role, netuid=1, hotkey=f"5{role}", cache_dir=tmp_path / "cache",
                              state_dir=tmp_path / role, options={}, log=lambda _message: None)
    return tpl.build(tpl.resolve(path=SUBNET), ctx)


def answer(miner: object, query: object) -> object:
    """The miner's forward on a copy of the query (a forward may be `async def`)."""
    result = miner.forward(copy.deepcopy(query))
    return asyncio.run(result) if inspect.isawaitable(result) else result


def reply(synapse: object, status: int) -> object:
    """What the dendrite hands the validator: the miner's reply with the call's status code."""
    answered = copy.deepcopy(synapse)
    answered.dendrite = TerminalInfo(status_code=status)
    return answered


def test_the_subnet_has_the_files_the_neurons_load() -> None:
    where = tpl.resolve(path=SUBNET)
    assert where == SUBNET
    protocol = tpl.load_module(where, "protocol")
    assert any(isinstance(v, type) for v in vars(protocol).values())


def test_a_validator_round_scores_its_own_miner_above_a_silent_one(tmp_path: Path) -> None:
    validator, miner = build("validator", tmp_path), build("miner", tmp_path)
    totals = {0: 0.0, 1: 0.0}
    for step in range(12):
        query = validator.query(step)
        if query is None:
            continue
        responses = [tpl.Response(0, "miner", reply(answer(miner, query), 200)),
                     tpl.Response(1, "silent", reply(query, 408))]
        rewards = validator.reward(step, query, responses)
        assert len(rewards) == 2 and rewards[1] == 0.0  # a timeout earns nothing
        for uid, value in enumerate(rewards):
            if value is not None:
                assert 0.0 <= value <= 1.0
                totals[uid] += value
        for score in getattr(validator, "matured", lambda _s: [])(step):  # deferred scores, once due
            assert 0.0 <= score.value <= 1.0
            totals[score.uid] += score.value
    assert totals[0] > 0.0 and totals[1] == 0.0, totals


def test_an_unknown_option_is_refused(tmp_path: Path) -> None:
    ctx = tpl.TemplateContext(name=SUBNET.name, role="miner", netuid=1, hotkey="5m", cache_dir=tmp_path,
                              state_dir=tmp_path / "m", options={"no-such-knob": "1"}, log=lambda _m: None)
    module = tpl.load_module(SUBNET, "miner")
    if not isinstance(getattr(module, "OPTIONS", None), dict):
        pytest.skip("this miner declares no OPTIONS, so any option is passed through")
    with pytest.raises(tpl.TemplateError):
        tpl.build(SUBNET, ctx)
'''
