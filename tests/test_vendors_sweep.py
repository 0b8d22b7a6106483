"""Shapes found by reading a second round of held-out real results of other engines (public
repositories' fixtures and saved outputs, kept outside the repository). Each test builds a small
body of the same structure inline and checks what the real file showed was lost or misread."""

from __future__ import annotations

import json

import pytest

import ocrframe
from ocrframe import ResponseFormatError

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


# Document.to_dict() of the Python client (google-cloud-documentai 3.16, proto-plus): snake_case,
# and a field named like a Python builtin written with a trailing underscore: an entity's and a
# visual element's "type_". The entities had no names.
DOCAI_TO_DICT = {
    "text": "Total 9\n", "mime_type": "", "docid": "",
    "pages": [{"page_number": 1, "dimension": {"width": 100.0, "height": 50.0, "unit": "pixels"},
               "tokens": [{"layout": {"text_anchor": {"text_segments": [
                   {"start_index": "0", "end_index": "5"}], "content": ""},
                   "confidence": 0.9, "orientation": 1},
                   "detected_break": {"type_": 1}, "detected_languages": []}],
               "visual_elements": [{"type_": "math_formula", "detected_languages": [],
                                    "layout": {"text_anchor": {"text_segments": [
                                        {"start_index": "6", "end_index": "7"}]}}}],
               "lines": [], "blocks": [], "tables": [], "form_fields": []}],
    "entities": [{"type_": "total_amount", "mention_text": "9", "confidence": 0.8,
                  "mention_id": "", "id": "", "properties": [], "redacted": False}],
}  # fmt: skip


def test_docai_python_client_to_dict_keeps_entity_and_element_types():
    resp = ocrframe.read_response(json.dumps(DOCAI_TO_DICT))
    assert resp.vendor == "docai"
    frames = resp.flatten()
    assert frames["fields"][["field", "value"]].values.tolist() == [["total_amount", "9"]]
    assert frames["layout"][["type", "text"]].values.tolist() == [["math_formula", "9"]]
    assert "entities[0].type_" not in set(frames["other"]["path"])


# --- Vision ---------------------------------------------------------------------------------------


def _annotation(text, x, y):
    verts = [
        {"x": x, "y": y},
        {"x": x + 20, "y": y},
        {"x": x + 20, "y": y + 30},
        {"x": x, "y": y + 30},
    ]
    return {"description": text, "boundingPoly": {"vertices": verts}}


# TEXT_DETECTION of a vertical Japanese page: the whole text (textAnnotations[0]) holds the
# first columns only, the words go on to the later ones.
VISION_VERTICAL = {
    "responses": [{"textAnnotations": [
        {"locale": "ja", "description": "光学文字認識\n光学文字認識は、\n"},
        _annotation("光学", 700, 80), _annotation("文字", 700, 110), _annotation("認識", 700, 140),
        _annotation("光学", 670, 80), _annotation("文字", 670, 110), _annotation("認識", 670, 140),
        _annotation("は", 670, 170), _annotation("、", 670, 200),
        _annotation("歴", 350, 80), _annotation("史", 350, 110),
    ]}]
}  # fmt: skip


# AnnotateImageResponse.to_dict() of the Python client (google-cloud-vision 3.16): snake_case,
# enums as numbers (block_type 1 = TEXT, a break's type_ 1 = SPACE, 5 = LINE_BREAK). Lines ran
# together without spaces or breaks, and blocks were of type "1".
def _symbols(text, brk):
    out = [{"text": c, "confidence": 0.99, "property": {"detected_languages": []}} for c in text]
    out[-1]["property"]["detected_break"] = {"type_": brk, "is_prefix": False}
    return out


VISION_TO_DICT = {
    "full_text_annotation": {"text": "Hi you\nok\n", "pages": [{
        "width": 90, "height": 40, "confidence": 0.0, "property": {"detected_languages": []},
        "blocks": [{"block_type": 1, "confidence": 0.98, "paragraphs": [{"confidence": 0.98,
            "words": [{"symbols": _symbols("Hi", 1), "confidence": 0.99},
                      {"symbols": _symbols("you", 5), "confidence": 0.97},
                      {"symbols": _symbols("ok", 5), "confidence": 0.95}]}]}]}]},
    "text_annotations": [{"description": "Hi you\nok\n", "mid": "", "locale": "", "score": 0.0}],
}  # fmt: skip


