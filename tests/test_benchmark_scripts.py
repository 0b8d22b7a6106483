"""The benchmark scripts run nowhere else in CI: each is run here on a few files, its numbers
not looked at (timings belong to the scripts), only that every part it prints is there."""

from __future__ import annotations

import importlib.util
import itertools
import math
import sys
from collections import Counter
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _script(name: str, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))  # as when run: their own folder on the path
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    return module


def test_flatten_speed_measures_datasets_and_audits_of_every_shape(tmp_path, monkeypatch, capsys):
    """Its audit part stopped at an ImportError (``default_frame`` had moved) after minutes of
    measuring the datasets, so no one had its numbers."""
    bench = _script("flatten_speed", monkeypatch)
    monkeypatch.setattr(bench, "WORK", tmp_path)
    shapes = list(bench.SHAPES)
    bench.main(["--files", "3", "--rounds", "1", "--skip", "first", "one", "memory", "import",
                "--layouts", "plain"])  # fmt: skip
    out = capsys.readouterr().out
    datasets, audits = out.split("\nAudits:")
    for shape in shapes:
        assert f"\n{shape} " in datasets, shape
        assert f"\n{shape} " in audits, shape


def test_each_method_follows_each_other_one_equally_often(monkeypatch):
    """pyarrow's parse run right after the naive loop took 52 ms, 32 ms otherwise: with the
    floor always second (and a rotation of the order keeps it right after the naive loop),
    every ratio to it flattered ocrframe."""
    rounds = _script("rounds", monkeypatch)
    for n in range(1, 8):
        orders = rounds.balanced_orders(n)
        assert all(sorted(order) == list(range(n)) for order in orders)
        pairs = Counter((a, b) for order in orders for a, b in itertools.pairwise(order))
        assert set(pairs) == {(a, b) for a in range(n) for b in range(n) if a != b}
        assert len(set(pairs.values())) <= 1, (n, pairs)
    calls: list[str] = []
    methods = {name: (lambda name=name: calls.append(name)) for name in "abcd"}
    times = rounds.interleaved(methods, 4)
    after_a = [calls[i + 1] for i in range(len(calls) - 1) if calls[i] == "a" and i % 4 != 3]
    assert sorted(after_a) == ["b", "c", "d"]
    assert set(times) == set("abcd")
    assert math.isnan(rounds.interleaved({"x": lambda: 1 / 0}, 2, (ZeroDivisionError,))["x"])
