"""Learning a runtime's shape at connect: taocli's lean metadata reader vs scalecodec, side by side.

`python bench/runtime_shape.py [N]` decodes the real spec-218 metadata (V15 and V14, from
tests/fixtures/dtao) N times with each and prints medians and the ratio (scalecodec 1.x decodes V14
only). scalecodec is what substrate-interface runs on every signing connection without the metadata cache.
"""

from __future__ import annotations

import gzip
import importlib
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from chain.runtime.metadata import parse_metadata, unwrap_metadata  # noqa: E402
from chain.runtime.shape import shape_of  # noqa: E402


def ours(data: bytes) -> None:
    shape_of(parse_metadata(data))


def with_scalecodec(data: bytes) -> None:
    from scalecodec.base import RuntimeConfigurationObject, ScaleBytes
    from scalecodec.type_registry import load_type_registry_preset

    rc = RuntimeConfigurationObject()
    rc.update_type_registry(load_type_registry_preset("core"))
    md = rc.create_scale_object("MetadataVersioned", data=ScaleBytes(data))
    md.decode()
    rc.add_portable_registry(md)


def median_ms(fn, data: bytes, n: int) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn(data)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    fixtures = ROOT / "tests" / "fixtures" / "dtao"
    importlib.import_module("scalecodec.type_registry")  # the import cost stays out of the timings
    for name in ("spec218-metadata-v15.scale.gz", "spec218-metadata-v14.scale.gz", "spec143-metadata-v14.scale.gz"):
        raw = gzip.decompress((fixtures / name).read_bytes())
        if raw[:1] == b"\x01":  # Option<Vec<u8>> as Metadata_metadata_at_version returns it
            raw = unwrap_metadata(raw)
        a = median_ms(ours, raw, n)
        try:
            b = median_ms(with_scalecodec, raw, n)
        except ValueError:  # scalecodec 1.x reads V14 only (substrate-interface asks for V14)
            print(f"{name:34s} ours {a:7.1f} ms   scalecodec cannot decode V{raw[4]}")
            continue
        print(f"{name:34s} ours {a:7.1f} ms   scalecodec {b:7.1f} ms   ratio {b / a:5.1f}x")


if __name__ == "__main__":
    main()
