"""Genesis: the dev chain defaults and TOML/JSON overrides, with one-line errors for bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from localnet.genesis import DEV_BALANCE_RAO, GenesisError, dev_genesis, load_genesis
from localnet.runtime import balances, sudo
from localnet.runtime.executive import Runtime
from localnet.runtime.state import DictState
from wallet.keypair import Keypair

ALICE = Keypair.from_uri("//Alice")


def test_dev_genesis_prefunds_dev_accounts_and_alice_is_sudo() -> None:
    g = dev_genesis()
    assert g.chain_name == "Bittensor Local"
    assert len(g.balances) == 6 and set(g.balances.values()) == {DEV_BALANCE_RAO}
    assert g.sudo == ALICE.public_key
    state = DictState(Runtime(g).genesis_storage())
    assert balances.free_balance(state, Keypair.from_uri("//Ferdie").public_key) == DEV_BALANCE_RAO
    assert balances.TotalIssuance.get(state) == 6 * DEV_BALANCE_RAO
    assert sudo.Key.get(state) == ALICE.public_key


def test_toml_overrides(tmp_path: Path) -> None:
    zed = Keypair.from_uri("//Zed")
    path = tmp_path / "genesis.toml"
    path.write_text(f'''chain_name = "Test Local"
sudo = "//Bob"
[balances]
"//Zed" = 12.5
"{ALICE.ss58_address}" = 0
"rao:0x{'11' * 32}" = 1000
[subtensor]
tempo = 10
''')
    g = load_genesis(path)
    assert g.chain_name == "Test Local"
    assert g.sudo == Keypair.from_uri("//Bob").public_key
    assert g.balances[zed.public_key] == 12_500_000_000
    assert ALICE.public_key not in g.balances
    assert g.balances[b"\x11" * 32] == 1000
    assert g.section("subtensor") == {"tempo": 10} and g.section("other") == {}


def test_json_without_dev_accounts(tmp_path: Path) -> None:
    path = tmp_path / "genesis.json"
    path.write_text(json.dumps({"dev_accounts": False, "balances": {"//Solo": 1}}))
    g = load_genesis(path)
    assert list(g.balances.values()) == [10**9] and g.sudo is None
    assert sudo.Key.get(DictState(Runtime(g).genesis_storage())) is None


@pytest.mark.parametrize("text, fragment", [
    ('chain_name = "Polkadot"', "reserved"),
    ('[balances]\n"nobody" = 5', "not an account"),
    ('[balances]\n"//Zed" = "lots"', "TAO amount"),
    ('[balances]\n"//Zed" = 0.0000000001', "at most 9 decimals"),
    ('[balances]\n"rao://Zed" = 10', "existential deposit"),
    ("tempo = 5", "[tempo] table"),
    ("this is = not toml =", "not valid TOML"),
])
def test_bad_files_give_one_line(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "g.toml"
    path.write_text(text)
    with pytest.raises(GenesisError) as err:
        load_genesis(path)
    assert fragment in str(err.value) and "\n" not in str(err.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(GenesisError, match="cannot read"):
        load_genesis(tmp_path / "absent.toml")


@pytest.mark.parametrize("text", ['[subtensor]\ntempo = "abc"', "[subtensor]\ntempo = -5",
                                  "[subtensor]\ntempo = 70000"])
def test_subtensor_value_of_wrong_type_is_one_genesis_error(tmp_path: Path, text: str) -> None:
    # These reached the SCALE codec at start-up: AttributeError / OverflowError instead of a GenesisError.
    path = tmp_path / "g.toml"
    path.write_text(text)
    with pytest.raises(GenesisError) as err:
        Runtime(load_genesis(path)).genesis_storage()
    assert "tempo" in str(err.value) and "u16" in str(err.value) and "\n" not in str(err.value)
