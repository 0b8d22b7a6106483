"""Realistic, deterministic response bodies for every OCR operation.

Used by the emulator, by property tests and to write ``sample_data``. The 16 documented APIs
follow the response trees of the OCR API Reference (``api_schemas.md``) and honour the request
flags given in ``params``; the other 36 operations are generated from compact field trees
named after the official SDK result models (the reference digest has no response trees for
them, so their shapes are approximate: right field names and types, plausible values).

>>> body = synthesize("general-text", seed=1, params={"character_mode": True})
>>> sorted(body["result"])
['direction', 'words_block_count', 'words_block_list']
>>> "char_list" in body["result"]["words_block_list"][0]
True
"""

from __future__ import annotations

import base64
import io
import math
import random
import re
import zipfile
from typing import Any

from .apis import get_api
from .errors import InputError

__all__ = [
    "synthesize",
    "synthesize_error",
    "smart_document_one_kind_per_element",
    "ERROR_MESSAGES",
]

# error_codes.md, "Error message" column.
ERROR_MESSAGES: dict[str, str] = {
    "AIS.0101": "The input parameter is invalid.",
    "AIS.0102": "The image format is not supported.",
    "AIS.0103": "The image size does not meet the requirements.",
    "AIS.0104": "The image is not supported or the image quality is poor.",
    "AIS.0105": "Recognition failed.",
    "AIS.0117": "Input ID does not exist.",
    "AIS.0118": "Service request error or the tax authority's interface was malfunctioning.",
    "AIS.0119": "Template match failed, template_id={xxx}.",
    "AIS.0120": "Classification failed.",
    "AIS.0121": "The recognition area of template is not configured, template_id={xxx}",
    "AIS.0122": "The image contains two or more ID cards with the same side.",
    "ModelArts.0203": "Invalid token.",
    "ModelArts.4101": "Token header cannot be empty.",
    "ModelArts.4102": "Parse Token error.",
    "ModelArts.4103": "Invalid Token header.",
    "ModelArts.4104": "Invalid Request Content Length.",
    "ModelArts.4105": "The JSON format of the input data is incorrect.",
    "ModelArts.4106": "Invalid authorization request.",
    "ModelArts.4107": "Get user temp ak sk error.",
    "ModelArts.4201": "Request url need service id.",
    "ModelArts.4202": "Request url format invalid.",
    "ModelArts.4203": "Access denied! You do not have permission.",
    "ModelArts.4204": "Request api error! The API XXX is not subscribed.",
    "ModelArts.4301": "Have error when get ai-service admin token.",
    "ModelArts.4302": "Gateway forwarding error.",
    "ModelArts.4401": "Max concurrency error.",
    "ModelArts.4402": "Backend service timeout error.",
    "ModelArts.4403": "Backend service unavailable error.",
    "ModelArts.4502": "Backend service response error.",
    "ModelArts.4503": "Backend service found error.",
    "ModelArts.4504": "Backend service api not found.",
    "ModelArts.4505": "Backend service internal error.",
    "ModelArts.4506": "SubService service found error.",
    "ModelArts.4508": "Service not start.",
    "ModelArts.4601": (
        "Failed to download the file because the file path is not valid, please check it format."
    ),
    "ModelArts.4603": "Obtaining the file from the URL failed.",
    "ModelArts.4702": "Query Obs agency failed.",
    "ModelArts.4703": "The Obs URL is invalid.",
    "ModelArts.4704": "Obtaining the file from the OBS failed.",
    "ModelArts.4705": "The file stored on the OBS is oversized.",
    "ModelArts.4706": "The Obs file is not exist.",
    "ModelArts.6201": (
        "The user account has been suspended. Please check if you have an outstanding balance."
    ),
    "APIG.0101": "The API does not exist or has not been published in the environment.",
    "APIG.0201": "Backend timeout.",
    "APIG.0301": "Incorrect IAM authentication information.",
    "APIG.0308": (
        "The throttling threshold has been reached: policy user over ratelimit,limit:20,"
        "time:1 minute."
    ),
}

# --- text pools ----------------------------------------------------------------------------

