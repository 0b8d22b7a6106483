"""PaddleOCR results: 3.x ``res.save_to_json()`` (``rec_texts``, ``rec_scores``,
``rec_polys`` or ``rec_boxes``; word boxes when ``return_word_box``), bare or under ``res``, one
or a list of them (a PDF's pages), and 2.x ``ocr.ocr()`` output (per page a list of
``[polygon, [text, score]]``) read as ``{"responses": pages}``, and ``system_results`` lines
(``[{"transcription", "points", "score"}]``). Each recognised text is a line; coordinates are
pixels; scores 0-1. PP-Structure: V3's ``overall_ocr_res`` lines, ``parsing_res_list`` blocks
(``layout``) and ``table_res_list`` tables (``cells`` from ``pred_html``), and 2.x region lists
(``type``, ``bbox``, ``res``: text lines, or a table's ``html``).

>>> ex = read({"rec_texts": ["Hi"], "rec_scores": [0.9],
...            "rec_polys": [[[0, 0], [9, 0], [9, 4], [0, 4]]]})
>>> ex.cols["words"]["text"], ex.cols["words"]["x3"]
(['Hi'], [9.0])
"""

from __future__ import annotations

from typing import Any

from ..flatten import Extraction
from .base import Reader, conf, listed, quad_flat, whole
from .detect import SERVING_KEYS
from .html_table import table_cells

__all__ = [
    "read",
    "serving_results",
    "serving_error",
    "without_text",
    "is_line",
    "is_labelled",
    "is_labelled_page",
    "is_structure",
    "is_region",
]

STRUCTURE_KEYS = ("overall_ocr_res", "parsing_res_list", "table_res_list")


def read(raw: dict[str, Any], other: bool = True) -> Extraction:
    """The frames of a PaddleOCR result."""
    r = Reader(raw, other)
    served = serving_results(raw)
    if served is not None:
        _serving(r, raw, *served)
    elif is_hub_serving(raw):
        for i, page in enumerate(raw["results"]):
            _hub_lines(r, page, f"results[{i}]", i + 1)
    elif is_region(raw):  # one PP-Structure region (a res_<n>.txt of one line)
        _regions(r, [raw], "")
    elif isinstance(raw.get("responses"), list):
        pages = raw["responses"]
        if pages and is_labelled(pages[0]):
            _labelled(r, pages, "responses", 1)
        elif is_labelled_page(next((p for p in pages if p), None)):
            # system_results.txt: a page per image (an image without text an empty page)
            for i, page in enumerate(pages):
                _labelled(r, page, f"responses[{i}]", i + 1)
            for i, name in enumerate(listed(raw.get("images"))):
                if isinstance(name, str):
                    r.doc(i + 1, "image", name, f"images[{i}]")
        elif pages and is_region(pages[0]):
            _regions(r, pages, "responses")
        elif pages and is_line(pages[0]):
            pages = [pages]  # one page given as its lines
            _v2_page(r, raw["responses"], "responses", 1)
        else:
            for i, page in enumerate(pages):
                if isinstance(page, dict):  # 3.x, one result per PDF page
                    _v3_result(r, page, f"responses[{i}].", i + 1)
                else:
                    _v2_page(r, page, f"responses[{i}]", i + 1)
    else:
        _v3_result(r, raw, "", 1)
    return r.finish()


def _v3_result(r: Reader, result: dict[str, Any], prefix: str, page: int) -> None:
    """A 3.x result (OCR or PP-StructureV3), bare or under ``res`` (``res.json``)."""
    if isinstance(result.get("res"), dict):
        result, prefix = result["res"], f"{prefix}res."
    if is_structure(result):
        _structure(r, result, prefix, page)
    else:
        _v3(r, result, prefix, page)


def serving_error(raw: dict[str, Any]) -> str | None:
    """What a PaddleOCR serving error body says (``errorCode`` not 0, ``errorMsg``, ``logId``,
    ``result`` null); None otherwise.

    >>> serving_error({"logId": "x", "errorCode": 422, "errorMsg": "Bad file"})[:45]
    'a PaddleOCR serving error response (errorCode'
    """
    code = raw.get("errorCode")
    if code in (None, 0) or not {"logId", "errorMsg"} <= set(raw) or raw.get("result"):
        return None
    return (
        f"a PaddleOCR serving error response (errorCode {code}: {raw['errorMsg']}), not a "
        "result: fix the request and call the service again"
    )


