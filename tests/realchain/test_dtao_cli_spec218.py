"""The dTAO reads through the real `taocli --json` against the real spec-218 runtime under chopsticks: each
value the CLI prints is compared with storage of the same block, read independently by the metadata's
declarations (`Chain.read`) or stock substrate-interface. Shares the chain set-up of test_dtao_spec218.py."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from chain.dtao.shares import stake_weight_r218, value_r218
from chain.runtime.storage_items import storage_key
from chain.storage import u16_key
from tests.integration.test_cli_chain_support import ChainCli, make_wallet
from tests.realchain.test_dtao_spec218 import TAO, Chain, M
from tests.realchain.test_dtao_spec218 import chain as chain  # the module fixture: one chain per module
from wallet.keypair import Keypair
from wallet.ss58 import ss58_decode, ss58_encode
from wallet.wallet import Wallet

pytestmark = [pytest.mark.realchain, pytest.mark.slow]


@pytest.fixture(scope="module")
def cli(chain: Chain, tmp_path_factory: pytest.TempPathFactory) -> ChainCli:
    """Bob's wallet on disk, Bob staked on subnet 1 and Alice on root, one block built; the CLI over it."""
    home: Path = tmp_path_factory.mktemp("dtao-cli")
    make_wallet(home / "wallets", "bob", Keypair.from_uri("//Bob"))
    make_wallet(home / "wallets", "alice", Keypair.from_uri("//Alice"))
    owner = Wallet("owner", "default", str(home / "wallets"))  # Alice's coldkey with the AliceHot hotkey
    owner.set_coldkey(Keypair.from_uri("//Alice"), password=None)
    owner.set_hotkey(Keypair.from_uri("//AliceHot"))
    chain.submit("Bob", "add_stake", {"hotkey": chain.ss58("AliceHot"), "netuid": 1, "amount_staked": 10 * TAO})
    chain.submit("Alice", "add_stake", {"hotkey": chain.ss58("AliceHot"), "netuid": 0,
                                        "amount_staked": 100 * TAO})
    chain.submit("Bob", "add_stake", {"hotkey": chain.ss58("AliceHot"), "netuid": 0, "amount_staked": 3 * TAO})
    return ChainCli(chain.node, home)  # type: ignore[arg-type]  # anything with .url


def raw(value: dict) -> int:
    return int(value["raw"])


def networks(chain: Chain, at: str) -> list[int]:
    """Every netuid storage says exists (the tests may run in any order; one of them adds a subnet)."""
    return [n for n in range(32) if chain.read("NetworksAdded", u16_key(n), at=at)]


def on_root(chain: Chain) -> None:
    """AliceHot registered on root, once whatever the test order."""
    if chain.read("Uids", u16_key(0), chain.pub("AliceHot"), at=chain.node.call("chain_getBlockHash")) is None:
        chain.submit("Alice", "root_register", {"hotkey": chain.ss58("AliceHot")})


def price_of(chain: Chain, netuid: int, at: str) -> Fraction:
    """Spot price read from storage alone: root and mechanism-0 subnets 1:1, else SubnetTAO / SubnetAlphaIn."""
    n = u16_key(netuid)
    if netuid == 0 or chain.read("SubnetMechanism", n, at=at) == 0:
        return Fraction(1)
    return Fraction(chain.read("SubnetTAO", n, at=at), chain.read("SubnetAlphaIn", n, at=at))


def symbol_of(chain: Chain, netuid: int, at: str) -> str:
    """The subnet's own TokenSymbol when written; unwritten (the shared default glyph): τ for root, α<netuid>."""
    written = chain.node.call("state_getStorage", [storage_key(chain.shape, M, "TokenSymbol", u16_key(netuid)), at])
    if written is None:
        return "τ" if netuid == 0 else f"α{netuid}"
    return bytes(chain.read("TokenSymbol", u16_key(netuid), at=at)).decode()


