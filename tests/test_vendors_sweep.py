"""Shapes found by reading a second round of held-out real results of other engines (public
repositories' fixtures and saved outputs, kept outside the repository). Each test builds a small
body of the same structure inline and checks what the real file showed was lost or misread."""

from __future__ import annotations

import json

import ocrframe

# --- Document AI ---------------------------------------------------------------------------------

# One shard of a batch process's output (``<name>-1.json``): its pages are 11 and 12 of the
# document, and an entity's page reference is an index into this shard's ``pages`` (absent
# when 0, as protobuf's JSON leaves defaults out).
DOCAI_SHARD = {
    "shardInfo": {"shardCount": "5", "shardIndex": "1", "textOffset": "8"},
    "text": "Total 9\nTotal 7\n",
    "pages": [
        {"pageNumber": 11, "dimension": {"width": 100, "height": 50, "unit": "pixels"},
         "lines": [{"layout": {"textAnchor": {"textSegments": [{"endIndex": "8"}]}}}]},
        {"pageNumber": 12, "dimension": {"width": 100, "height": 50, "unit": "pixels"},
         "lines": [{"layout": {"textAnchor": {"textSegments": [
             {"startIndex": "8", "endIndex": "16"}]}}}]},
    ],
    "entities": [
        {"type": "total", "mentionText": "9", "confidence": 0.9,
         "pageAnchor": {"pageRefs": [{"boundingPoly": {"normalizedVertices": [
             {"x": 0.1, "y": 0.1}, {"x": 0.2, "y": 0.1}, {"x": 0.2, "y": 0.2},
             {"x": 0.1, "y": 0.2}]}}]}},
        {"type": "total", "mentionText": "7", "confidence": 0.8,
         "pageAnchor": {"pageRefs": [{"page": "1"}]}},
    ],
}  # fmt: skip


def test_docai_shard_entities_are_on_the_pages_they_refer_to():
    frames = ocrframe.read_response(json.dumps(DOCAI_SHARD)).flatten()
    assert frames["words"]["page"].tolist() == [11, 12]
    fields = frames["fields"]
    assert fields["value"].tolist() == ["9", "7"]
    assert fields["page"].tolist() == [11, 12]  # pages[0] and pages[1], not pages 1 and 2
    assert set(fields["page"]) <= set(frames["document"]["page"])
    assert fields["x_min"].tolist()[0] == 0.1
