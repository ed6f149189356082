"""Every chain command end to end: a real node process (--instant), real wallets, `taocli ... --json`,
and the chain's state read back afterwards. Documented error cases are asserted by their message."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from chain.balance import Balance
from chain.client import Subtensor
from tests.integration.node_fixtures import NodeProcess, instant_node  # noqa: F401 - fixture
from tests.integration.test_cli_chain_support import ALICE, ChainCli, ChainWallet, fund, make_wallet

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(instant_node: NodeProcess) -> Iterator[Subtensor]:  # noqa: F811
    with Subtensor(instant_node.url) as c:
        yield c


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("chain-cli")


@pytest.fixture(scope="module")
def cli(instant_node: NodeProcess, home: Path) -> ChainCli:  # noqa: F811
    return ChainCli(instant_node, home)


@pytest.fixture(scope="module")
def owner(cli: ChainCli, client: Subtensor) -> ChainWallet:
    """A funded wallet that owns subnet `netuid` and whose hotkey is uid 0 there (rate limits off)."""
    w = make_wallet(cli.wallets, "owner")
    fund(client, w.cold, 10_000)
    receipt = client.execute(client.subnets.prepare_register_network(w.cold), w.coldkey)
    netuid = receipt.find("SubtensorModule", "NetworkAdded").attributes[0]
    client.execute(client.registration.prepare_burned_register(w.cold, netuid, w.hot), w.coldkey)
    for name in ("weights_rate_limit", "serving_rate_limit"):
        client.execute(client.admin.prepare_sudo_set(ALICE.ss58_address, netuid, name, 0), ALICE)
    w.netuid = netuid  # type: ignore[attr-defined]
    return w


def test_faucet_balance_and_transfer(cli: ChainCli, client: Subtensor) -> None:
    a = make_wallet(cli.wallets, "payer")
    b = make_wallet(cli.wallets, "payee")
    got = cli.ok("wallet", "faucet", "--amount", "50", wallet="payer")
    assert got["amount"]["rao"] == 50 * 10**9 and got["receipt"]["block_number"] >= 1
    assert client.balances.balance(a.cold) == Balance.from_tao(50)

    bal = cli.ok("wallet", "balance", wallet="payer")
    assert bal["coldkey"] == a.cold and bal["free"]["rao"] == 50 * 10**9 and bal["staked"]["rao"] == 0
    every = {row["wallet"]: row for row in cli.ok("wallet", "balance", "--all", wallet="payer")["wallets"]}
    assert every["payer"]["free"]["rao"] == 50 * 10**9 and every["payee"]["coldkey"] == b.cold

    sent = cli.ok("wallet", "transfer", "--dest", b.cold, "--amount", "1.25", wallet="payer")
    fee = sent["receipt"]["fee"]["rao"]
    assert fee > 0
    assert client.balances.balance(b.cold) == Balance.from_tao("1.25")
    assert client.balances.balance(a.cold).rao == 50 * 10**9 - 1_250_000_000 - fee

    err = cli.fails("wallet", "transfer", "--dest", b.cold, "--amount", "1000", wallet="payer")
    assert f"coldkey {a.cold[:6]}" in err and "τ1,000" in err and "needed to send" in err
    err = cli.fails("wallet", "transfer", "--dest", "5notanaddress", "--amount", "1", wallet="payer")
    assert "not a valid SS58 address" in err
    err = cli.fails("wallet", "transfer", "--dest", b.cold, "--amount", "1.0000000001", wallet="payer")
    assert "more than 9 decimals" in err
    assert client.balances.balance(b.cold) == Balance.from_tao("1.25")  # nothing moved by the failures

    everything = cli.ok("transfer", "--dest", b.cold, "--all", wallet="payer")
    assert client.balances.balance(a.cold).rao == 0
    assert everything["amount"]["rao"] > 48 * 10**9


def test_confirmation_is_required_without_yes_and_nothing_changes(cli: ChainCli, client: Subtensor) -> None:
    a = make_wallet(cli.wallets, "careful")
    fund(client, a.cold, 5)
    err = cli.fails("wallet", "transfer", "--dest", ALICE.ss58_address, "--amount", "1", wallet="careful",
                    yes=False)
    assert "pass --yes" in err
    assert client.balances.balance(a.cold) == Balance.from_tao(5)


def test_unreachable_node_names_the_endpoint_and_the_remedy(cli: ChainCli) -> None:
    make_wallet(cli.wallets, "lonely")
    err = cli.fails("wallet", "balance", wallet="lonely", network="ws://127.0.0.1:9")
    assert "cannot reach the chain at ws://127.0.0.1:9" in err and "taocli localnet start" in err
    err = cli.fails("subnets", "list", network="mainnet")
    assert "unknown network 'mainnet'" in err


def test_faucet_refuses_a_public_network(cli: ChainCli) -> None:
    make_wallet(cli.wallets, "greedy")
    err = cli.fails("wallet", "faucet", wallet="greedy", network="ws://10.255.255.1:9944")
    assert "only on a local chain" in err


def test_subnet_reads(cli: ChainCli, client: Subtensor, owner: ChainWallet) -> None:
    netuid = owner.netuid  # type: ignore[attr-defined]
    listed = cli.ok("subnets", "list")
    mine = [s for s in listed["subnets"] if s["netuid"] == netuid]
    assert mine and mine[0]["owner"] == owner.cold and mine[0]["subnetwork_n"] == 1
    shown = cli.ok("subnets", "show", "--netuid", str(netuid))
    assert [n["hotkey"] for n in shown["neurons"]] == [owner.hot]
    assert shown["neurons"][0]["coldkey"] == owner.cold
    hp = cli.ok("subnets", "hyperparameters", "--netuid", str(netuid))["hyperparameters"]
    assert hp["weights_rate_limit"] == 0 and hp["tempo"] == client.subnets.hyperparameters(netuid).tempo
    cost = cli.ok("subnets", "lock-cost")["lock_cost"]["rao"]
    assert cost == client.subnets.lock_cost().rao > 0
    err = cli.fails("subnets", "show", "--netuid", "77")
    assert "subnet 77 does not exist" in err


def test_subnet_create_and_register_by_burn(cli: ChainCli, client: Subtensor) -> None:
    w = make_wallet(cli.wallets, "founder")
    fund(client, w.cold, 5_000)
    lock = client.subnets.lock_cost()
    before = set(client.subnets.netuids())
    created = cli.ok("subnets", "create", wallet="founder")
    assert created["locked"]["rao"] == lock.rao
    (netuid,) = set(client.subnets.netuids()) - before
    assert created["netuid"] == netuid
    assert client.subnets.subnet(netuid).owner == w.cold
    free = client.balances.balance(w.cold).rao
    recycled = recycled_rao(client, netuid)
    reg = cli.ok("subnets", "register", "--netuid", str(netuid), wallet="founder")
    assert reg["hotkey"] == w.hot and reg["uid"] == client.registration.uid_of(netuid, w.hot) == 0
    burned = recycled_rao(client, netuid) - recycled
    assert burned > 0
    # The founder owns the subnet, so its 18% owner cut of emission (at most 0.18 TAO for the one block the
    # registration takes) arrives too: the balance moves by the burn minus that.
    assert 0 <= client.balances.balance(w.cold).rao - (free - burned) <= 180_000_000
    err = cli.fails("subnets", "register", "--netuid", str(netuid), wallet="founder")
    assert "already registered on subnet" in err and "uid 0" in err
    err = cli.fails("subnets", "register", "--netuid", "99", wallet="founder")
    assert "subnet 99 does not exist" in err
    poor = make_wallet(cli.wallets, "poor-founder")
    err = cli.fails("subnets", "create", wallet="poor-founder")
    assert f"coldkey {poor.cold[:6]}" in err and "has τ0" in err and "needed to lock" in err


def recycled_rao(client: Subtensor, netuid: int) -> int:
    """RAORecycledForRegistration[netuid]: grows by exactly the burn of each burned registration."""
    raw = client.storage("RAORecycledForRegistration", netuid.to_bytes(2, "little"))
    return int.from_bytes(raw or b"", "little")


def test_register_by_pow(cli: ChainCli, client: Subtensor, owner: ChainWallet) -> None:
    netuid = owner.netuid  # type: ignore[attr-defined]
    miner = make_wallet(cli.wallets, "pow-miner")
    err = cli.fails("subnets", "register", "--netuid", str(netuid), "--pow", wallet="pow-miner")
    assert "PoW registration is disabled" in err
    client.execute(client.admin.prepare_sudo_set(ALICE.ss58_address, netuid, "pow_registration_allowed", True), ALICE)
    client.execute(client.admin.prepare_sudo_set(ALICE.ss58_address, netuid, "difficulty", 20_000), ALICE)
    out = cli.ok("subnets", "register", "--netuid", str(netuid), "--pow", "--processes", "2", wallet="pow-miner")
    assert out["pow"]["difficulty"] == 20_000 and out["pow"]["hashes"] >= 1
    assert client.registration.uid_of(netuid, miner.hot) == out["uid"] is not None
    assert client.balances.balance(miner.cold).rao == 0  # PoW costs no TAO


def test_stake_add_list_remove(cli: ChainCli, client: Subtensor, owner: ChainWallet) -> None:
    added = cli.ok("stake", "add", "--amount", "12.5", wallet="owner")
    assert added["amount"]["rao"] == 12_500_000_000
    assert client.staking.stake(owner.hot, owner.cold) >= Balance.from_tao("12.5")
    listed = cli.ok("stake", "list", wallet="owner")
    staked = client.staking.stake(owner.hot, owner.cold).rao
    assert {s["hotkey"]: s["stake"] for s in listed["stakes"]}[owner.hot] == staked
    before = client.staking.stake(owner.hot, owner.cold)
    cli.ok("stake", "remove", "--amount", "2.5", wallet="owner")
    assert client.staking.stake(owner.hot, owner.cold) == before - Balance.from_tao("2.5")
    err = cli.fails("stake", "add", "--amount", "100000000", wallet="owner")
    assert f"coldkey {owner.cold[:6]}" in err and "τ100,000,000 needed to stake" in err
    err = cli.fails("stake", "remove", "--amount", "100000000", wallet="owner")
    assert "staked on hotkey" in err and "asked to remove" in err
    cli.ok("stake", "remove", "--all", wallet="owner")
    assert client.staking.stake(owner.hot, owner.cold).rao == 0
    stranger = make_wallet(cli.wallets, "stranger")
    fund(client, stranger.cold, 20)
    err = cli.fails("stake", "add", "--amount", "1", wallet="stranger")
    assert "is not registered on any subnet" in err
    err = cli.fails("stake", "add", "--amount", "1", "--hotkey-ss58", owner.hot, wallet="stranger")
    assert "is not a delegate" in err


def test_delegation(cli: ChainCli, client: Subtensor, owner: ChainWallet) -> None:
    if not client.delegation.is_delegate(owner.hot):
        became = cli.ok("delegate", "become", wallet="owner")
        assert became["hotkey"] == owner.hot
    assert client.delegation.is_delegate(owner.hot)
    err = cli.fails("delegate", "become", wallet="owner")
    assert "already a delegate" in err
    fan = make_wallet(cli.wallets, "nominator")
    fund(client, fan.cold, 100)
    cli.ok("delegate", "add", "--delegate", owner.hot, "--amount", "30", wallet="nominator")
    assert client.staking.stake(owner.hot, fan.cold) == Balance.from_tao(30)
    listed = cli.ok("delegate", "list")
    entry = next(d for d in listed["delegates"] if d["hotkey"] == owner.hot)
    assert [fan.cold, 30 * 10**9] in entry["nominators"] and entry["take"] == 11_796
    shown = cli.ok("delegate", "show", "--delegate", owner.hot)["delegate"]
    assert shown["owner"] == owner.cold
    mine = cli.ok("delegate", "mine", wallet="nominator")["delegations"]
    assert [(d["delegate"]["hotkey"], d["stake"]) for d in mine] == [(owner.hot, 30 * 10**9)]
    cli.ok("delegate", "remove", "--delegate", owner.hot, "--all", wallet="nominator")
    assert client.staking.stake(owner.hot, fan.cold).rao == 0
    err = cli.fails("delegate", "show", "--delegate", fan.cold)
    assert "is not a delegate" in err


def test_weights_set_and_get(cli: ChainCli, client: Subtensor, owner: ChainWallet) -> None:
    netuid = owner.netuid  # type: ignore[attr-defined]
    uid = client.registration.uid_of(netuid, owner.hot)
    out = cli.ok("weights", "set", "--netuid", str(netuid), "--uids", str(uid), "--weights", "0.3", wallet="owner")
    assert out["weights"] == [65535]
    got = cli.ok("weights", "get", "--netuid", str(netuid), "--uid", str(uid))
    assert got["rows"][0]["weights"] == [[uid, 65535]]
    assert client.subnets.neuron(netuid, uid).weights == [(uid, 65535)]
    err = cli.fails("weights", "set", "--netuid", str(netuid), "--uids", "0,200", "--weights", "1,1", wallet="owner")
    assert "uid 200 does not exist" in err
    err = cli.fails("weights", "set", "--netuid", str(netuid), "--uids", "0,1", "--weights", "1", wallet="owner")
    assert "2 uids but 1 weights" in err
    err = cli.fails("weights", "set", "--netuid", str(netuid), "--uids", "a", "--weights", "1", wallet="owner")
    assert "--uids" in err
    # the 2024 runtime has no commit-reveal: `weights commit`/`reveal` say so in one line, naming `weights set`
    for command in (["commit", "--uids", str(uid), "--weights", "1"], ["reveal"]):
        err = cli.fails("weights", *command, "--netuid", str(netuid), wallet="owner")
        assert "no commit_weights call" in err and "taocli weights set --netuid" in err, err
    assert not (cli.wallets / "owner" / "commits").exists()


def test_sudo_get_and_set_as_owner_and_as_sudo(cli: ChainCli, client: Subtensor, owner: ChainWallet) -> None:
    netuid = owner.netuid  # type: ignore[attr-defined]
    out = cli.ok("sudo", "set", "--netuid", str(netuid), "--param", "kappa", "--value", "30000", wallet="owner")
    assert out["value"] == 30000 and client.subnets.hyperparameters(netuid).kappa == 30000
    make_wallet(cli.wallets, "sudoer", coldkey=ALICE)
    cli.ok("sudo", "set", "--netuid", str(netuid), "--param", "tempo", "--value", "50", wallet="sudoer")
    assert cli.ok("sudo", "get", "--netuid", str(netuid), "--param", "tempo")["value"] == 50
    # what `sudo set` changes can be read back, also the two the hyperparameters RPC has no field for
    cli.ok("sudo", "set", "--netuid", str(netuid), "--param", "max_allowed_uids", "--value", "300", wallet="sudoer")
    assert cli.ok("sudo", "get", "--netuid", str(netuid), "--param", "max_allowed_uids")["value"] == 300
    pow_on = client.admin.settable_extras(netuid)["pow_registration_allowed"]
    assert cli.ok("sudo", "get", "--netuid", str(netuid), "--param", "pow_registration_allowed")["value"] is pow_on
    make_wallet(cli.wallets, "nobody")
    err = cli.fails("sudo", "set", "--netuid", str(netuid), "--param", "kappa", "--value", "1", wallet="nobody")
    assert "neither the sudo key nor the owner" in err
    err = cli.fails("sudo", "set", "--netuid", str(netuid), "--param", "bogus", "--value", "1", wallet="owner")
    assert "not a settable hyperparameter" in err
    assert client.subnets.hyperparameters(netuid).kappa == 30000


def test_axon_set_and_reset(cli: ChainCli, client: Subtensor, owner: ChainWallet) -> None:
    netuid = owner.netuid  # type: ignore[attr-defined]
    uid = client.registration.uid_of(netuid, owner.hot)
    cli.ok("axon", "set", "--netuid", str(netuid), "--ip", "203.0.113.9", "--port", "8091", wallet="owner")
    axon = client.subnets.neuron_lite(netuid, uid).axon_info
    assert (axon.ip_str, axon.port, axon.ip_type) == ("203.0.113.9", 8091, 4)
    shown = cli.ok("subnets", "show", "--netuid", str(netuid))
    assert shown["neurons"][uid]["axon_info"]["port"] == 8091
    cli.ok("axon", "reset", "--netuid", str(netuid), wallet="owner")
    assert client.subnets.neuron_lite(netuid, uid).axon_info.port == 1
    err = cli.fails("axon", "set", "--netuid", str(netuid), "--ip", "not-an-ip", "--port", "1", wallet="owner")
    assert "not an IP address" in err


def test_root_register_weights_and_list(cli: ChainCli, client: Subtensor, owner: ChainWallet) -> None:
    netuid = owner.netuid  # type: ignore[attr-defined]
    member = make_wallet(cli.wallets, "rooter")
    fund(client, member.cold, 10)
    joined = cli.ok("root", "register", wallet="rooter")
    assert joined["uid"] == client.registration.uid_of(0, member.hot) is not None
    assert client.delegation.is_delegate(member.hot)
    listed = cli.ok("root", "list")["members"]
    assert member.hot in [m["hotkey"] for m in listed]
    err = cli.fails("root", "weights", "--netuids", str(netuid), "--weights", "1", wallet="rooter")
    assert "allows one set every" in err and "retry at block" in err
    client.execute(client.admin.prepare_sudo_set(ALICE.ss58_address, 0, "weights_rate_limit", 0), ALICE)
    out = cli.ok("root", "weights", "--netuids", f"0,{netuid}", "--weights", "1,3", wallet="rooter")
    assert out["dests"] == [0, netuid] and out["weights"] == [21845, 65535]
    uid = client.registration.uid_of(0, member.hot)
    assert client.subnets.neuron(0, uid).weights == [(0, 21845), (netuid, 65535)]
    err = cli.fails("root", "weights", "--netuids", "250", "--weights", "1", wallet="rooter")
    assert "subnet 250 does not exist" in err
    err = cli.fails("root", "register", wallet="rooter")
    assert "already on the root network" in err


def test_wallet_overview(cli: ChainCli, client: Subtensor, owner: ChainWallet) -> None:
    netuid = owner.netuid  # type: ignore[attr-defined]
    view = cli.ok("wallet", "overview", wallet="owner")
    assert view["coldkey"] == owner.cold
    assert {(n["netuid"], n["hotkey"]) for n in view["neurons"]} >= {(netuid, owner.hot)}
    assert view["free"]["rao"] == client.balances.balance(owner.cold).rao


def test_encrypted_coldkey_is_unlocked_only_after_the_plan(cli: ChainCli, client: Subtensor, tmp_path: Path) -> None:
    """One $NACL coldkey (argon2: the only test here that pays for it): wrong password, then the right one."""
    from tests.integration.test_cli_support import STRONG_PASSWORD, write_secret
    from wallet.keypair import Keypair
    from wallet.mnemonic import generate_mnemonic
    from wallet.wallet import Wallet

    cold = Keypair.from_mnemonic(generate_mnemonic(12))
    Wallet("locked", "default", str(cli.wallets)).set_coldkey(cold, password=STRONG_PASSWORD)
    fund(client, cold.ss58_address, 10)
    good = write_secret(tmp_path / "pw", STRONG_PASSWORD + "\n")
    bad = write_secret(tmp_path / "bad", "not the password\n")
    base = ["wallet", "transfer", "--dest", ALICE.ss58_address, "--amount", "2", "-n", cli.node.url,
            "-w", "locked", "-p", str(cli.wallets), "-y", "--json"]
    from tests.integration.test_cli_support import run_cli

    wrong = run_cli([*base, "--password-file", str(bad)], cli.home, env=cli.env)
    assert wrong.code != 0 and "password" in wrong.one_error_line().lower()
    assert client.balances.balance(cold.ss58_address) == Balance.from_tao(10)
    right = run_cli([*base, "--password-file", str(good)], cli.home, env=cli.env)
    assert right.code == 0, right.stderr
    assert right.json()["amount"]["rao"] == 2 * 10**9
    assert client.balances.balance(cold.ss58_address).rao < 8 * 10**9
    for res in (wrong, right):
        assert STRONG_PASSWORD not in res.stdout + res.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["subnets", "show", "--netuid", "-1"], "not in the range 0<=x<=65535"),
        (["weights", "set", "--netuid", "{netuid}", "--uids", "0", "--weights", "nan"], "finite numbers"),
        (["sudo", "set", "--netuid", "{netuid}", "--param", "tempo", "--value", "70000"], "0 to 65,535"),
        (["sudo", "set", "--netuid", "{netuid}", "--param", "registration_allowed", "--value", "5"], "a switch"),
        (["sudo", "set", "--netuid", "{netuid}", "--param", "tempo", "--value", "abc"], "give an integer"),
        (["stake", "add", "--amount", "-5"], "non-negative number of TAO"),
        (["stake", "add", "--amount", "0"], "more than zero"),
        (["stake", "add"], "either --amount TAO or --all"),
        (["stake", "add", "--amount", "1", "--netuid", "1"], "--netuid applies to dTAO chains only"),
        (["stake", "move", "--amount", "1", "--netuid", "1"], "stake move needs a dTAO chain"),
        (["stake", "transfer", "--amount", "1", "--netuid", "1", "--dest",
          "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"], "`taocli stake transfer` needs a dTAO chain"),
        (["stake", "swap", "--amount", "1", "--netuid", "1", "--dest-netuid", "2"],
         "`taocli stake swap` needs a dTAO chain"),
        (["stake", "child", "take", "--netuid", "1", "--take", "5"], "childkeys need a dTAO chain"),
        (["stake", "add", "--amount", "1", "--tolerance", "abc"], "--tolerance: 'abc' is not a number"),
        (["axon", "set", "--netuid", "{netuid}", "--ip", "10.0.0.1", "--port", "70000"], "out of range 1..65535"),
        (["subnets", "register", "--netuid", "{netuid}", "--pow", "--processes", "0"], "1<=x<=256"),
        (["delegate", "show", "--delegate", "xyz"], "not a valid SS58 address"),
    ],
)
def test_bad_input_is_one_line_and_nothing_is_sent(cli: ChainCli, client: Subtensor, owner: ChainWallet,
                                                   args: list[str], message: str) -> None:
    before = client.block_number()
    argv = [a.replace("{netuid}", str(owner.netuid)) for a in args]  # type: ignore[attr-defined]
    reads = argv[:2] in (["subnets", "show"], ["delegate", "show"])
    err = cli.fails(*argv, wallet=None if reads else "owner")
    assert message in err
    assert client.block_number() == before  # no transaction was submitted


def test_stake_add_all_keeps_the_existential_deposit(cli: ChainCli, client: Subtensor, owner: ChainWallet) -> None:
    netuid = owner.netuid  # type: ignore[attr-defined]
    w = make_wallet(cli.wallets, "all-in")
    fund(client, w.cold, 5 + client.subnets.subnet(netuid).burn // 10**9)
    client.registration.burned_register(w.coldkey, netuid, w.hot)
    free = client.balances.balance(w.cold).rao
    out = cli.ok("stake", "add", "--all", wallet="all-in")
    assert out["amount"]["rao"] == free - 500
    assert client.balances.balance(w.cold).rao == 500
    assert client.staking.stake(w.hot, w.cold).rao == free - 500
    listed = cli.ok("stake", "list", wallet="all-in")
    assert listed["total_staked"]["rao"] == free - 500 and listed["free"]["rao"] == 500


def test_ctrl_c_while_waiting_for_inclusion_says_the_transaction_may_land(tmp_path: Path) -> None:
    """Ctrl-C after "Submitted…" used to print a bare "interrupted": a user would send again and pay twice,
    since the node already holds the transaction. The line must say so (exit 130, no traceback)."""
    import signal
    import subprocess

    from tests.integration.test_cli_support import TAOCLI, clean_env

    node = NodeProcess(tmp_path / "node", "--block-time", "6").start()
    try:
        sender = make_wallet(tmp_path / "wallets", "impatient")
        with Subtensor(node.url, metadata_cache=False) as c:
            fund(c, sender.cold, 10)
        env = {**clean_env(tmp_path), "TAOCLI_CACHE_DIR": str(tmp_path / "cache")}
        proc = subprocess.Popen(
            [*TAOCLI, "wallet", "transfer", "-w", "impatient", "-p", str(tmp_path / "wallets"), "-n", node.url,
             "--dest", ALICE.ss58_address, "--amount", "1", "-y"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, text=True)
        seen = ""
        assert proc.stdout is not None
        while "waiting for inclusion" not in seen:
            line = proc.stdout.readline()
            assert line, seen
            seen += line
        proc.send_signal(signal.SIGINT)
        seen += proc.communicate(timeout=30)[0]
        assert proc.returncode == 130, seen
        assert "Traceback" not in seen
        assert seen.rstrip().splitlines()[-1] == ("Error: interrupted after submitting: the transaction may still be "
                                                  "included, check the balance or stake before retrying")
    finally:
        node.stop()


def test_ctrl_c_right_after_the_submitted_line_is_the_same_clear_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The race behind the flaky test above, made certain: Ctrl-C lands the moment "Submitted…" is written
    (the reader it wakes sends it), before the send starts. It used to escape as a bare "interrupted"."""
    import typer

    from taocli.boundary import run
    from taocli.main import app
    from taocli.output import Output
    from tests.integration.test_cli_support import clean_env

    node = NodeProcess(tmp_path / "node", "--instant").start()
    try:
        sender = make_wallet(tmp_path / "wallets", "racy")
        with Subtensor(node.url, metadata_cache=False) as c:
            fund(c, sender.cold, 10)
        for key, value in clean_env(tmp_path, {"TAOCLI_CACHE_DIR": str(tmp_path / "cache")}).items():
            monkeypatch.setenv(key, value)
        real_note = Output.note

        def note_then_ctrl_c(self: Output, message: str) -> None:
            real_note(self, message)
            if message.startswith("Submitted"):
                raise KeyboardInterrupt

        monkeypatch.setattr(Output, "note", note_then_ctrl_c)
        code = run(typer.main.get_command(app), [
            "wallet", "transfer", "-w", "racy", "-p", str(tmp_path / "wallets"), "-n", node.url,
            "--dest", ALICE.ss58_address, "--amount", "1", "-y"])
        seen = capsys.readouterr().err
        assert code == 130, seen
        assert seen.rstrip().splitlines()[-1] == ("Error: interrupted after submitting: the transaction may still be "
                                                  "included, check the balance or stake before retrying")
    finally:
        node.stop()
