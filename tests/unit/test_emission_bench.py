"""bench/epoch.py keeps printing what it promises: per-graph timings beside the reference, identical
outputs, and the growth with n. Run on tiny graphs so it costs a fraction of a second."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "epoch.py"


def test_bench_prints_growth_and_reference_ratio(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", [str(BENCH), "--repeat", "1", "--sizes", "16,32,64", "--validators", "4,16"])
    runpy.run_path(str(BENCH), run_name="__main__")
    out = capsys.readouterr().out.splitlines()
    rows = [line.split() for line in out if line.split() and line.split()[0].isdigit() and "->" not in line]
    timed = [row for row in rows if "skipped:" not in row]
    assert {(int(r[0]), int(r[1])) for r in timed} == {(16, 4), (32, 4), (64, 4), (32, 16), (64, 16)}
    assert [(int(r[0]), int(r[1])) for r in rows if "skipped:" in r] == [(16, 16)]
    for row in timed:
        n, v, entries = int(row[0]), int(row[1]), int(row[2])
        assert entries == v * (n - v)  # dense validator rows over every miner
        assert row[-1] == "True" and row[-2].endswith("x")  # reference ran, same integers, a ratio
    growth = [line for line in out if " -> " in line]
    assert len(growth) == 3 and all("time x" in line and "k = " in line for line in growth)