def without_text(raw: dict[str, Any]) -> str | None:
    """What a PaddleOCR 3.x module's saved result holds when it is no OCR result: a text
    detection (``dt_polys``/``dt_scores``: boxes, no text) or a classification (``class_ids``/
    ``label_names``: text line or document orientation); None otherwise.

    >>> without_text({"input_path": "a.png", "dt_polys": [], "dt_scores": []})[:37]
    'a PaddleOCR text detection result (dt'
    """
    res = raw.get("res") if isinstance(raw.get("res"), dict) else raw
    if "rec_texts" in res:
        return None
    todo = (
        "to read its text, run the OCR pipeline (paddleocr.PaddleOCR().predict(image)) and "
        "save its results with res.save_to_json(path)"
    )
    if isinstance(res.get("dt_polys"), list) and isinstance(res.get("dt_scores"), list):
        return (
            f"a PaddleOCR text detection result (dt_polys, dt_scores: {len(res['dt_polys'])} "
            f"boxes without text), not an OCR result: {todo}"
        )
    labels = res.get("label_names")
    if isinstance(labels, list) and isinstance(res.get("class_ids"), list):
        shown = ", ".join(str(x) for x in labels[:5])
        return f"a PaddleOCR classification result (label_names {shown}), not an OCR result: {todo}"
    return None


def serving_results(raw: Any) -> tuple[str, list[Any]] | None:
    """``(key, results)`` of a PaddleOCR 3.x serving response (``paddleocr`` / PaddleX serving,
    the hosted PaddleOCR API): ``{"logId", "errorCode", "errorMsg", "result": {"ocrResults" or
    "layoutParsingResults": [{"prunedResult": ..., images...}], "dataInfo": ...}}``; else None.

    >>> serving_results({"result": {"ocrResults": [{"prunedResult": {"rec_texts": []}}]}})[0]
    'ocrResults'
    """
    result = raw.get("result") if isinstance(raw, dict) else None
    for key in SERVING_KEYS:
        if isinstance(result, dict) and isinstance(result.get(key), list):
            return key, result[key]
    return None


def is_hub_serving(raw: Any) -> bool:
    """A PaddleOCR 2.x PaddleHub serving response (``deploy/hubserving``, ``ocr_system``):
    ``{"msg", "results": [[{"text", "confidence", "text_region"}, ...] per image], "status"}``.

    >>> is_hub_serving({"msg": "", "status": "000", "results": [[{"text": "Hi",
    ...     "confidence": 0.9, "text_region": [[0, 0], [9, 0], [9, 4], [0, 4]]}]]})
    True
    """
    results = raw.get("results") if isinstance(raw, dict) else None
    pages = [p for p in results if p] if isinstance(results, list) else []
    return bool(pages) and isinstance(pages[0], list) and _is_hub_line(pages[0][0])


def _is_hub_line(e: Any) -> bool:
    return isinstance(e, dict) and isinstance(e.get("text"), str) and "text_region" in e


def _hub_lines(r: Reader, lines: Any, path: str, page: int) -> list[str]:
    """Text lines as PaddleHub serving and PP-Structure 2.x regions give them; their texts."""
    r.doc(page, "unit", "pixel")
    texts = []
    for j, line in enumerate(listed(lines)):
        if isinstance(line, dict) and isinstance(line.get("text"), str):
            at = f"{path}[{j}]."
            _line(
                r,
                page,
                line["text"],
                line.get("confidence"),
                line.get("text_region"),
                (f"{at}text", f"{at}confidence", f"{at}text_region"),
            )
            texts.append(line["text"])
    return texts