def test_subnets_list_equals_storage(chain: Chain, cli: ChainCli) -> None:
    listed = cli.ok("subnets", "list")["subnets"]
    at = chain.node.call("chain_getBlockHash")  # Manual build mode: the CLI read this block
    netuids = [row["netuid"] for row in listed]
    assert netuids == networks(chain, at) and {0, 1} <= set(netuids)
    emissions = {n: chain.read("EmissionValues", u16_key(n), at=at) for n in netuids}
    for row in listed:
        netuid, n = row["netuid"], u16_key(row["netuid"])
        unit = symbol_of(chain, netuid, at)
        assert row["symbol"] == unit and row["alpha_in"]["unit"] == unit and row["tao_in"]["unit"] == "τ"
        assert raw(row["tao_in"]) == chain.read("SubnetTAO", n, at=at)
        assert raw(row["alpha_in"]) == chain.read("SubnetAlphaIn", n, at=at)
        assert raw(row["alpha_out"]) == chain.read("SubnetAlphaOut", n, at=at)
        assert row["tempo"] == chain.read("Tempo", n, at=at)
        assert row["owner"] == ss58_encode(chain.read("SubnetOwner", n, at=at))
        assert Fraction(row["price"]["exact"]) == price_of(chain, netuid, at)
        total = sum(emissions.values())
        assert row["emission_share"] == (None if total == 0 else
                                         f"{Fraction(emissions[netuid], total).numerator}/"
                                         f"{Fraction(emissions[netuid], total).denominator}")
    assert Fraction(listed[1]["price"]["exact"]) != 1  # subnet 1 is a real AMM pool here, not 1:1


def stake_of(chain: Chain, coldkey: str, netuid: int, at: str) -> int:
    hot, cold, n = chain.pub("AliceHot"), chain.pub(coldkey), u16_key(netuid)
    return value_r218(chain.read("TotalHotkeyAlpha", hot, n, at=at), chain.read("TotalHotkeyShares", hot, n, at=at),
                      chain.read("Alpha", hot, cold, n, at=at))


def test_stake_list_and_wallet_balance_equal_storage(chain: Chain, cli: ChainCli) -> None:
    listed = cli.ok("stake", "list", wallet="bob")
    at = chain.node.call("chain_getBlockHash")
    rows = {(r["hotkey"], r["netuid"]): r for r in listed["stakes"]}
    assert set(rows) == {(chain.ss58("AliceHot"), n) for n in networks(chain, at) if stake_of(chain, "Bob", n, at)}
    assert {(chain.ss58("AliceHot"), 0), (chain.ss58("AliceHot"), 1)} <= set(rows)
    total = 0
    for (_, netuid), row in rows.items():
        alpha = stake_of(chain, "Bob", netuid, at)
        value = (alpha * price_of(chain, netuid, at)).__floor__()
        assert raw(row["amount"]) == alpha > 0 and row["amount"]["unit"] == symbol_of(chain, netuid, at)
        assert raw(row["tao_value"]) == value and row["tao_value"]["unit"] == "τ"
        total += value
    assert raw(listed["staked_tao_value"]) == total
    free = chain.substrate.query("System", "Account", [chain.ss58("Bob")], block_hash=at)["data"]["free"].value
    assert listed["free"]["rao"] == free

    balance = cli.ok("wallet", "balance", wallet="bob")
    assert (balance["free"]["rao"], balance["staked"]["rao"], balance["total"]["rao"]) == (free, total, free + total)


def test_hyperparameters_are_the_chains_own(chain: Chain, cli: ChainCli) -> None:
    shown = cli.ok("subnets", "hyperparameters", "--netuid", "1")["hyperparameters"]
    at = chain.node.call("chain_getBlockHash")
    items = {"rho": "Rho", "kappa": "Kappa", "tempo": "Tempo", "immunity_period": "ImmunityPeriod",
             "max_validators": "MaxAllowedValidators", "min_burn": "MinBurn", "max_burn": "MaxBurn",
             "weights_rate_limit": "WeightsSetRateLimit", "commit_reveal_weights_enabled": "CommitRevealWeightsEnabled",
             "liquid_alpha_enabled": "LiquidAlphaOn", "difficulty": "Difficulty"}
    for name, item in items.items():
        assert shown[name] == chain.read(item, u16_key(1), at=at), name  # unwritten: the declared default
    assert "subnet 77 does not exist" in cli.fails("subnets", "hyperparameters", "--netuid", "77")


