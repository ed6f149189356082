"""The one rule that picks the dTAO rooms, on the REAL metadata of spec 143 (2024) and spec 218 (dTAO)."""

from __future__ import annotations

from chain.era import is_dtao
from chain.runtime.features import features_of
from chain.runtime.shape import shape_from_bytes
from tests.unit.test_runtime_shape import load


def test_spec_218_is_dtao_and_spec_143_is_not() -> None:
    assert is_dtao(features_of(shape_from_bytes(load("spec218-metadata-v15.scale.gz"))))
    assert is_dtao(features_of(shape_from_bytes(load("spec218-metadata-v14.scale.gz"))))  # V14 says enough
    assert not is_dtao(features_of(shape_from_bytes(load("spec143-metadata-v14.scale.gz"))))
