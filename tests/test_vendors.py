"""Other engines' saved results: detection, counts of the real files in ../shared/data/vendors
(the README there gives them), no value lost, and hand-written bodies of the formats that have
no shared file."""

from __future__ import annotations

import json
import math
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

import ocrframe
from ocrframe import ResponseFormatError
from ocrframe.flatten import FRAMES, SCHEMAS, empty_frame

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    """Plots here draw on the current figure: close it so later tests start clean."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


VENDORS = Path(__file__).resolve().parents[2] / "shared" / "data" / "vendors"
needs_data = pytest.mark.skipif(not VENDORS.is_dir(), reason="../shared/data/vendors absent")

# file -> (vendor, expected counts) from ../shared/data/vendors/README.md. "words" are the
# engine's words (our `tokens`), "lines" our `words`; mean_word_confidence on the file's scale.
EXPECTED = {
    "textract/aws-samples_amazon-textract-textractor__test_textractor_analyze_document.json": (
        "textract",
        {"pages": 1, "words": 51, "lines": 24, "tables": 1, "cells": 15, "spanning": 1,
         "kv": 7, "mean_word_confidence": 99.0803},
    ),
    "textract/aws-samples_amazon-textract-textractor__test_analyze_expense_from_image.json": (
        "textract",
        {"pages": 1, "words": 92, "lines": 39, "mean_word_confidence": 98.0269},
    ),
    "docai/googleapis_python-documentai-toolbox__pretrained-ocr-v2.0-2023-06-02_math_output.json": (
        "docai",
        {"pages": 1, "words": 1, "lines": 1, "mean_word_confidence": 1.0},
    ),
    "docai/googleapis_python-documentai-toolbox__layout_parser.json": ("docai", {"pages": 15}),
    "gvision/kba_ocr-fileformat-samples__test_picture.json": (
        "gvision",
        {"pages": 1, "words": 20, "lines": 5},  # lines from the whole text's line breaks
    ),
    "azure-di/microsoft_OCR-Form-Tools__testdata.jpg.2021-09-30-preview.ocr.json": (
        "azure",
        {"pages": 1, "words": 44, "lines": 11, "tables": 1, "cells": 6,
         "mean_word_confidence": 0.9883},
    ),
    "azure-di/deepset-ai_haystack__azure_sample_pdf_3.json": (
        "azure",
        {"pages": 1, "words": 23, "lines": 6, "tables": 1, "cells": 5, "spanning": 2,
         "mean_word_confidence": 0.9886},
    ),
    "azure-read/Azure-Samples_cognitive-services-REST-api-samples__receipt-result.json": (
        "azure",
        {"pages": 1, "fields": 11},
    ),
    "paddleocr/marksverdhei_autonomous-pokerogue__general_ocr_002_res.json": (
        "paddleocr",
        {"pages": 1, "lines": 33},
    ),
    "tesseract/kba_ocr-fileformat-samples__060.hocr": (
        "tesseract",
        {"pages": 1, "words": 338, "lines": 45, "mean_word_confidence": 84.2456},
    ),
}  # fmt: skip
SCALE = {"textract": 100.0, "tesseract": 100.0}


def _counts(frames: dict[str, pd.DataFrame]) -> dict[str, float]:
    def get(name: str) -> pd.DataFrame:
        return frames.get(name, empty_frame(name))

    cells = get("cells")
    return {
        "pages": len(get("document")),
        "words": len(get("tokens")),
        "lines": len(get("words")),
        "tables": len(cells[["page", "table"]].drop_duplicates()),
        "cells": len(cells),
        "spanning": int(((cells["row_span"] > 1) | (cells["col_span"] > 1)).sum()),
        "kv": len(get("kv")),
        "fields": int((get("fields")["group"] == "").sum()),
    }


@needs_data
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shared_file_counts(name):
    vendor, want = EXPECTED[name]
    resp = ocrframe.read_response(VENDORS / name)
    assert resp.vendor == vendor
    frames = ocrframe.flatten(resp)
    got = _counts(frames)
    for key, value in want.items():
        if key == "mean_word_confidence":
            conf = frames["tokens"]["confidence"]
            assert conf.between(0, 1).all()
            assert conf.mean() * SCALE.get(vendor, 1.0) == pytest.approx(value, abs=1e-4)
        else:
            assert got[key] == value, key
    for frame in frames.values():
        if "confidence" in frame.columns:
            c = frame["confidence"].dropna()
            assert ((c >= 0) & (c <= 1)).all()


def _leaves(node, path=""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _leaves(v, f"{path}.{k}" if path else k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _leaves(v, f"{path}[{i}]")
    else:
        yield path, node


# Keys that are structure (ids linking blocks, offsets into the document text): the frames
# hold what they link, not the links.
STRUCTURE = {"Id", "Ids", "BlockType", "Type", "offset", "length", "startIndex", "endIndex"}


def _frame_values(frames: dict[str, pd.DataFrame]) -> tuple[set[str], set[float]]:
    texts, numbers = set(), set()
    for f in frames.values():
        for col in f.columns:
            for v in f[col].dropna().tolist() if f[col].dtype != object else f[col].tolist():
                if isinstance(v, str):
                    texts.add(v)
                    texts.add(v.strip())
                elif isinstance(v, (list, tuple)):
                    numbers.update(float(e) for e in v)
                elif v is not None and not (isinstance(v, float) and math.isnan(v)):
                    numbers.add(round(float(v), 6))
    return texts, numbers


@needs_data
@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n.endswith(".json")))
def test_no_scalar_value_is_lost(name):
    assert_nothing_lost(json.loads((VENDORS / name).read_text()))


def assert_nothing_lost(raw: dict) -> None:
    """Every scalar of ``raw`` is in a frame: in ``other`` at its path, or a frame value (a
    number as it is, on the 0-100 scale divided by 100, or as its JSON text)."""
    frames = ocrframe.flatten(raw)
    other = set(frames["other"]["path"]) if "other" in frames else set()
    texts, numbers = _frame_values(frames)
    lost = []
    for path, value in _leaves(raw):
        key = path.rsplit(".", 1)[-1].split("[")[0]
        if path in other or key in STRUCTURE or value is None or isinstance(value, bool):
            continue
        if isinstance(value, str) and {value, value.strip(), value.lower()} & texts:
            continue
        if isinstance(value, (int, float)) and (
            round(float(value), 6) in numbers
            or round(float(value) / 100, 6) in numbers
            or json.dumps(value) in texts
        ):
            continue
        lost.append((path, value))
    assert not lost, lost[:10]


@needs_data
def test_hocr_words_confidences_and_other():
    resp = ocrframe.read_response(VENDORS / "tesseract/kba_ocr-fileformat-samples__060.hocr")
    tokens, other = resp.tokens(), ocrframe.other(resp)
    assert tokens["text"].tolist()[3:6] == ["Výlety", "do", "okolí."]
    assert tokens["confidence"].tolist()[3:6] == [0.78, 0.88, 0.89]
    assert tokens.loc[3, ["x1", "y1", "x3", "y3"]].tolist() == [361, 147, 500, 190]
    # hOCR properties no frame holds keep their element id
    assert "hocr#line_1_4.baseline" in set(other["path"])
    assert ocrframe.document(resp)[["width", "height", "unit"]].values.tolist() == [
        [1112.0, 1777.0, "pixel"]
    ]


@needs_data
def test_textract_merged_cell_and_pairs():
    name = "textract/aws-samples_amazon-textract-textractor__test_textractor_analyze_document.json"
    cells = ocrframe.cells(VENDORS / name)
    merged = cells[cells["col_span"] > 1]
    assert merged[["row", "col", "row_span", "col_span"]].values.tolist() == [[0, 1, 1, 2]]
    assert cells["row"].min() == 0 and cells["col"].min() == 0  # 0-based
    kv = ocrframe.kv(VENDORS / name)
    assert kv.set_index("key").loc["Date :", "value"] == "08/14/2022"
    assert len(ocrframe.tables(VENDORS / name)) == 1


@needs_data
def test_mixed_batch_has_a_vendor_column_and_audits_by_vendor():
    files = [VENDORS / n for n in sorted(EXPECTED)]
    batch = ocrframe.Batch([ocrframe.read_response(f) for f in files])
    words = batch.words()
    assert list(words.columns[:4]) == ["source", "api", "vendor", "page"]
    assert {"textract", "azure", "tesseract", "paddleocr"} <= set(words["vendor"])
    table = ocrframe.audit(batch, by="vendor").set_index("vendor")
    assert table.loc["tesseract", "n"] == 45
    ax = ocrframe.plot_confidence(batch, by="vendor")
    assert len(ax.get_legend().get_texts()) >= 4
    # the same files reopened from disk
    assert read_back_vendors(files) == set(words["vendor"])


def read_back_vendors(files):
    return set(ocrframe.read_responses(files).words()["vendor"])


# --- detection, forcing, errors, round trip ----------------------------------------------------


def test_huawei_responses_are_unchanged():
    resp = ocrframe.read_response(ocrframe.sample_path("general-text"))
    assert resp.vendor == "huawei" and "vendor" not in resp.to_dict()["_ocrframe"]
    assert list(ocrframe.Batch([resp]).words().columns[:3]) == ["source", "api", "page"]
    assert len(resp.tokens()) == 0 and list(resp.tokens().columns) == [
        c for c, _ in SCHEMAS["tokens"]
    ]


def test_unknown_shape_lists_known_formats():
    with pytest.raises(ResponseFormatError) as err:
        ocrframe.read_response({"foo": [1, 2]})
    for name in ("textract", "azure", "docai", "gvision", "paddleocr", "tesseract"):
        assert name in str(err.value)
    # a body of unknown shape said to be of a Huawei API stays Huawei's, as before
    assert ocrframe.read_response({"foo": 1}, api="general-text").vendor == "huawei"
    with pytest.raises(ResponseFormatError, match="unknown vendor"):
        ocrframe.read_response({"Blocks": []}, vendor="abbyy")


def test_vendor_can_be_forced_and_survives_a_round_trip(tmp_path):
    body = {"Blocks": [{"BlockType": "LINE", "Id": "a", "Text": "x", "Confidence": 50}]}
    resp = ocrframe.read_response(body, source="scan.png")
    assert (resp.vendor, resp.api) == ("textract", None)
    resp.to_json(tmp_path / "r.json")
    back = ocrframe.read_response(tmp_path / "r.json")
    assert back == resp and back.words()["confidence"].tolist() == [0.5]
    # forcing the engine skips detection
    forced = ocrframe.read_response({"rec_texts": ["a"], "rec_scores": [0.5]}, vendor="paddleocr")
    assert forced.vendor == "paddleocr" and forced.words()["text"].tolist() == ["a"]


# --- hand-written bodies of formats without a shared file --------------------------------------


def _geo(x, y, w=0.1, h=0.05):
    pts = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
    return {
        "BoundingBox": {"Left": x, "Top": y, "Width": w, "Height": h},
        "Polygon": [{"X": a, "Y": b} for a, b in pts],
    }


def test_textract_detect_document_text_multi_page_get_pages():
    pages = [
        {
            "JobStatus": "SUCCEEDED",
            "DetectDocumentTextModelVersion": "1.0",
            "Blocks": [
                {"BlockType": "PAGE", "Id": f"p{n}", "Page": n, "Geometry": _geo(0, 0, 1, 1)},
                {"BlockType": "LINE", "Id": f"l{n}", "Page": n, "Text": f"page {n}",
                 "Confidence": 90.0 + n, "Geometry": _geo(0.1, 0.1),
                 "Relationships": [{"Type": "CHILD", "Ids": [f"w{n}a", f"w{n}b"]}]},
                {"BlockType": "WORD", "Id": f"w{n}a", "Page": n, "Text": "page",
                 "Confidence": 95.0, "TextType": "PRINTED", "Geometry": _geo(0.1, 0.1)},
                {"BlockType": "WORD", "Id": f"w{n}b", "Page": n, "Text": str(n),
                 "Confidence": 85.0, "TextType": "HANDWRITING", "Geometry": _geo(0.2, 0.1)},
            ],
        }
        for n in (1, 2)
    ]  # fmt: skip
    resp = ocrframe.read_response(json.dumps(pages))
    assert resp.vendor == "textract" and resp.api is None
    words, tokens = resp.words(), resp.tokens()
    assert words[["page", "text", "confidence"]].values.tolist() == [
        [1, "page 1", 0.91],
        [2, "page 2", 0.92],
    ]
    assert tokens[["page", "block", "token", "confidence"]].values.tolist() == [
        [1, 0, 0, 0.95], [1, 0, 1, 0.85], [2, 0, 0, 0.95], [2, 0, 1, 0.85]
    ]  # fmt: skip
    assert ocrframe.document(resp)["unit"].tolist() == ["normalized", "normalized"]
    assert "HANDWRITING" in set(ocrframe.other(resp)["value"])


def test_textract_queries_layout_signatures():
    blocks = [
        {"BlockType": "LINE", "Id": "l1", "Text": "Total 12.50", "Confidence": 99.0,
         "Geometry": _geo(0.1, 0.8), "Relationships": [{"Type": "CHILD", "Ids": []}]},
        {"BlockType": "LAYOUT_TITLE", "Id": "t", "Confidence": 80.0, "Geometry": _geo(0.1, 0.05),
         "Relationships": [{"Type": "CHILD", "Ids": ["l1"]}]},
        {"BlockType": "SIGNATURE", "Id": "s", "Confidence": 70.0, "Geometry": _geo(0.5, 0.9)},
        {"BlockType": "QUERY", "Id": "q", "Query": {"Text": "What is the total?",
         "Alias": "TOTAL"}, "Relationships": [{"Type": "ANSWER", "Ids": ["a"]}]},
        {"BlockType": "QUERY_RESULT", "Id": "a", "Text": "12.50", "Confidence": 93.0,
         "Geometry": _geo(0.3, 0.8)},
        {"BlockType": "QUERY", "Id": "q2", "Query": {"Text": "Who signed?"}},
    ]  # fmt: skip
    body = {"AnalyzeDocumentModelVersion": "1.0", "Blocks": blocks}
    layout = ocrframe.layout(body)
    assert layout[["type", "text", "words_ids"]].values.tolist()[0] == ["title", "Total 12.50", [0]]
    assert layout["type"].iloc[1] == "signature" and pd.isna(layout["text"].iloc[1])
    fields = ocrframe.fields(body)
    assert fields[["group", "field", "value", "confidence"]].values.tolist()[0] == [
        "queries", "TOTAL", "12.50", 0.93
    ]  # fmt: skip
    assert fields["field"].tolist()[1] == "Who signed?" and pd.isna(fields["value"].iloc[1])


def test_textract_analyze_id_fields_share_huawei_names():
    def field(name, value, c=98.0):
        return {"Type": {"Text": name}, "ValueDetection": {"Text": value, "Confidence": c}}

    body = {
        "DocumentMetadata": {"Pages": 1},
        "AnalyzeIDModelVersion": "1.0",
        "IdentityDocuments": [
            {
                "DocumentIndex": 1,
                "IdentityDocumentFields": [
                    field("FIRST_NAME", "JANE"),
                    field("LAST_NAME", "DOE"),
                    field("DATE_OF_BIRTH", "01/02/1990"),
                    field("EXPIRATION_DATE", "01/02/2030", 60.0),
                    field("DOCUMENT_NUMBER", "X123"),
                ],
            }
        ],
    }
    resp = ocrframe.read_response(body)
    assert resp.api == "AnalyzeID"
    f = resp.fields().set_index("field")
    assert f["field_norm"].to_dict() == {
        "FIRST_NAME": "given_name",
        "LAST_NAME": "surname",
        "DATE_OF_BIRTH": "birth_date",
        "EXPIRATION_DATE": "expiry_date",
        "DOCUMENT_NUMBER": "document_number",
    }
    assert f.loc["EXPIRATION_DATE", "confidence"] == 0.6


def test_azure_v4_polygon_and_id_document():
    body = {
        "status": "succeeded",
        "analyzeResult": {
            "apiVersion": "2024-11-30",
            "modelId": "prebuilt-idDocument",
            "content": "JANE DOE",
            "pages": [
                {"pageNumber": 1, "width": 8.5, "height": 11, "unit": "inch",
                 "words": [{"content": "JANE", "polygon": [1, 1, 2, 1, 2, 1.5, 1, 1.5],
                            "confidence": 0.99, "span": {"offset": 0, "length": 4}},
                           {"content": "DOE", "polygon": [2.1, 1, 3, 1, 3, 1.5, 2.1, 1.5],
                            "confidence": 0.5, "span": {"offset": 5, "length": 3}}],
                 "lines": [{"content": "JANE DOE", "polygon": [1, 1, 3, 1, 3, 1.5, 1, 1.5],
                            "spans": [{"offset": 0, "length": 8}]}]},
            ],
            "documents": [{"docType": "idDocument.driverLicense", "fields": {
                "FirstName": {"type": "string", "valueString": "JANE", "content": "JANE",
                              "confidence": 0.97, "boundingRegions": [
                                  {"pageNumber": 1, "polygon": [1, 1, 2, 1, 2, 1.5, 1, 1.5]}]},
                "DateOfExpiration": {"type": "date", "valueDate": "2030-01-02",
                                     "confidence": 0.9},
            }}],
        },
    }  # fmt: skip
    resp = ocrframe.read_response(body)
    assert (resp.vendor, resp.api) == ("azure", "prebuilt-idDocument")
    words = resp.words()
    assert words[["text", "x3", "y3"]].values.tolist() == [["JANE DOE", 3.0, 1.5]]
    assert words["confidence"].iloc[0] == pytest.approx(0.745)  # mean of its words
    assert resp.tokens()["block"].tolist() == [0, 0]
    f = resp.fields().set_index("field")
    assert f.loc["FirstName", "field_norm"] == "given_name"
    assert f.loc["DateOfExpiration", ["field_norm", "value"]].tolist() == [
        "expiry_date",
        "2030-01-02",
    ]
    doc = ocrframe.document(resp)
    px = ocrframe.to_pixels(words, doc, (850, 1100))
    assert px[["x1", "y1", "x3", "y3"]].values.tolist() == [[100.0, 100.0, 300.0, 150.0]]
    with pytest.raises(ocrframe.InputError, match="inch"):
        ocrframe.to_pixels(words, doc)


def test_vision_full_text_annotation_to_symbols():
    def sym(c, brk=None):
        s = {"text": c, "confidence": 0.9}
        if brk:
            s["property"] = {"detectedBreak": {"type": brk}}
        return s

    def word(text, brk, x):
        verts = [{"x": x, "y": 0}, {"x": x + 10}, {"x": x + 10, "y": 8}, {"x": x, "y": 8}]
        return {"boundingBox": {"vertices": verts}, "confidence": 0.8,
                "symbols": [sym(c) for c in text[:-1]] + [sym(text[-1], brk)]}  # fmt: skip

    page = {"width": 100, "height": 50, "blocks": [{"blockType": "TEXT", "paragraphs": [
        {"words": [word("Hi", "SPACE", 0), word("you", "LINE_BREAK", 12),
                   word("ok", "EOL_SURE_SPACE", 0)]}]}]}  # fmt: skip
    body = {"responses": [{"fullTextAnnotation": {"pages": [page], "text": "Hi you\nok\n"},
                           "textAnnotations": [{"description": "Hi you\nok\n"}]}]}  # fmt: skip
    resp = ocrframe.read_response(body)
    assert (resp.vendor, resp.api) == ("gvision", "document-text-detection")
    assert resp.words()[["text", "x1", "y1", "x3", "y3"]].values.tolist() == [
        ["Hi you", 0.0, 0.0, 22.0, 8.0],
        ["ok", 0.0, 0.0, 10.0, 8.0],
    ]
    chars = resp.chars()
    assert chars["text"].str.cat() == "Hiyouok" and chars["block"].tolist() == [0] * 5 + [1] * 2
    assert resp.tokens()["confidence"].tolist() == [0.8, 0.8, 0.8]
    assert ocrframe.layout(resp)["type"].tolist() == ["text", "paragraph"]


def test_vision_text_annotations_alone_give_lines_where_the_words_line_up():
    def ann(text, x):
        verts = [{"x": x, "y": 0}, {"x": x + 10, "y": 0}, {"x": x + 10, "y": 8}, {"x": x, "y": 8}]
        return {"description": text, "boundingPoly": {"vertices": verts}}

    words = [ann("Total", 0), ann("5.00", 20), ann("Thank", 0), ann("you", 12), ann("!", 24)]
    body = {"textAnnotations": [{"description": "Total 5.00\nThank you!\n"}, *words]}
    resp = ocrframe.read_response(body)
    assert resp.words()[["block", "text", "x1", "x3"]].values.tolist() == [
        [0, "Total 5.00", 0.0, 30.0],
        [1, "Thank you!", 0.0, 34.0],
    ]
    assert resp.tokens()["block"].tolist() == [0, 0, 1, 1, 1]
    body["textAnnotations"][0]["description"] = "Total 5.00\nThank me!\n"  # no match
    resp = ocrframe.read_response(body)
    assert resp.words().empty and resp.tokens()["text"].tolist() == [
        w["description"] for w in words
    ]


TSV = (
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
    "1\t1\t0\t0\t0\t0\t0\t0\t200\t100\t-1\t\n"
    "2\t1\t1\t0\t0\t0\t10\t10\t100\t20\t-1\t\n"
    "3\t1\t1\t1\t0\t0\t10\t10\t100\t20\t-1\t\n"
    "4\t1\t1\t1\t1\t0\t10\t10\t100\t20\t-1\t\n"
    "5\t1\t1\t1\t1\t1\t10\t10\t40\t20\t96.5\tHello\n"
    "5\t1\t1\t1\t1\t2\t60\t10\t50\t20\t-1\t \n"
)


def test_tesseract_tsv_file_and_dict(tmp_path):
    path = tmp_path / "page.tsv"
    path.write_text(TSV)
    resp = ocrframe.read_response(path)
    assert (resp.vendor, resp.api) == ("tesseract", "image-to-data")
    tokens = resp.tokens()
    assert tokens["confidence"].iloc[0] == 0.965 and np.isnan(tokens["confidence"].iloc[1])
    assert resp.words()[["text", "confidence", "x1", "x3"]].values.tolist() == [
        ["Hello", 0.965, 10.0, 110.0]
    ]
    as_dict = ocrframe.read_response(json.dumps(resp.raw))  # pytesseract Output.DICT saved
    pd.testing.assert_frame_equal(as_dict.tokens(), tokens)
    assert ocrframe.layout(resp)["type"].tolist() == ["block", "paragraph"]


def test_text_that_is_neither_json_nor_tesseract_says_what_each_needs(tmp_path):
    """A .tsv whose header is not image_to_data's and an HTML page that is not hOCR are refused
    with what a Tesseract result must hold, not only the JSON parser's complaint."""
    bad_tsv = tmp_path / "page.tsv"
    bad_tsv.write_text("text\tconf\nHello\t96\n")
    bad_hocr = tmp_path / "page.hocr"
    bad_hocr.write_text("<html><body><p>no OCR here</p></body></html>")
    for path in (bad_tsv, bad_hocr):
        with pytest.raises(ResponseFormatError, match="nor is it a Tesseract result") as info:
            ocrframe.read_response(path)
        assert "level page_num block_num" in str(info.value) and "ocrx_word" in str(info.value)
    with pytest.raises(ResponseFormatError) as info:  # broken JSON keeps the JSON message
        ocrframe.read_response('{"result": [1, 2')
    assert "Tesseract" not in str(info.value)
    assert ocrframe.read_response(TSV).vendor == "tesseract"  # the good ones still read