def test_calls_without_meaning_on_dtao_say_so_in_one_line(cli: ChainCli) -> None:
    line = cli.fails("root", "weights", "--netuids", "1", "--weights", "1", wallet="alice")
    assert "root weights do not exist on this chain" in line and "weights set --netuid" in line
    line = cli.fails("delegate", "become", wallet="alice")
    assert "every hotkey takes nominations on this chain" in line


def test_stake_writes_without_a_subnet_are_refused_before_signing(chain: Chain, cli: ChainCli) -> None:
    """stake add/remove without --netuid and delegate add (no subnet to name): one line naming what to give;
    the coldkey's balance and stake are untouched."""
    before = chain.node.call("chain_getBlockHash")
    hot = chain.ss58("AliceHot")
    for args in (("stake", "add", "--amount", "1", "--hotkey-ss58", hot),
                 ("stake", "remove", "--amount", "1", "--hotkey-ss58", hot),
                 ("delegate", "add", "--delegate", hot, "--amount", "1")):
        line = cli.fails(*args, wallet="bob")
        assert "stake on this chain is per subnet: give --netuid N (`taocli stake" in line, line
    assert chain.node.call("chain_getBlockHash") == before  # Manual mode: nothing was submitted or built
    assert chain.node.call("author_pendingExtrinsics") == []


def test_subnets_show_alpha_stake_and_its_tao_value(chain: Chain, cli: ChainCli) -> None:
    for command in ("show", "metagraph"):
        shown = cli.ok("subnets", command, "--netuid", "1")
        at = chain.node.call("chain_getBlockHash")
        n, unit, price = u16_key(1), symbol_of(chain, 1, at), price_of(chain, 1, at)
        assert raw(shown["subnet"]["tao_in"]) == chain.read("SubnetTAO", n, at=at)
        assert Fraction(shown["subnet"]["price"]["exact"]) == price
        neurons = shown["neurons"]
        assert len(neurons) == chain.read("SubnetworkN", n, at=at) >= 1
        for row in neurons:
            hot = ss58_decode(row["hotkey"])
            assert row["hotkey"] == ss58_encode(chain.read("Keys", n, u16_key(row["uid"]), at=at))
            assert row["coldkey"] == ss58_encode(chain.read("Owner", hot, at=at))
            alpha = chain.read("TotalHotkeyAlpha", hot, n, at=at)
            assert raw(row["alpha_stake"]) == alpha and row["alpha_stake"]["unit"] == unit
            assert raw(row["alpha_tao_value"]) == (alpha * price).__floor__()
            assert raw(row["root_stake"]) == chain.read("TotalHotkeyAlpha", hot, u16_key(0), at=at)
            assert raw(row["stake_weight"]) == stake_weight_r218(alpha, raw(row["root_stake"]),
                                                                 chain.read("TaoWeight", n, at=at))
        assert raw(neurons[0]["alpha_stake"]) > 0  # AliceHot holds Bob's stake on subnet 1
    assert "subnet 77 does not exist" in cli.fails("subnets", "show", "--netuid", "77")


def test_tables_label_each_amount_with_its_unit(chain: Chain, cli: ChainCli) -> None:
    at = chain.node.call("chain_getBlockHash")
    unit = symbol_of(chain, 1, at)
    listed = cli.ok("subnets", "list", json_out=False).stdout
    assert f"τ/{unit}" in listed and f" {unit}" in listed
    shown = cli.ok("subnets", "show", "--netuid", "1", json_out=False).stdout
    assert f"τ/{unit}" in shown and "Metagraph of subnet 1" in shown
    stakes = cli.ok("stake", "list", wallet="bob", json_out=False).stdout
    assert f" {unit}" in stakes and " τ" in stakes
    balance = cli.ok("wallet", "balance", wallet="bob", json_out=False).stdout
    assert "—" not in balance and "τ" in balance


