"""btcli 9's command names and flags (taocli/btcli.py): each alias resolves to the taocli command or flag it
names, stays out of `--help`, and a btcli command or flag taocli lacks is one line, never silently ignored."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import typer.main

from taocli import btcli
from taocli._click import UsageError, click
from taocli.boundary import run
from taocli.main import app

ADDRESS = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAOCLI_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr("sys.stdin", io.StringIO(""))


def group_at(path: str) -> tuple[Any, Any]:
    """The click group for `path` ("taocli", "stake", "child" = stake child) and a context on it."""
    root = typer.main.get_command(app)
    group = root
    for part in {"taocli": [], "child": ["stake", "child"]}.get(path, [path]):
        group = group.get_command(click.Context(group), part)
    return group, click.Context(group, info_name=group.name)


def command_at(path: str) -> Any:
    """The taocli command a COMMAND_FLAGS key names ("stake add", "child take", "subnets show")."""
    group_name, name = path.split()
    group, ctx = group_at(group_name)
    return group.get_command(ctx, name)


def spellings(command: Any) -> set[str]:
    return {opt for p in command.params for opt in (*p.opts, *getattr(p, "secondary_opts", ()))}


@pytest.mark.parametrize(("group", "alias", "target"),
                         [(g, a, t) for g, names in btcli.COMMANDS.items() for a, t in names.items()])
def test_each_btcli_name_resolves_to_the_taocli_command(group: str, alias: str, target: str) -> None:
    parent, ctx = group_at(group)
    resolved = parent.get_command(ctx, alias)
    assert resolved is not None and resolved.name == target
    assert alias not in parent.list_commands(ctx)  # not listed, so not in --help or completion
    assert f"\n  {alias} " not in parent.get_help(ctx)


@pytest.mark.parametrize(("group", "name"), [(g, n) for g, names in btcli.ABSENT.items() for n in names])
def test_each_btcli_command_taocli_lacks_is_one_line(group: str, name: str) -> None:
    parent, ctx = group_at(group)
    for spelled in {name, name.replace("-", "_")}:  # btcli's snake_case spellings reach the same line
        with pytest.raises(UsageError) as err:
            parent.get_command(ctx, spelled)
        line = err.value.message
        assert "\n" not in line and line.startswith("`btcli ") and "(btcli 9)" in line


@pytest.mark.parametrize("path", sorted(btcli.COMMAND_FLAGS))
def test_each_flag_rule_names_a_flag_the_taocli_command_takes(path: str) -> None:
    command = command_at(path)
    assert command is not None and not hasattr(command, "commands"), path
    taken = spellings(command)
    for flag, rule in btcli.COMMAND_FLAGS[path].items():
        for target in (rule.to, rule.other):
            assert target is None or target in taken, f"{path}: {flag} → {target}, which it does not take"
        if not rule.override:  # a rule on taocli's own spelling would never apply
            assert flag not in taken, f"{path}: {flag} is taocli's own spelling"


def test_flags_are_rewritten_only_where_taocli_does_not_declare_them() -> None:
    declared = spellings(command_at("stake swap"))
    assert btcli.rewrite("stake swap", ["-o", "1", "--dest", "2", "--limit=0.01", "--no-partial", "--prompt",
                                        "--allow-partial-stake", "--amount", "1"], declared) == [
        "--netuid", "1", "--dest-netuid", "2", "--rate-tolerance", "0.01", "--partial", "--amount", "1"]
    # btcli's --hotkey takes a name or an address; an address goes to --hotkey-ss58, a name stays a name
    assert btcli.rewrite("stake swap", ["--hotkey", ADDRESS], declared) == ["--hotkey-ss58", ADDRESS]
    assert btcli.rewrite("stake swap", ["--hotkey", "default"], declared) == ["--hotkey", "default"]
    moved = spellings(command_at("stake move"))
    assert btcli.rewrite("stake move", ["--from", ADDRESS, "--to", ADDRESS, "--stake-all"], moved) == [
        "--hotkey-ss58", ADDRESS, "--dest-hotkey", ADDRESS, "--all"]
    assert btcli.rewrite("stake move", ["--from", "hot1"], moved) == ["--hotkey", "hot1"]
    # taocli's own spellings keep their meaning: stake remove --all is one subnet, --tolerance a percentage
    removing = spellings(command_at("stake remove"))
    assert btcli.rewrite("stake remove", ["--all", "--tolerance", "1", "--"], removing) == [
        "--all", "--tolerance", "1", "--"]
    assert btcli.rewrite("stake add", ["--", "--quiet"], set()) == ["--", "--quiet"]  # after -- nothing is a flag
    assert btcli.rewrite("sudo set", ["--parameter", "tempo"], spellings(command_at("sudo set"))) == [
        "--param", "tempo"]
    assert btcli.rewrite("child take", ["--child-hotkey-ss58", ADDRESS], spellings(command_at("child take"))) == [
        "--hotkey-ss58", ADDRESS]
    # wallet habits: the hotkey btcli ignores where only the coldkey acts, files for secrets, hotkey encryption
    assert btcli.rewrite("wallet balance", ["--hotkey", "miner1", "-w", "a"], spellings(
        command_at("wallet balance"))) == ["-w", "a"]
    assert btcli.rewrite("wallet new-hotkey", ["--use-password"], spellings(command_at("wallet new-hotkey"))) == [
        "--encrypt"]
    assert btcli.rewrite("wallet regen-hotkey", ["-j", "key.json"], spellings(command_at("wallet regen-hotkey"))) == [
        "--json-file", "key.json"]
    assert btcli.rewrite("wallet verify", ["-a", ADDRESS], spellings(command_at("wallet verify"))) == [
        "--address", ADDRESS]


@pytest.mark.parametrize(("path", "args", "said"), [
    ("stake add", ["--all-hotkeys"], "one hotkey on one subnet"),
    ("stake add", ["--netuids", "1,2"], "one hotkey on one subnet"),
    ("stake remove", ["--unstake-all"], "`stake remove --netuid N --all`"),
    ("stake add", ["--period", "16"], "immortal"),
    ("stake add", ["--mev-protection"], "MevShield"),
    ("wallet list", ["--quiet"], "--json"),
    ("subnets create", ["--subnet-name", "x"], "without an identity"),
    ("subnets register", ["--safe-register"], "no limit-price registration"),
    ("wallet regen-coldkey", ["--mnemonic", "word"], "--mnemonic-file PATH"),
    ("wallet create", ["--uri", "//Alice"], "development URI"),
    ("stake list", ["--ss58", ADDRESS], "give -w NAME"),
])
def test_unsupported_btcli_flags_are_refused_in_one_line(path: str, args: list[str], said: str) -> None:
    with pytest.raises(btcli.Refused) as err:
        btcli.rewrite(path, args, set())
    assert said in str(err.value) and str(err.value).startswith(f"{args[0]} (btcli 9): ")


def test_through_the_cli_before_any_network(capsys: pytest.CaptureFixture[str]) -> None:
    """The rewrite happens at lookup: a bad value reaches taocli's own check under taocli's flag name."""
    assert run(typer.main.get_command(app), ["st", "swap", "--origin", "1", "--dest", "2", "--amount", "1",
                                             "--limit", "abc"]) != 0
    assert "--rate-tolerance: 'abc' is not a number" in capsys.readouterr().err
    assert run(typer.main.get_command(app), ["s", "burn_cost", "--help"]) == 0
    assert "lock" in capsys.readouterr().out
    assert run(typer.main.get_command(app), ["st", "add", "--amount", "1", "--all-hotkeys"]) == 2
    err = capsys.readouterr().err
    assert "--all-hotkeys (btcli 9): taocli trades one hotkey" in err and "Traceback" not in err
    assert run(typer.main.get_command(app), ["sudo", "set-take"]) == 2
    assert "taocli delegate take --take PCT" in capsys.readouterr().err


@pytest.mark.slow
def test_commands_typed_with_taocli_flags_never_load_the_btcli_table(tmp_path: Path) -> None:
    """The btcli table loads only for a spelling the command does not take: start-up stays as it was."""
    from tests.integration.test_cli_startup import modules_after

    code = ("from taocli.main import run\ntry:\n    run({argv!r})\nexcept SystemExit:\n    pass")
    assert "taocli.btcli" not in modules_after(code.format(argv=["wallet", "list", "-p", str(tmp_path)]), tmp_path)
    assert "taocli.btcli" not in modules_after(code.format(argv=["--help"]), tmp_path)
    assert "taocli.btcli" in modules_after(code.format(argv=["wallet", "list", "--quiet"]), tmp_path)
