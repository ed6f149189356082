"""Settings precedence (flag > env > config > built-in) and the config file's reader and writer."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from taocli import config_file
from taocli.errors import CliError
from taocli.settings import Settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for var in ("TAOCLI_WALLET_NAME", "TAOCLI_WALLET_HOTKEY", "TAOCLI_WALLET_PATH", "TAOCLI_NETWORK",
                "BT_WALLET_NAME", "BT_WALLET_HOTKEY", "BT_WALLET_PATH", "BT_SUBTENSOR_NETWORK"):
        monkeypatch.delenv(var, raising=False)
    cfg = tmp_path / "cfg" / "config.toml"
    monkeypatch.setenv("TAOCLI_CONFIG", str(cfg))
    return cfg


def test_precedence_flag_env_config_builtin(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().resolve("wallet_name").value == "default"
    assert Settings().resolve("wallet_name").source == "built-in default"
    config_file.save({"wallet_name": "from-config"})
    assert Settings().resolve("wallet_name").value == "from-config"
    monkeypatch.setenv("BT_WALLET_NAME", "from-bt")
    assert Settings().resolve("wallet_name").value == "from-bt"
    monkeypatch.setenv("TAOCLI_WALLET_NAME", "from-taocli")
    resolved = Settings().resolve("wallet_name")
    assert (resolved.value, resolved.source) == ("from-taocli", "environment variable TAOCLI_WALLET_NAME")
    assert Settings().resolve("wallet_name", "from-flag").value == "from-flag"


def test_wallet_path_expands_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert Settings().wallet_path() == tmp_path / ".bittensor" / "wallets"
    monkeypatch.setenv("BT_WALLET_PATH", "~/elsewhere")
    assert Settings().wallet_path() == tmp_path / "elsewhere"


def test_writer_round_trips_awkward_strings_through_tomllib(isolated: Path) -> None:
    awkward = 'C:\\wallets\\"quoted"\ttab\nnewline \x01 ünïcode'
    path = config_file.save({"wallet_path": awkward, "network": "ws://127.0.0.1:9944"})
    assert path == isolated
    assert tomllib.loads(isolated.read_text()) == {"wallet_path": awkward, "network": "ws://127.0.0.1:9944"}
    assert config_file.load() == {"wallet_path": awkward, "network": "ws://127.0.0.1:9944"}


@pytest.mark.parametrize("spelling", ["wallet.name", "wallet-name", "WALLET_NAME", "name", "wallet_name"])
def test_key_spellings(spelling: str) -> None:
    assert config_file.canonical_key(spelling) == "wallet_name"


def test_unknown_key_names_the_known_ones() -> None:
    with pytest.raises(CliError) as err:
        config_file.canonical_key("colour")
    assert "wallet_name" in str(err.value) and err.value.exit_code == 2


def test_broken_config_is_one_line_naming_the_file(isolated: Path) -> None:
    isolated.parent.mkdir(parents=True)
    isolated.write_text("wallet_name = [unterminated\n")
    with pytest.raises(CliError) as err:
        Settings().resolve("wallet_name")
    assert str(isolated) in str(err.value) and "\n" not in str(err.value)


def test_unknown_and_non_string_entries_are_ignored(isolated: Path) -> None:
    isolated.parent.mkdir(parents=True)
    isolated.write_text('wallet_name = 3\nfuture_key = "x"\nnetwork = "test"\n')
    assert config_file.load() == {"network": "test"}


def test_network_resolution_names_the_source_of_a_bad_value(monkeypatch: pytest.MonkeyPatch) -> None:
    from taocli.errors import UsageProblem
    from taocli.network import network_from

    assert network_from(None).url == "ws://127.0.0.1:9944"
    assert network_from("finney").name == "finney"
    assert network_from("ws://10.0.0.2:9944").name == "custom"
    monkeypatch.setenv("TAOCLI_NETWORK", "test")
    assert network_from(None).name == "test"
    monkeypatch.setenv("TAOCLI_NETWORK", "moon")
    with pytest.raises(UsageProblem) as err:
        network_from(None)
    assert "TAOCLI_NETWORK" in str(err.value) and "finney" in str(err.value)


def test_config_writes_are_the_wallets_atomic_write_private_and_without_backups(tmp_path: Path) -> None:
    path = tmp_path / "fresh" / "config.toml"
    config_file.save({"network": "local"}, path)
    config_file.save({"network": "test"}, path)
    assert config_file.load(path) == {"network": "test"}
    assert sorted(p.name for p in path.parent.iterdir()) == ["config.toml"]  # no temp file, no .bak
    assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700


def test_config_path_that_is_a_directory_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(CliError, match=r"cannot write config file .*is a directory.*TAOCLI_CONFIG"):
        config_file.save({"network": "local"}, tmp_path)