def test_vision_python_client_to_dict_reads_numbered_breaks_and_block_types():
    resp = ocrframe.read_response(json.dumps(VISION_TO_DICT))
    assert (resp.vendor, resp.api) == ("gvision", "document-text-detection")
    assert resp.words()["text"].tolist() == ["Hi you", "ok"]
    assert ocrframe.layout(resp)["type"].tolist() == ["text", "paragraph"]


def test_vision_words_beyond_the_whole_text_keep_the_lines_it_gives():
    resp = ocrframe.read_response(json.dumps(VISION_VERTICAL))
    assert resp.words()["text"].tolist() == ["光学文字認識", "光学文字認識は、"]
    tokens = resp.tokens()
    assert tokens["text"].str.cat() == "光学文字認識光学文字認識は、歴史"
    assert tokens["block"].tolist()[:8] == [0, 0, 0, 1, 1, 1, 1, 1]
    assert tokens["block"].isna().tolist()[8:] == [True, True]  # no line for them, not lost


# --- Azure -------------------------------------------------------------------------------------

# AnalyzeResult.to_dict() of azure-ai-formrecognizer 3.3 (as its samples save results): a
# field's "value" with its "value_type"; a list's items and a dictionary's fields are fields.
# The items of a receipt (Items: Description, TotalPrice...) were lost to other.
AZURE_SDK_RECEIPT = {
    "api_version": "2023-07-31", "model_id": "prebuilt-receipt", "content": "Contoso\nCoffee 4.75",
    "pages": [{"page_number": 1, "angle": 0.0, "width": 100.0, "height": 50.0, "unit": "pixel",
               "words": [], "lines": [], "selection_marks": [], "spans": []}],
    "documents": [{"doc_type": "receipt.retailMeal", "confidence": 0.98, "bounding_regions": [],
                   "spans": [], "fields": {
        "MerchantName": {"value_type": "string", "value": "Contoso", "content": "Contoso",
                         "bounding_regions": [{"page_number": 1, "polygon": [
                             {"x": 1.0, "y": 1.0}, {"x": 9.0, "y": 1.0}, {"x": 9.0, "y": 4.0},
                             {"x": 1.0, "y": 4.0}]}], "spans": [], "confidence": 0.97},
        "TransactionDate": {"value_type": "date", "value": "2019-06-10", "content": None,
                            "bounding_regions": [], "spans": [], "confidence": 0.5},
        "Items": {"value_type": "list", "value": [
            {"value_type": "dictionary", "value": {
                "Description": {"value_type": "string", "value": "Coffee", "content": "Coffee",
                                "bounding_regions": [], "spans": [], "confidence": 0.9},
                "TotalPrice": {"value_type": "currency",
                               "value": {"amount": 4.75, "symbol": None, "code": None},
                               "content": "4.75", "bounding_regions": [], "spans": [],
                               "confidence": 0.8}},
             "content": "Coffee 4.75", "bounding_regions": [], "spans": [], "confidence": 0.9}],
                  "content": None, "bounding_regions": [], "spans": [], "confidence": None}}}],
}  # fmt: skip


def test_azure_sdk_to_dict_fields_keep_their_items():
    resp = ocrframe.read_response(json.dumps(AZURE_SDK_RECEIPT))
    assert (resp.vendor, resp.api) == ("azure", "prebuilt-receipt")
    fields = resp.flatten()["fields"]
    assert fields[["group", "field"]].values.tolist() == [
        ["", "MerchantName"],
        ["", "TransactionDate"],
        ["", "Items"],
        ["Items[0]", "Description"],
        ["Items[0]", "TotalPrice"],
    ]
    values = fields["value"].tolist()  # a date not read from the page: the value itself
    assert values[:2] + values[3:] == ["Contoso", "2019-06-10", "Coffee", "4.75"]
    assert fields["confidence"].tolist()[3:] == [0.9, 0.8]
    assert fields.loc[0, ["x1", "y3"]].tolist() == [1.0, 4.0]


# The legacy Computer Vision OCR API gives no line text; for Chinese and Japanese each character
# is a word, and lines were joined with spaces ("台 北 市").
AZURE_LEGACY_OCR_ZH = {
    "language": "zh-Hant", "textAngle": 0.0, "orientation": "Up",
    "regions": [{"boundingBox": "30,25,90,40", "lines": [
        {"boundingBox": "30,25,90,13", "words": [{"boundingBox": "30,25,90,13", "text": "2021"}]},
        {"boundingBox": "30,45,60,13", "words": [
            {"boundingBox": "30,45,20,13", "text": "台"},
            {"boundingBox": "50,45,20,13", "text": "北"},
            {"boundingBox": "70,45,20,13", "text": "市"}]}]}],
}  # fmt: skip


