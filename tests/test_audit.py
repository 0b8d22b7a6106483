import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ocrframe
from ocrframe.datasets.audit import (
    accuracy_by_confidence,
    audit,
    expected_calibration_error,
    threshold_sweep,
)
from ocrframe.errors import InputError


@pytest.fixture
def words():
    return pd.DataFrame(
        {
            "source": ["a", "a", "a", "a", "b", "b", "c"],
            "api": ["general-text"] * 7,
            "text": ["one", "two", " ", "four", "x", None, "z"],
            "confidence": [0.99, 0.80, 0.95, np.nan, 0.50, 0.91, 0.90],
        }
    )


def test_audit_per_document_hand_computed(words):
    out = audit(words, threshold=0.9)
    assert out["source"].tolist() == ["a", "b", "c"]
    a = out.iloc[0]
    assert a["n"] == 4 and a["n_scored"] == 3 and a["n_nan"] == 1
    assert a["mean"] == pytest.approx((0.99 + 0.80 + 0.95) / 3)
    assert a["median"] == pytest.approx(0.95)
    assert a["min"] == pytest.approx(0.80)
    assert a["p25"] == pytest.approx(np.quantile([0.99, 0.80, 0.95], 0.25))
    assert a["p5"] == pytest.approx(np.quantile([0.99, 0.80, 0.95], 0.05))
    assert a["n_below"] == 1 and a["share_below"] == pytest.approx(1 / 3)
    assert a["n_empty"] == 1  # " " is empty after strip
    b = out.iloc[1]
    assert b["n_below"] == 1 and b["share_below"] == 0.5 and b["n_empty"] == 1
    c = out.iloc[2]
    assert c["n_below"] == 0  # 0.90 is not below 0.90
    assert (out["threshold"] == 0.9).all()


def test_audit_overall_and_by_api(words):
    out = audit(words.drop(columns="source"))
    assert len(out) == 1 and out.loc[0, "n"] == 7 and out.loc[0, "n_below"] == 2
    by_api = audit(words, by="api")
    assert by_api.loc[0, "n_documents"] == 3
    assert by_api.loc[0, "share_below"] == pytest.approx(2 / 6)


def test_audit_fields_missing_and_empty():
    fields = pd.DataFrame(
        {
            "source": ["c1", "c1", "c2"],
            "api": "id-card",
            "field_norm": ["name", "number", "name"],
            "value": ["Ann", "", "Bo"],
            "confidence": [0.95, 0.7, 0.99],
        }
    )
    per_field = audit(fields, by="field", expected=["name", "number"])
    num = per_field.set_index("field_norm").loc["number"]
    assert num["n"] == 1 and num["n_missing"] == 1 and num["n_empty"] == 1
    per_doc = audit(fields, expected={"id-card": ["name", "number", "sex"]})
    assert per_doc.set_index("source")["n_missing"].to_dict() == {"c1": 1, "c2": 2}


def test_missing_fields_are_counted_per_document_whatever_names_their_api():
    """Documents of two APIs and of none (each its own expected list, a list for all when the
    frame names no API), and a name expected twice."""
    fields = pd.DataFrame(
        {
            "source": ["c1", "c1", "v1", "x1", "c2"],
            "api": ["id-card", "id-card", "vat-invoice", None, "id-card"],
            "field_norm": ["name", "number", "code", "name", "sex"],
            "confidence": [0.95, 0.7, 0.99, 0.5, 0.9],
        }
    )
    expected = {"id-card": ["name", "number", "sex"], "vat-invoice": ["code", "total"],
                "": ["name", "name"]}  # fmt: skip
    per_doc = audit(fields, expected=expected).set_index("source")["n_missing"]
    assert per_doc.to_dict() == {"c1": 1, "c2": 2, "v1": 1, "x1": 0}
    no_api = audit(fields.drop(columns="api"), expected=["name", "sex"])
    assert no_api.set_index("source")["n_missing"].to_dict() == {"c1": 1, "c2": 1, "v1": 2,
                                                                  "x1": 1}  # fmt: skip


def test_audit_bad_input(words):
    with pytest.raises(InputError, match="threshold"):
        audit(words, threshold=90)
    with pytest.raises(InputError, match="cannot group by"):
        audit(words, by="nope")
    with pytest.raises(InputError, match="confidence"):
        audit(words.drop(columns="confidence"))
    with pytest.raises(InputError, match="cannot audit"):
        audit(object())


def test_audit_empty_frame_keeps_schema():
    empty = pd.DataFrame({"source": pd.Series([], dtype=str), "text": [], "confidence": []})
    out = audit(empty)
    assert out.empty and "share_below" in out.columns


