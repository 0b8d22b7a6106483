"""Bodies of the 16 documented APIs, following the reference's response trees and flags."""

from __future__ import annotations

from typing import Any

from ._cards import CARD_BODIES
from ._pools import (
    FONTS,
    FORMULAS,
    ITEMS,
    LAYOUT_TYPES,
    TABLE_HEADER,
    Gen,
)
from .workbook import service_xlsx_b64

# --- tables and Excel ---------------------------------------------------------------------


def _grid(g: Gen, n_rows: int, n_cols: int) -> list[dict[str, Any]]:
    """Cells of a table with a merged header cell and a row-spanning first-column cell."""
    cells: list[dict[str, Any]] = []
    taken: set[tuple[int, int]] = set()

    def add(rows: list[int], cols: list[int], text: str) -> None:
        cells.append({"rows": rows, "columns": cols, "words": text})
        taken.update((r, c) for r in rows for c in cols)

    add([0], list(range(n_cols)), "Quarterly purchase summary")
    for c in range(n_cols):
        add([1], [c], TABLE_HEADER[c % len(TABLE_HEADER)])
    if n_rows > 3:
        add([2, 3], [0], "Group A")
    for r in range(2, n_rows):
        for c in range(n_cols):
            if (r, c) in taken:
                continue
            if c == 0:
                text = f"G{r}"
            elif c == 1:
                text = g.r.choice(ITEMS)
            elif c == 2:
                text = str(g.r.randint(1, 40))
            else:
                text = g.money()
            add([r], [c], text)
    cells.sort(key=lambda cell: (cell["rows"][0], cell["columns"][0]))
    return cells


def _cell_polys(
    g: Gen, cells: list[dict[str, Any]], x0: float, y0: float, w: float, h: float
) -> list[list[list[int]]]:
    n_rows = max(r for c in cells for r in c["rows"]) + 1
    n_cols = max(k for c in cells for k in c["columns"]) + 1
    cw, rh = w / n_cols, h / n_rows
    return [
        g.poly(
            x0 + c["columns"][0] * cw,
            y0 + c["rows"][0] * rh,
            cw * len(c["columns"]),
            rh * len(c["rows"]),
        )
        for c in cells
    ]


# --- the 16 documented APIs ---------------------------------------------------------------


def _general_text(g: Gen, p: dict, n: int) -> dict:
    blocks = []
    for text, poly in g.lines(n):
        b: dict[str, Any] = {"words": text, "location": poly, "confidence": g.conf()}
        if p.get("character_mode"):
            b["char_list"] = g.chars(text, poly)
        blocks.append(b)
    res: dict[str, Any] = {
        "direction": round(g.r.uniform(0, 359), 4) if p.get("detect_direction") else -1,
        "words_block_count": len(blocks),
        "words_block_list": blocks,
    }
    if p.get("return_markdown_result"):
        res["markdown_result"] = _markdown(blocks)
    return res


def _markdown(blocks: list[dict]) -> str:
    """Blocks on one visual line joined by tab, lines by newline (reference 4.5)."""
    rows: list[list[dict]] = []
    for b in sorted(blocks, key=lambda b: (b["location"][0][1], b["location"][0][0])):
        if rows and abs(rows[-1][0]["location"][0][1] - b["location"][0][1]) < 8:
            rows[-1].append(b)
        else:
            rows.append([b])
    return "\n".join(
        "\t".join(b["words"] for b in sorted(r, key=lambda b: b["location"][0][0])) for r in rows
    )


def _web_image(g: Gen, p: dict, n: int) -> dict:
    blocks = []
    for text, poly in g.lines(n):
        b: dict[str, Any] = {"words": text, "confidence": g.conf(), "location": poly}
        if p.get("detect_font"):
            fonts = g.r.sample(FONTS, 5)
            scores = sorted((round(g.r.uniform(0.01, 0.9), 4) for _ in fonts), reverse=True)
            b["font_list"], b["font_scores"] = fonts, scores
        blocks.append(b)
    extracted: dict[str, Any] = {}
    kinds = p.get("extract_type") or []
    if "contact_info" in kinds:
        extracted["contact_info"] = {
            "name": g.r.choice(("Chen Wei", "Li Na", "Wong Ka Ming")),
            "phone": "138" + g.digits(8),
            "province": "Guangdong",
            "city": "Shenzhen",
            "district": "Nanshan",
            "detail_address": f"{g.r.randint(1, 999)} Keyuan Road",
        }
    if "image_size" in kinds:
        extracted["image_size"] = {"height": g.h, "width": g.w}
    return {
        "words_block_count": len(blocks),
        "words_block_list": blocks,
        "extracted_data": extracted,
    }