_EN_LINES = (
    "INVOICE",
    "Invoice No. INV-{n5}",
    "Date: {date}",
    "Bill to: Acme Trading Ltd.",
    "12 Harbour Road, Wan Chai",
    "Description",
    "Qty",
    "Unit price",
    "Amount",
    "Office chairs, black",
    "Standing desk 140 x 70 cm",
    "USB-C docking station",
    "Subtotal {money}",
    "VAT 7% {money}",
    "Total due {money}",
    "Payment terms: 30 days",
    "Thank you for your business!",
    "Account 0042-{n5}-88",
    "Order reference PO-{n4}",
    "Delivery to warehouse B, gate 3",
    "Customer service +852 2345 {n4}",
    "www.example-shop.com",
    "Cashier: Lee",
    "Table 12  Guests 4",
    "Latte 2 x 38.00",
    "Club sandwich 1 x 96.00",
    "Service charge 10%",
    "Visa **** {n4}",
    "Change 0.00",
    "Meeting notes - quarterly review",
    "Revenue grew 12.4% year on year",
    "Next steps: confirm budget by {date}",
    "Signed by the project manager",
)
_THAI = (
    "นาย สมชาย ใจดี",
    "กรุงเทพมหานคร",
    "พุทธ",
    "เขตบางรัก",
    "มหาสารคาม",
    "ขอนแก่น",
    "เชียงใหม่",
    "นาง สมศรี รักไทย",
)
_THAI_PROVINCES = ("กรุงเทพมหานคร", "มหาสารคาม", "ขอนแก่น", "เชียงใหม่", "ภูเก็ต", "ชลบุรี")
_THAI_MONTHS = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
_EN_MONTHS = (
    "Jan.",
    "Feb.",
    "Mar.",
    "Apr.",
    "May",
    "Jun.",
    "Jul.",
    "Aug.",
    "Sep.",
    "Oct.",
    "Nov.",
    "Dec.",
)
_ES_MONTHS = ("ENE", "FEB", "MAR", "ABR", "MAY", "JUN", "JUL", "AGO", "SEP", "OCT", "NOV", "DIC")
_KHMER_DIGITS = "០១២៣៤៥៦៧៨៩"
_MY_DIGITS = "၀၁၂၃၄၅၆၇၈၉"
_KHMER_NAMES = ("សុខ ចាន់ថា", "យឹម សុភា", "ហេង សុវណ្ណ", "ចាន់ ដារ៉ា")
_KHMER_PLACES = ("ភ្នំពេញ", "សៀមរាប", "បាត់ដំបង", "កំពត")
_MY_NAMES = ("မောင်မောင်", "မသန္တာဖြူ", "ဦးသိန်းပို", "ဒေါ်ခင်ခင်")
_MY_WORDS = ("ဗမာ/ဗုဒ္ဓ", "ရန်ကုန်မြို့", "ကျောင်းဆရာ", "အမှတ် ၁၂ လမ်း ၃၄")
_VI_NAMES = ("NGUYỄN VĂN AN", "TRẦN THỊ BÌNH", "LÊ HOÀNG NAM", "PHẠM THỊ HẢI YẾN")
_VI_PLACES = (
    "Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh",
    "Thôn Ngòi Châu, Yên Bái",
    "Xã Giới Phiên, Thành phố Yên Bái",
    "Phường Hàng Bạc, Hoàn Kiếm, Hà Nội",
)
_ES_SURNAMES = ("FERNANDEZ", "GATICA", "GONZALEZ", "MUÑOZ", "ROJAS", "DÍAZ", "LANDEO", "QUISPE")
_ES_GIVEN = ("MARCELA CAROLINA", "JOSÉ ANTONIO", "YONATHAN DAVID", "MARÍA JESÚS", "LUIS ÁNGEL")
_EN_NAMES = ("JOHN SMITH", "ANNA MÜLLER", "DAVID CHEN", "MARIA SILVA", "AHMED KHAN")
_FONTS = ("SimSun", "Microsoft YaHei", "Arial", "Times New Roman", "KaiTi", "SimHei", "Calibri")
_TABLE_HEADER = ("Item", "Description", "Qty", "Unit price", "Amount", "Tax")
_ITEMS = (
    "Paper A4",
    "Toner cartridge",
    "Stapler",
    "Desk lamp",
    "Notebook",
    "Monitor 27in",
    "Keyboard",
    "HDMI cable",
    "Printer service",
    "Label tape",
)
_LAYOUT_TYPES = (
    "text",
    "title",
    "sub_title",
    "header",
    "footer",
    "page_number",
    "image",
    "image_caption",
    "table_caption",
    "reference",
    "footnote",
)
_SDR_DOC_KINDS = (
    "peru_id_card",
    "cambodian_id_card",
    "hongkong_id_card",
    "macao_id_card",
    "myanmar_driver_license",
    "myanmar_id_card",
    "passport",
    "thailand_id_card",
    "id_card",
)
_FORMULAS = (
    r"E = m c ^ { 2 }",
    r"\int _ { 0 } ^ { 1 } x ^ { 2 } \mathrm { d } x = \frac { 1 } { 3 }",
    r"a ^ { 2 } + b ^ { 2 } = c ^ { 2 }",
    r"\sum _ { i = 1 } ^ { n } i = \frac { n ( n + 1 ) } { 2 }",
)
_B64_JPEG = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwg"


def _khmer(s: str) -> str:
    return s.translate(str.maketrans("0123456789", _KHMER_DIGITS))


def _burmese(s: str) -> str:
    return s.translate(str.maketrans("0123456789", _MY_DIGITS))