def _anchor(a, b):
    return {"textSegments": [{"startIndex": str(a), "endIndex": str(b)}]}


def _layout(a, b, x, y, c=0.9):
    verts = [{"x": x, "y": y}, {"x": x + 0.2, "y": y}, {"x": x + 0.2, "y": y + 0.1},
             {"x": x, "y": y + 0.1}]  # fmt: skip
    return {"textAnchor": _anchor(a, b), "confidence": c,
            "boundingPoly": {"normalizedVertices": verts}}  # fmt: skip


def test_docai_tables_form_fields_entities():
    text = "Name: Jane\nA B\nC\n"
    cell = lambda a, b, **span: {"layout": _layout(a, b, 0, 0.5), **span}  # noqa: E731
    doc = {
        "text": text,
        "pages": [{
            "pageNumber": 1, "dimension": {"width": 1000, "height": 500, "unit": "pixels"},
            "lines": [{"layout": _layout(0, 11, 0, 0)}],
            "tokens": [{"layout": _layout(0, 6, 0, 0, 0.8)}, {"layout": _layout(6, 11, 0.3, 0)}],
            "tables": [{"headerRows": [{"cells": [cell(11, 13), cell(13, 15)]}],
                        "bodyRows": [{"cells": [cell(15, 17, colSpan=2)]}]}],
            "formFields": [{"fieldName": {"textAnchor": _anchor(0, 5), "confidence": 0.7},
                            "fieldValue": {"textAnchor": _anchor(6, 10), "confidence": 0.95}}],
        }],
        "entities": [{"type": "Given Names", "mentionText": "Jane", "confidence": 0.88,
                      "pageAnchor": {"pageRefs": [{"boundingPoly": {"normalizedVertices": [
                          {"x": 0.3}, {"x": 0.5}, {"x": 0.5, "y": 0.1}, {"x": 0.3, "y": 0.1}]}}]},
                      "properties": [{"type": "initial", "mentionText": "J"}]}],
    }  # fmt: skip
    resp = ocrframe.read_response({"document": doc, "humanReviewStatus": {}})
    assert resp.vendor == "docai"
    assert resp.words()["text"].tolist() == ["Name: Jane"]
    assert resp.tokens()[["text", "block", "confidence"]].values.tolist() == [
        ["Name:", 0, 0.8], ["Jane", 0, 0.9]
    ]  # fmt: skip
    cells = resp.cells()
    assert cells[["row", "col", "row_span", "col_span", "text"]].values.tolist() == [
        [0, 0, 1, 1, "A"], [0, 1, 1, 1, "B"], [1, 0, 1, 2, "C"]
    ]  # fmt: skip
    kv = resp.kv()
    assert kv[["key", "value", "confidence"]].values.tolist() == [["Name:", "Jane", 0.95]]
    fields = resp.fields()
    assert fields[["group", "field", "field_norm", "value", "page"]].values.tolist() == [
        ["", "Given Names", "given_name", "Jane", 1],
        ["Given Names", "initial", "initial", "J", 1],
    ]
    assert fields["x1"].iloc[0] == 0.3 and fields["y1"].iloc[0] == 0.0
    doc_frame = ocrframe.document(resp)
    assert doc_frame[["image_width", "unit"]].values.tolist() == [[1000, "normalized"]]
    # the key's own confidence is kept in `other`
    assert "0.7" in set(ocrframe.other(resp)["value"])


