"""Render ocrframe/sample_data/images (run: ``python sample_data/make_images.py``).

Eight English document images drawn with Pillow and the DejaVu fonts shipped in matplotlib,
each with ground truth ``<name>.gt.json``: ``{"lines": [{"text", "polygon"}], "table": ...}``.
Polygons are the 4 corners of each drawn line, clockwise from top-left, in image pixels (after
the rotation of ``rotated``). Rendering is deterministic (fixed seeds), so files re-render
identically on the same Pillow/NumPy versions.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import matplotlib
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "ocrframe" / "sample_data" / "images"
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _font(size: int, mono: bool = False, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSansMono" if mono else "DejaVuSans"
    if bold:
        name += "-Bold"
    return ImageFont.truetype(str(FONT_DIR / f"{name}.ttf"), size)


class Page:
    """A white page that records every line of text it draws."""

    def __init__(self, w: int, h: int, ink: int = 20, paper: int = 255) -> None:
        self.img = Image.new("L", (w, h), paper)
        self.draw = ImageDraw.Draw(self.img)
        self.ink = ink
        self.lines: list[dict] = []

    def text(self, xy: tuple[float, float], text: str, font, anchor: str = "la") -> None:
        self.draw.text(xy, text, fill=self.ink, font=font, anchor=anchor)
        x0, y0, x1, y1 = self.draw.textbbox(xy, text, font=font, anchor=anchor)
        self.lines.append({"text": text, "polygon": [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]})

    def rule(self, x0: float, y0: float, x1: float, y1: float, width: int = 2) -> None:
        self.draw.line([(x0, y0), (x1, y1)], fill=self.ink, width=width)


def receipt(shop: str, items: list[tuple[str, int, float]], date: str, seed: int) -> Page:
    w = 800
    h = 520 + 44 * len(items)
    p = Page(w, h)
    big, body, mono = _font(38, bold=True), _font(24), _font(24, mono=True)
    p.text((w / 2, 40), shop, big, anchor="ma")
    p.text((w / 2, 100), "12 Harbour Road, Hong Kong", body, anchor="ma")
    p.text((60, 160), f"Date: {date}", body)
    p.text((460, 160), f"Receipt #{4000 + seed * 17}", body)
    p.rule(50, 205, w - 50, 205)
    y = 225
    total = 0.0
    for name, qty, price in items:
        line_total = qty * price
        total += line_total
        p.text((60, y), f"{qty} x {name}", mono)
        p.text((w - 60, y), f"{line_total:.2f}", mono, anchor="ra")
        y += 44
    p.rule(50, y + 5, w - 50, y + 5)
    tax = round(total * 0.07, 2)
    for label, value in (("Subtotal", total), ("Tax 7%", tax), ("TOTAL", total + tax)):
        y += 44
        p.text((60, y), label, mono)
        p.text((w - 60, y), f"{value:.2f}", mono, anchor="ra")
    p.text((w / 2, y + 90), "Thank you! Please come again.", body, anchor="ma")
    return p


def form() -> Page:
    p = Page(1240, 1000)
    title, label, value = _font(40, bold=True), _font(26, bold=True), _font(26)
    p.text((80, 60), "Customer Registration Form", title)
    fields = [
        ("Full name", "Jane A. Doe"),
        ("Date of birth", "1988-04-23"),
        ("Phone", "+1 415 555 0142"),
        ("Email", "jane.doe@example.com"),
        ("Address", "742 Evergreen Terrace, Springfield"),
        ("Member ID", "MB-204981"),
        ("Plan", "Premium, 12 months"),
        ("Fee paid", "$149.00"),
        ("Signed on", "2025-03-14"),
    ]
    y = 170
    for name, val in fields:
        p.text((80, y), name + ":", label)
        p.text((420, y), val, value)
        p.rule(410, y + 40, 1160, y + 40, width=1)
        y += 85
    return p


TABLE_ROWS = [
    ["Item", "Q1", "Q2", "Q3", "Total"],
    ["Paper A4", "120.00", "98.50", "143.25", "361.75"],
    ["Toner", "310.00", "0.00", "295.00", "605.00"],
    ["Staplers", "18.90", "22.40", "0.00", "41.30"],
    ["Lamps", "64.00", "64.00", "128.00", "256.00"],
    ["Cables", "15.75", "31.50", "15.75", "63.00"],
]


def table() -> tuple[Page, dict]:
    p = Page(1400, 900)
    head, body = _font(30, bold=True), _font(26)
    x0, y0, cw, rh = 100, 120, 240, 90
    n_cols, n_rows = len(TABLE_ROWS[0]), len(TABLE_ROWS) + 1
    x1, y1 = x0 + cw * n_cols, y0 + rh * n_rows
    cells = [
        {
            "row": 0,
            "col": 0,
            "row_span": 1,
            "col_span": n_cols,
            "text": "Office supplies spend 2025 (USD)",
        }
    ]
    p.text(((x0 + x1) / 2, y0 + rh / 2), cells[0]["text"], head, anchor="mm")
    for r, row in enumerate(TABLE_ROWS, start=1):
        for c, text in enumerate(row):
            cx, cy = x0 + c * cw + cw / 2, y0 + r * rh + rh / 2
            p.text((cx, cy), text, head if r == 1 else body, anchor="mm")
            cells.append({"row": r, "col": c, "row_span": 1, "col_span": 1, "text": text})
    for r in range(n_rows + 1):  # the merged header has no inner vertical rules
        p.rule(x0, y0 + r * rh, x1, y0 + r * rh)
    for c in range(n_cols + 1):
        top = y0 if c in (0, n_cols) else y0 + rh
        p.rule(x0 + c * cw, top, x0 + c * cw, y1)
    for cell in cells:
        cx, cy = x0 + cell["col"] * cw, y0 + cell["row"] * rh
        cell["polygon"] = [
            [cx, cy],
            [cx + cw * cell["col_span"], cy],
            [cx + cw * cell["col_span"], cy + rh],
            [cx, cy + rh],
        ]
    p.text((x0, y1 + 50), "Source: purchasing ledger, exported 2025-10-01", body)
    return p, {"n_rows": n_rows, "n_cols": n_cols, "cells": cells}


LETTER = [
    "Northwind Analytics Ltd.",
    "88 King Street, Manchester M2 4WQ",
    "14 October 2025",
    "",
    "Dear Ms. Patel,",
    "",
    "Thank you for your order of 3 September 2025 (ref. PO-7731).",
    "We confirm delivery of 24 units on 21 October between 9:00 and 12:00.",
    "The invoice total is GBP 4,812.60 including VAT at 20%.",
    "Payment is due within 30 days of the invoice date.",
    "Please call 0161 496 0321 if the delivery time does not suit you.",
    "",
    "Yours sincerely,",
    "",
    "Tom Harris",
    "Customer Accounts",
]


def letter(ink: int = 20, paper: int = 255) -> Page:
    p = Page(1240, 1300, ink=ink, paper=paper)
    font = _font(28)
    y = 100
    for line in LETTER:
        if line:
            p.text((100, y), line, font)
        y += 62
    return p


def rotate(p: Page, degrees: float) -> tuple[Image.Image, list[dict]]:
    """Rotate the page counter-clockwise by ``degrees`` (expanding) and move the polygons."""
    img = p.img.rotate(degrees, resample=Image.BICUBIC, expand=True, fillcolor=255)
    w, h = p.img.size
    a = math.radians(degrees)
    cx, cy, ncx, ncy = w / 2, h / 2, img.width / 2, img.height / 2

    def move(x: float, y: float) -> list[int]:
        dx, dy = x - cx, y - cy
        return [
            round(ncx + dx * math.cos(a) + dy * math.sin(a)),
            round(ncy - dx * math.sin(a) + dy * math.cos(a)),
        ]

    lines = [
        {"text": ln["text"], "polygon": [move(x, y) for x, y in ln["polygon"]]} for ln in p.lines
    ]
    return img, lines


def noisy(p: Page, seed: int = 7) -> Image.Image:
    rng = np.random.default_rng(seed)
    arr = np.asarray(p.img, dtype=np.float32) + rng.normal(0, 22, size=p.img.size[::-1])
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    return img.filter(ImageFilter.GaussianBlur(0.8))


def build_images() -> dict[str, tuple[Image.Image, dict]]:
    """Return {file name: (image, ground truth)}."""
    out: dict[str, tuple[Image.Image, dict]] = {}
    r1 = receipt(
        "CORNER CAFE",
        [("Latte", 2, 4.50), ("Croissant", 1, 3.20), ("Orange juice", 1, 3.80), ("Bagel", 2, 2.75)],
        "2025-09-12 08:41",
        1,
    )
    r2 = receipt(
        "HARDWARE DEPOT",
        [
            ("Hammer 16oz", 1, 14.99),
            ("Nails 200pc", 3, 2.49),
            ("Tape measure", 1, 9.95),
            ("Wood glue", 2, 5.60),
            ("Sandpaper", 4, 0.89),
            ("Work gloves", 1, 7.25),
        ],
        "2025-10-03 17:15",
        2,
    )
    f = form()
    t, grid = table()
    let = letter()
    rot_img, rot_lines = rotate(letter(), 8.0)
    noisy_page = receipt(
        "FRESH MARKET",
        [("Apples 1kg", 1, 3.40), ("Milk 2L", 2, 2.10), ("Bread", 1, 2.95), ("Eggs x12", 1, 4.20)],
        "2025-11-01 11:02",
        3,
    )
    low = letter(ink=150, paper=200)
    out["receipt-cafe.png"] = (r1.img, {"lines": r1.lines})
    out["receipt-hardware.png"] = (r2.img, {"lines": r2.lines})
    out["form.png"] = (f.img, {"lines": f.lines})
    out["table.png"] = (t.img, {"lines": t.lines, "table": grid})
    out["letter.png"] = (let.img, {"lines": let.lines})
    out["letter-rotated.png"] = (rot_img, {"lines": rot_lines, "rotation": 8.0})
    out["receipt-noisy.jpg"] = (noisy(noisy_page), {"lines": noisy_page.lines})
    out["letter-low-contrast.png"] = (low.img, {"lines": low.lines})
    return out


def write_images(out_dir: Path = DEFAULT_OUT) -> list[Path]:
    """Write every image and its ``.gt.json`` into ``out_dir``; return the image paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, (img, gt) in build_images().items():
        path = out_dir / name
        if path.suffix == ".jpg":
            img.save(path, quality=80)
        else:
            img.save(path, optimize=True)
        stem = name.rsplit(".", 1)[0]
        gt = {"image": name, "width": img.width, "height": img.height, **gt}
        (out_dir / f"{stem}.gt.json").write_text(
            json.dumps(gt, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    for path in write_images(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
