"""At connect, the real spec-143 runtime (no versioned metadata call) is read from V14 and is the 2024 era."""

from __future__ import annotations

import pytest

from chain.runtime.features import features_of
from chain.runtime.fetch import fetch_metadata_bytes, fetch_shape
from tests.realchain.chopsticks import start_real_chain

pytestmark = [pytest.mark.realchain, pytest.mark.slow]


def test_spec143_shape_at_connect(tmp_path) -> None:
    node = start_real_chain(tmp_path)
    try:
        assert fetch_metadata_bytes(node)[4] == 14  # V15 is absent: the V14 fallback
        shape = fetch_shape(node)
        f = features_of(shape)
        assert f.era == "2024" and f.root_weights and shape.apis is None
        assert shape.call("SubtensorModule", "add_stake").arg_names == ("hotkey", "amount_staked")
    finally:
        node.stop()