def test_paddle_v2_pages():
    line = [[[0, 0], [10, 0], [10, 5], [0, 5]], ["Hi", 0.93]]
    resp = ocrframe.read_response(json.dumps([[line, line], None, [line]]))
    assert resp.vendor == "paddleocr"
    assert resp.words()[["page", "block", "text", "confidence"]].values.tolist() == [
        [1, 0, "Hi", 0.93], [1, 1, "Hi", 0.93], [3, 0, "Hi", 0.93]
    ]  # fmt: skip


def test_every_frame_of_a_vendor_response_keeps_the_schema():
    body = {"Blocks": [{"BlockType": "WORD", "Id": "w", "Text": "a", "Confidence": 50}]}
    for name in FRAMES:
        frame = getattr(ocrframe, name)(body)
        assert list(frame.columns)[: len(SCHEMAS[name])] == [c for c, _ in SCHEMAS[name]]


def test_azure_ai_vision_image_analysis_and_legacy_ocr():
    def poly(x0, x1):
        return [{"x": x0, "y": 1}, {"x": x1, "y": 1}, {"x": x1, "y": 9}, {"x": x0, "y": 9}]

    body = {
        "modelVersion": "2023-10-01",
        "metadata": {"width": 100, "height": 50},
        "readResult": {
            "blocks": [
                {
                    "lines": [
                        {
                            "text": "Hi you",
                            "boundingPolygon": poly(1, 60),
                            "words": [
                                {"text": "Hi", "boundingPolygon": poly(1, 20), "confidence": 0.99},
                                {"text": "you", "boundingPolygon": poly(25, 60), "confidence": 0.9},
                            ],
                        }
                    ]
                }
            ]
        },
    }
    resp = ocrframe.read_response(body)
    assert (resp.vendor, resp.api) == ("azure", "image-analysis-read")
    assert resp.words()[["text", "x3"]].values.tolist() == [["Hi you", 60.0]]
    assert resp.words()["confidence"].iloc[0] == pytest.approx(0.945)
    assert ocrframe.document(resp)[["width", "unit"]].values.tolist() == [[100, "pixel"]]
    legacy = {
        "language": "en",
        "textAngle": 0.0,
        "orientation": "Up",
        "regions": [
            {
                "boundingBox": "0,0,50,10",
                "lines": [
                    {
                        "boundingBox": "0,0,50,10",
                        "words": [
                            {"boundingBox": "0,0,20,10", "text": "Hi"},
                            {"boundingBox": "25,0,25,10", "text": "you"},
                        ],
                    }
                ],
            }
        ],
    }
    resp = ocrframe.read_response(legacy)
    assert (resp.vendor, resp.api) == ("azure", "vision-ocr")
    assert resp.words()["text"].tolist() == ["Hi you"]
    assert resp.tokens()[["x1", "x3"]].values.tolist() == [[0.0, 20.0], [25.0, 50.0]]