def _serving(r: Reader, raw: dict[str, Any], key: str, results: list[Any]) -> None:
    """Each result a page (an image, or a PDF's page): its ``prunedResult`` is the pipeline's
    result; the page size from ``dataInfo`` (``width``/``height``, or a PDF's ``pages``)."""
    for i, item in enumerate(results):
        if isinstance(item, dict) and isinstance(item.get("prunedResult"), dict):
            _v3_result(r, item["prunedResult"], f"result.{key}[{i}].prunedResult.", i + 1)
    info = raw["result"].get("dataInfo")
    if not isinstance(info, dict):
        return
    sizes = [("result.dataInfo", info)] if "width" in info else []
    sizes += [(f"result.dataInfo.pages[{i}]", p) for i, p in enumerate(listed(info.get("pages")))]
    for page, (path, size) in enumerate(sizes, 1):
        for name in ("width", "height"):
            if isinstance(size, dict) and whole(size.get(name), least=1) is not None:
                r.doc(page, name, size[name], f"{path}.{name}")


def is_line(e: Any) -> bool:
    """``[polygon, [text, score]]``"""
    return (
        isinstance(e, list)
        and len(e) == 2
        and isinstance(e[0], list)
        and isinstance(e[1], (list, tuple))
        and len(e[1]) == 2
        and isinstance(e[1][0], str)
    )


def _line(r: Reader, page: int, text: Any, score: Any, poly: Any, paths: tuple[str, ...]):
    block = r.count("words", page)
    row = {
        "page": page,
        "block": block,
        "text": text if isinstance(text, str) else None,
        "confidence": conf(score),
    }
    r.use(paths[0])
    if row["confidence"] is not None:
        r.use(paths[1])
    r.polygon(row, quad_flat(poly), paths[2])
    r.add("words", row)
    return block


def _v2_page(r: Reader, lines: Any, path: str, page: int) -> None:
    r.doc(page, "unit", "pixel")
    for i, line in enumerate(lines if isinstance(lines, list) else ()):
        if is_line(line) and len(line[1]) == 2:
            where = f"{path}[{i}]"
            _line(
                r,
                page,
                line[1][0],
                line[1][1],
                line[0],
                (f"{where}[1][0]", f"{where}[1][1]", f"{where}[0]"),
            )


def _v3(r: Reader, res: dict[str, Any], prefix: str, page: int) -> None:
    """``page_index`` (0-based) when given, else ``page``."""
    page = r.page_index(res, prefix.rstrip("."), "page_index") or page
    r.doc(page, "unit", "pixel")
    texts, scores = listed(res.get("rec_texts")), listed(res.get("rec_scores"))
    polys_key = _polygons_key(res, len(texts))
    polys = listed(res.get(polys_key)) if polys_key else []
    words, regions = listed(res.get("text_word")), listed(res.get("text_word_region"))
    for i, text in enumerate(texts):
        block = _line(
            r,
            page,
            text,
            _at(scores, i),
            _at(polys, i),
            (f"{prefix}rec_texts[{i}]", f"{prefix}rec_scores[{i}]", f"{prefix}{polys_key}[{i}]"),
        )
        for j, word in enumerate(listed(_at(words, i))):
            row = {"page": page, "block": block, "token": r.count("tokens", page), "text": word}
            r.use(f"{prefix}text_word[{i}][{j}]")
            r.polygon(
                row, quad_flat(_at(_at(regions, i) or [], j)), f"{prefix}text_word_region[{i}][{j}]"
            )
            r.add("tokens", row)


def _polygons_key(res: dict[str, Any], n_texts: int) -> str | None:
    """Where each recognised text's box is: ``rec_polys``, else ``rec_boxes`` (x1, y1, x2, y2),
    else ``dt_polys`` only when it has one box per text (it also holds the detections the
    recogniser dropped, so otherwise its boxes would go to the wrong texts)."""
    for key in ("rec_polys", "rec_boxes"):
        if isinstance(res.get(key), list):
            return key
    dt = res.get("dt_polys")
    return "dt_polys" if isinstance(dt, list) and len(dt) == n_texts else None


def is_labelled(e: Any) -> bool:
    """``{"transcription": text, "points": polygon}``: PaddleOCR's ``system_results`` /
    PPOCRLabel lines."""
    return isinstance(e, dict) and "transcription" in e and "points" in e


def is_labelled_page(e: Any) -> bool:
    """A list of :func:`is_labelled` lines (one image of ``system_results.txt``)."""
    return isinstance(e, list) and bool(e) and is_labelled(e[0])