class _Chunked:
    """Stands in for a Batch: iter_frames yields chunks of one frame."""

    def __init__(self, df, size):
        self.df, self.size = df, size

    def __len__(self):
        return len(self.df)

    def iter_frames(self, name, chunk=500):
        for i in range(0, len(self.df), self.size):
            yield self.df.iloc[i : i + self.size]


def test_streamed_audit_matches_in_memory():
    rng = np.random.default_rng(0)
    n = 3000
    df = pd.DataFrame(
        {
            "source": rng.choice(list("abcdefg"), n),
            "api": rng.choice(["general-text", "web-image"], n),
            "text": rng.choice(["x", "", "yy"], n),
            "confidence": np.where(rng.random(n) < 0.05, np.nan, rng.random(n)),
        }
    )
    for by in (None, "api", ["api", "source"]):
        full = audit(df, by=by)
        streamed = audit(_Chunked(df, 400), by=by, stream=True)
        exact = ["n", "n_scored", "n_nan", "n_below", "n_empty", "n_missing"]
        pd.testing.assert_frame_equal(full[exact], streamed[exact])
        np.testing.assert_allclose(full["mean"], streamed["mean"])
        np.testing.assert_allclose(full["min"], streamed["min"])
        for q in ("median", "p5", "p25"):
            np.testing.assert_allclose(full[q], streamed[q], atol=2e-3)
        if "n_documents" in full:
            assert full["n_documents"].tolist() == streamed["n_documents"].tolist()


def test_threshold_sweep_exact_and_monotonic(words):
    out = threshold_sweep(words, [0.95, 0.5, 0.9, 1.0])
    assert out["threshold"].tolist() == [0.5, 0.9, 0.95, 1.0]
    # scored: .99 .80 .95 .50 .91 .90
    assert out["n_review"].tolist() == [0, 2, 4, 6]
    assert out["n_items"].unique().tolist() == [7]
    assert out["share_review"].tolist() == pytest.approx([0, 2 / 7, 4 / 7, 6 / 7])
    # doc minima: a .80, b .50, c .90
    assert out["n_documents_review"].tolist() == [0, 2, 3, 3]
    assert (np.diff(out["n_review"]) >= 0).all()
    streamed = threshold_sweep(_Chunked(words, 2), [0.95, 0.5, 0.9, 1.0], stream=True)
    pd.testing.assert_frame_equal(out, streamed)
    with pytest.raises(InputError):
        threshold_sweep(words, [])


def test_accuracy_by_confidence_and_ece():
    df = pd.DataFrame(
        {
            "confidence": [0.05, 0.15, 0.95, 0.92, 0.91, np.nan],
            "correct": [False, True, True, True, False, True],
        }
    )
    table = accuracy_by_confidence(df, bins=10)
    assert table["bin_lo"].tolist() == pytest.approx([0.0, 0.1, 0.9])
    assert table["count"].tolist() == [1, 1, 3]
    assert table["accuracy"].tolist() == pytest.approx([0.0, 1.0, 2 / 3])
    ece = expected_calibration_error(df, bins=10)
    want = (1 * 0.05 + 1 * 0.85 + 3 * abs(2 / 3 - (0.95 + 0.92 + 0.91) / 3)) / 5
    assert ece == pytest.approx(want)
    perfect = pd.DataFrame({"confidence": [1.0, 1.0, 0.0], "correct": [True, True, False]})
    assert expected_calibration_error(perfect) == pytest.approx(0.0)


def test_accuracy_by_confidence_against_truth_boxes():
    pred = pd.DataFrame(
        {
            "source": ["s", "s", "s"],
            "text": ["Hello", "w0rld", "stray"],
            "confidence": [0.99, 0.6, 0.7],
            "x_min": [0, 100, 500], "y_min": [0, 0, 500],
            "x_max": [90, 190, 520], "y_max": [20, 20, 510],
        }
    )  # fmt: skip
    truth = pd.DataFrame(
        {
            "source": ["s", "s"],
            "text": ["hello", "world"],
            "x_min": [2, 100], "y_min": [0, 1], "x_max": [88, 195], "y_max": [21, 20],
        }
    )  # fmt: skip
    table = accuracy_by_confidence(pred, truth, bins=2, ignore_case=True)
    assert table["count"].tolist() == [3]
    assert table["accuracy"].iloc[0] == pytest.approx(1 / 3)
    with pytest.raises(InputError):
        accuracy_by_confidence(pred.drop(columns="text"), truth)