def test_paddle_system_results_lines():
    lines = [{"transcription": "Hi", "points": [[0, 0], [9, 0], [9, 5], [0, 5]], "score": 0.9}]
    resp = ocrframe.read_response(json.dumps(lines))
    assert resp.vendor == "paddleocr"
    assert resp.words()[["text", "confidence", "x3"]].values.tolist() == [["Hi", 0.9, 9.0]]


def test_textract_expense_summary_fields_are_top_level():
    name = "textract/aws-samples_amazon-textract-textractor__test_analyze_expense_from_image.json"
    if not (VENDORS / name).is_file():
        pytest.skip("../shared/data/vendors absent")
    fields = ocrframe.fields(VENDORS / name)
    top = fields[fields["group"] == ""]
    assert len(top) == 25  # SummaryFields; line items keep their group
    assert "MEGA MARKET PLUS" in set(top.loc[top["field_norm"] == "vendor_name", "value"])
    assert fields["group"].str.startswith("line_items[").sum() > 0


def test_plots_and_viewer_scale_normalised_polygons_to_the_image():
    from ocrframe.widgets import Viewer

    body = {"Blocks": [{"BlockType": "LINE", "Id": "l", "Text": "Hi", "Confidence": 90.0,
                        "Geometry": _geo(0.5, 0.25)}]}  # fmt: skip
    image = np.zeros((200, 400), np.uint8)  # 400 x 200 pixels
    ax = ocrframe.plot_polygons(ocrframe.read_response(body), image)
    verts = ax.collections[0].get_paths()[0].vertices[:4]
    assert verts[0].tolist() == pytest.approx([200.0, 50.0])
    assert verts[2].tolist() == pytest.approx([240.0, 60.0])
    viewer = Viewer({"page": ocrframe.read_response(body)}, images={"page": image})
    assert viewer.frame[["x1", "y1"]].values.tolist() == [[200.0, 50.0]]