def test_delegates_and_their_nominations_equal_the_share_map(chain: Chain, cli: ChainCli) -> None:
    on_root(chain)  # the runtime lists it as a delegate then
    listed = cli.ok("delegate", "list")["delegates"]
    shown = cli.ok("delegate", "show", "--delegate", chain.ss58("AliceHot"))["delegate"]
    at = chain.node.call("chain_getBlockHash")
    (mine,) = [d for d in listed if d["hotkey"] == chain.ss58("AliceHot")]
    assert mine == shown
    assert shown["owner"] == chain.ss58("Alice") and shown["take"] == chain.read("Delegates", chain.pub("AliceHot"),
                                                                                   at=at)
    expected = {(name, netuid): stake_of(chain, name, netuid, at) for name in ("Alice", "Bob")
                for netuid in networks(chain, at)}
    expected = {(chain.ss58(name), netuid): a for (name, netuid), a in expected.items() if a}
    got = {(n["coldkey"], n["netuid"]): n for n in shown["nominators"]}
    assert set(got) == set(expected) and {(chain.ss58("Bob"), 1), (chain.ss58("Alice"), 0)} <= set(got)
    total = 0
    for key, row in got.items():
        value = (expected[key] * price_of(chain, key[1], at)).__floor__()
        assert raw(row["alpha"]) == expected[key] and row["alpha"]["unit"] == symbol_of(chain, key[1], at)
        assert raw(row["tao_value"]) == value
        total += value
    assert raw(shown["total_tao_value"]) == total
    nobody = Keypair.from_uri("//Nobody").ss58_address
    assert "no coldkey owns hotkey" in cli.fails("delegate", "show", "--delegate", nobody)

    delegations = cli.ok("delegate", "mine", wallet="bob")["delegations"]
    stakes = cli.ok("stake", "list", wallet="bob")["stakes"]
    assert [{k: v for k, v in d.items() if k not in ("take", "take_ratio")} for d in delegations] == stakes
    assert {d["take"] for d in delegations} == {shown["take"]}


def test_wallet_overview_shows_each_hotkeys_stake_per_subnet(chain: Chain, cli: ChainCli) -> None:
    """AliceHot holds uid 0 of the subnet Alice's register_network creates; the overview lists it with the
    hotkey's alpha on that subnet and its TAO value, and the coldkey's balance valued in TAO."""
    _, netuid = chain.register_network()
    chain.set_storage({M: {"SubnetTAO": [[[netuid], 10**12]], "SubnetAlphaIn": [[[netuid], 2 * 10**12]]}})
    chain.submit("Bob", "add_stake", {"hotkey": chain.ss58("AliceHot"), "netuid": netuid, "amount_staked": 5 * TAO})
    shown = cli.ok("wallet", "overview", wallet="owner")
    at = chain.node.call("chain_getBlockHash")
    rows = {r["netuid"]: r for r in shown["neurons"]}
    assert netuid in rows and all(r["hotkey"] == chain.ss58("AliceHot") for r in rows.values())
    for n, row in rows.items():
        hot = chain.pub("AliceHot")
        assert row["uid"] == next(uid for uid in range(chain.read("SubnetworkN", u16_key(n), at=at))
                                  if chain.read("Keys", u16_key(n), u16_key(uid), at=at) == hot)
        alpha = chain.read("TotalHotkeyAlpha", hot, u16_key(n), at=at)
        assert raw(row["alpha_stake"]) == alpha and row["alpha_stake"]["unit"] == symbol_of(chain, n, at)
        assert raw(row["alpha_tao_value"]) == (alpha * price_of(chain, n, at)).__floor__()
    assert raw(rows[netuid]["alpha_stake"]) > 0 and Fraction(price_of(chain, netuid, at)) != 1
    assert rows[netuid]["alpha_stake"]["unit"] == "αβγδεζηθ"[netuid - 1]  # the symbol register_network wrote
    balance = cli.ok("wallet", "balance", wallet="owner")
    assert {k: shown[k] for k in ("coldkey", "free", "staked", "total")} == {
        k: balance[k] for k in ("coldkey", "free", "staked", "total")}
    assert "Registrations" in cli.ok("wallet", "overview", wallet="owner", json_out=False).stdout