def test_streamed_audit_of_nothing_has_schema():
    out = audit(_Chunked(pd.DataFrame({"text": [], "confidence": []}), 1), stream=True)
    assert out.loc[0, "n"] == 0 and "share_below" in out.columns


def test_batch_from_disk_streams_like_in_memory(tmp_path):
    import shutil

    from ocrframe.datasets.batch import read_responses
    from ocrframe.samples import SAMPLE_DIR

    for name in ("general-text.json", "general-text-chars.json", "web-image.json"):
        shutil.copy(SAMPLE_DIR / "responses" / name, tmp_path / name)
    batch = read_responses(tmp_path)
    words = batch.words()
    streamed = audit(batch, by="api", stream=True, chunk=1)
    full = audit(words, by="api")
    cols = ["api", "n", "n_scored", "n_below", "share_below", "n_documents"]
    pd.testing.assert_frame_equal(streamed[cols], full[cols])
    pd.testing.assert_frame_equal(threshold_sweep(batch, stream=True, chunk=1),
                                  threshold_sweep(words))  # fmt: skip


def test_catalog_expected_fields_count_missing_ones():
    frames = [
        ocrframe.fields(ocrframe.sample_path(api)).assign(api=api, source=api)
        for api in ("passport", "chile-id-card", "peru-id-card")
    ]
    fields = pd.concat(frames, ignore_index=True)
    full = ocrframe.audit(fields, by="api").set_index("api")["n_missing"]
    assert full.to_dict() == {"chile-id-card": 0, "passport": 0, "peru-id-card": 0}
    dropped = fields[~((fields["api"] == "passport") & (fields["field"] == "surname"))]
    after = ocrframe.audit(dropped, by="api").set_index("api")["n_missing"]
    assert after.to_dict() == {"chile-id-card": 0, "passport": 1, "peru-id-card": 0}


def test_large_batch_of_card_responses_streams_the_fields_frame(monkeypatch):
    # Above STREAM_AFTER the audit streams; it must pick the same frame (fields for card
    # APIs) as the in-memory audit, not fall back to an empty words frame.
    from ocrframe.datasets.batch import Batch

    resp = ocrframe.read_response(ocrframe.sample_path("thailand-id-card"))
    batch = Batch([ocrframe.Response(resp.raw, api=resp.api, source=f"c{i}") for i in range(6)])
    full = audit(batch, by="api", stream=False)
    streamed = audit(batch, by="api", stream=True, chunk=4)
    assert full.loc[0, "n"] == 6 * len(ocrframe.fields(resp)) > 0
    cols = ["api", "n", "n_scored", "n_below", "n_documents"]
    pd.testing.assert_frame_equal(streamed[cols], full[cols])
    assert threshold_sweep(batch, stream=True).equals(threshold_sweep(batch, stream=False))


def test_default_frame_of_a_cached_batch_reads_no_file(tmp_path):
    # The frame is chosen from the APIs the batch entries already know (the cache headers):
    # deciding it must not parse every response of a large dataset.
    from ocrframe.datasets.audit_inputs import default_frame
    from ocrframe.datasets.batch import read_responses
    from ocrframe.datasets.cache import Cache

    cache = Cache(tmp_path)
    raw = ocrframe.read_response(ocrframe.sample_path("passport")).raw
    for i in range(3):
        cache.put(cache.key("passport", {}, f"img{i}".encode()), raw, api="passport", source=f"{i}")
    batch = read_responses(tmp_path)
    for entry in batch.entries:
        os.remove(entry.path)  # a parse would now fail and be recorded
    assert default_frame(batch) == "fields"
    assert batch.errors.empty


def test_unknown_frame_name_is_named_in_the_error():
    from ocrframe.datasets.batch import Batch

    batch = Batch([ocrframe.read_response(ocrframe.sample_path("general-text"))])
    for fn in (audit, threshold_sweep):
        with pytest.raises(InputError, match=r"unknown frame 'wrods'; choose one of words"):
            fn(batch, frame="wrods")


def test_all_nan_audit_says_which_request_switch_gives_confidences():
    cells = pd.DataFrame({"source": ["t.png"] * 2, "api": "general-table", "text": ["a", "b"],
                          "confidence": [np.nan, np.nan]})  # fmt: skip
    with pytest.warns(UserWarning, match="general-table .* return_confidence=True"):
        table = audit(cells)
    assert table["mean"].isna().all()