def test_azure_legacy_ocr_lines_of_chinese_are_not_spaced():
    resp = ocrframe.read_response(json.dumps(AZURE_LEGACY_OCR_ZH))
    assert (resp.vendor, resp.api) == ("azure", "vision-ocr")
    assert resp.words()["text"].tolist() == ["2021", "台北市"]
    english = {**AZURE_LEGACY_OCR_ZH, "language": "en"}
    assert ocrframe.words(json.dumps(english))["text"].tolist() == ["2021", "台 北 市"]


# --- PaddleOCR -----------------------------------------------------------------------------------

# 3.x single modules' res.save_to_json(): TextDetection (boxes only) and the text line / document
# orientation classifiers. They were "unrecognised response" with PaddleOCR's OCR formats listed.
PADDLE_DETECTION = {
    "input_path": "scan.jpeg", "page_index": None,
    "dt_polys": [[[632, 1429], [1106, 1429], [1106, 1450], [632, 1450]]],
    "dt_scores": [0.87],
}  # fmt: skip
PADDLE_CLASSIFICATION = {
    "input_path": "textline_rot180_demo.jpg", "page_index": None,
    "class_ids": [2], "scores": [0.56], "label_names": ["180"],
}  # fmt: skip


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (PADDLE_DETECTION, "a PaddleOCR text detection result (dt_polys, dt_scores: 1 boxes"),
        (PADDLE_CLASSIFICATION, "a PaddleOCR classification result (label_names 180)"),
    ],
)
def test_paddle_module_results_without_text_say_what_they_are(tmp_path, body, said):
    with pytest.raises(ResponseFormatError, match=r"PaddleOCR\(\)\.predict") as err:
        ocrframe.read_response(json.dumps(body))
    assert str(err.value).startswith(said)
    (tmp_path / "ok.json").write_text(json.dumps({"rec_texts": ["Hi"], "rec_scores": [0.9]}))
    (tmp_path / "module_res.json").write_text(json.dumps(body))
    batch = ocrframe.read_responses(tmp_path)
    with pytest.warns(RuntimeWarning, match="skipping"):  # the file is skipped, the rest read
        assert batch.flatten()["words"]["text"].tolist() == ["Hi"]
    assert batch.errors["message"].str.startswith(said).tolist() == [True]


# The text files PaddleOCR 2.x writes itself were "not valid JSON": predict_system.py's
# system_results.txt (a line per image: name, TAB, its lines as JSON, [] when none) and
# PP-Structure's res_<n>.txt (a JSON region per line).
SYSTEM_RESULTS = (
    "blank.jpg\t[]\n"
    'G3.jpg\t[{"transcription": "品标价签", "points": [[4685, 1287], [5266, 1309], [5261, 1444], '
    '[4680, 1421]]}, {"transcription": "3.80", "points": [[1646, 1764], [3292, 1748], '
    "[3298, 2402], [1653, 2418]]}]\n"
    'G4.jpg\t[{"transcription": "条码", "points": [[3986, 1904], [4192, 1904], [4192, 2012], '
    "[3986, 2012]]}]\n"
)
STRUCTURE_REGIONS = [
    {"type": "table", "bbox": [0, 0, 400, 163], "img_idx": 0,
     "res": {"cell_bbox": [[16.5, 11.3, 47.4, 27.5], [77.7, 11.8, 160.4, 30.2]],
             "html": "<html><body><table><thead><tr><td>No.</td><td> Full Name</td></tr></thead>"
                     "</table></body></html>"}},
    {"type": "text", "bbox": [0, 170, 400, 200], "img_idx": 0,
     "res": [{"text": "Hello", "confidence": 0.99,
              "text_region": [[0, 170], [50, 170], [50, 200], [0, 200]]}]},
]  # fmt: skip


def test_paddle_system_results_txt_gives_a_page_per_image(tmp_path):
    path = tmp_path / "system_results.txt"
    path.write_text(SYSTEM_RESULTS, encoding="utf-8")
    resp = ocrframe.read_response(path)
    assert (resp.vendor, resp.api) == ("paddleocr", "ocr")
    words = resp.words()
    assert words[["page", "text"]].values.tolist() == [[2, "品标价签"], [2, "3.80"], [3, "条码"]]
    assert words.loc[1, ["x1", "y1", "x3", "y3"]].tolist() == [1646, 1764, 3298, 2402]
    assert ocrframe.document(resp)[["page", "image"]].values.tolist() == [
        [1, "blank.jpg"],  # an image without text is a page without lines
        [2, "G3.jpg"],
        [3, "G4.jpg"],
    ]