def test_registrations_read_only_the_subnets_the_hotkeys_hold_a_uid_on(chain: Chain) -> None:
    """`wallet overview`'s read asks the subnet state of the subnets where the hotkey is registered (found in
    one batched `Uids` read), not of every subnet, and finds the same rows a full scan finds."""
    from chain.client import Subtensor

    chain.register_network()  # AliceHot holds uid 0 of the new subnet, whatever ran before
    hot = chain.ss58("AliceHot")
    with Subtensor(chain.node.url, metadata_cache=False) as client:
        asked: list[str] = []
        call = client.rpc.call

        def recording(method: str, params: list[Any] | None = None) -> Any:
            asked.append(params[0] if method == "state_call" and params else method)
            return call(method, params)

        client.rpc.call = recording  # type: ignore[method-assign]
        at = client.block_hash()
        rows = client.subnets.registrations([hot], at)  # type: ignore[attr-defined]
    netuids = networks(chain, at)
    held = [n for n in netuids if chain.read("Uids", u16_key(n), chain.pub("AliceHot"), at=at) is not None]
    assert held and len(held) < len(netuids)  # registered on some subnets, not all: the filter has work to do
    assert asked.count("SubnetInfoRuntimeApi_get_subnet_state") == len(held)
    scanned = []
    for n in netuids:
        state = chain.ctx.subnet_state(n, at)
        if state is not None:
            scanned += [(n, uid) for uid, h in enumerate(state.hotkeys) if h in (hot, chain.pub("AliceHot"))]
    assert sorted((pool.netuid, neuron.uid) for pool, neuron in rows) == sorted(scanned)


def test_the_connection_picks_the_dtao_rooms(chain: Chain) -> None:
    from chain.client import Subtensor
    from chain.rooms.dtao_staking import DtaoStaking
    from chain.rooms.dtao_subnets import DtaoSubnets

    with Subtensor(chain.node.url, metadata_cache=False) as client:
        assert client.era == "dtao"
        assert isinstance(client.subnets, DtaoSubnets) and isinstance(client.staking, DtaoStaking)
        at = chain.node.call("chain_getBlockHash")
        legacy = client.subnets.hyperparameters(1)  # the 2024 record other rooms' checks read
        assert legacy is not None and (legacy.tempo, legacy.max_burn) == (
            chain.read("Tempo", u16_key(1), at=at), chain.read("MaxBurn", u16_key(1), at=at))
        assert client.subnets.hyperparameters(77) is None


def test_root_list_is_the_root_subnets_stake_in_tao(chain: Chain, cli: ChainCli) -> None:
    """Root members with their root stake (TotalHotkeyAlpha on netuid 0, 1:1 with τ), not the frozen 2024 map."""
    on_root(chain)
    shown = cli.ok("root", "list")
    at = chain.node.call("chain_getBlockHash")
    assert shown["netuid"] == 0 and len(shown["neurons"]) == chain.read("SubnetworkN", u16_key(0), at=at)
    (alice,) = [n for n in shown["neurons"] if n["hotkey"] == chain.ss58("AliceHot")]
    assert alice["alpha_stake"]["unit"] == "τ"
    assert raw(alice["alpha_stake"]) == chain.read("TotalHotkeyAlpha", chain.pub("AliceHot"), u16_key(0), at=at)
    assert raw(alice["alpha_stake"]) >= 100 * TAO and raw(alice["alpha_tao_value"]) == raw(alice["alpha_stake"])


def with_block(chain: Chain, command: Callable[[], Any]) -> Any:
    """Run a CLI write on the Manual-mode chain: build one block once its extrinsic reaches the pool."""
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(command)
        deadline = time.monotonic() + 30
        while not chain.node.call("author_pendingExtrinsics") and not running.done():
            assert time.monotonic() < deadline, "the CLI never submitted"
            time.sleep(0.05)
        if not running.done():
            chain.new_block()
        return running.result(timeout=60)


