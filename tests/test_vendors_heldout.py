"""Shapes found by reading held-out real results of other engines (public repositories'
fixtures and Tesseract 5.3 runs, kept outside the repository). Each test builds a small body
of the same structure inline and checks what the real file showed was lost or misread."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import ocrframe
from ocrframe import ResponseFormatError

# --- Tesseract / hOCR ---------------------------------------------------------------------------

# `tesseract x.png out hocr -c hocr_char_boxes=1` (5.x): each word holds its characters as
# ocrx_cinfo spans, with only indentation between them.
HOCR_CHAR_BOXES = """<html><body>
  <div class='ocr_page' id='page_1' title='image "x.png"; bbox 0 0 600 200; ppageno 0'>
   <span class='ocr_line' id='line_1_1' title="bbox 10 10 200 40; baseline 0 -8; x_size 30">
    <span class='ocrx_word' id='word_1_1' title='bbox 10 10 70 40; x_wconf 96'>
     <span class='ocrx_cinfo' title='x_bboxes 10 10 30 40; x_conf 99.1'>T</span>
     <span class='ocrx_cinfo' title='x_bboxes 31 10 50 40; x_conf 98.7'>h</span>
     <span class='ocrx_cinfo' title='x_bboxes 51 10 70 40; x_conf 99.0'>e</span>
    </span>
    <span class='ocrx_word' id='word_1_2' title='bbox 80 10 200 40; x_wconf 91'>
     <span class='ocrx_cinfo' title='x_bboxes 80 10 140 40; x_conf 95.0'>o</span>
     <span class='ocrx_cinfo' title='x_bboxes 141 10 200 40; x_conf 90.2'>x</span>
    </span>
   </span>
  </div></body></html>"""


def test_hocr_char_boxes_words_keep_their_text():
    frames = ocrframe.read_response(HOCR_CHAR_BOXES).flatten()
    assert frames["tokens"]["text"].tolist() == ["The", "ox"]
    assert frames["words"]["text"].tolist() == ["The ox"]
    assert frames["chars"]["text"].tolist() == ["T", "h", "e", "o", "x"]


# kraken writes "bbox x0 y0 x1 y1, x_confs ..." (a comma where hOCR has a semicolon).
HOCR_KRAKEN = """<html><body><div class="ocr_page" title="bbox 0 0 400 100; image x.png">
<span class="ocr_line" id="line_0" title="bbox 86 61 152 101; cuts 0,0,20,0 27,0,41,0">
<span class="ocrx_word" id="segment_0" title="bbox 86 61 152 101, x_confs 0.91 0.96 0.98">s14</span>
</span></div></body></html>"""


def test_hocr_comma_separated_properties_keep_the_box():
    frames = ocrframe.read_response(HOCR_KRAKEN).flatten()
    tokens, other = frames["tokens"], frames["other"]
    assert tokens["text"].tolist() == ["s14"]
    assert tokens.loc[0, ["x1", "y1", "x3", "y3"]].tolist() == [86.0, 61.0, 152.0, 101.0]
    # the per-character confidences were swallowed with the box; now they are kept
    assert other.loc[other["path"] == "hocr#segment_0.x_confs", "value"].tolist() == [
        "0.91 0.96 0.98"
    ]


# --- Google Cloud Vision ------------------------------------------------------------------------


def _vision_page(page_number: int) -> dict:
    """One page of Vision's asynchronous PDF output (files:annotate / output-1-to-N.json):
    boxes have only normalizedVertices (zero coordinates omitted), width/height in points."""
    box = {
        "normalizedVertices": [{"x": 0.1}, {"x": 0.3}, {"x": 0.3, "y": 0.2}, {"x": 0.1, "y": 0.2}]
    }
    symbol = {"text": "A", "confidence": 0.9, "property": {"detectedBreak": {"type": "LINE_BREAK"}}}
    word = {"boundingBox": box, "symbols": [symbol], "confidence": 0.9}
    return {
        "fullTextAnnotation": {
            "pages": [
                {
                    "width": 612,
                    "height": 792,
                    "blocks": [
                        {
                            "boundingBox": box,
                            "blockType": "TEXT",
                            "paragraphs": [{"boundingBox": box, "words": [word]}],
                        }
                    ],
                }
            ],
            "text": "A\n",
        },
        "context": {"uri": "gs://bucket/doc.pdf", "pageNumber": page_number},
    }


def test_vision_pdf_output_normalized_vertices_keep_polygons_and_say_normalized():
    body = {
        "inputConfig": {"mimeType": "application/pdf"},
        "responses": [_vision_page(3), _vision_page(4)],
    }
    resp = ocrframe.read_response(body)
    frames = resp.flatten()
    tokens, doc = frames["tokens"], frames["document"]
    assert tokens["page"].tolist() == [3, 4]
    assert tokens.loc[0, ["x1", "y1", "x3", "y3"]].tolist() == pytest.approx([0.1, 0.0, 0.3, 0.2])
    assert doc.set_index("page").loc[3, ["width", "height", "unit"]].tolist() == [
        1.0,
        1.0,
        "normalized",
    ]
    other = frames["other"]
    assert other.loc[other["path"].str.endswith("pages[0].width"), "value"].tolist() == [
        "612",
        "612",
    ]


def test_vision_batch_of_files_annotate_outputs_is_document_text_detection():
    body = json.dumps([{"responses": [_vision_page(1)]}, {"responses": [_vision_page(2)]}])
    assert ocrframe.read_response(body).api == "document-text-detection"


# --- PaddleOCR ----------------------------------------------------------------------------------


def _paddle_page(index: int | None, texts: list[str]) -> dict:
    """A 3.x OCR result as ``res.json`` holds it; ``rec_polys`` aligned with ``rec_texts``."""
    polys = [
        [[0, 10 * i], [50, 10 * i], [50, 10 * i + 8], [0, 10 * i + 8]] for i in range(len(texts))
    ]
    return {
        "res": {
            "input_path": "doc.pdf",
            "page_index": index,
            "rec_texts": texts,
            "rec_scores": [0.9] * len(texts),
            "rec_polys": polys,
            "rec_boxes": [[p[0][0], p[0][1], p[2][0], p[2][1]] for p in polys],
        }
    }


def test_paddle3_pages_of_a_pdf_as_one_list():
    body = json.dumps([_paddle_page(0, ["a", "b"]), _paddle_page(1, ["c"])])
    resp = ocrframe.read_response(body)
    assert resp.vendor == "paddleocr"
    words = resp.flatten()["words"]
    assert words[["page", "text"]].values.tolist() == [[1, "a"], [1, "b"], [2, "c"]]


def test_paddle3_bare_results_without_page_index_are_numbered_in_order():
    body = [_paddle_page(None, ["a"])["res"], _paddle_page(None, ["b"])["res"]]
    words = ocrframe.read_response(json.dumps(body)).flatten()["words"]
    assert words["page"].tolist() == [1, 2]


def test_paddle3_rec_boxes_are_used_when_rec_polys_are_absent():
    # dt_polys holds every detection, also the one the recogniser dropped (the 2nd here)
    body = {
        "rec_texts": ["a", "b"],
        "rec_scores": [0.9, 0.8],
        "rec_boxes": [[0, 0, 9, 4], [0, 5, 9, 9]],
        "dt_polys": [
            [[0, 0], [9, 0], [9, 4], [0, 4]],
            [[50, 50], [60, 50], [60, 60], [50, 60]],
            [[0, 5], [9, 5], [9, 9], [0, 9]],
        ],
    }
    words = ocrframe.read_response(body).flatten()["words"]
    assert words[["x1", "y1", "x3", "y3"]].values.tolist() == [[0, 0, 9, 4], [0, 5, 9, 9]]


# --- asynchronous job status bodies (no result yet) --------------------------------------------


@pytest.mark.parametrize(
    "body, said",
    [
        (
            {"JobStatus": "IN_PROGRESS", "StatusMessage": "still running"},
            "IN_PROGRESS: still running",
        ),
        ({"JobStatus": "IN_PROGRESS", "DocumentMetadata": {"Pages": 0}}, "IN_PROGRESS"),
        (
            {"JobStatus": "FAILED", "StatusMessage": "bad page", "ResponseMetadata": {}},
            "FAILED: bad page",
        ),
        ({"status": "running", "createdDateTime": "2023-01-01T00:00:00Z"}, "running"),
        (
            {"status": "failed", "error": {"code": "InvalidImage", "message": "corrupt"}},
            "failed: InvalidImage corrupt",
        ),
    ],
)
def test_job_status_without_result_is_a_clear_error(body, said):
    with pytest.raises(ResponseFormatError, match="not a result") as err:
        ocrframe.read_response(body)
    assert said in str(err.value)
    failed = said.lower().startswith("failed")
    assert ("start a new job" in str(err.value) or "analyze again" in str(err.value)) == failed


def test_succeeded_textract_job_is_read():
    body = {
        "JobStatus": "SUCCEEDED",
        "DocumentMetadata": {"Pages": 1},
        "Blocks": [{"BlockType": "LINE", "Id": "1", "Page": 1, "Text": "Hi", "Confidence": 99.0}],
    }
    assert ocrframe.read_response(body).flatten()["words"]["text"].tolist() == ["Hi"]


# --- PaddleOCR PP-Structure --------------------------------------------------------------------


TABLE_HTML = (
    "<html><body><table><tr><td colspan=2>Total</td></tr>"
    "<tr><td>a</td><td>1</td></tr></table></body></html>"
)


def test_ppstructure_v3_lines_blocks_and_table_cells():
    body = {
        "input_path": "page.png",
        "page_index": None,
        "parsing_res_list": [
            {"block_label": "table", "block_content": TABLE_HTML, "block_bbox": [10, 20, 110, 80]}
        ],
        "overall_ocr_res": {
            "rec_texts": ["Total", "a", "1"],
            "rec_scores": [0.99, 0.98, 0.97],
            "rec_boxes": [[10, 20, 110, 40], [10, 50, 60, 80], [60, 50, 110, 80]],
        },
        "table_res_list": [
            {
                "pred_html": TABLE_HTML,
                "cell_box_list": [[10, 20, 110, 40], [10, 50, 60, 80], [60, 50, 110, 80]],
            }
        ],
    }
    resp = ocrframe.read_response(body)
    assert (resp.vendor, resp.api) == ("paddleocr", "structure")
    frames = resp.flatten()
    assert frames["words"]["text"].tolist() == ["Total", "a", "1"]
    cells = frames["cells"]
    assert cells[["row", "col", "row_span", "col_span", "text"]].values.tolist() == [
        [0, 0, 1, 2, "Total"],
        [1, 0, 1, 1, "a"],
        [1, 1, 1, 1, "1"],
    ]
    assert cells.loc[2, ["x1", "y1", "x3", "y3"]].tolist() == [60, 50, 110, 80]
    assert frames["layout"][["type", "x1"]].values.tolist() == [["table", 10]]


def test_ppstructure_2_regions_text_and_table_per_page():
    regions = [
        {
            "type": "text",
            "bbox": [0, 0, 100, 20],
            "img_idx": 0,
            "res": [
                {
                    "text": "Hello",
                    "confidence": 0.99,
                    "text_region": [[0, 0], [100, 0], [100, 20], [0, 20]],
                }
            ],
        },
        {
            "type": "table",
            "bbox": [0, 30, 100, 90],
            "img_idx": 1,
            "res": {"html": TABLE_HTML, "cell_bbox": []},
        },
    ]
    frames = ocrframe.read_response(json.dumps(regions)).flatten()
    assert frames["words"][["page", "text"]].values.tolist() == [[1, "Hello"]]
    assert frames["cells"]["page"].tolist() == [2, 2, 2]
    layout = frames["layout"]
    assert layout[["page", "type"]].values.tolist() == [[1, "text"], [2, "table"]]
    assert layout["text"].iloc[0] == "Hello" and pd.isna(layout["text"].iloc[1])


# --- Amazon Textract AnalyzeID ------------------------------------------------------------------


def _id_document(index: int, name: str) -> dict:
    """One IdentityDocument of AnalyzeID with two DocumentPages: fields have no PageNumber,
    WORD blocks say Page 0 and LINE blocks no Page (as the service returns them)."""
    geo = {
        "Polygon": [
            {"X": 0.1, "Y": 0.1},
            {"X": 0.3, "Y": 0.1},
            {"X": 0.3, "Y": 0.2},
            {"X": 0.1, "Y": 0.2},
        ]
    }
    return {
        "DocumentIndex": index,
        "IdentityDocumentFields": [
            {"Type": {"Text": "FIRST_NAME"}, "ValueDetection": {"Text": name, "Confidence": 98.0}}
        ],
        "Blocks": [
            {
                "BlockType": "LINE",
                "Id": f"l{index}",
                "Text": name,
                "Confidence": 99.0,
                "Geometry": geo,
                "Relationships": [{"Type": "CHILD", "Ids": [f"w{index}"]}],
            },
            {
                "BlockType": "WORD",
                "Id": f"w{index}",
                "Page": 0,
                "Text": name,
                "Confidence": 99.0,
                "Geometry": geo,
            },
        ],
    }


def test_textract_analyze_id_documents_are_on_their_own_pages():
    body = {
        "IdentityDocuments": [_id_document(1, "JORGE"), _id_document(2, "SOUZA")],
        "DocumentMetadata": {"Pages": 2},
        "AnalyzeIDModelVersion": "1.0",
    }
    frames = ocrframe.read_response(body).flatten()
    assert frames["fields"][["page", "value"]].values.tolist() == [[1, "JORGE"], [2, "SOUZA"]]
    assert frames["words"][["page", "text"]].values.tolist() == [[1, "JORGE"], [2, "SOUZA"]]
    assert frames["tokens"]["page"].tolist() == [1, 2]
    assert not frames["other"]["path"].str.contains("DocumentIndex").any()


# --- malformed bodies (mutations of the real files that crashed with TypeError) -----------------


def test_textract_malformed_blocks_are_skipped_not_a_type_error():
    line = {"BlockType": "LINE", "Id": "l1", "Page": 1, "Text": "Hi", "Confidence": 99.0}
    body = {
        "DocumentMetadata": {"Pages": 1},
        "Blocks": [
            {**line, "Relationships": 1.5},
            {**line, "Id": {"a": 1}, "Text": "odd id"},
            {"BlockType": "LINE", "Id": "l2", "Text": "x",
             "Relationships": [{"Type": "CHILD", "Ids": [{"a": 1}, ["w"]]}]},
            {"BlockType": "WORD", "Id": {"a": 1}, "Text": "w"},
            {"BlockType": {"a": 1}, "Id": "b"},
            {"BlockType": "KEY_VALUE_SET", "Id": "k", "EntityTypes": 5},
        ],
        "ExpenseDocuments": [
            {
                "SummaryFields": [
                    {"Type": {"Text": "TOTAL"}, "GroupProperties": [{"Types": [["x"]]}, 3]}
                ],
                "LineItemGroups": [["not", "a", "group"], {"LineItems": [["x"]]}],
            },
            7,
        ],
        "IdentityDocuments": 3,
    }  # fmt: skip
    frames = ocrframe.read_response(body).flatten()
    assert frames["words"]["text"].tolist() == ["Hi", "odd id", "x"]
    assert frames["fields"]["field"].tolist() == ["TOTAL"]


def test_azure_like_status_of_the_wrong_type_is_not_a_type_error():
    body = {"status": ["running"], "createdDateTime": "2023-01-01T00:00:00Z"}
    with pytest.raises(ResponseFormatError, match="unrecognised"):
        ocrframe.read_response(body)


# --- Amazon Textract AnalyzeLending -------------------------------------------------------------


def test_textract_lending_results_give_fields_per_page():
    geo = {
        "Polygon": [
            {"X": 0.1, "Y": 0.1},
            {"X": 0.2, "Y": 0.1},
            {"X": 0.2, "Y": 0.2},
            {"X": 0.1, "Y": 0.2},
        ]
    }
    term = {"Text": "30 years", "Confidence": 52.0, "Geometry": geo}
    box = {"SelectionStatus": "SELECTED", "Confidence": 99.0}
    lending = {
        "LendingFields": [
            {"Type": "LOAN_TERM", "ValueDetections": [term]},
            {"Type": "OTHER", "ValueDetections": [box]},
            {"Type": "FORMER_ADDRESS_STATE", "ValueDetections": []},
        ]
    }
    name = {"Type": {"Text": "LAST_NAME"}, "ValueDetection": {"Text": "SOUZA", "Confidence": 98.0}}
    body = {
        "DocumentMetadata": {"Pages": 2},
        "JobStatus": "SUCCEEDED",
        "AnalyzeLendingModelVersion": "1.0",
        "Results": [
            {
                "Page": 1,
                "PageClassification": {"PageType": [{"Value": "1003", "Confidence": 99.9}]},
                "Extractions": [{"LendingDocument": lending}],
            },
            {
                "Page": 2,
                "PageClassification": {"PageType": [{"Value": "IDENTITY_DOCUMENT"}]},
                "Extractions": [{"IdentityDocument": {"IdentityDocumentFields": [name]}}],
            },
        ],
    }
    resp = ocrframe.read_response(body)
    assert resp.api == "AnalyzeLending"
    frames = resp.flatten()
    fields = frames["fields"]
    assert fields[["page", "field", "value"]].values.tolist() == [
        [1, "LOAN_TERM", "30 years"],
        [1, "OTHER", "SELECTED"],
        [2, "LAST_NAME", "SOUZA"],
    ]
    assert fields["confidence"].tolist() == pytest.approx([0.52, 0.99, 0.98])
    assert fields.loc[0, "x3"] == pytest.approx(0.2)
    assert frames["document"]["page_type"].tolist() == ["1003", "IDENTITY_DOCUMENT"]


# --- Azure Document Intelligence v4 (2024-11-30): figures ---------------------------------------

CAPTION_BOX = [1, 6, 4, 6, 4, 6.3, 1, 6.3]
AZURE_V4_FIGURE = {
    "status": "succeeded",
    "analyzeResult": {
        "apiVersion": "2024-11-30",
        "modelId": "prebuilt-layout",
        "content": "Chart\nFigure 1: sales",
        "pages": [{"pageNumber": 1, "width": 8.5, "height": 11, "unit": "inch", "words": []}],
        "paragraphs": [
            {"role": "title", "content": "Chart",
             "boundingRegions": [{"pageNumber": 1, "polygon": [1, 1, 3, 1, 3, 1.4, 1, 1.4]}]}
        ],
        "figures": [
            {"id": "1.1", "elements": ["/paragraphs/0"],
             "boundingRegions": [{"pageNumber": 1, "polygon": [1, 2, 7, 2, 7, 6, 1, 6]}],
             "spans": [{"offset": 0, "length": 5}],
             "caption": {"content": "Figure 1: sales", "spans": [{"offset": 6, "length": 15}],
                         "boundingRegions": [{"pageNumber": 1, "polygon": CAPTION_BOX}]}},
        ],
    },
}  # fmt: skip


def test_azure_v4_figures_are_layout_areas_with_their_caption():
    frames = ocrframe.read_response(json.dumps(AZURE_V4_FIGURE)).flatten()
    layout = frames["layout"]
    assert layout["type"].tolist() == ["title", "figure"]
    figure = layout.iloc[1]
    assert figure["text"] == "Figure 1: sales"
    assert [figure[c] for c in ("x_min", "y_min", "x_max", "y_max")] == [1, 2, 7, 6]
    other = frames["other"]["path"].tolist()
    assert "analyzeResult.figures[0].id" in other  # what has no column stays, as always
    assert not any(
        p.startswith("analyzeResult.figures[0].boundingRegions[0].polygon") for p in other
    )
