"""`taocli wallet ...` end to end: the installed command, real keyfiles in tmp dirs, stdin not a terminal.

Every coldkey here is created with --no-password so no test pays for argon2; the encrypted paths live
in test_cli_encrypted.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.test_cli_support import plaintext_wallet, run_cli, snapshot, write_secret
from wallet.keyfile import Keyfile
from wallet.keypair import Keypair
from wallet.mnemonic import generate_mnemonic

pytestmark = pytest.mark.slow  # each test starts `taocli` processes


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture
def wallets(home: Path) -> Path:
    """A wallet dir with 'alice' (plaintext coldkey, hotkey 'default') made by the CLI itself."""
    return plaintext_wallet(home)


def test_create_json_writes_the_files_and_hides_the_mnemonic(home: Path) -> None:
    root = home / "w"
    res = run_cli(["wallet", "create", "--wallet-path", str(root), "--wallet.name", "bob", "--no-password",
                   "-y", "--json"], home)
    assert res.code == 0, res.stderr
    data = res.json()
    assert data["wallet"] == "bob" and data["coldkey"]["encrypted"] is False
    assert "mnemonics" not in data and "--show-mnemonic" in res.stderr
    cold = Keyfile(root / "bob" / "coldkey").read()
    assert cold.ss58_address == data["coldkey"]["ss58_address"]
    hot = Keyfile(root / "bob" / "hotkeys" / "default").read()
    assert hot.ss58_address == data["hotkey"]["ss58_address"]
    assert Keyfile(root / "bob" / "coldkeypub.txt").read().ss58_address == cold.ss58_address
    assert cold.mnemonic is not None and cold.mnemonic not in res.stdout + res.stderr


def test_create_show_mnemonic_puts_words_that_rebuild_the_keys(home: Path) -> None:
    root = home / "w"
    res = run_cli(["wallet", "create", "-p", str(root), "-w", "m", "--no-password", "-y", "--json",
                   "--show-mnemonic", "--n_words", "24"], home)
    assert res.code == 0, res.stderr
    data = res.json()
    words = data["mnemonics"]["coldkey"].split()
    assert len(words) == 24
    assert Keypair.from_mnemonic(data["mnemonics"]["coldkey"]).ss58_address == data["coldkey"]["ss58_address"]
    assert Keypair.from_mnemonic(data["mnemonics"]["hotkey"]).ss58_address == data["hotkey"]["ss58_address"]


def test_create_human_output_shows_the_mnemonic_once_only_when_asked_off_a_terminal(home: Path) -> None:
    root = home / "w"
    res = run_cli(["wallet", "create", "-p", str(root), "-w", "h", "--no-password", "-y", "--show-mnemonic"],
                  home)
    assert res.code == 0, res.stderr
    phrase = Keyfile(root / "h" / "coldkey").read().mnemonic
    assert phrase is not None and res.stdout.count(phrase) == 1
    assert "Write these words down" in res.stdout
    assert "UNENCRYPTED" in res.stderr  # the --no-password warning
    quiet = run_cli(["wallet", "create", "-p", str(root), "-w", "q", "--no-password", "-y"], home)
    assert quiet.code == 0, quiet.stderr
    hidden = Keyfile(root / "q" / "coldkey").read().mnemonic
    assert hidden is not None and hidden not in quiet.stdout + quiet.stderr
    assert "not a terminal" in quiet.stderr


def test_create_refuses_an_existing_wallet_without_touching_it(home: Path, wallets: Path) -> None:
    before = snapshot(wallets)
    res = run_cli(["wallet", "create", "-p", str(wallets), "-w", "alice", "--no-password", "-y"], home)
    assert res.code == 1
    assert "already has keys" in res.one_error_line() and "--overwrite" in res.stderr
    assert "mnemonic" not in res.stdout.lower()  # btcli#861: no new secret printed before refusing
    assert snapshot(wallets) == before


def test_overwrite_asks_first_and_fails_without_a_terminal(home: Path, wallets: Path) -> None:
    before = snapshot(wallets)
    res = run_cli(["wallet", "create", "-p", str(wallets), "-w", "alice", "--no-password", "--overwrite"], home)
    assert res.code == 2
    assert "--yes" in res.one_error_line()
    assert snapshot(wallets) == before


def test_overwrite_with_yes_replaces_and_keeps_backups(home: Path, wallets: Path) -> None:
    old = Keyfile(wallets / "alice" / "coldkey").read().ss58_address
    res = run_cli(["wallet", "create", "-p", str(wallets), "-w", "alice", "--no-password", "--overwrite",
                   "-y", "--json"], home)
    assert res.code == 0, res.stderr
    assert res.json()["coldkey"]["ss58_address"] != old
    assert Keyfile(wallets / "alice" / "coldkey.bak").read().ss58_address == old


def test_list_and_show_json(home: Path, wallets: Path) -> None:
    res = run_cli(["wallet", "new-hotkey", "-p", str(wallets), "-w", "alice", "-H", "miner1", "-y", "--json"],
                  home)
    assert res.code == 0, res.stderr
    miner1 = res.json()["hotkey"]["ss58_address"]
    listed = run_cli(["wallet", "list", "-p", str(wallets), "--json"], home)
    assert listed.code == 0, listed.stderr
    [alice] = listed.json()["wallets"]
    cold = Keyfile(wallets / "alice" / "coldkeypub.txt").read().ss58_address
    assert alice["name"] == "alice" and alice["coldkey"]["ss58_address"] == cold
    assert {h["name"]: h["ss58_address"] for h in alice["hotkeys"]}["miner1"] == miner1
    shown = run_cli(["wallet", "show", "-p", str(wallets), "--name", "alice", "--json-output"], home)
    assert shown.code == 0, shown.stderr
    assert shown.json()["coldkey"]["ss58_address"] == cold
    assert shown.json()["coldkey"]["encrypted"] is False


def test_list_human_tree_names_every_key(home: Path, wallets: Path) -> None:
    res = run_cli(["wallet", "list", "-p", str(wallets)], home)
    assert res.code == 0, res.stderr
    cold = Keyfile(wallets / "alice" / "coldkeypub.txt").read().ss58_address
    assert "alice" in res.stdout and cold in res.stdout and "default" in res.stdout


def test_list_of_an_empty_path_says_how_to_start(home: Path) -> None:
    res = run_cli(["wallet", "list", "-p", str(home / "nothing")], home)
    assert res.code == 0 and "taocli wallet create" in res.stdout
    assert run_cli(["wallet", "list", "-p", str(home / "nothing"), "--json"], home).json()["wallets"] == []


def test_env_and_config_pick_the_wallet(home: Path, wallets: Path) -> None:
    by_env = run_cli(["wallet", "show", "--json"], home, env={"BT_WALLET_PATH": str(wallets),
                                                              "TAOCLI_WALLET_NAME": "alice"})
    assert by_env.code == 0, by_env.stderr
    assert run_cli(["config", "set", "wallet.path", str(wallets)], home).code == 0
    assert run_cli(["config", "set", "wallet_name", "alice"], home).code == 0
    by_config = run_cli(["wallet", "show", "--json"], home)
    assert by_config.code == 0, by_config.stderr
    assert by_config.json() == by_env.json()
    flag_wins = run_cli(["wallet", "show", "--json", "-w", "nobody"], home)
    assert flag_wins.code == 1 and "nobody" in flag_wins.one_error_line()


@pytest.mark.parametrize(("key", "value", "code"), [("wallet_name", "..", 1), ("hotkey", "a/b", 1),
                                                     ("network", "bogus", 2)])
def test_config_set_refuses_a_value_every_command_would_reject(home: Path, key: str, value: str, code: int) -> None:
    # Stored, such a value broke every later wallet/chain command until the file was edited by hand.
    assert run_cli(["config", "set", "wallet_name", "alice"], home).code == 0
    before = snapshot(home)
    refused = run_cli(["config", "set", key, value, "--json"], home)
    assert refused.code == code, refused.stderr
    assert value in refused.json()["error"]["message"]
    assert snapshot(home) == before
    assert run_cli(["config", "set", "network", "ws://127.0.0.1:9", "--json"], home).code == 0


def test_list_on_a_wallet_path_that_is_a_file_says_so(home: Path) -> None:
    # It printed "No wallets in <file>" with exit 0, as if the path were an empty directory.
    (home / "wpfile").write_text("")
    listed = run_cli(["wallet", "list", "-p", str(home / "wpfile"), "--json"], home)
    assert listed.code == 1 and "is a file, not a directory" in listed.json()["error"]["message"]
    assert run_cli(["wallet", "list", "-p", str(home / "absent"), "--json"], home).json()["wallets"] == []


def test_sign_and_verify_with_hotkey_and_coldkey(home: Path, wallets: Path) -> None:
    base = ["-p", str(wallets), "-w", "alice"]
    signed = run_cli(["wallet", "sign", *base, "--use-hotkey", "-m", "gm", "--json"], home)
    assert signed.code == 0, signed.stderr
    sig = signed.json()
    hot = Keyfile(wallets / "alice" / "hotkeys" / "default").read()
    assert sig["signer"] == hot.ss58_address and hot.verify(b"gm", sig["signature"])
    ok = run_cli(["wallet", "verify", "--address", sig["signer"], "-s", sig["signature"], "--json"], home,
                 input_text="gm\n")
    assert ok.code == 0 and ok.json()["valid"] is True
    bad = run_cli(["wallet", "verify", "--address", sig["signer"], "-s", sig["signature"], "-m", "gn"], home)
    assert bad.code == 1 and "NOT valid" in bad.one_error_line()
    cold_sig = run_cli(["wallet", "sign", *base], home, input_text="hello")
    assert cold_sig.code == 0, cold_sig.stderr
    signature = cold_sig.stdout.strip().splitlines()[-1]
    by_wallet = run_cli(["wallet", "verify", *base, "-m", "hello", "-s", signature], home)
    assert by_wallet.code == 0, by_wallet.stderr


def test_regen_coldkey_from_mnemonic_file_and_seed_file(home: Path) -> None:
    root = home / "w"
    phrase = generate_mnemonic(12)
    expected = Keypair.from_mnemonic(phrase)
    words = write_secret(home / "words.txt", "  " + phrase.replace(" ", "\n  ") + "\n")
    res = run_cli(["wallet", "regen-coldkey", "-p", str(root), "-w", "r", "--mnemonic-file", str(words),
                   "--no-password", "-y", "--json"], home)
    assert res.code == 0, res.stderr
    assert res.json()["coldkey"]["ss58_address"] == expected.ss58_address
    assert Keyfile(root / "r" / "coldkey").read().mnemonic == phrase
    assert phrase not in res.stdout + res.stderr
    seed = write_secret(home / "seed.txt", "0x" + expected.seed.hex() + "\n")
    hot = run_cli(["wallet", "regen-hotkey", "-p", str(root), "-w", "r", "-H", "h2", "--seed-file", str(seed),
                   "-y", "--json"], home)
    assert hot.code == 0, hot.stderr
    assert hot.json()["hotkey"]["ss58_address"] == expected.ss58_address


def test_regen_coldkeypub_from_address_and_public_key(home: Path) -> None:
    root = home / "w"
    kp = Keypair.from_mnemonic(generate_mnemonic(12))
    res = run_cli(["wallet", "regen-coldkeypub", "-p", str(root), "-w", "watch", "--ss58", kp.ss58_address,
                   "-y", "--json"], home)
    assert res.code == 0, res.stderr
    assert Keyfile(root / "watch" / "coldkeypub.txt").read().ss58_address == kp.ss58_address
    assert not (root / "watch" / "coldkey").exists()
    again = run_cli(["wallet", "regen-coldkeypub", "-p", str(root), "-w", "watch", "--public-key",
                     "0x" + kp.public_key.hex(), "-y", "--overwrite"], home)
    assert again.code == 0, again.stderr
    # signing needs the secret coldkey, which a watch-only wallet does not have
    sign = run_cli(["wallet", "sign", "-p", str(root), "-w", "watch", "-m", "x"], home)
    assert sign.code == 1 and "Traceback" not in sign.stderr


def test_snake_case_command_and_option_aliases(home: Path) -> None:
    root = home / "w"
    res = run_cli(["wallet", "new_coldkey", "--wallet_path", str(root), "--wallet_name", "s", "--no_password",
                   "--no_prompt", "--json-out", "--n_words", "15"], home)
    assert res.code == 0, res.stderr
    assert json.loads(res.stdout)["coldkey"]["encrypted"] is False
    listed = run_cli(["w", "list", "--wallet.path", str(root), "--json"], home)
    assert [w["name"] for w in listed.json()["wallets"]] == ["s"]


def test_regen_hotkeypub_makes_a_watch_only_hotkey(home: Path, wallets: Path) -> None:
    kp = Keypair.from_mnemonic(generate_mnemonic(12))
    res = run_cli(["wallet", "regen-hotkeypub", "-p", str(wallets), "-w", "alice", "-H", "watch",
                   "--ss58", kp.ss58_address, "-y", "--json"], home)
    assert res.code == 0, res.stderr
    assert Keyfile(wallets / "alice" / "hotkeys" / "watchpub.txt").read().ss58_address == kp.ss58_address
    assert not (wallets / "alice" / "hotkeys" / "watch").exists()
    listed = run_cli(["wallet", "list", "-p", str(wallets), "--json"], home).json()
    names = {h["name"]: h["ss58_address"] for h in listed["wallets"][0]["hotkeys"]}
    assert names["watch"] == kp.ss58_address
    again = run_cli(["wallet", "regen-hotkeypub", "-p", str(wallets), "-w", "alice", "-H", "watch",
                     "--ss58", kp.ss58_address, "-y"], home)
    assert again.code == 1 and "--overwrite" in again.one_error_line()


def test_regen_coldkey_from_seed_and_json_and_no_stray_files(home: Path) -> None:
    from tests.unit.test_wallet_polkadot_json import export

    root = home / "w"
    kp = Keypair.from_mnemonic(generate_mnemonic(12))
    seed = write_secret(home / "seed.txt", kp.seed.hex())
    res = run_cli(["wallet", "regen-coldkey", "-p", str(root), "-w", "s", "--seed-file", str(seed),
                   "--no-password", "-y", "--json"], home)
    assert res.code == 0, res.stderr
    assert res.json()["coldkey"]["ss58_address"] == kp.ss58_address
    doc = home / "export.json"
    doc.write_text(export(kp, "pp"))
    pp = write_secret(home / "pp", "pp\n")
    res = run_cli(["wallet", "regen-coldkey", "-p", str(root), "-w", "j", "--json-file", str(doc),
                   "--json-password-file", str(pp), "--no-password", "-y", "--json"], home)
    assert res.code == 0, res.stderr
    assert Keyfile(root / "j" / "coldkeypub.txt").read().ss58_address == kp.ss58_address
    # nothing besides what we wrote: no log, debug or cache file anywhere under HOME
    written = {str(p.relative_to(home)) for p in home.rglob("*") if p.is_file()}
    assert written == {"seed.txt", "export.json", "pp", "w/s/coldkey", "w/s/coldkeypub.txt", "w/j/coldkey",
                       "w/j/coldkeypub.txt"}


def test_debug_before_the_group_also_shows_the_traceback(home: Path) -> None:
    res = run_cli(["--debug", "wallet", "show", "-p", str(home), "-w", "nobody"], home)
    assert res.code == 1 and "Traceback" in res.stderr and "Error: " in res.stderr
