"""Tests for ocrframe.synth, ocrframe.samples and the committed sample_data files."""

from __future__ import annotations

import base64
import importlib.util
import io
import json
import sys
from pathlib import Path

import pytest

from ocrframe.catalog import APIS, DOCUMENTED
from ocrframe.errors import ERROR_CODES, InputError
from ocrframe.samples import SAMPLE_DIR, list_samples, sample_path
from ocrframe.synth import (
    smart_document_one_kind_per_element,
    synthesize,
    synthesize_error,
)

REPO = Path(__file__).resolve().parent.parent
SHARED_REF = REPO.parent / "shared" / "reference"


def _polygons(node, key=""):
    """Yield every 4-vertex polygon in a body (lists of 4 [x, y] int pairs)."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _polygons(v, k)
    elif isinstance(node, list):
        if len(node) == 4 and all(isinstance(p, list) and len(p) == 2 for p in node):
            yield key, node
        else:
            for v in node:
                yield from _polygons(v, key)


def _confidences(node, key=""):
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(v, float) and "confidence" in (k + key):
                yield v
            yield from _confidences(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from _confidences(v, key)


def _load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO / "sample_data" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# --- synthesize ---------------------------------------------------------------------------


@pytest.mark.parametrize("slug", sorted(APIS))
def test_every_api_synthesizes_valid_json(slug):
    spec = APIS[slug]
    for seed in (0, 1, 2):
        body = synthesize(slug, seed=seed, image_size=(1200, 900))
        assert set(body) == {"result"}
        assert json.loads(json.dumps(body)) == body
        assert isinstance(body["result"], list) == (spec.result_kind == "list")
        assert body["result"], f"{slug} produced an empty result"
        for key, poly in _polygons(body):
            assert all(isinstance(v, int) for pt in poly for v in pt), key
            assert all(0 <= x < 1200 and 0 <= y < 900 for x, y in poly), (key, poly)
        for c in _confidences(body):
            assert 0.0 <= c <= 1.0 and round(c, 4) == c


@pytest.mark.parametrize("slug", sorted(APIS))
def test_deterministic_by_seed(slug):
    assert synthesize(slug, seed=42) == synthesize(slug, seed=42)


def test_different_seeds_differ():
    assert synthesize("general-text", seed=1) != synthesize("general-text", seed=2)


def test_names_and_aliases_resolve():
    assert synthesize("general_text", seed=3) == synthesize("General Text", seed=3)


def test_bad_arguments_raise_input_error():
    with pytest.raises(InputError, match="unknown OCR API"):
        synthesize("no-such-api")
    with pytest.raises(InputError, match="image_size"):
        synthesize("general-text", image_size=(10, -1))
    with pytest.raises(InputError, match="n_blocks"):
        synthesize("general-text", n_blocks=0)
    with pytest.raises(InputError, match="params"):
        synthesize("general-text", params=["character_mode"])


def test_general_text_flags():
    plain = synthesize("general-text", seed=5, n_blocks=60)["result"]
    assert plain["direction"] == -1
    assert plain["words_block_count"] == len(plain["words_block_list"]) == 60
    assert all("char_list" not in b for b in plain["words_block_list"])
    assert "markdown_result" not in plain
    full = synthesize(
        "general-text",
        seed=5,
        params={"character_mode": True, "detect_direction": True, "return_markdown_result": True},
    )["result"]
    assert 0 <= full["direction"] < 360
    for block in full["words_block_list"]:
        assert "".join(c["char"] for c in block["char_list"]) == block["words"].replace(" ", "")
    assert all(b["words"] in full["markdown_result"] for b in full["words_block_list"])
    assert "\n" in full["markdown_result"]


def test_some_blocks_are_tilted():
    blocks = synthesize("general-text", seed=9, n_blocks=60)["result"]["words_block_list"]
    tilted = [b for b in blocks if b["location"][0][1] != b["location"][1][1]]
    assert 0 < len(tilted) < len(blocks)


def test_general_table_flags_and_spans():
    bare = synthesize("general-table", seed=1)["result"]
    blocks = [b for r in bare["words_region_list"] for b in r["words_block_list"]]
    assert not any(
        {"confidence", "location", "cell_location", "words_list"} & set(b) for b in blocks
    )
    assert "excel" not in bare
    assert [r["type"] for r in bare["words_region_list"]] == ["text", "table"]
    params = {
        "return_text_location": True,
        "return_confidence": True,
        "return_char_location": True,
        "return_excel": True,
    }
    full = synthesize("general-table", seed=1, params=params)["result"]
    table = full["words_region_list"][1]["words_block_list"]
    assert all({"confidence", "location", "cell_location", "words_list"} <= set(b) for b in table)
    assert all("char_list" in w for b in table for w in b["words_list"])
    assert any(len(b["rows"]) > 1 for b in table) and any(len(b["columns"]) > 1 for b in table)
    text_only = synthesize("general-table", seed=1, params={"return_text_location": True})
    words = text_only["result"]["words_region_list"][1]["words_block_list"][0]["words_list"]
    assert "char_list" not in words[0]


def _open_xlsx(b64: str):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(base64.b64decode(b64))).active


def test_excel_is_a_real_workbook_with_merges():
    body = synthesize("general-table", seed=4, params={"return_excel": True})["result"]
    ws = _open_xlsx(body["excel"])
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A1:E1" in merged  # header spanning every column
    assert any(r[0] != r[-1] and r.startswith("A") for r in merged)  # a row span in column A
    table = body["words_region_list"][1]["words_block_list"]
    for cell in table:
        value = ws.cell(row=min(cell["rows"]) + 1, column=min(cell["columns"]) + 1).value
        assert str(value) == cell["words"]


def test_excel_is_byte_stable():
    a = synthesize("general-table", seed=4, params={"return_excel": True})["result"]["excel"]
    b = synthesize("general-table", seed=4, params={"return_excel": True})["result"]["excel"]
    assert a == b


def test_smart_document_flags():
    page = synthesize("smart-document-recognizer", seed=2)["result"]
    assert len(page) == 1 and list(page[0]) == ["ocr_result"]
    assert all("char_list" not in b for b in page[0]["ocr_result"]["words_block_list"])
    flags = {"kv": True, "table": True, "layout": True, "form": True, "formula": True}
    page = synthesize("smart-document-recognizer", seed=2, params=flags)["result"][0]
    assert set(page) == {f"{k}_result" for k in flags} | {"ocr_result"}
    assert "excel" not in page["table_result"]["table_list"][0]
    kinds = {b["type"] for b in page["layout_result"]["layout_block_list"]}
    assert {"title", "table", "form", "formula"} <= kinds
    areas = page["layout_result"]["layout_block_list"]
    assert [a["table_id"] for a in areas if a["type"] == "table"] == [0]
    n_words = len(page["ocr_result"]["words_block_list"])
    assert all(0 <= i < n_words for a in areas for i in a["words_ids"])
    excel = synthesize(
        "smart-document-recognizer", seed=2, params={"table": True, "return_excel": True}
    )["result"][0]["table_result"]["table_list"][0]
    ws = _open_xlsx(excel["excel"])
    assert ws.merged_cells.ranges
    assert ws["A1"].value == excel["words_block_list"][0]["words"]


def test_one_kind_per_element():
    flags = {"kv": True, "table": True, "layout": True, "form": True, "formula": True}
    body = synthesize("smart-document-recognizer", seed=2, params=flags)
    converted = smart_document_one_kind_per_element(body)["result"]
    assert [list(e) for e in converted] == [
        ["formula_result"],
        ["layout_result"],
        ["form_result"],
        ["table_result"],
        ["kv_result"],
        ["ocr_result"],
    ]
    assert converted[-1]["ocr_result"] == body["result"][0]["ocr_result"]
    with pytest.raises(InputError):
        smart_document_one_kind_per_element({"result": {"ocr_result": {}}})


def test_card_flags():
    cam = synthesize("cambodian-idcard", seed=1)["result"]
    assert not any(k.startswith("detect_") or k == "score_info" for k in cam)
    cam = synthesize("cambodian-idcard", seed=1, params={"detect_blur": True})["result"]
    assert set(cam["score_info"]) == {"blur_score"} and isinstance(cam["detect_blur_result"], bool)
    assert any("\u1780" <= ch <= "\u17ff" for ch in cam["name_kh"] + cam["birth_date"])
    mm = synthesize(
        "myanmar-id-card", seed=1, params={"side": "front", "return_translation": True}
    )["result"]
    assert "translation_info" in mm and "confidence" not in mm
    assert any("\u1000" <= ch <= "\u109f" for ch in mm["name"])
    thai = synthesize(
        "thailand-id-card", seed=1, params={"side": "front", "return_text_location": True}
    )["result"]
    assert all(len(p) == 4 for p in thai["text_location"].values())
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in thai["name_th"])
    peru = synthesize("peru-id-card", seed=1)["result"]
    assert isinstance(peru["birth_place"], int) and peru["portrait_image"] is None
    assert isinstance(synthesize("chile-id-card", seed=1)["result"]["surname"], list)
    vn = synthesize("vietnam-id-card", seed=1, params={"return_idcard_type": True})["result"]
    assert vn["idcard_type"] in ("normal", "copy", "screen")


def test_passport_and_web_image_extras():
    chn = synthesize("passport", seed=1, params={"country_code": "CHN"})["result"]
    assert "local_language" in chn["extra_info"] and "machine_code" not in chn
    mrz = synthesize("passport", seed=1, params={"country_code": "GENERAL"})["result"]
    assert len(mrz["machine_code"]) == 44 and len(mrz["machine_code2"]) == 44
    assert mrz["extra_info"] == {} and set(mrz["confidence"]) <= set(mrz)
    web = synthesize("web-image", seed=1, image_size=(640, 480))["result"]
    assert web["extracted_data"] == {} and "font_list" not in web["words_block_list"][0]
    params = {"detect_font": True, "extract_type": ["contact_info", "image_size"]}
    web = synthesize("web-image", seed=1, image_size=(640, 480), params=params)["result"]
    assert web["extracted_data"]["image_size"] == {"height": 480, "width": 640}
    block = web["words_block_list"][0]
    assert len(block["font_list"]) == len(block["font_scores"]) == 5


@pytest.mark.skipif(not SHARED_REF.is_dir(), reason="shared reference not present")
@pytest.mark.parametrize("slug", sorted(DOCUMENTED))
def test_documented_fields_exist_in_sdk_tree(slug):
    """Every key synthesized for a documented API is a field of the official SDK model."""
    trees = json.loads((SHARED_REF / "sdk_response_trees.json").read_text(encoding="utf-8"))
    tree = next(t for t in trees.values() if t["path"].endswith("/" + slug))
    allowed: set[str] = set()

    def collect(fields):
        for name, f in fields.items():
            allowed.add(f.get("json_key", name))
            collect(f.get("fields", {}))

    collect(tree["response"]["result"].get("fields", {}))
    undocumented = {"machine_code", "machine_code2", "local_language"}  # passport examples
    free_dicts = ("confidence", "text_location", "extra_info", "local_language")

    def check(node, free=False):
        if isinstance(node, dict):
            for k, v in node.items():
                assert free or k in allowed | undocumented, f"{slug}: {k} not in the SDK model"
                check(v, free=k in free_dicts)
        elif isinstance(node, list):
            for v in node:
                check(v, free)

    check(synthesize(slug, seed=7, params=_all_flags(slug))["result"])


def _all_flags(slug: str) -> dict:
    flags = {p.name: True for p in APIS[slug].params if p.type == "boolean"}
    if slug == "web-image":
        flags["extract_type"] = ["contact_info", "image_size"]
    flags.pop("side", None)
    return flags


def test_a_list_of_confidence_maps_is_as_long_as_the_list_it_scores():
    """A qualification certificate's map gives each category its own map, as the service
    writes them (the lists had lengths drawn apart: the walk kept the maps in ``other``)."""
    for seed in range(30):
        result = synthesize("transportation-qualification-certificate", seed=seed)["result"]
        scored = result["qualification_category_list"]
        maps = result["confidence"]["qualification_category_list"]
        assert len(maps) == len(scored)
        assert all(set(m) == set(e) for m, e in zip(maps, scored, strict=True))


def test_synthesize_error():
    assert synthesize_error("APIG.0308")["error_code"] == "APIG.0308"
    assert synthesize_error("AIS.0103", nested=True) == {
        "result": {
            "error_code": "AIS.0103",
            "error_msg": "The image size does not meet the requirements.",
        }
    }
    assert len(ERROR_CODES) == 46
    with pytest.raises(InputError, match="unknown error code"):
        synthesize_error("AIS.9999")


# --- sample_data ----------------------------------------------------------------------------


def test_sample_responses_match_the_generator(tmp_path):
    make_samples = _load_script("make_samples")
    written = make_samples.write_samples(tmp_path)
    assert len(written) >= 22
    for path in written:
        committed = SAMPLE_DIR / "responses" / path.name
        assert committed.is_file(), f"{path.name} is not committed"
        assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), (
            f"{path.name} differs; rerun python sample_data/make_samples.py"
        )
    for slug in DOCUMENTED:
        json.loads(sample_path(slug).read_text(encoding="utf-8"))["result"]


def test_reference_examples_are_verbatim():
    example = json.loads(sample_path("smart-document-recognizer-example").read_text("utf-8"))
    assert [list(e) for e in example["result"]][0] == ["formula_result"]
    formula = example["result"][0]["formula_result"]["formula_list"][0]["formula"]
    assert formula.startswith("\\\\int _ { L }")
    nested = json.loads(sample_path("error-general-table-nested").read_text("utf-8"))
    assert nested == synthesize_error("AIS.0103", nested=True)
    chn = json.loads(sample_path("passport-chn-example").read_text("utf-8"))["result"]
    assert chn["extra_info"]["local_language"]["nationality"] == "China"
    mrz = json.loads(sample_path("passport-mrz-example").read_text("utf-8"))["result"]
    assert mrz["machine_code2"].startswith("EP435XXXX")


def test_sample_images_and_ground_truth():
    from PIL import Image

    images = [s for s in list_samples() if s.startswith("images/") and ".gt." not in s]
    assert len(images) == 8
    for rel in images:
        path = SAMPLE_DIR / rel
        with Image.open(path) as img:
            img.load()
            assert 700 <= max(img.size) <= 1700
        gt = json.loads(path.with_name(path.stem + ".gt.json").read_text(encoding="utf-8"))
        assert (gt["width"], gt["height"]) == img.size
        assert len(gt["lines"]) >= 5
        for line in gt["lines"]:
            assert line["text"].strip() and len(line["polygon"]) == 4
    table = json.loads(sample_path("table.gt.json").read_text("utf-8"))["table"]
    assert any(c["col_span"] > 1 for c in table["cells"])
    total = sum(p.stat().st_size for p in SAMPLE_DIR.rglob("*") if p.is_file())
    assert total < 3 * 1024 * 1024


def test_images_regenerate_identically(tmp_path):
    make_images = _load_script("make_images")
    for path in make_images.write_images(tmp_path):
        gt = path.with_name(path.stem + ".gt.json")
        assert gt.read_text("utf-8") == (SAMPLE_DIR / "images" / gt.name).read_text("utf-8")


def test_top_level_sample_data_points_at_the_package_files():
    top = REPO / "sample_data"
    assert (top / "responses" / "general-text.json").read_bytes() == (
        sample_path("general-text").read_bytes()
    )
    assert (top / "images" / "table.png").is_file()


def test_sample_path_errors():
    with pytest.raises(InputError, match="Did you mean 'general-text'"):
        sample_path("genral-text")
    with pytest.raises(InputError):
        sample_path("")
    assert sample_path("images/table.png") == sample_path("table")