def test_paddle_structure_res_txt_is_read_one_region_a_line(tmp_path):
    for name, regions in (("res_0.txt", STRUCTURE_REGIONS), ("res_1.txt", STRUCTURE_REGIONS[:1])):
        (tmp_path / name).write_text("".join(json.dumps(r) + "\n" for r in regions))
    resp = ocrframe.read_response(tmp_path / "res_0.txt")
    assert (resp.vendor, resp.api) == ("paddleocr", "structure")
    frames = resp.flatten()
    assert frames["cells"]["text"].tolist() == ["No.", "Full Name"]
    assert frames["cells"]["x1"].tolist() == [16.5, 77.7]
    assert frames["layout"][["type", "text"]].values.tolist()[1] == ["text", "Hello"]
    assert frames["words"]["text"].tolist() == ["Hello"]
    one = ocrframe.read_response(tmp_path / "res_1.txt").flatten()  # one line: a JSON object
    assert one["cells"]["text"].tolist() == ["No.", "Full Name"]
    assert one["layout"]["x3"].tolist() == [400]
    (tmp_path / "notes.txt").write_text("ground truth: Hello\n")  # other text is no result
    batch = ocrframe.read_responses(tmp_path)
    assert sorted(batch.flatten()["cells"]["source"].map(lambda s: s.rsplit("/", 1)[-1])) == [
        "res_0.txt", "res_0.txt", "res_1.txt", "res_1.txt",
    ]  # fmt: skip
    assert len(batch.errors) == 0


# The PaddleOCR 3.x serving response (paddleocr / PaddleX serving, the hosted PaddleOCR API):
# its "result" made it Huawei's, so words() was empty and "fields" held its settings.
PADDLE_SERVING_OCR = {
    "logId": "5e5e1a8c-5c5b-4d5b-9c3d-3f7f0e0f1a2b", "errorCode": 0, "errorMsg": "Success",
    "result": {"ocrResults": [{"prunedResult": {
        "model_settings": {"use_doc_preprocessor": False, "use_textline_orientation": False},
        "text_det_params": {"limit_side_len": 64, "limit_type": "min"}, "text_type": "general",
        "text_rec_score_thresh": 0.0, "rec_texts": ["Hello", "world"], "rec_scores": [0.98, 0.9],
        "rec_polys": [[[10, 10], [90, 10], [90, 30], [10, 30]],
                      [[10, 40], [90, 40], [90, 60], [10, 60]]],
        "rec_boxes": [[10, 10, 90, 30], [10, 40, 90, 60]]},
        "ocrImage": None, "docPreprocessingImage": None, "inputImage": None}],
        "dataInfo": {"width": 100, "height": 70, "type": "image"}},
}  # fmt: skip
PADDLE_SERVING_LAYOUT = {
    "logId": "x", "errorCode": 0, "errorMsg": "Success",
    "result": {"layoutParsingResults": [
        {"prunedResult": {"page_count": 2, "width": 1700, "height": 2200, "parsing_res_list": [
            {"block_label": "paragraph_title", "block_content": "## Key Benefits",
             "block_bbox": [166, 235, 359, 275], "block_id": 1, "block_order": 2}]},
         "markdown": {"text": "## Key Benefits", "images": {}}},
        {"prunedResult": {"parsing_res_list": [
            {"block_label": "text", "block_content": "Time Savings",
             "block_bbox": [170, 395, 1054, 436]}]},
         "markdown": {"text": "Time Savings", "images": {}}}],
        "dataInfo": {"type": "pdf", "numPages": 2,
                     "pages": [{"width": 1700, "height": 2200}, {"width": 1700, "height": 2200}]}},
}  # fmt: skip


