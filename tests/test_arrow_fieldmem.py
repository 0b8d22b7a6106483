"""Memory and work of the field reader (ocrframe.flatten.arrow.fields) over a dataset: the rows
are built once the parse, the bodies and the key tokens are let go (they are not alive with
the rows, which set the peak), and a pass whose files partly go back builds no rows."""

from __future__ import annotations

import json
import weakref
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ocrframe.datasets.batch import Batch, read_responses
from ocrframe.flatten.arrow import alarm_rows, dispatch, field_rows, fields
from ocrframe.flatten.arrow.columns import lex_order
from ocrframe.synth import synthesize


def write(tmp_path: Path, bodies: list[dict]) -> list[Path]:
    paths = []
    for i, body in enumerate(bodies):
        p = tmp_path / f"r{i:03d}.json"
        p.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
        paths.append(p)
    return paths


@pytest.fixture
def watched(monkeypatch):
    """Weak references to the buffers, tables and key tokens of each parse, and the number of
    live ones (of each kind) seen whenever ``fields`` or ``alarms`` rows are built."""
    refs: dict[str, list[weakref.ref]] = {"bodies": [], "table": [], "keys": []}
    seen: list[dict[str, int]] = []

    def watch(kind, fn):
        def wrapper(first, *args, **kwargs):
            got = fn(first, *args, **kwargs)
            if kind == "bodies":
                refs[kind].append(weakref.ref(first))
            else:
                refs[kind].append(weakref.ref(got))
            return got

        return wrapper

    def alive() -> dict[str, int]:
        return {kind: sum(r() is not None for r in rs) for kind, rs in refs.items()}

    def counted(cls):
        build = cls.rows

        def rows(self, pages):
            seen.append(alive())
            return build(self, pages)

        monkeypatch.setattr(cls, "rows", rows)

    monkeypatch.setattr(dispatch, "parse", watch("bodies", dispatch.parse))
    monkeypatch.setattr(dispatch, "one_chunk", watch("table", dispatch.one_chunk))
    monkeypatch.setattr(fields, "key_tokens", watch("keys", fields.key_tokens))
    counted(field_rows.FieldRows)
    counted(alarm_rows.AlarmRows)
    return seen


def same_as_general(paths: list[Path]) -> None:
    fast = read_responses(paths).flatten()
    ref = Batch(list(read_responses(paths))).flatten()
    assert fast.keys() == ref.keys()
    for name in ref:
        pd.testing.assert_frame_equal(fast[name], ref[name], obj=name)


def test_rows_are_built_after_the_parse_bodies_and_tokens_go(tmp_path, watched):
    paths = write(tmp_path, [synthesize("id-card", seed=i) for i in range(6)])
    frames = read_responses(paths).flatten()
    assert {"fields", "alarms"} <= frames.keys()
    assert len(watched) == 2  # one group, one pass: fields and alarms rows
    assert watched == [{"bodies": 0, "table": 0, "keys": 0}] * 2
    same_as_general(paths)


def test_a_pass_whose_files_go_back_builds_no_rows(tmp_path, watched):
    bodies = [synthesize("id-card", seed=i) for i in range(4)]
    for i, body in enumerate(bodies):  # file 2's is out of range: the walk sends it to other
        body["result"]["confidence"] = {"name": 1.5 if i == 2 else 0.5}
    paths = write(tmp_path, bodies)
    assert dispatch.read_frames(read_responses(paths).entries, ["fields"]).fallback == [2]
    # One parse, two passes of the reader: only the second (without file 2) builds rows.
    assert watched == [{"bodies": 0, "table": 0, "keys": 0}]
    same_as_general(paths)


