"""A weights commit made by btcli 9 or the bittensor SDK can be revealed with `taocli weights reveal --uids
--weights --salt`: the SDK 10.5.0 (its own venv, a subprocess) converts and hashes a set of vectors (zeros,
ties at .5, float noise, a large salt), and taocli's `sdk_emit_form` + `commit_hash` give the same values and
hash; taocli's own form (zeros kept) differs where the SDK drops zeros, which is why the reveal tries both."""

from __future__ import annotations

import json
import subprocess

import pytest

from chain.dtao.commit_reveal import commit_hash
from chain.weights import normalize, sdk_emit_form, to_u16
from tests.sdk_venv import require_sdk
from wallet.keypair import Keypair

pytestmark = pytest.mark.slow

VECTORS = [
    ([0, 1, 2], [0.5, 0.25, 0.25], [1, 2, 3], 0),
    ([0, 3, 7], [1.0, 0.0, 0.3], [65535, 0, 17], 2_001_000),
    ([4, 5, 6], [1.0, 2.5 / 65535, 1.0 / 200_000], [9] * 8, 7),  # 2.5 at u16 scale: half to even gives 2; a 0
    ([1, 2, 3, 4], [0.1, 0.2, 0.3, 0.4000001], [163, 241, 217, 11, 161, 142, 147, 189], 1),
]

SCRIPT = """
import json, sys
import numpy as np
from bittensor.utils.weight_utils import convert_weights_and_uids_for_emit, generate_weight_hash
address, netuid, vectors = json.loads(sys.stdin.read())
out = []
for uids, weights, salt, key in vectors:
    u, v = convert_weights_and_uids_for_emit(np.array(uids, dtype=np.int64), np.array(weights, dtype=np.float64))
    out.append([u, v, generate_weight_hash(address, netuid, u, v, key, salt)])
print(json.dumps(out))
"""


def test_sdk_commits_hash_as_taocli_reproduces_them() -> None:
    python = require_sdk("10.5.0")
    hot = Keypair.from_uri("//AliceHot")
    proc = subprocess.run([str(python), "-c", SCRIPT], input=json.dumps([hot.ss58_address, 3, VECTORS]),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    theirs = json.loads(proc.stdout)
    differs = 0
    for (uids, weights, salt, key), (sdk_uids, sdk_values, sdk_hash) in zip(VECTORS, theirs, strict=True):
        ours_uids, ours_values = sdk_emit_form(uids, weights)
        assert (ours_uids, ours_values) == (sdk_uids, sdk_values)
        assert "0x" + commit_hash(hot.public_key, 3, ours_uids, ours_values, salt, key).hex() == sdk_hash
        differs += (list(uids), to_u16(normalize(weights))) != (sdk_uids, sdk_values)
    assert differs >= 2  # the zero and the half-way vectors: taocli's own form alone would miss those commits
    assert theirs[2][:2] == [[4, 5], [65535, 2]]  # the tie went to even and the tiny weight was dropped