class _Gen:
    """Random source plus geometry helpers for one synthesized body."""

    def __init__(self, seed: int | None, image_size: tuple[int, int] | None) -> None:
        self.r = random.Random(seed)
        if image_size is None:
            image_size = (self.r.randint(1000, 2400), self.r.randint(800, 3000))
        w, h = image_size
        self.w, self.h = max(int(w), 32), max(int(h), 32)

    # values
    def conf(self, lo: float = 0.82) -> float:
        return round(self.r.uniform(lo, 0.9999), 4)

    def digits(self, n: int) -> str:
        return "".join(self.r.choice("0123456789") for _ in range(n))

    def date(self, fmt: str = "iso") -> str:
        y, m, d = self.r.randint(1950, 2030), self.r.randint(1, 12), self.r.randint(1, 28)
        if fmt == "dmy-":
            return f"{d:02d}-{m:02d}-{y}"
        if fmt == "dmy/":
            return f"{d:02d}/{m:02d}/{y}"
        return f"{y}-{m:02d}-{d:02d}"

    def money(self) -> str:
        return f"{self.r.randint(1, 9999)}.{self.r.randint(0, 99):02d}"

    def line(self) -> str:
        text = self.r.choice(_EN_LINES)
        return text.format(
            n4=self.digits(4), n5=self.digits(5), date=self.date(), money=self.money()
        )

    # geometry
    def poly(self, x: float, y: float, w: float, h: float, angle: float = 0.0) -> list[list[int]]:
        """4 integer vertices clockwise from top-left, rotated by ``angle`` degrees about TL."""
        a = math.radians(angle)
        ca, sa = math.cos(a), math.sin(a)
        pts = []
        for dx, dy in ((0, 0), (w, 0), (w, h), (0, h)):
            px, py = x + dx * ca - dy * sa, y + dx * sa + dy * ca
            pts.append(
                [min(max(int(round(px)), 0), self.w - 1), min(max(int(round(py)), 0), self.h - 1)]
            )
        return pts

    def box(self) -> list[list[int]]:
        w = self.r.randint(max(self.w // 8, 8), max(self.w // 3, 9))
        h = self.r.randint(max(self.h // 40, 6), max(self.h // 15, 7))
        x = self.r.randint(0, max(self.w - w - 1, 0))
        y = self.r.randint(0, max(self.h - h - 1, 0))
        return self.poly(x, y, w, h)

    def lines(self, n: int, *, tilt: bool = True) -> list[tuple[str, list[list[int]]]]:
        """``n`` text lines laid out top-to-bottom in one or two columns."""
        cols = 2 if n > 30 else 1
        rows = math.ceil(n / cols)
        margin = self.w * 0.05
        col_w = (self.w - 2 * margin) / cols
        pitch = (self.h * 0.9) / max(rows, 1)
        out = []
        for i in range(n):
            c, row = divmod(i, rows)
            text = self.line()
            lh = min(max(pitch * 0.6, 4.0), max(self.h * 0.035, 6.0))
            lw = min(col_w * 0.95, max(len(text) * lh * 0.5, 10.0))
            angle = self.r.choice((0.0, 0.0, 0.0, 0.0, 1.5, -1.2, 4.0)) if tilt else 0.0
            x, y = margin + c * col_w, self.h * 0.05 + row * pitch
            out.append((text, self.poly(x, y, lw, lh, angle)))
        return out

    def chars(self, text: str, poly: list[list[int]]) -> list[dict[str, Any]]:
        """Split a block polygon along its baseline into one polygon per visible character."""
        n = len(text) or 1
        (x1, y1), (x2, y2), (x3, y3), (x4, y4) = poly
        out = []
        for i, ch in enumerate(text):
            if ch.isspace():
                continue
            t0, t1 = i / n, (i + 1) / n

            def top(t: float) -> list[int]:
                return [round(x1 + (x2 - x1) * t), round(y1 + (y2 - y1) * t)]

            def bot(t: float) -> list[int]:
                return [round(x4 + (x3 - x4) * t), round(y4 + (y3 - y4) * t)]

            out.append(
                {
                    "char": ch,
                    "char_location": [top(t0), top(t1), bot(t1), bot(t0)],
                    "char_confidence": self.conf(0.7),
                }
            )
        return out


# --- tables and Excel ---------------------------------------------------------------------


def _grid(g: _Gen, n_rows: int, n_cols: int) -> list[dict[str, Any]]:
    """Cells of a table with a merged header cell and a row-spanning first-column cell."""
    cells: list[dict[str, Any]] = []
    taken: set[tuple[int, int]] = set()

    def add(rows: list[int], cols: list[int], text: str) -> None:
        cells.append({"rows": rows, "columns": cols, "words": text})
        taken.update((r, c) for r in rows for c in cols)

    add([0], list(range(n_cols)), "Quarterly purchase summary")
    for c in range(n_cols):
        add([1], [c], _TABLE_HEADER[c % len(_TABLE_HEADER)])
    if n_rows > 3:
        add([2, 3], [0], "Group A")
    for r in range(2, n_rows):
        for c in range(n_cols):
            if (r, c) in taken:
                continue
            if c == 0:
                text = f"G{r}"
            elif c == 1:
                text = g.r.choice(_ITEMS)
            elif c == 2:
                text = str(g.r.randint(1, 40))
            else:
                text = g.money()
            add([r], [c], text)
    cells.sort(key=lambda cell: (cell["rows"][0], cell["columns"][0]))
    return cells


def _cell_polys(
    g: _Gen, cells: list[dict[str, Any]], x0: float, y0: float, w: float, h: float
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


def _xlsx_b64(cells: list[dict[str, Any]]) -> str:
    """A real .xlsx (Base64) with the cell texts and merged ranges for spans; byte-stable."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for cell in cells:
        r0, c0 = min(cell["rows"]) + 1, min(cell["columns"]) + 1
        ws.cell(row=r0, column=c0, value=cell["words"])
        r1, c1 = max(cell["rows"]) + 1, max(cell["columns"]) + 1
        if (r1, c1) != (r0, c0):
            ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
    raw = io.BytesIO()
    wb.save(raw)
    # openpyxl stamps the save time into the zip entries and docProps/core.xml: pin both.
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2025-01-01T00:00:00Z", data)
            dst.writestr(
                zipfile.ZipInfo(info.filename, (2025, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED
            )
    return base64.b64encode(out.getvalue()).decode("ascii")


# --- the 16 documented APIs ---------------------------------------------------------------


def _general_text(g: _Gen, p: dict, n: int) -> dict:
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


def _web_image(g: _Gen, p: dict, n: int) -> dict:
    blocks = []
    for text, poly in g.lines(n):
        b: dict[str, Any] = {"words": text, "confidence": g.conf(), "location": poly}
        if p.get("detect_font"):
            fonts = g.r.sample(_FONTS, 5)
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


def _general_table(g: _Gen, p: dict, n: int) -> dict:
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
        res["excel"] = _xlsx_b64(cells)
    return res


def _sdr(g: _Gen, p: dict, n: int) -> list:
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
            t["excel"] = _xlsx_b64(cells)
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
                "formula": g.r.choice(_FORMULAS),
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
                    "type": g.r.choice(_LAYOUT_TYPES),
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


def _confs(g: _Gen, res: dict, keys: list[str] | None = None) -> dict[str, float]:
    keys = keys if keys is not None else [k for k, v in res.items() if isinstance(v, str | list)]
    return {k: g.conf(0.6) for k in keys}


def _id_document(g: _Gen, p: dict, n: int) -> dict:
    first, last = g.r.choice(_EN_NAMES).split()
    res: dict[str, Any] = {
        "country_region": g.r.choice(("ALB", "PHL", "VNM", "THA", "CHL", "MYS")),
        "id_type": g.r.choice(("PP", "DL", "ID")),
        "side": "front",
        "first_name": first,
        "last_name": last,
        "sex": g.r.choice("MF"),
        "nationality": "ALBANIAN",
        "birth_date": g.date(),
        "issue_date": g.date(),
        "expiry_date": g.date(),
        "document_number": "BA" + g.digits(7),
        "address": "Rruga e Kavajes 12, Tirana",
        "issuing_authority": "Ministry of Interior",
    }
    if p.get("return_portrait_image"):
        res["portrait_image"] = _B64_JPEG
    res["confidence"] = _confs(g, res, [k for k in res if k not in ("portrait_image",)])
    return res


def _auto_id(g: _Gen, p: dict, n: int) -> dict:
    res: dict[str, Any] = {
        "type": g.r.choice(_SDR_DOC_KINDS),
        "location": g.poly(g.w * 0.2, g.h * 0.15, g.w * 0.6, g.h * 0.55, g.r.uniform(-4, 4)),
        "confidence": g.conf(),
    }
    if p.get("alarm"):
        names = (
            "blur",
            "glare",
            "blocking_within_border",
            "insufficient_lighting",
            "copy",
            "border_integrity",
            "reproduce",
        )
        scores = {f"{k}_score": g.r.choice((0, 0, 0, g.r.randint(1, 99))) for k in names}
        res["alarm_result"] = {f"detect_{k}_result": scores[f"{k}_score"] > 50 for k in names}
        res["alarm_confidence"] = scores
    return res


def _passport(g: _Gen, p: dict, n: int) -> dict:
    code = p.get("country_code") or g.r.choice(("CHN", "GENERAL"))
    number = "E" + g.r.choice("ABDGKP") + g.digits(7)
    if code == "CHN":
        res: dict[str, Any] = {
            "passport_type": "P",
            "country_code": "CHN",
            "passport_number": number,
            "nationality": "CHINESE",
            "surname": "ZHANG",
            "given_name": "SAN",
            "sex": g.r.choice("MF"),
            "date_of_birth": g.date(),
            "date_of_expiry": g.date(),
            "date_of_issue": g.date(),
            "place_of_birth": "HUNAN",
            "place_of_issue": "GUANGDONG",
            "issuing_authority": "MPS Exit & Entry Administration",
        }
        keys = list(res)
        res["extra_info"] = {
            "local_language": {
                "name": "张三",
                "sex": "女" if res["sex"] == "F" else "男",
                "place_of_birth": "湖南",
                "place_of_issue": "广东",
                "issuing_authority": "公安部出入境管理局",
                "nationality": "中国",
            }
        }
        res["confidence"] = _confs(g, res, keys)
        return res
    surname, given = g.r.choice(("HUZHAO", "SMITH", "MULLER")), g.r.choice(("ZHAOMIN", "ANNA"))
    birth, expiry, sex = g.date(), g.date(), g.r.choice("MF")
    country = g.r.choice(("ETF", "GBR", "DEU", "FRA"))
    res = {
        "country_code": country,
        "surname": surname,
        "given_name": given,
        "passport_number": number,
        "date_of_birth": birth,
        "sex": sex,
        "date_of_expiry": expiry,
    }
    keys = list(res)
    line1 = f"P<{country}{surname}<<{given}".ljust(44, "<")
    line2 = (
        f"{number}{g.digits(1)}{country}{birth[2:].replace('-', '')}{g.digits(1)}{sex}"
        f"{expiry[2:].replace('-', '')}{g.digits(1)}"
    ).ljust(42, "<") + g.digits(2)
    res.update({"machine_code": line1, "machine_code2": line2, "extra_info": {}})
    res["confidence"] = _confs(g, res, keys)
    return res


def _thai_date(g: _Gen, lo: int, hi: int) -> tuple[str, str]:
    d, m, y = g.r.randint(1, 28), g.r.randint(0, 11), g.r.randint(lo, hi)
    return f"{d} {_THAI_MONTHS[m]} {y + 543}", f"{d} {_EN_MONTHS[m]} {y}"


def _card_extras(g: _Gen, p: dict, res: dict, types: tuple[str, ...] = ("normal", "copy")):
    if p.get("return_portrait_image"):
        res["portrait_image"] = _B64_JPEG
    if p.get("return_portrait_location"):
        res["portrait_location"] = g.poly(
            g.w * 0.05, g.h * 0.3, g.w * 0.22, g.h * 0.45, g.r.uniform(-2, 2)
        )
    if p.get("return_idcard_type"):
        res["idcard_type"] = g.r.choice(types)


def _text_location(g: _Gen, res: dict, keys: list[str]) -> dict[str, list[list[int]]]:
    out = {}
    for i, k in enumerate(keys):
        out[k] = g.poly(
            g.w * 0.35,
            g.h * (0.08 + 0.8 * i / max(len(keys), 1)),
            g.w * 0.5,
            g.h * 0.05,
            g.r.uniform(-1.5, 1.5),
        )
    return out


def _thailand_id(g: _Gen, p: dict, n: int) -> dict:
    side = p.get("side") or g.r.choice(("front", "back"))
    if side == "back":
        res: dict[str, Any] = {
            "side": "back",
            "card_number": f"{g.digits(4)}-{g.digits(3)}-{g.digits(2)}",
            "laser_number": f"ME{g.digits(1)}-{g.digits(7)}-{g.digits(2)}",
        }
    else:
        bth, ben = _thai_date(g, 1945, 2005)
        ith, ien = _thai_date(g, 2015, 2024)
        eth, een = _thai_date(g, 2025, 2033)
        res = {
            "type": g.r.choice(("normal", "pink")),
            "side": "front",
            "id_number": f"{g.digits(1)} {g.digits(4)} {g.digits(5)} {g.digits(2)} {g.digits(1)}",
            "name_th": g.r.choice(_THAI[:1] + _THAI[-1:]),
            "name_en": "Mr. Somchai Jaidee",
            "first_name_en": "Somchai",
            "last_name_en": "Jaidee",
            "date_of_birth_th": bth,
            "date_of_birth_en": ben,
            "religion_th": "พุทธ",
            "address_th": "99 หมู่ 4 ต.บางรัก อ.เมือง จ." + g.r.choice(_THAI_PROVINCES),
            "date_of_issue_th": ith,
            "date_of_issue_en": ien,
            "date_of_expiry_th": eth,
            "date_of_expiry_en": een,
            "serial_number": f"{g.digits(4)}-{g.digits(2)}-{g.digits(8)}",
            "ref_number": g.digits(12),
        }
    text_keys = [k for k in res if k not in ("type", "side")]
    res["confidence"] = _confs(g, res, text_keys)
    _card_extras(g, p, res)
    if p.get("return_text_location"):
        res["text_location"] = _text_location(g, res, text_keys)
    return res


def _colombia_id(g: _Gen, p: dict, n: int) -> dict:
    res = {
        "side": "front",
        "number": f"1.0{g.digits(2)}.{g.digits(3)}.{g.digits(3)}",
        "name": g.r.choice(("VALENTINA", "JUAN CAMILO", "ANDRÉS FELIPE")),
        "last_name": g.r.choice(("SÁNCHEZ ROJAS", "GÓMEZ PEÑA", "MARTÍNEZ")),
        "birth_date": f"{g.r.randint(1, 28):02d}-{g.r.choice(_ES_MONTHS)}-19{g.digits(2)}",
        "birth_place": "BOGOTÁ D.C. (CUNDINAMARCA)",
        "gender": g.r.choice("MF"),
        "blood_type": g.r.choice(("O+", "A+", "B-", "AB+")),
        "issue_date": f"{g.r.randint(1, 28):02d}-{g.r.choice(_ES_MONTHS)}-20{g.digits(2)}",
        "issue_authority": "BOGOTÁ D.C.",
        "height": f"1.{g.r.randint(50, 95)}",
        "citizen_code1": "A-" + g.digits(7),
        "citizen_code2": g.digits(10),
        "citizen_code3": g.digits(8),
    }
    return {**res, "confidence": _confs(g, res, [k for k in res if k != "side"])}


def _cambodian_id(g: _Gen, p: dict, n: int) -> dict:
    d = f"{g.r.randint(1, 28):02d}.{g.r.randint(1, 12):02d}.{g.r.randint(1950, 2005)}"
    name_en = g.r.choice(("YOENG THIDA", "SOK CHANTHA", "HENG SOVANN"))
    res: dict[str, Any] = {
        "id_number": g.digits(9),
        "name_kh": g.r.choice(_KHMER_NAMES),
        "name_en": name_en,
        "birth_date": _khmer(d),
        "sex": g.r.choice(("ស្រី", "ប្រុស")),
        "height": _khmer(str(g.r.randint(150, 185))) + " ស.ម",
        "birth_place": g.r.choice(_KHMER_PLACES),
        "address": "ភូមិ" + _khmer(str(g.r.randint(1, 9))) + " " + g.r.choice(_KHMER_PLACES),
        "issue_date": _khmer(f"15.12.{g.r.randint(2010, 2020)}"),
        "expiry_date": _khmer(f"14.12.{g.r.randint(2025, 2030)}"),
        "description": "ប្រជ្រុយ ចុងចិញ្ចើមស្តាំ",
        "machine_code1": f"IDKHM{g.digits(10)}".ljust(30, "<"),
        "machine_code2": f"{g.digits(7)}F{g.digits(7)}KHM".ljust(29, "<") + g.digits(1),
        "machine_code3": name_en.replace(" ", "<<").ljust(30, "<"),
    }
    keys = list(res)
    _card_extras(g, p, res)
    if p.get("return_adjusted_image"):
        res["adjusted_image"] = _B64_JPEG
    checks = {
        "return_idcard_type": "idcard_type",
        "detect_border_integrity": "border_integrity",
        "detect_blocking_within_border": "blocking_within_border",
        "detect_blur": "blur",
        "detect_glare": "glare",
        "detect_tampering": "tampering",
        "detect_reproduce": "reproduce",
    }
    scores = {}
    for flag, name in checks.items():
        if p.get(flag):
            score = g.r.choice((0, 2, 5, g.r.randint(0, 99)))
            scores[f"{name}_score"] = score
            if flag != "return_idcard_type":
                res[f"detect_{name}_result"] = score > 50
    if scores:
        res["score_info"] = scores
    res["confidence"] = _confs(g, res, keys + (["idcard_type"] if "idcard_type" in res else []))
    return res


def _myanmar_id(g: _Gen, p: dict, n: int) -> dict:
    side = p.get("side") or g.r.choice(("front", "back"))  # not a request flag: a hint
    nrc = _burmese(f"{g.r.randint(1, 14)}/") + "မခန(နိုင်)" + _burmese(g.digits(6))
    res: dict[str, Any] = {"side": side, "class": g.r.choice(("new_version", "old_version"))}
    if side == "front":
        res.update(
            {
                "nrc_id": nrc,
                "issue_date": _burmese(g.date("dmy-")),
                "name": g.r.choice(_MY_NAMES),
                "father_name": g.r.choice(_MY_NAMES),
                "birth": _burmese(g.date("dmy-")),
                "bloodlines_religion": _MY_WORDS[0],
                "height": _burmese(f"{g.r.randint(4, 6)}'{g.r.randint(0, 11)}\""),
                "blood_group": g.r.choice(("A", "B", "O", "AB")),
            }
        )
        keys = [
            "nrc_id",
            "issue_date",
            "name",
            "birth",
            "bloodlines_religion",
            "height",
            "blood_group",
        ]
    else:
        res.update(
            {
                "card_id": g.digits(7),
                "nrc_id_back": nrc,
                "profession": _MY_WORDS[2],
                "address": _MY_WORDS[3] + " " + _MY_WORDS[1],
            }
        )
        keys = ["card_id", "nrc_id_back", "profession", "address"]
    if p.get("return_confidence"):
        res["confidence"] = _confs(g, res, keys)
    _card_extras(g, p, res)
    if p.get("return_translation") and side == "front":
        res["translation_info"] = {
            "name_translation": g.r.choice(("Ma Sandar Phyu", "Maung Maung", "U Thein Po")),
            "father_name_translation": "U Thein Po",
            "nrc_id_translation": f"9/MaKhaNa(N){g.digits(6)}",
            "birth_translation": f"{g.r.randint(1, 28)}.{g.r.randint(1, 12)}.19{g.digits(2)}",
        }
    return res


def _myanmar_dl(g: _Gen, p: dict, n: int) -> dict:
    num, nrc = f"B/{g.digits(5)}/{g.digits(2)}", f"12/DaGaNa(N){g.digits(6)}"
    birth = f"{g.r.randint(1, 28)}-{g.r.randint(1, 12)}-{g.r.randint(1950, 2004)}"
    exp = f"{g.r.randint(1, 28)}-{g.r.randint(1, 12)}-{g.r.randint(2020, 2030)}"
    blood = g.r.choice(("A", "B", "O", "AB"))
    res = {
        "card_number": _burmese(num),
        "card_number_en": num,
        "name": g.r.choice(_MY_NAMES),
        "name_en": g.r.choice(("MAUNG MAUNG", "AUNG KYAW")),
        "nrc_id": _burmese(nrc),
        "nrc_id_en": nrc,
        "birth": _burmese(birth),
        "birth_en": birth,
        "blood_group": blood,
        "blood_group_en": blood,
        "expiried_date": _burmese(exp),
        "expiried_date_en": exp,
    }
    return {**res, "confidence": _confs(g, res)}


def _chile_id(g: _Gen, p: dict, n: int) -> dict:
    def d() -> str:
        return f"{g.r.randint(1, 28)} {g.r.choice(_ES_MONTHS)} {g.r.randint(1950, 2030)}"

    res = {
        "surname": g.r.sample(_ES_SURNAMES, 2),
        "given_name": g.r.choice(_ES_GIVEN),
        "nationality": "CHILENA",
        "sex": g.r.choice("MF"),
        "birth": d(),
        "document_number": g.digits(9),
        "issue_date": d(),
        "expiry_date": d(),
        "number": f"{g.r.randint(5, 25)}.{g.digits(3)}.{g.digits(3)}-{g.r.choice('0123456789K')}",
    }
    return {**res, "confidence": _confs(g, res)}


def _vietnam_id(g: _Gen, p: dict, n: int) -> dict:
    side = p.get("side") or g.r.choice(("front", "back"))
    res: dict[str, Any] = {
        "side": side,
        "number": "0" + g.digits(11),
        "full_name": g.r.choice(_VI_NAMES),
        "birth_date": g.date("dmy-"),
        "sex": g.r.choice(("Nam", "Nữ")),
        "nationality": "Việt Nam",
        "origin_place": g.r.choice(_VI_PLACES),
        "residence_place": g.r.choice(_VI_PLACES),
        "expiry_date": g.date("dmy/"),
    }
    if side == "back":
        num = res["number"]
        res.update(
            {
                "personal_identification": "Nốt ruồi cách 2cm dưới mép phải",
                "issue_date": g.date("dmy/"),
                "machine_code1": f"IDVNM{num[3:]}{g.digits(1)}{num}".ljust(30, "<"),
                "machine_code2": f"{g.digits(7)}F{g.digits(7)}VNM".ljust(29, "<") + g.digits(1),
                "machine_code3": "NGUYEN<<VAN<AN".ljust(30, "<"),
            }
        )
    keys = [k for k in res if k != "side"]
    res["confidence"] = _confs(g, res, keys)
    _card_extras(g, p, res, ("normal", "copy", "screen"))
    if p.get("return_text_location"):
        res["text_location"] = _text_location(g, res, keys)
    return res


def _peru_id(g: _Gen, p: dict, n: int) -> dict:
    s1, s2 = g.r.sample(_ES_SURNAMES, 2)
    given = g.r.choice(_ES_GIVEN)
    cui = g.digits(8)
    res: dict[str, Any] = {
        "cui_number": f"{cui}-{g.digits(1)}",
        "first_surname": s1,
        "second_surname": s2,
        "given_name": given,
        "sex": g.r.choice("MF"),
        "marital_status": g.r.choice("SCVD"),
        "birth_date": g.date("dmy-").replace("-", " "),
        "nationality": "PERUANA",
        "issue_date": g.date("dmy-").replace("-", " "),
        "expiry_date": g.date("dmy-").replace("-", " "),
        "birth_place": int(g.digits(6).lstrip("0") or "1"),
        "voting_group": g.digits(6),
        "organ_donation": g.r.choice(("SI", "NO")),
        "registration_date": g.date("dmy-").replace("-", " "),
        "portrait_image": _B64_JPEG if p.get("return_portrait_image") else None,
        "portrait_location": (
            g.poly(g.w * 0.04, g.h * 0.2, g.w * 0.25, g.h * 0.55)
            if p.get("return_portrait_location")
            else None
        ),
        "address": "AV. LOS ÁLAMOS 245",
        "department": "LIMA",
        "province": "LIMA",
        "district": "MIRAFLORES",
        "remarks": "",
        "machine_code1": f"I<PER{cui}<{g.digits(1)}".ljust(30, "<"),
        "machine_code2": f"{g.digits(7)}M{g.digits(7)}PER".ljust(29, "<") + g.digits(1),
        "machine_code3": f"{s1}<<{given.replace(' ', '<')}".ljust(30, "<"),
        "duplicate": g.r.random() < 0.1,
    }
    res["confidence"] = _confs(g, res, list(res))
    return res


def _thai_plate(g: _Gen, p: dict, n: int) -> list:
    plates = []
    for i in range(g.r.randint(1, 3)):
        plates.append(
            {
                "plate_number": f"{g.r.choice(('กง', 'ขท', '1กข', 'ฌช'))} {g.r.randint(1, 9999)}",
                "province": g.r.choice(_THAI_PROVINCES),
                "confidence": g.conf(),
                "plate_location": g.poly(
                    g.w * (0.1 + 0.3 * i), g.h * 0.6, g.w * 0.22, g.h * 0.1, g.r.uniform(-3, 3)
                ),
            }
        )
    return plates


_DOCUMENTED = {
    "general-text": (_general_text, 60),
    "web-image": (_web_image, 20),
    "general-table": (_general_table, 40),
    "smart-document-recognizer": (_sdr, 40),
    "id-document": (_id_document, 0),
    "auto-id-doc-classification": (_auto_id, 0),
    "passport": (_passport, 0),
    "thailand-id-card": (_thailand_id, 0),
    "colombia-id-card": (_colombia_id, 0),
    "cambodian-idcard": (_cambodian_id, 0),
    "myanmar-id-card": (_myanmar_id, 0),
    "myanmar-driver-license": (_myanmar_dl, 0),
    "chile-id-card": (_chile_id, 0),
    "vietnam-id-card": (_vietnam_id, 0),
    "peru-id-card": (_peru_id, 0),
    "thailand-license-plate": (_thai_plate, 0),
}

# --- the 36 other operations: compact trees --------------------------------------------------
# Leaf codes: "s" string (value chosen by field name), "c" confidence float, "i" int, "b" bool,
# "p" polygon, "b64" Base64 payload, "ls" list of strings, "li" list of ints, "score" 0-99
# alarm score, "conf" {sibling string field: float}.
# A dict is an object, [dict] a list of 1-4 objects. A tree in a list is a list-shaped result.

_WORDS = {
    "words_block_count": "i",
    "words_block_list": [{"words": "s", "confidence": "c", "location": "p"}],
}
_TABLE = {
    "words_region_count": "i",
    "words_region_list": [
        {
            "type": "s",
            "words_block_count": "i",
            "words_block_list": [{"words": "s", "confidence": "c", "rows": "li", "columns": "li"}],
        }
    ],
    "excel": "b64",
}


def _card(*fields: str) -> dict:
    return {**{f: "s" for f in fields}, "confidence": "conf"}


_OTHER_TREES: dict[str, Any] = {
    "acceptance-bill": _card(
        "bill_type",
        "issue_date",
        "number",
        "due_date",
        "drawer_name",
        "drawer_account_number",
        "drawer_bank_name",
        "payee_name",
        "payee_account_number",
        "payee_bank_name",
        "amount_in_words",
        "amount_in_figures",
        "acceptance_date",
    ),
    "auto-classification": [
        {
            "type": "s",
            "status": "s",
            "location": "p",
            "content": {"number": "s", "name": "s", "issue_date": "s"},
        }
    ],
    "bank-receipt": {
        "bank_receipt_count": "i",
        "bank_receipt_list": [
            {
                "kv_count": "i",
                "kv_list": [{"key": "s", "value": "s", "key_location": "p", "value_location": "p"}],
                "location": "p",
            }
        ],
    },
    "bankcard": {
        "bank_name": "s",
        "card_number": "s",
        "issue_date": "s",
        "expiry_date": "s",
        "type": "s",
        "confidence": "conf",
    },
    "business-card": {
        "name": "ls",
        "phone": "ls",
        "company": "ls",
        "title": "ls",
        "address": "ls",
        "email": "ls",
        "confidence": "conf",
    },
    "business-license": _card(
        "registration_number",
        "name",
        "type",
        "address",
        "legal_representative",
        "registered_capital",
        "found_date",
        "business_term",
        "business_scope",
        "issue_date",
    ),
    "custom-template": {
        "template_id": "s",
        "template_name": "s",
        "words_block_count": "i",
        "words_block_list": [{"key": "s", "value": "s", "location": "p", "confidence": "c"}],
    },
    "driver-license": _card(
        "type",
        "number",
        "name",
        "sex",
        "nationality",
        "address",
        "birth",
        "issue_date",
        "class",
        "valid_from",
        "valid_to",
        "issuing_authority",
    ),
    "exit-entry-permit": _card(
        "name",
        "name_en",
        "sex",
        "birth",
        "number",
        "expiry_date",
        "issue_date",
        "issue_place",
        "issuing_authority",
    ),
    "financial-statement": _TABLE,
    "flight-itinerary": {
        **_card(
            "serial_number",
            "passenger_name",
            "id_number",
            "pnr",
            "issued_by",
            "issue_date",
            "fare",
            "tax",
            "fuel_surcharge",
            "total",
        ),
        "itinerary_list": [
            {
                "departure_station": "s",
                "arrival_station": "s",
                "carrier": "s",
                "flight": "s",
                "cabin_class": "s",
                "date": "s",
                "time": "s",
                "allow": "s",
            }
        ],
    },
    "handwriting": {
        "words_block_count": "i",
        "words_block_list": [
            {
                "words": "s",
                "confidence": "c",
                "location": "p",
                "char_list": [{"char": "s", "char_location": "p", "char_confidence": "c"}],
            }
        ],
    },
    "health-code": {**_card("name", "time", "color", "phone"), **_WORDS},
    "hk-id-card": _card(
        "side",
        "name",
        "name_en",
        "birth",
        "sex",
        "number",
        "issue_date",
        "first_issue_date",
        "symbols",
    ),
    "household-register": [
        _card(
            "type",
            "name",
            "relationship",
            "sex",
            "birth_place",
            "birth",
            "nationality",
            "id_card_number",
            "address",
        )
    ],
    "id-card": {
        **_card(
            "name",
            "sex",
            "ethnicity",
            "birth",
            "address",
            "number",
            "issuing_authority",
            "valid_from",
            "valid_to",
        ),
        "detect_reproduce_result": "b",
        "detect_copy_result": "b",
        "detect_blur_result": "b",
        "score_info": {"reproduce_score": "score", "copy_score": "score", "blur_score": "score"},
    },
    "insurance-policy": {
        "bill_type": "s",
        "policy_number": "s",
        "holder_name": "s",
        "insured_name": "s",
        "total_premium": "s",
        "issue_date": "s",
        "insurance_list": [{"name": "s", "amount": "s", "period": "s", "premium": "s"}],
        "confidence": "conf",
    },
    "invoice-verification": {
        "code": "s",
        "number": "s",
        "issue_date": "s",
        "buyer_name": "s",
        "seller_name": "s",
        "subtotal_amount": "s",
        "subtotal_tax": "s",
        "total": "s",
        "state": "s",
        "type": "s",
    },
    "license-plate": [
        {"plate_number": "s", "plate_color": "s", "plate_location": "p", "confidence": "c"}
    ],
    "macao-id-card": _card(
        "side",
        "name",
        "name_en",
        "birth",
        "sex",
        "number",
        "issue_date",
        "expiry_date",
        "first_issue_date",
    ),
    "mainland-travel-permit": _card(
        "name",
        "name_en",
        "sex",
        "birth",
        "number",
        "issue_date",
        "expiry_date",
        "issuing_authority",
        "issue_times",
    ),
    "mvs-invoice": _card(
        "code",
        "number",
        "issue_date",
        "machine_number",
        "buyer_name",
        "buyer_id",
        "vehicle_type",
        "brand_model",
        "vin",
        "engine_number",
        "seller_name",
        "total",
        "total_in_words",
        "tax_rate",
    ),
    "pcr-test-record": {**_card("name", "test_time", "test_result", "institution"), **_WORDS},
    "transportation-qualification-certificate": _card(
        "name",
        "sex",
        "nationality",
        "birth",
        "address",
        "number",
        "category",
        "issue_date",
        "valid_from",
        "valid_to",
        "issuing_authority",
    ),
    "quota-invoice": _card("code", "number", "amount", "location", "issue_date"),
    "real-estate-certificate": _card(
        "obligee", "ownership", "location", "unit_number", "use", "area", "land_use_term", "number"
    ),
    "seal": {
        "seal_count": "i",
        "seal_list": [{"words": "s", "confidence": "c", "location": "p", "color": "s"}],
    },
    "taxi-invoice": _card(
        "code",
        "number",
        "taxi_number",
        "date",
        "time_geton",
        "time_getoff",
        "mileage",
        "amount",
        "location",
    ),
    "toll-invoice": _card(
        "code", "number", "entry", "exit", "vehicle_type", "amount", "date", "time"
    ),
    "train-ticket": _card(
        "ticket_id",
        "check",
        "start_station",
        "end_station",
        "train_number",
        "departure_time",
        "seat_number",
        "seat_category",
        "ticket_price",
        "name",
        "id_number",
    ),
    "transportation-license": _card(
        "owner_name",
        "license_number",
        "vehicle_number",
        "vehicle_type",
        "maximum_capacity",
        "vehicle_size",
        "issue_date",
        "business_certificate",
    ),
    "vat-invoice": {
        **_card(
            "type",
            "serial_number",
            "code",
            "check_code",
            "number",
            "issue_date",
            "buyer_name",
            "buyer_id",
            "buyer_address",
            "buyer_bank",
            "seller_name",
            "seller_id",
            "seller_address",
            "seller_bank",
            "subtotal_amount",
            "subtotal_tax",
            "total",
            "total_in_words",
            "remarks",
            "receiver",
            "reviewer",
            "issuer",
        ),
        "item_list": [
            {
                "name": "s",
                "specification": "s",
                "unit": "s",
                "quantity": "s",
                "unit_price": "s",
                "amount": "s",
                "tax_rate": "s",
                "tax": "s",
            }
        ],
    },
    "vehicle-certificate": _card(
        "certificate_number",
        "issue_date",
        "vehicle_manufacturer",
        "vehicle_brand",
        "vehicle_type",
        "vin",
        "engine_number",
        "vehicle_color",
        "displacement",
        "manufacture_date",
    ),
    "vehicle-license": {
        **_card(
            "number",
            "vehicle_type",
            "name",
            "address",
            "use_character",
            "model",
            "vin",
            "engine_no",
            "register_date",
            "issue_date",
            "issuing_authority",
        ),
        "detect_copy_result": "b",
        "detect_reproduce_result": "b",
    },
    "vin": {"vin": "s", "confidence": "c"},
    "waybill-electronic": _card(
        "waybill_number",
        "receiver_name",
        "receiver_phone",
        "receiver_address",
        "sender_name",
        "sender_phone",
        "sender_address",
    ),
}


def _value_for(g: _Gen, name: str) -> str:
    n = name.lower()
    if any(k in n for k in ("date", "birth", "valid_", "_time", "time")) and "place" not in n:
        return g.date()
    if (
        any(
            k in n
            for k in (
                "amount",
                "total",
                "price",
                "fare",
                "tax",
                "premium",
                "mileage",
                "capital",
                "surcharge",
            )
        )
        and "words" not in n
    ):
        return g.money()
    if "phone" in n:
        return "+852 " + g.digits(8)
    if "vin" == n or n.startswith("vin"):
        return "LSV" + "".join(g.r.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(14))
    if any(k in n for k in ("number", "code", "_id", "serial", "pnr")) or n == "id":
        return g.digits(g.r.choice((8, 10, 12)))
    if n == "sex":
        return g.r.choice("MF")
    if "name" in n or n in ("obligee", "receiver", "reviewer", "issuer", "passenger"):
        return g.r.choice(_EN_NAMES).title()
    if any(k in n for k in ("address", "location", "station", "place", "entry", "exit")):
        return g.r.choice(
            (
                "12 Harbour Road, Wan Chai",
                "88 Nathan Road",
                "Shenzhen North",
                "Guangzhou South",
                "1 Science Park Ave",
            )
        )
    if n in ("type", "status", "state", "color", "side", "class", "category"):
        return g.r.choice(("normal", "front", "blue", "valid", "C1"))
    return g.line()


def _walk(g: _Gen, tree: Any, name: str = "") -> Any:
    if isinstance(tree, list):
        return [_walk(g, tree[0], name) for _ in range(g.r.randint(1, 4))]
    if isinstance(tree, dict):
        out: dict[str, Any] = {}
        for key, sub in tree.items():
            if sub != "conf":
                out[key] = _walk(g, sub, key)
        for key, sub in tree.items():
            if sub == "conf":
                out[key] = {k: g.conf(0.6) for k, v in out.items() if isinstance(v, str)}
        for key in list(out):
            if key.endswith("_count") and isinstance(out.get(key[:-6] + "_list"), list):
                out[key] = len(out[key[:-6] + "_list"])
        return out
    return {
        "s": lambda: _value_for(g, name),
        "c": lambda: g.conf(),
        "i": lambda: g.r.randint(1, 20),
        "b": lambda: g.r.random() < 0.5,
        "p": lambda: g.box(),
        "b64": lambda: _B64_JPEG,
        "ls": lambda: [_value_for(g, name) for _ in range(g.r.randint(1, 2))],
        "li": lambda: [g.r.randint(0, 6)],
        "score": lambda: g.r.choice((0, 1, 3, g.r.randint(0, 99))),
    }[tree]()


# --- public -------------------------------------------------------------------------------


def synthesize(
    api: str,
    *,
    seed: int | None = None,
    params: dict | None = None,
    image_size: tuple[int, int] | None = None,
    n_blocks: int | None = None,
) -> dict:
    """Return a realistic success body ``{"result": ...}`` for any of the 52 operations.

    Parameters
    ----------
    api : str
        Slug, method or display name (see :func:`ocrframe.apis.get_api`).
    seed : int, optional
        Same seed, same body. None draws a fresh random body.
    params : dict, optional
        Request flags to honour, e.g. ``{"character_mode": True}``.
    image_size : (width, height), optional
        Every polygon lies inside it. Random when omitted.
    n_blocks : int, optional
        Number of text blocks / table cells for the text and table APIs.

    Returns
    -------
    dict
        A JSON-serializable body.

    Examples
    --------
    >>> body = synthesize("general-table", seed=3, params={"return_excel": True})
    >>> body["result"]["words_region_list"][1]["type"], "excel" in body["result"]
    ('table', True)
    """
    slug = get_api(api).slug
    if params is not None and not isinstance(params, dict):
        raise InputError(f"params must be a dict of request flags, got {type(params).__name__}")
    if n_blocks is not None and (not isinstance(n_blocks, int) or n_blocks < 1):
        raise InputError(f"n_blocks must be a positive integer, got {n_blocks!r}")
    if image_size is not None:
        ok = (
            isinstance(image_size, tuple | list)
            and len(image_size) == 2
            and all(isinstance(v, int) and v >= 32 for v in image_size)
        )
        if not ok:
            raise InputError(
                f"image_size must be (width, height) in pixels, each >= 32; got {image_size!r}"
            )
    g = _Gen(seed, tuple(image_size) if image_size else None)
    p = dict(params or {})
    if slug in _DOCUMENTED:
        fn, default_n = _DOCUMENTED[slug]
        return {"result": fn(g, p, n_blocks or default_n)}
    tree = _OTHER_TREES.get(slug)
    if tree is None:
        raise InputError(f"no synthetic response is defined for {slug!r}")
    return {"result": _walk(g, tree)}


def synthesize_error(code: str, *, nested: bool = False) -> dict:
    """Return the documented error body for ``code``.

    ``nested=True`` gives the General Table example's shape, ``{"result": {...}}``.

    >>> synthesize_error("AIS.0103")
    {'error_code': 'AIS.0103', 'error_msg': 'The image size does not meet the requirements.'}
    """
    if not isinstance(code, str) or code not in ERROR_MESSAGES:
        raise InputError(
            f"unknown error code {code!r}; known codes: {', '.join(sorted(ERROR_MESSAGES))}"
        )
    body = {"error_code": code, "error_msg": ERROR_MESSAGES[code]}
    return {"result": body} if nested else body


_KIND_ORDER = (
    "formula_result",
    "layout_result",
    "form_result",
    "table_result",
    "kv_result",
    "ocr_result",
)


def smart_document_one_kind_per_element(body: dict) -> dict:
    """Convert a per-page Smart Document Recognizer body into the reference example's shape.

    The API tables give one ``result`` element per page holding every kind; the reference
    example returns one element per result kind, in the order formula, layout, form, table,
    kv, ocr.

    >>> b = synthesize("smart-document-recognizer", seed=1, params={"kv": True})
    >>> [list(e) for e in smart_document_one_kind_per_element(b)["result"]]
    [['kv_result'], ['ocr_result']]
    """
    result = body.get("result") if isinstance(body, dict) else None
    if not isinstance(result, list) or not all(isinstance(e, dict) for e in result):
        raise InputError("expected a Smart Document Recognizer body {'result': [page, ...]}")
    out = []
    for page in result:
        extra = [k for k in page if k not in _KIND_ORDER]
        if extra:
            raise InputError(f"unexpected keys in a Smart Document Recognizer page: {extra}")
        out.extend({k: page[k]} for k in _KIND_ORDER if k in page)
    return {"result": out}
