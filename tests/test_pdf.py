"""ocrframe.inputs.pdf: page count, 150 dpi rendering, text layer of born-digital pages."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from ocrframe.errors import InputError
from ocrframe.inputs.pdf import is_pdf, page_count, render_page, text_layer

PDFS = Path(__file__).resolve().parents[2] / "shared" / "data" / "pdfs"


def _scanned_pdf(pages: int = 2) -> bytes:
    """A two-page image-only PDF: 300 x 200 px pages at 150 dpi (144 x 96 pt)."""
    imgs = [Image.new("RGB", (300, 200), (255, 255, 255 - 40 * i)) for i in range(pages)]
    buf = io.BytesIO()
    imgs[0].save(buf, format="PDF", resolution=150, save_all=True, append_images=imgs[1:])
    return buf.getvalue()


def test_is_pdf_and_page_count(tmp_path):
    data = _scanned_pdf()
    assert is_pdf(data) and not is_pdf(b"\x89PNG\r\n\x1a\n")
    path = tmp_path / "scan.pdf"
    path.write_bytes(data)
    assert is_pdf(path)
    assert page_count(path) == 2 and page_count(data) == 2 and page_count(io.BytesIO(data)) == 2


def test_render_page_at_150_dpi_keeps_pixel_size():
    data = _scanned_pdf()
    img = render_page(data, page=2)
    assert img.mode == "RGB" and img.size == (300, 200)
    assert render_page(data, page=1, dpi=300).size == (600, 400)


def test_bad_pages_and_inputs_raise_input_error():
    data = _scanned_pdf()
    with pytest.raises(InputError, match="1 to 2"):
        render_page(data, page=3)
    with pytest.raises(InputError, match="1 to 2"):
        text_layer(data, page=0)
    with pytest.raises(InputError, match="not a PDF"):
        page_count(b"hello")
    with pytest.raises(InputError, match="no PDF found"):
        page_count("/nonexistent/file.pdf")


def test_scanned_page_has_no_text_layer():
    assert text_layer(_scanned_pdf(), page=1) == []


@pytest.mark.skipif(not PDFS.is_dir(), reason="../shared/data/pdfs is absent")
@pytest.mark.parametrize("name", ["scotus-transcript-p1", "la-precinct-bulletin-2014-p1"])
def test_text_layer_matches_ground_truth(name):
    pdf = PDFS / f"{name}.pdf"
    gt = json.loads((PDFS / f"{name}.gt.json").read_text(encoding="utf-8"))["lines"]
    lines = text_layer(pdf)
    ours = " ".join(" ".join(line["text"] for line in lines).split())
    theirs = " ".join(" ".join(line["text"] for line in gt).split())
    assert set(ours.split()) == set(theirs.split()) or _overlap(ours, theirs) > 0.95
    width, height = render_page(pdf).size
    for line in lines:
        (x0, y0), _, (x1, y1), _ = line["location"]
        assert 0 <= x0 <= x1 <= width and 0 <= y0 <= y1 <= height
        assert "".join(c["char"] for c in line["chars"]) == line["text"].replace(" ", "")
    # lines with the same text as a ground-truth line sit on its box, to the pixel
    boxes: dict[str, list] = {}
    for g in gt:
        boxes.setdefault(g["text"], []).append(g["box"])
    same = [line for line in lines if line["text"] in boxes]
    assert len(same) > len(gt) / 3
    close = [
        any(
            [*line["location"][0], *line["location"][2]] == pytest.approx(box, abs=1.5)
            for box in boxes[line["text"]]
        )
        for line in same
    ]
    assert sum(close) > len(gt) / 3  # pdfplumber splits some lines elsewhere


def _overlap(a: str, b: str) -> float:
    import difflib

    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