def test_hocr_lines_without_word_elements_keep_their_text():
    hocr = (
        "<html><body><div class='ocr_page' title='bbox 0 0 300 100'>"
        "<span class='ocr_line' title='bbox 10 10 200 30'>Down the <em>Rabbit</em>-Hole</span>"
        "</div></body></html>"
    )
    resp = ocrframe.read_response(hocr)
    assert resp.vendor == "tesseract" and len(resp.tokens()) == 0
    assert resp.words()["text"].tolist() == ["Down the Rabbit-Hole"]


@needs_data
def test_fields_keep_the_engines_normalised_values():
    """A field's value as read and as the engine normalised it (Azure's valueNumber /
    valueDate, Document AI's normalizedValue, Textract AnalyzeID's NormalizedValue): the
    normalised one sat in ``other``, out of reach of a sum or a date comparison."""
    receipt = (
        VENDORS
        / "azure-read"
        / ("Azure-Samples_cognitive-services-REST-api-samples__receipt-result.json")
    )
    fields = ocrframe.read_response(receipt).fields().set_index("field")
    assert fields.loc["Total", ["value", "value_norm"]].tolist() == ["$14.50", "14.5"]
    assert fields.loc["TransactionDate", ["value", "value_norm"]].tolist() == [
        "6/10/2019", "2019-06-10"
    ]  # fmt: skip
    total = {
        "type": "currency",
        "content": "$14.50",
        "confidence": 0.97,
        "valueCurrency": {"currencySymbol": "$", "amount": 14.5, "currencyCode": "USD"},
    }
    invoice = {"analyzeResult": {"modelId": "prebuilt-invoice", "content": "Total $14.50",
                                 "documents": [{"fields": {"InvoiceTotal": total}}]}}  # fmt: skip
    f = ocrframe.read_response(invoice).fields()
    assert f[["value", "value_norm"]].values.tolist() == [["$14.50", "14.5"]]  # the amount
    assert {"USD", "$"} <= set(ocrframe.read_response(invoice).flatten()["other"]["value"])
    money = {"text": "9.5", "moneyValue": {"currencyCode": "USD", "units": 9}}
    date = {"text": "2024-01-31"}
    docai = {"text": "Total $9.50", "entities": [
        {"type": "total_amount", "mentionText": "$9.50", "confidence": 0.9,
         "normalizedValue": money},
        {"type": "invoice_date", "confidence": 0.8, "normalizedValue": date}]}  # fmt: skip
    f = ocrframe.read_response(docai).fields()
    assert f[["field", "value", "value_norm"]].values.tolist() == [
        ["total_amount", "$9.50", "9.5"], ["invoice_date", "2024-01-31", "2024-01-31"]
    ]  # fmt: skip
    born = {"Text": "01/02/1990", "Confidence": 99.0,
            "NormalizedValue": {"Value": "1990-01-02T00:00:00", "ValueType": "Date"}}  # fmt: skip
    textract = {"DocumentMetadata": {"Pages": 1}, "IdentityDocuments": [{
        "DocumentIndex": 1, "IdentityDocumentFields": [
            {"Type": {"Text": "DATE_OF_BIRTH"}, "ValueDetection": born},
            {"Type": {"Text": "FIRST_NAME"}, "ValueDetection": {"Text": "JANE"}}]}]}  # fmt: skip
    f = ocrframe.read_response(textract).fields()
    assert f["value_norm"].tolist()[0] == "1990-01-02T00:00:00"
    assert pd.isna(f["value_norm"].tolist()[1])
    # Huawei gives no normalised value: the column is there, empty.
    passport = ocrframe.read_response(ocrframe.sample_path("passport")).fields()
    assert passport["value_norm"].isna().all() and passport["value_norm"].dtype == "str"
    for body in (invoice, docai, textract):
        assert_nothing_lost(body)