def test_paddle_serving_responses_are_paddleocr_not_huawei(tmp_path):
    resp = ocrframe.read_response(json.dumps(PADDLE_SERVING_OCR))
    assert (resp.vendor, resp.api) == ("paddleocr", "ocr")
    assert resp.words()[["text", "confidence", "x3"]].values.tolist() == [
        ["Hello", 0.98, 90.0],
        ["world", 0.9, 90.0],
    ]
    assert ocrframe.document(resp)[["width", "height", "unit"]].values.tolist() == [
        [100, 70, "pixel"]
    ]
    layout = ocrframe.read_response(json.dumps(PADDLE_SERVING_LAYOUT))
    assert (layout.vendor, layout.api) == ("paddleocr", "structure")
    blocks = ocrframe.layout(layout)
    assert blocks[["page", "type", "text"]].values.tolist() == [
        [1, "paragraph_title", "## Key Benefits"],
        [2, "text", "Time Savings"],
    ]
    assert ocrframe.document(layout)["height"].tolist() == [2200, 2200]
    failed = {"logId": "x", "errorCode": 422, "errorMsg": "Invalid file", "result": None}
    with pytest.raises(ResponseFormatError, match="PaddleOCR serving error .*422: Invalid file"):
        ocrframe.read_response(json.dumps(failed))
    (tmp_path / "served.json").write_text(json.dumps(PADDLE_SERVING_OCR))
    (tmp_path / "huawei.json").write_text(json.dumps({"result": {"words_block_list": [
        {"words": "Hi", "location": [[0, 0], [9, 0], [9, 4], [0, 4]]}]}}))  # fmt: skip
    words = ocrframe.read_responses(tmp_path).flatten()["words"]
    assert sorted(zip(words["vendor"], words["text"], strict=True)) == [
        ("huawei", "Hi"), ("paddleocr", "Hello"), ("paddleocr", "world"),
    ]  # fmt: skip


# PaddleOCR 2.x PaddleHub serving (deploy/hubserving, ocr_system): a list of lines per image sent.
PADDLE_HUB_SERVING = {
    "msg": "", "status": "000",
    "results": [
        [{"confidence": 0.99, "text": "Hello",
          "text_region": [[10, 10], [90, 10], [90, 30], [10, 30]]}],
        [],
        [{"confidence": 0.8, "text": "again", "text_region": [[5, 5], [50, 5], [50, 20], [5, 20]]}],
    ],
}  # fmt: skip


def test_paddle_hub_serving_response_gives_a_page_per_image():
    resp = ocrframe.read_response(json.dumps(PADDLE_HUB_SERVING))
    assert (resp.vendor, resp.api) == ("paddleocr", "ocr")
    words = resp.words()
    assert words[["page", "text", "confidence", "x3"]].values.tolist() == [
        [1, "Hello", 0.99, 90.0],
        [3, "again", 0.8, 50.0],
    ]


# --- Other XML ---------------------------------------------------------------------------------

