"""AdminUtils setters: origins, existence and range checks, events (spec §5.2); one through Sudo.sudo."""

from __future__ import annotations

import pytest

from localnet.runtime.context import ROOT
from localnet.runtime.errors import DispatchError, ModuleError
from localnet.runtime.subtensor import admin_utils
from localnet.runtime.subtensor import storage as st
from localnet.runtime.subtensor.events import KappaSet, TempoSet, TxRateLimitSet
from localnet.runtime.subtensor.networks import register_network
from tests.unit.test_subtensor_harness import TAO, Chain, acct

OWNER, STRANGER = acct(1), acct(2)
CALLS = admin_utils.pallet.calls_by_name


def admin_chain() -> Chain:
    chain = Chain()
    chain.fund(OWNER, 10_000 * TAO)
    chain.call(OWNER, register_network)
    return chain


def run(chain: Chain, origin: object, name: str, *args: object) -> list[bytes]:
    return chain.call(origin, CALLS[name].fn, *args)


def test_call_table_matches_2024_indices() -> None:
    indices = {c.name: c.index for c in admin_utils.pallet.calls.values()}
    assert indices["sudo_set_default_take"] == 1 and indices["sudo_set_tempo"] == 30
    assert indices["sudo_set_weights_min_stake"] == 42 and indices["sudo_set_max_allowed_validators"] == 25
    assert len(indices) == 36
    assert CALLS["sudo_set_tx_rate_limit"].dispatch_class == "Operational"
    assert CALLS["sudo_set_tx_rate_limit"].pays is False and CALLS["sudo_set_kappa"].pays is True


def test_owner_or_root_setter() -> None:
    chain = admin_chain()
    events = run(chain, OWNER, "sudo_set_kappa", 1, 30_000)
    assert chain.get(st.Kappa, 1) == 30_000
    assert events == [b"\x02" + KappaSet.encode(1, 30_000) + b"\x00"]
    run(chain, ROOT, "sudo_set_kappa", 1, 20_000)
    assert chain.get(st.Kappa, 1) == 20_000
    before = chain.state.changes()
    with pytest.raises(DispatchError, match="BadOrigin"):
        run(chain, STRANGER, "sudo_set_kappa", 1, 1)
    assert chain.state.changes() == before
    with pytest.raises(ModuleError, match=r"AdminUtils\.NetworkDoesNotExist"):
        run(chain, ROOT, "sudo_set_kappa", 9, 1)
    run(chain, ROOT, "sudo_set_network_registration_allowed", 9, True)  # no existence check
    assert chain.get(st.NetworkRegistrationAllowed, 9) is True
    run(chain, OWNER, "sudo_set_rho", 1, 7)
    assert chain.get(st.Rho, 1) == 7


def test_root_only_setters() -> None:
    chain = admin_chain()
    with pytest.raises(DispatchError, match="BadOrigin"):
        run(chain, OWNER, "sudo_set_tempo", 1, 10)
    events = run(chain, ROOT, "sudo_set_tempo", 1, 10)
    assert chain.get(st.Tempo, 1) == 10 and events == [b"\x02" + TempoSet.encode(1, 10) + b"\x00"]
    events = run(chain, ROOT, "sudo_set_tx_rate_limit", 3)
    assert chain.get(st.TxRateLimit) == 3 and events == [b"\x02" + TxRateLimitSet.encode(3) + b"\x00"]
    with pytest.raises(DispatchError, match="BadOrigin"):
        run(chain, OWNER, "sudo_set_tx_rate_limit", 1)


def test_range_checks() -> None:
    chain = admin_chain()
    st.SubnetworkN.set(chain.state, 1, 10)
    with pytest.raises(ModuleError, match="MaxAllowedUIdsNotAllowed"):
        run(chain, ROOT, "sudo_set_max_allowed_uids", 1, 10)
    run(chain, ROOT, "sudo_set_max_allowed_uids", 1, 11)
    with pytest.raises(ModuleError, match="StorageValueOutOfRange"):
        run(chain, ROOT, "sudo_set_max_allowed_validators", 1, 12)
    run(chain, ROOT, "sudo_set_max_allowed_validators", 1, 11)
    assert chain.get(st.MaxAllowedValidators, 1) == 11


def test_sudo_dispatches_admin_call_in_the_runtime() -> None:
    from localnet.runtime.executive import Runtime
    from tests.support.devchain import DevChain
    from tests.support.devsign import sign_extrinsic
    from wallet.keypair import Keypair

    runtime = Runtime()
    chain = DevChain(runtime)
    alice = Keypair.from_uri("//Alice")
    inner = CALLS["sudo_set_tx_rate_limit"].encode(77)
    call = bytes((12, 0)) + inner  # Sudo (index 12).sudo(call)
    xt = sign_extrinsic(alice.public_key, alice.sign, call, nonce=0, genesis_hash=chain.genesis_hash)
    block = chain.produce([xt])
    assert not block.outcome.rejected
    assert runtime.read(block.state, "SubtensorModule", "TxRateLimit") == 77