@needs_data
@pytest.mark.parametrize(
    "name",
    ["textract/aws-samples_amazon-textract-textractor__test_textractor_analyze_document.json",
     "tesseract/kba_ocr-fileformat-samples__060.hocr"],
)  # fmt: skip
def test_a_frame_other_than_other_does_not_gather_what_no_frame_holds(monkeypatch, name):
    """Textract's leftovers (bounding boxes, text types: 500 values a page) and hOCR's
    unused properties were gathered into ``other`` rows for ``words()`` too: a third of the
    time an audit of Textract lines took."""
    from ocrframe.flatten import Extraction

    kept = []
    for method in ("other", "others"):  # a row, and a leftovers walk's rows
        keep = getattr(Extraction, method)
        counted = lambda self, *a, keep=keep: kept.append(a) or keep(self, *a)  # noqa: E731
        monkeypatch.setattr(Extraction, method, counted)
    words = ocrframe.words(VENDORS / name)
    assert not kept
    frames = ocrframe.flatten(VENDORS / name)
    assert kept and len(frames["other"]) > 500
    pd.testing.assert_frame_equal(words, frames["words"])


@needs_data
def test_unscaled_normalised_coordinates_are_explained_in_words():
    """The message said "coordinates are in normalized"; it says what they are."""
    name = "textract/aws-samples_amazon-textract-textractor__test_textractor_analyze_document.json"
    resp = ocrframe.read_response(VENDORS / name)
    with pytest.raises(
        ocrframe.InputError, match="are normalized \\(fractions of the page\\), not pixels"
    ):
        ocrframe.to_pixels(resp.words(), resp)
