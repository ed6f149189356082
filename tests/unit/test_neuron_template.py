"""Template discovery and loading (subnet_templates/README.md): by name, by path, options, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from neuron import template as tpl

DEFERRED_PROTOCOL = '''
from neuron.synapse import Synapse

SPEC_VERSION = 7


class Guess(Synapse):
    step: int = 0
    guess: float = 0.0
'''

DEFERRED_MINER = '''
from .protocol import Guess

OPTIONS = {"bias": "added to every guess"}


class M:
    synapse = Guess

    def __init__(self, ctx):
        model = ctx.cache_dir / "model.txt"
        if not model.exists():  # "train" once, then load from the cache on every later start
            model.write_text("2.0")
        self.factor = float(model.read_text())
        self.bias = ctx.opt("bias", 0.0)

    def forward(self, syn: Guess) -> Guess:
        syn.guess = syn.step * self.factor + self.bias
        return syn


def create_miner(ctx):
    return M(ctx)
'''

DEFERRED_VALIDATOR = '''
from neuron.template import Score
from .protocol import Guess


class V:
    synapse = Guess
    timeout = 2.0

    def __init__(self, ctx):
        self.pending = []  # (due step, uid, hotkey, guess, truth)

    def query(self, step):
        return Guess(step=step)

    def reward(self, step, query, responses):
        for r in responses:  # the truth (2 * step) is known only two steps later
            self.pending.append((step + 2, r.uid, r.hotkey, r.synapse.guess if r.synapse.is_success else None,
                                 2.0 * step))
        return [None] * len(responses)

    def matured(self, step):
        due = [p for p in self.pending if p[0] <= step]
        self.pending = [p for p in self.pending if p[0] > step]
        return [Score(uid, hotkey, 1.0 if guess == truth else 0.0) for _, uid, hotkey, guess, truth in due]


def create_validator(ctx):
    return V(ctx)
'''


def write_deferred_template(root: Path) -> Path:
    where = root / "my_subnet"
    where.mkdir(parents=True)
    for name, text in (("protocol.py", DEFERRED_PROTOCOL), ("miner.py", DEFERRED_MINER),
                       ("validator.py", DEFERRED_VALIDATOR), ("README.md", "# test\n"), ("__init__.py", "")):
        (where / name).write_text(text)
    return where


def ctx(tmp_path: Path, role: str, **options: str) -> tpl.TemplateContext:
    return tpl.TemplateContext(name="t", role=role, netuid=1, hotkey="5x", cache_dir=tmp_path / "cache",
                               state_dir=tmp_path / "state", options=dict(options), log=lambda m: None)


def test_builtin_echo_is_found_and_listed() -> None:
    assert "echo" in tpl.available()
    assert tpl.resolve("echo").name == "echo"


def test_a_directory_template_loads_with_relative_imports_and_caches_its_model(tmp_path: Path) -> None:
    where = tpl.resolve(path=write_deferred_template(tmp_path))
    miner = tpl.build(where, ctx(tmp_path, "miner", bias="0.5"))
    assert (tmp_path / "cache" / "model.txt").read_text() == "2.0" and miner.factor == 2.0 and miner.bias == 0.5
    syn = miner.forward(miner.synapse(step=3))
    assert syn.guess == 6.5
    validator = tpl.build(where, ctx(tmp_path, "validator"))
    assert validator.query(4).step == 4
    assert tpl.spec_version(where) == 7


def test_unknown_and_badly_typed_options_are_one_line(tmp_path: Path) -> None:
    where = tpl.resolve(path=write_deferred_template(tmp_path))
    with pytest.raises(tpl.TemplateError, match="no option 'bais' for a miner; its options are: bias"):
        tpl.build(where, ctx(tmp_path, "miner", bais="1"))
    with pytest.raises(tpl.TemplateError, match="bias=x: expected float"):
        tpl.build(where, ctx(tmp_path, "miner", bias="x"))
    echo = tpl.resolve("echo")
    with pytest.raises(tpl.TemplateError, match="expected true or false"):
        tpl.build(echo, ctx(tmp_path, "miner", wrong="perhaps"))
    assert tpl.build(echo, ctx(tmp_path, "miner", wrong="YES")).wrong is True


@pytest.mark.parametrize(("name", "path", "message"), [
    ("nosuch", None, "no template named 'nosuch'; the built-in templates are: "),
    ("../x", None, "is not a directory name"),
    (None, None, "give either --template NAME or --template-path DIR"),
    ("echo", "/tmp", "give either --template NAME or --template-path DIR"),
])
def test_bad_template_choices(name: str | None, path: str | None, message: str) -> None:
    with pytest.raises(tpl.TemplateError, match=message.replace("(", r"\(").replace(".", r"\.")):
        tpl.resolve(name, path)


def test_a_directory_missing_files_or_factory_is_named(tmp_path: Path) -> None:
    with pytest.raises(tpl.TemplateError, match="is not a directory"):
        tpl.resolve(path=tmp_path / "nope")
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "protocol.py").write_text("")
    with pytest.raises(tpl.TemplateError, match=r"lacks miner\.py, validator\.py"):
        tpl.resolve(path=tmp_path / "half")
    where = write_deferred_template(tmp_path / "nofactory")
    (where / "miner.py").write_text("x = 1\n")
    with pytest.raises(tpl.TemplateError, match=r"miner.py defines no create_miner\(ctx\)"):
        tpl.build(tpl.resolve(path=where), ctx(tmp_path, "miner"))


def test_parse_options() -> None:
    assert tpl.parse_options(["a=1", "b=x=y", "c="]) == {"a": "1", "b": "x=y", "c": ""}
    with pytest.raises(tpl.TemplateError, match="write KEY=VALUE"):
        tpl.parse_options(["novalue"])