# ABBYY FineReader's own XML (not its ALTO export): the message said only that it was not valid
# JSON, nor hOCR/TSV/ALTO; it names the root element and what to save instead now.
ABBYY_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<document xmlns="http://www.abbyy.com/FineReader_xml/FineReader10-schema-v1.xml" version="1.0"
  producer="ABBYY FineReader Engine 11" languages=""><page width="2480" height="3508"
  resolution="300" originalCoords="1"><block blockType="Text" l="0" t="0" r="9" b="9"><text>
  <par><line baseline="8" l="0" t="0" r="9" b="9"><formatting lang="GermanNewSpelling">
  <charParams l="0" t="0" r="4" b="9">H</charParams></formatting></line></par></text></block>
  </page></document>"""


def test_other_xml_says_its_root_element_and_what_to_save(tmp_path):
    path = tmp_path / "page.abbyy.xml"
    path.write_text(ABBYY_XML)
    with pytest.raises(ResponseFormatError) as err:
        ocrframe.read_response(path)
    said = str(err.value)
    assert 'root element is <document xmlns="http://www.abbyy.com/FineReader_xml/' in said
    assert "save the engine's result as ALTO or hOCR" in said and str(path) in said


# --- Textract ------------------------------------------------------------------------------------

# AnalyzeExpense's fields of type OTHER (a receipt's ST#, ACCOUNT #, APPROVAL #...) and
# AnalyzeLending's (most of a loan form's) are named only by the label printed beside them.
EXPENSE_OTHER = {
    "DocumentMetadata": {"Pages": 1},
    "ExpenseDocuments": [{"ExpenseIndex": 1, "SummaryFields": [
        {"Type": {"Text": "TOTAL", "Confidence": 99.0},
         "LabelDetection": {"Text": "TOTAL", "Confidence": 98.0},
         "ValueDetection": {"Text": "$1810.46", "Confidence": 99.0}, "PageNumber": 1},
        {"Type": {"Text": "OTHER", "Confidence": 99.0},
         "LabelDetection": {"Text": "ACCOUNT #", "Confidence": 97.0},
         "ValueDetection": {"Text": "**** VISA 3433", "Confidence": 96.0}, "PageNumber": 1},
        {"Type": {"Text": "OTHER", "Confidence": 90.0},
         "LabelDetection": {"Text": "Email:", "Confidence": 97.0},
         "ValueDetection": {"Text": "a@b.example", "Confidence": 96.0}, "PageNumber": 1},
        {"Type": {"Text": "OTHER", "Confidence": 90.0},
         "ValueDetection": {"Text": "no label", "Confidence": 96.0}, "PageNumber": 1},
    ], "LineItemGroups": [{"LineItemGroupIndex": 1, "LineItems": [{"LineItemExpenseFields": [
        {"Type": {"Text": "OTHER", "Confidence": 90.0},
         "LabelDetection": {"Text": "Date of Birth", "Confidence": 90.0},
         "ValueDetection": {"Text": "01/02/1990", "Confidence": 90.0}, "PageNumber": 1},
    ]}]}]}],
}  # fmt: skip
LENDING_OTHER = {
    "DocumentMetadata": {"Pages": 1}, "JobStatus": "SUCCEEDED",
    "AnalyzeLendingModelVersion": "1.0",
    "Results": [{"Page": 1, "Extractions": [{"LendingDocument": {"LendingFields": [
        {"Type": "OTHER", "KeyDetection": {"Text": "Loan Term", "Confidence": 90.0},
         "ValueDetections": [{"Text": "30 years", "Confidence": 80.0}]},
        {"Type": "BORROWER_NAME", "KeyDetection": {"Text": "Borrower", "Confidence": 90.0},
         "ValueDetections": [{"Text": "A. Souza", "Confidence": 80.0}]},
    ]}}]}],
}  # fmt: skip


def test_textract_other_fields_are_named_by_their_printed_label():
    frames = ocrframe.read_response(json.dumps(EXPENSE_OTHER)).flatten()
    fields = frames["fields"]
    assert fields[["field", "field_norm", "value"]].values.tolist() == [
        ["TOTAL", "total", "$1810.46"],
        ["ACCOUNT #", "account", "**** VISA 3433"],
        ["Email:", "email", "a@b.example"],
        ["OTHER", "other", "no label"],  # nothing printed: the type as before
        ["Date of Birth", "date_of_birth", "01/02/1990"],
    ]
    read = set(frames["other"]["path"])
    assert "ExpenseDocuments[0].SummaryFields[1].LabelDetection.Text" not in read
    assert "ExpenseDocuments[0].SummaryFields[0].LabelDetection.Text" in read  # a typed field's
    assert "ExpenseDocuments[0].SummaryFields[1].Type.Text" in read  # "OTHER", kept

    lending = ocrframe.read_response(json.dumps(LENDING_OTHER)).flatten()["fields"]
    assert lending[["field", "field_norm", "value"]].values.tolist() == [
        ["Loan Term", "loan_term", "30 years"],
        ["BORROWER_NAME", "borrower_name", "A. Souza"],
    ]


# --- Tesseract ------------------------------------------------------------------------------------

# hOCR saved as .html (Tesseract 3.02 wrote `out.html`; many scripts still name it so): a
# results folder skipped it without a word, while a report page beside it is no result.
HOCR_AS_HTML = """<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta name='ocr-system' content='tesseract v4.0.0.20181030' /></head><body>
 <div class='ocr_page' id='page_1' title='image "1.jpeg"; bbox 0 0 2480 3436; ppageno 0'>
  <span class='ocr_line' id='line_1_1' title="bbox 10 10 200 40; baseline 0 -8; x_size 30">
   <span class='ocrx_word' id='word_1_1' title='bbox 10 10 90 40; x_wconf 96'>Changi</span>
   <span class='ocrx_word' id='word_1_2' title='bbox 100 10 200 40; x_wconf 91'>Airport</span>
  </span></div></body></html>"""


def test_results_folder_takes_hocr_saved_as_html(tmp_path):
    (tmp_path / "output.html").write_text(HOCR_AS_HTML)
    (tmp_path / "index.html").write_text("<html><body><p>OCR report</p></body></html>")
    (tmp_path / "page.json").write_text(json.dumps({"rec_texts": ["Hi"], "rec_scores": [0.9]}))
    batch = ocrframe.read_responses(tmp_path)
    words = batch.flatten()["words"]
    assert sorted(words["text"]) == ["Changi Airport", "Hi"]
    assert sorted(words["vendor"]) == ["paddleocr", "tesseract"]
    assert len(batch.errors) == 0  # the report page is no result: left out, not an error
