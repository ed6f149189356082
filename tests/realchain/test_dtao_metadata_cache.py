"""The dTAO runtime's metadata kept on disk by the hash of its code, checked on the real spec-218 runtime.

chopsticks cannot name its code (it lacks `state_getStorageHash`), which public nodes answer; the node here
gets that one method back, computed from the real runtime's own `:code` (BlakeTwo256 of the stored value, what
a Substrate node answers), so the cache path a public-chain user takes runs against the real runtime.
"""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path
from typing import Any

import pytest

from chain.era import learn_era
from chain.metadata_cache import CODE_KEY
from tests.realchain.chopsticks import Chopsticks
from tests.realchain.test_metadata_defaults import raonet  # noqa: F401 - the spec-218 module fixture

pytestmark = [pytest.mark.realchain, pytest.mark.slow]
METADATA_CALLS = {"state_getMetadata", "Metadata_metadata_at_version"}


class CodeNamingNode:
    """The real runtime under chopsticks, answering `state_getStorageHash(":code")` as a node does, and
    recording every method (and runtime API) asked of it."""

    def __init__(self, chain: Chopsticks) -> None:
        self.node = chain
        self.asked: list[str] = []

    def call(self, method: str, params: list[Any] | None = None) -> Any:
        params = params or []
        self.asked.append(params[0] if method == "state_call" else method)
        if method == "state_getStorageHash" and params[:1] == [CODE_KEY]:
            code = self.node.call("state_getStorage", [CODE_KEY])
            return "0x" + hashlib.blake2b(bytes.fromhex(code[2:]), digest_size=32).hexdigest()
        return self.node.call(method, params)


def test_the_dtao_shape_is_read_from_disk_by_code_hash(raonet: Chopsticks, tmp_path: Path,  # noqa: F811
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAOCLI_CACHE_DIR", str(tmp_path))
    rpc = CodeNamingNode(raonet)
    code = rpc.call("state_getStorageHash", [CODE_KEY])[2:]
    first = learn_era(rpc)  # type: ignore[arg-type]  # anything with .call(method, params)
    assert first is not None and first.features.stake_per_subnet
    assert METADATA_CALLS & set(rpc.asked)  # a miss: fetched once
    stored = tmp_path / f"shape-{code}.scale"
    assert stored.exists() and stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == [stored.name]  # no "2024" memo for a dTAO runtime

    rpc.asked.clear()
    second = learn_era(rpc)  # type: ignore[arg-type]
    assert second is not None and not METADATA_CALLS & set(rpc.asked)  # from the disk
    assert second.features == first.features and second.shape == first.shape
    assert second.all_dynamic_info() == first.all_dynamic_info()  # the cached shape reads the chain the same

    blob = bytearray(stored.read_bytes())
    blob[len(blob) // 2] ^= 0xFF  # a flipped bit: the checksum fails, the metadata is fetched and rewritten
    stored.write_bytes(bytes(blob))
    rpc.asked.clear()
    third = learn_era(rpc)  # type: ignore[arg-type]
    assert third is not None and third.features == first.features and METADATA_CALLS & set(rpc.asked)
    rpc.asked.clear()
    assert learn_era(rpc) is not None and not METADATA_CALLS & set(rpc.asked)  # type: ignore[arg-type]

    stored.unlink()
    assert learn_era(rpc, memo=False) is not None  # type: ignore[arg-type]  # no disk: nothing written
    assert not stored.exists()


def test_a_node_that_cannot_name_its_code_gets_no_cache(raonet: Chopsticks, tmp_path: Path,  # noqa: F811
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAOCLI_CACHE_DIR", str(tmp_path))
    assert learn_era(raonet) is not None  # type: ignore[arg-type]
    assert not tmp_path.exists() or list(tmp_path.iterdir()) == []