def test_plates_are_audited_by_default(tmp_path):
    """A folder of licence plates (Thailand's or Chinese) holds no words: the audit looked at
    the empty words frame (n = 0 everywhere) unless told ``frame="plates"``."""
    import json

    from ocrframe.synth import synthesize

    for i, api in enumerate(["thailand-license-plate", "license-plate"] * 2):
        (tmp_path / f"r{i}.json").write_text(json.dumps(synthesize(api, seed=i)))
    got = audit(tmp_path)
    plates = ocrframe.read_responses(tmp_path).plates()
    assert got["n"].sum() == len(plates) > 0
    pd.testing.assert_frame_equal(got, audit(tmp_path, frame="plates"))


@pytest.mark.filterwarnings("ignore:no item has a confidence")  # the synthetic licences'
@pytest.mark.filterwarnings("ignore:skipping .*AIS.0103:RuntimeWarning")  # the error body
def test_responses_of_no_known_api_are_audited_by_what_they_hold(tmp_path):
    """Driving licences saved without their API, holding a key no SDK model declares, are
    told by nothing: the default frame came from the catalog alone, so they were audited from
    an empty words frame (n = 0 everywhere). The responses' own frames now tell it."""
    import json

    from ocrframe.synth import synthesize

    for i in range(3):
        body = synthesize("driver-license", seed=i)
        body["result"]["stamp_note"] = "void"
        (tmp_path / f"r{i}.json").write_text(json.dumps(body))
    error = {"error_code": "AIS.0103", "error_msg": "The image size does not meet the needs."}
    (tmp_path / "r3.json").write_text(json.dumps(error))  # an error body says nothing
    assert ocrframe.read_responses(tmp_path)[0].api is None
    fields = ocrframe.read_responses(tmp_path).fields()
    assert audit(tmp_path)["n"].sum() == len(fields) > 0


VENDORS = Path(__file__).resolve().parents[2] / "shared" / "data" / "vendors"


@pytest.mark.skipif(not VENDORS.is_dir(), reason="../shared/data/vendors absent")
def test_another_engines_result_with_fields_alone_is_audited_by_its_fields():
    """An Azure receipt (prebuilt receipt model) gives fields and no words: its audit looked at
    the empty words frame."""
    path = next((VENDORS / "azure-read").glob("*receipt*.json"))
    expected = len(ocrframe.fields(ocrframe.read_response(path)))
    assert audit(ocrframe.read_responses([path]))["n"].sum() == expected > 0


def test_grouping_by_vendor_does_not_depend_on_streaming(tmp_path):
    """A large batch is audited chunk by chunk, and its chunks carry ``vendor``; a small one
    was audited whole from a frame without it: ``by="vendor"`` worked on the one and raised
    on the other."""
    import json

    from ocrframe.synth import synthesize

    for i in range(3):
        (tmp_path / f"r{i}.json").write_text(json.dumps(synthesize("general-text", seed=i)))
    batch = ocrframe.read_responses(tmp_path)
    whole = audit(batch, by="vendor", stream=False)
    streamed = audit(batch, by="vendor", stream=True, chunk=1)
    assert whole["vendor"].tolist() == ["huawei"]
    exact = ["vendor", "n", "n_scored", "n_below", "n_empty", "share_below", "mean"]
    pd.testing.assert_frame_equal(whole[exact], streamed[exact])  # quantiles stream to 0.001


def test_a_list_of_responses_is_audited_as_their_batch(tmp_path):
    """``plot_confidence([r1, r2])`` took a list; ``audit`` refused it ("cannot audit a
    list"), and so did the threshold sweep and the review queue."""
    from ocrframe.synth import synthesize

    bodies = [synthesize("general-text", seed=s) for s in (1, 2)]
    responses = [ocrframe.read_response(b, source=f"page{i}.png") for i, b in enumerate(bodies)]
    batch = ocrframe.Batch(responses)
    pd.testing.assert_frame_equal(ocrframe.audit(responses), ocrframe.audit(batch))
    pd.testing.assert_frame_equal(
        ocrframe.threshold_sweep(tuple(responses)), ocrframe.threshold_sweep(batch)
    )
    assert ocrframe.audit(bodies)["n"].tolist() == [60, 60]  # dicts, read as read_response reads
    paths = []
    for i, b in enumerate(bodies):
        paths.append(tmp_path / f"r{i}.json")
        paths[-1].write_text(json.dumps(b))
    assert ocrframe.audit([str(p) for p in paths])["source"].tolist() == [str(p) for p in paths]
    queue = ocrframe.review_queue(responses, threshold=0.8, out=tmp_path / "review")
    assert len(queue) == int((batch.words()["confidence"] < 0.8).sum())
    with pytest.raises(InputError, match="list of responses is empty"):
        ocrframe.audit([])