def test_burned_registration_and_lock_cost_work_unchanged(chain: Chain, cli: ChainCli) -> None:
    """burned_register and the lock-cost API keep their 2024 shape on spec 218: the 2024 rooms serve them, and
    what the CLI shows equals storage and the runtime API."""
    before = chain.node.call("chain_getBlockHash")
    burn = chain.read("Burn", u16_key(1), at=before)
    free_before = chain.substrate.query("System", "Account", [chain.ss58("Bob")], block_hash=before)
    done = with_block(chain, lambda: cli.ok("subnets", "register", "--netuid", "1", wallet="bob"))
    at = chain.node.call("chain_getBlockHash")
    assert done["uid"] == chain.read("Uids", u16_key(1), ss58_decode(done["hotkey"]), at=at)
    free_after = chain.substrate.query("System", "Account", [chain.ss58("Bob")], block_hash=at)
    assert free_before["data"]["free"].value - free_after["data"]["free"].value == burn
    cost = cli.ok("subnets", "lock-cost")["lock_cost"]["rao"]
    reply = chain.api("SubnetRegistrationRuntimeApi", "get_network_registration_cost",
                      at=chain.node.call("chain_getBlockHash"))
    assert cost == int.from_bytes(reply, "little") > 0


def test_weights_set_on_a_dtao_subnet(chain: Chain, cli: ChainCli) -> None:
    """set_weights keeps its 2024 arguments on spec 218: the owner hotkey (uid 0 of a new subnet) sets a self
    weight through the CLI, and the chain stores exactly what the preview sent."""
    _, netuid = chain.register_network()
    chain.set_storage([[storage_key(chain.shape, M, "WeightsSetRateLimit", u16_key(netuid)), "0x" + "00" * 8]])
    chain.new_block()
    done = with_block(chain, lambda: cli.ok("weights", "set", "--netuid", str(netuid), "--uids", "0", "--weights",
                                            "1", wallet="owner"))
    at = chain.node.call("chain_getBlockHash")
    assert "SubtensorModule.WeightsSet" in done["receipt"]["events"]
    assert chain.read("Weights", u16_key(netuid), u16_key(0), at=at) == [(0, 65535)]
    shown = cli.ok("weights", "get", "--netuid", str(netuid))
    assert shown["rows"][0]["uid"] == 0 and shown["rows"][0]["weights"] == [[0, 65535]]


def test_root_register_through_the_cli(chain: Chain, cli: ChainCli) -> None:
    """root_register(hotkey) keeps its 2024 shape on spec 218: Bob's wallet hotkey joins root at the uid the
    chain stores."""
    done = with_block(chain, lambda: cli.ok("root", "register", wallet="bob"))
    at = chain.node.call("chain_getBlockHash")
    assert done["uid"] == chain.read("Uids", u16_key(0), ss58_decode(done["hotkey"]), at=at) is not None
    assert chain.read("Owner", ss58_decode(done["hotkey"]), at=at) == chain.pub("Bob")


def test_a_neurons_metagraph_weighs_dtao_stake_as_the_chain_does(chain: Chain, cli: ChainCli) -> None:
    """The miner/validator metagraph on a dTAO chain: each uid's stake is SubnetState.total_stake (α + w·τ),
    not NeuronInfoLite.stake (spec 218: the frozen 2024 map, 0 here), so permits and queues see real stake."""
    from neuron.chain_link import ChainLink
    from neuron.metagraph import Metagraph

    link = ChainLink(chain.node.url)
    try:
        graph = Metagraph(1)
        report = graph.sync(link)
        at = link.block_hash(report.block)
        state = chain.ctx.subnet_state(1, at)
        lite = link.neurons_lite(1, at)
        assert state is not None and graph.n == len(state.hotkeys) == len(lite) > 0
        assert graph.hotkeys == [ss58_encode(h) if isinstance(h, bytes) else h for h in state.hotkeys]
        assert [round(s * TAO) for s in graph.stake] == state.total_stake
        staked = [uid for uid in range(graph.n) if graph.stake[uid] > 0]
        assert staked and all(lite[uid].total_stake == 0 for uid in staked)  # the frozen 2024 map: 0, not the stake
        graph.sync(link, lite=False, force=True)  # the full path weighs the same
        again = chain.ctx.subnet_state(1, link.block_hash(graph.block))
        assert again is not None and [round(s * TAO) for s in graph.stake] == again.total_stake
    finally:
        link.close()