def _labelled(r: Reader, lines: Any, path: str, page: int) -> None:
    r.doc(page, "unit", "pixel")
    for i, line in enumerate(listed(lines)):
        if is_labelled(line):
            where = f"{path}[{i}]"
            _line(
                r,
                page,
                line["transcription"],
                line.get("score"),
                line["points"],
                (f"{where}.transcription", f"{where}.score", f"{where}.points"),
            )


def _at(values: Any, i: int) -> Any:
    return values[i] if isinstance(values, list) and i < len(values) else None


# --- PP-Structure ------------------------------------------------------------------------------


def is_structure(x: Any) -> bool:
    """A PP-StructureV3 result (``overall_ocr_res``, ``parsing_res_list``, ``table_res_list``),
    bare or under ``res``."""
    if isinstance(x, dict) and isinstance(x.get("res"), dict):
        x = x["res"]
    return isinstance(x, dict) and any(k in x for k in STRUCTURE_KEYS)


def is_region(e: Any) -> bool:
    """A PP-Structure 2.x region: ``{"type", "bbox", "res", "img_idx"}``."""
    return isinstance(e, dict) and {"type", "bbox", "res"} <= set(e)


def _structure(r: Reader, res: dict[str, Any], prefix: str, page: int) -> None:
    """PP-StructureV3: the page's OCR lines, its layout blocks and its tables' cells."""
    page = r.page_index(res, prefix.rstrip("."), "page_index") or page
    ocr = res.get("overall_ocr_res")
    if isinstance(ocr, dict):
        _v3(r, ocr, f"{prefix}overall_ocr_res.", page)
    r.doc(page, "unit", "pixel")
    for i, block in enumerate(listed(res.get("parsing_res_list"))):
        if isinstance(block, dict):
            where = f"{prefix}parsing_res_list[{i}]"
            row = {"page": page, "block": r.count("layout", page), "type": block.get("block_label")}
            if isinstance(block.get("block_content"), str):
                row["text"] = block["block_content"]
                r.use(f"{where}.block_content")
            r.use(f"{where}.block_label")
            r.polygon(row, quad_flat(block.get("block_bbox")), f"{where}.block_bbox")
            r.add("layout", row)
    for i, table in enumerate(listed(res.get("table_res_list"))):
        if isinstance(table, dict):
            where = f"{prefix}table_res_list[{i}]"
            _table(r, table, ("pred_html", "cell_box_list"), where, page)


def _table(r: Reader, table: dict[str, Any], keys: tuple[str, str], where: str, page: int) -> None:
    """Cells from the table's HTML (``keys[0]``); the cell boxes (``keys[1]``, in the HTML's
    cell order) when there is one per cell, else they stay in ``other``."""
    html_key, box_key = keys
    html = table.get(html_key)
    cells = table_cells(html) if isinstance(html, str) else []
    if cells:
        r.use(f"{where}.{html_key}")
    boxes = table.get(box_key)
    boxes = boxes if isinstance(boxes, list) and len(boxes) == len(cells) else None
    table = r.next_table(page)
    for i, cell in enumerate(cells):
        row = {"page": page, "table": table, "kind": "table", "cell": i, **cell}
        if boxes is not None:
            r.polygon(row, quad_flat(boxes[i]), f"{where}.{box_key}[{i}]")
        r.add("cells", row)


def _regions(r: Reader, regions: list[Any], path: str) -> None:
    """PP-Structure 2.x: per region a layout row; its text lines, or its table's cells.
    ``path`` is the regions' list (``""``: one region, the body itself)."""
    for i, region in enumerate(regions):
        if not is_region(region):
            continue
        where = f"{path}[{i}]" if path else ""
        at = f"{where}." if where else ""
        page = r.page_index(region, where, "img_idx") or 1
        r.page_of[where] = page
        r.doc(page, "unit", "pixel")
        row = {"page": page, "block": r.count("layout", page), "type": str(region["type"])}
        r.use(f"{at}type")
        r.polygon(row, quad_flat(region["bbox"]), f"{at}bbox")
        res = region["res"]
        if isinstance(res, dict) and isinstance(res.get("html"), str):
            _table(r, res, ("html", "cell_bbox"), f"{at}res", page)
        elif isinstance(res, list):
            row["text"] = " ".join(_hub_lines(r, res, f"{at}res", page)) or None
        r.add("layout", row)
