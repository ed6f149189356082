"""`subnets new` writes a self-contained subnet, or nothing at all (subnet_templates.scaffold)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from subnet_templates import scaffold


def test_a_scaffold_holds_the_template_and_its_project_files(tmp_path: Path) -> None:
    made = scaffold.create("my-subnet", "text_prompting", tmp_path / "sub")
    where = tmp_path / "sub"
    assert made.directory == where
    for name in ("protocol.py", "miner.py", "validator.py", "README.md", "pyproject.toml", "tests/test_subnet.py",
                 "model_cache.py", "tasks.py", "model.py", "training.py", "__init__.py"):
        assert (where / name).is_file(), name
        assert name in made.files
    code = "\n".join(p.read_text() for p in where.glob("*.py"))
    assert "subnet_templates" not in code  # no tie to taocli's internal layout: shared helpers were copied
    assert "from . import model_cache" in (where / "training.py").read_text()
    pyproject = (where / "pyproject.toml").read_text()
    assert '"torch==2.13.0"' in pyproject and 'name = "my-subnet"' in pyproject
    readme = (where / "README.md").read_text()
    assert readme.startswith("# my-subnet") and f"--template-path {where}" in readme
    assert "How it is scored" in readme  # the template's own description travels along


def test_echo_needs_no_torch(tmp_path: Path) -> None:
    scaffold.create("plain", "echo", tmp_path / "plain")
    pyproject = (tmp_path / "plain" / "pyproject.toml").read_text()
    assert "torch" not in re.sub(r"^#.*$", "", pyproject, flags=re.M)


@pytest.mark.parametrize(("name", "template", "message"), [
    ("My Subnet", "echo", "must start with a lowercase letter"),
    ("1st", "echo", "must start with a lowercase letter"),
    ("fine", "nosuch", "no template named 'nosuch'; the templates are: echo, price_prediction, text_prompting"),
])
def test_bad_requests_are_one_line_and_write_nothing(tmp_path: Path, name: str, template: str,
                                                     message: str) -> None:
    with pytest.raises(scaffold.ScaffoldError, match=re.escape(message)):
        scaffold.create(name, template, tmp_path / "x")
    assert list(tmp_path.iterdir()) == []


def test_an_existing_directory_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "mine.txt").write_text("keep me")
    with pytest.raises(scaffold.ScaffoldError, match="already exists and is not an empty directory"):
        scaffold.create("taken", "echo", tmp_path / "taken")
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["mine.txt"]
    (tmp_path / "empty").mkdir()
    scaffold.create("empty", "echo", tmp_path / "empty")  # an empty directory is fine
    assert (tmp_path / "empty" / "protocol.py").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "taken"]  # no staging left behind