def _general_table(g: Gen, p: dict, n: int) -> dict:
    loc, chars = bool(p.get("return_text_location")), bool(p.get("return_char_location"))
    conf = bool(p.get("return_confidence"))
    regions: list[dict[str, Any]] = []

    def block(text: str, poly: list[list[int]]) -> dict[str, Any]:
        b: dict[str, Any] = {"words": text}
        if conf:
            b["confidence"] = g.conf()
        if loc:
            b["location"] = poly
            item: dict[str, Any] = {"words": text, "confidence": g.conf(), "location": poly}
            if chars:
                item["char_list"] = g.chars(text, poly)
            b["words_list"] = [item]
        return b

    n_text = min(5, max(1, n // 10))
    top = [
        (g.line(), g.poly(g.w * 0.05, g.h * (0.02 + 0.04 * i), g.w * 0.5, g.h * 0.03))
        for i in range(n_text)
    ]
    regions.append(
        {
            "type": "text",
            "words_block_count": n_text,
            "words_block_list": [block(t, q) for t, q in top],
        }
    )
    n_cols = 5
    n_rows = max(4, (n - n_text) // n_cols)
    cells = _grid(g, n_rows, n_cols)
    y0 = g.h * (0.04 * n_text + 0.04)
    polys = _cell_polys(g, cells, g.w * 0.04, y0, g.w * 0.92, g.h * 0.9 - y0)
    tblocks = []
    for cell, poly in zip(cells, polys, strict=True):
        (x1, y1), (x2, _), (_, y3), _ = poly
        pad_x, pad_y = max((x2 - x1) // 10, 1), max((y3 - y1) // 5, 1)
        inner = g.poly(
            x1 + pad_x, y1 + pad_y, max(x2 - x1 - 2 * pad_x, 2), max(y3 - y1 - 2 * pad_y, 2)
        )
        b = block(cell["words"], inner)
        b["rows"], b["columns"] = cell["rows"], cell["columns"]
        if loc:
            b["cell_location"] = poly
        tblocks.append(b)
    regions.append(
        {"type": "table", "words_block_count": len(tblocks), "words_block_list": tblocks}
    )
    res: dict[str, Any] = {"words_region_count": len(regions), "words_region_list": regions}
    if p.get("return_excel"):
        res["excel"] = service_xlsx_b64(cells)
    return res


def _sdr(g: Gen, p: dict, n: int) -> list:
    lines = g.lines(n, tilt=p.get("single_orientation_mode", True) is False)
    blocks = []
    for text, poly in lines:
        b: dict[str, Any] = {"words": text, "location": poly, "confidence": g.conf()}
        if p.get("character_mode"):
            b["char_list"] = g.chars(text, poly)
        blocks.append(b)
    page: dict[str, Any] = {
        "ocr_result": {
            "direction": round(g.r.uniform(0, 1), 4),
            "words_block_count": len(blocks),
            "words_block_list": blocks,
        }
    }
    if p.get("kv"):
        pairs = []
        for i in range(min(6, len(lines))):
            key = ("Invoice date", "Invoice No.", "Buyer", "Seller", "Total", "Tax ID")[i]
            value = (
                g.date(),
                "INV-" + g.digits(6),
                "Acme Trading Ltd.",
                "Globex Supplies",
                g.money(),
                g.digits(15),
            )[i]
            kp = g.poly(g.w * 0.55, g.h * (0.05 + 0.05 * i), g.w * 0.15, g.h * 0.03)
            vp = g.poly(g.w * 0.72, g.h * (0.05 + 0.05 * i), g.w * 0.2, g.h * 0.03)
            pairs.append(
                {
                    "key": key,
                    "value": value,
                    "words_block_count": 2,
                    "words_block_list": [
                        {"words": key, "location": kp, "type": "key"},
                        {"words": value, "location": vp, "type": "value"},
                    ],
                }
            )
        page["kv_result"] = {"kv_block_count": len(pairs), "kv_block_list": pairs}

    def table_block(y0: float, rows: int) -> dict[str, Any]:
        cells = _grid(g, rows, 4)
        t: dict[str, Any] = {
            "location": g.poly(g.w * 0.05, y0, g.w * 0.9, g.h * 0.25),
            "words_block_count": len(cells),
            "words_block_list": [dict(c) for c in cells],
        }
        if p.get("return_excel"):
            t["excel"] = service_xlsx_b64(cells)
        return t

    if p.get("table"):
        tables = [table_block(g.h * 0.4, 6)]
        page["table_result"] = {"table_count": len(tables), "table_list": tables}
    if p.get("form"):
        forms = [table_block(g.h * 0.7, 4)]
        page["form_result"] = {"form_count": len(forms), "form_list": forms}
    if p.get("formula"):
        formulas = [
            {
                "formula": g.r.choice(FORMULAS),
                "location": g.poly(g.w * 0.1, g.h * 0.33, g.w * 0.4, g.h * 0.04),
                "type": g.r.choice(("formula", "embedded_formula")),
            }
        ]
        page["formula_result"] = {"formula_count": 1, "formula_list": formulas}
    if p.get("layout"):
        areas: list[dict[str, Any]] = [
            {
                "location": blocks[0]["location"],
                "type": "title",
                "text": blocks[0]["words"],
                "words_ids": [0],
            }
        ]
        step = max(1, len(blocks) // 6)
        for i in range(1, len(blocks), step):
            ids = list(range(i, min(i + step, len(blocks))))
            areas.append(
                {
                    "location": blocks[ids[0]]["location"],
                    "type": g.r.choice(LAYOUT_TYPES),
                    "text": " ".join(blocks[j]["words"] for j in ids),
                    "words_ids": ids,
                }
            )
        if p.get("table"):
            areas.append(
                {
                    "location": page["table_result"]["table_list"][0]["location"],
                    "type": "table",
                    "words_ids": [],
                    "table_id": 0,
                }
            )
        if p.get("form"):
            areas.append(
                {
                    "location": page["form_result"]["form_list"][0]["location"],
                    "type": "form",
                    "words_ids": [],
                    "form_id": 0,
                }
            )
        if p.get("formula"):
            areas.append(
                {
                    "location": page["formula_result"]["formula_list"][0]["location"],
                    "type": "formula",
                    "words_ids": [],
                    "formula_id": 0,
                }
            )
        page["layout_result"] = {"layout_block_count": len(areas), "layout_block_list": areas}
    return [page]


DOCUMENTED = {
    "general-text": (_general_text, 60),
    "web-image": (_web_image, 20),
    "general-table": (_general_table, 40),
    "smart-document-recognizer": (_sdr, 40),
    **CARD_BODIES,
}