def test_alarms_taken_together_keep_each_files_own_flags_and_scores(tmp_path):
    """Flags and scores of a level are read as one block (checks x files): a check a file
    lacks, a score of another type, an object only some files hold change nothing."""
    bodies = [
        {"result": {"name": "A", "detect_copy_result": True, "detect_blur_result": False,
                    "score_info": {"copy_score": 10, "blur_score": 0.5}}},
        {"result": {"name": "B", "detect_blur_result": True,
                    "front": {"detect_copy_result": False, "score_info": {"glare_score": 3}}}},
        {"result": {"name": "C", "score_info": {"blur_score": 2, "copy_score": 1.5},
                    "front": {"detect_glare_result": True}}},
        {"result": {"name": "D"}},
    ]  # fmt: skip
    paths = write(tmp_path, bodies * 2)
    assert dispatch.read_frames(read_responses(paths).entries, ["alarms"]).fallback == []
    same_as_general(paths)


@pytest.mark.parametrize(
    "keys",
    [
        (np.array([3, 1, 2, 1]), np.array([0, 0, 1, 0])),  # packed
        (np.array([2, -1, 0]), np.array([1, 1, 1])),  # a negative key: np.lexsort
        (np.array([1 << 40, 0, 5]), np.array([1 << 30, 1, 1])),  # too wide to pack
        (np.array([], dtype=np.int64), np.array([], dtype=np.int64)),
    ],
)
def test_lex_order_is_lexsort(keys):
    assert lex_order(keys).tolist() == np.lexsort(keys).tolist()


def test_keys_are_scanned_beside_the_parse(tmp_path, monkeypatch):
    """The key scan runs in a thread of its own while pyarrow parses the same bytes (both let
    go of the interpreter): the parse starts with the scan under way, and the frames are the
    general walk's. (Only for a megabyte or more: these few bodies stand in for that.)"""
    import threading

    monkeypatch.setattr(fields, "SCAN_BESIDE", 0)

    started = threading.Event()
    scan, parse = fields.key_tokens, dispatch.parse

    def scanning(*args, **kwargs):
        started.set()
        return scan(*args, **kwargs)

    def parsing(*args, **kwargs):
        assert started.wait(5), "the parse began before the key scan"
        return parse(*args, **kwargs)

    monkeypatch.setattr(fields, "key_tokens", scanning)
    monkeypatch.setattr(dispatch, "parse", parsing)
    paths = write(tmp_path, [synthesize("vat-invoice", seed=i) for i in range(5)])
    assert dispatch.read_frames(read_responses(paths).entries, ["fields"]).fallback == []
    same_as_general(paths)


def test_a_scan_that_fails_raises_in_the_reader():
    from ocrframe.flatten.arrow.background import in_thread

    result = in_thread(int, "not a number")
    with pytest.raises(ValueError, match="not a number"):
        result()


def test_a_small_dataset_is_scanned_after_the_parse_without_a_thread(tmp_path, monkeypatch):
    """A thread's memory arena costs more than a scan of under a megabyte saves."""
    import threading

    threads: list[str] = []
    scan = fields.key_tokens

    def scanning(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return scan(*args, **kwargs)

    monkeypatch.setattr(fields, "key_tokens", scanning)
    paths = write(tmp_path, [synthesize("vat-invoice", seed=i) for i in range(5)])
    assert dispatch.read_frames(read_responses(paths).entries, ["fields"]).fallback == []
    assert threads == [threading.main_thread().name]


def test_frames_without_rows_are_not_built(tmp_path, monkeypatch):
    """VAT invoices give fields rows alone: the readers' empty ``other``, ``kv`` and
    ``alarms`` parts are dropped, not built into frames (about a millisecond each)."""
    paths = write(tmp_path, [synthesize("vat-invoice", seed=i) for i in range(4)])
    built = []
    frame_of = dispatch.frame_of

    def counted(name, parts):
        frame, files = frame_of(name, parts)
        built.append((name, len(frame)))
        return frame, files

    monkeypatch.setattr(dispatch, "frame_of", counted)
    frames = read_responses(paths).flatten()
    assert built and all(rows for _, rows in built), built
    assert {name for name, _ in built} <= set(frames)
