"""Ground truth of the bundled images."""

from __future__ import annotations

import shutil

import pytest

import ocrframe


def test_ground_truth_of_a_sample_and_of_a_path(tmp_path):
    by_name = ocrframe.ground_truth("table")
    assert list(by_name.columns[:3]) == ["source", "page", "text"]
    assert len(by_name) > 5 and (by_name["x3"] > by_name["x1"]).all()
    copy = tmp_path / "t.png"
    shutil.copy(ocrframe.sample_path("table"), copy)
    shutil.copy(ocrframe.sample_path("table.gt.json"), tmp_path / "t.gt.json")
    by_path = ocrframe.ground_truth(copy)
    assert by_path["text"].tolist() == by_name["text"].tolist()
    assert set(by_path["source"]) == {str(copy)}


def test_missing_or_broken_ground_truth_is_a_clear_error(tmp_path):
    image = tmp_path / "scan.png"
    shutil.copy(ocrframe.sample_path("form"), image)
    with pytest.raises(ocrframe.InputError, match="scan.gt.json"):
        ocrframe.ground_truth(image)
    (tmp_path / "scan.gt.json").write_text('{"lines": [{"text": "a"}]}')
    with pytest.raises(ocrframe.InputError, match="KeyError"):
        ocrframe.ground_truth(image)
