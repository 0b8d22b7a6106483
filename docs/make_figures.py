"""Make the README's pictures with ocrframe itself: ``python docs/make_figures.py``.

Writes docs/images/{overlay,confidence,table,calibration}.png and, when LibreOffice and
pdftoppm are installed (Debian: libreoffice-calc-nogui, poppler-utils), spreadsheet.png: a
screenshot of the review spreadsheet that ``ocrframe.to_excel`` writes. The viewer screenshots
(viewer-1000.png, viewer-1280-sidebar.png) come from the browser test:
``OCRFRAME_SCREENSHOTS=docs/images python -m pytest tests/test_viewer_browser.py``.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import ocrframe  # noqa: E402

OUT = Path(__file__).resolve().parent / "images"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    engine = ocrframe.LocalEngine()
    image = ocrframe.sample_path("receipt-noisy")
    receipt = engine.call("general-text", image, character_mode=True)

    fig, ax = plt.subplots(figsize=(5.5, 7))
    ocrframe.plot_polygons(receipt, image, threshold=0.98, ax=ax)
    ax.set_title("plot_polygons: words by confidence, red edge below 0.98", fontsize=9)
    fig.savefig(OUT / "overlay.png", dpi=80, bbox_inches="tight")

    batch = [
        engine.call("general-text", ocrframe.sample_path(n))
        for n in ("receipt-cafe", "receipt-noisy", "letter-low-contrast", "form")
    ]
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ocrframe.plot_confidence(batch, by="source", kind="ecdf", threshold=0.98, ax=ax)
    fig.savefig(OUT / "confidence.png", dpi=80, bbox_inches="tight")

    table = ocrframe.read_response(ocrframe.sample_path("general-table"))
    fig, ax = plt.subplots(figsize=(6.5, 6.5))
    ocrframe.plot_table(table, threshold=0.9, ax=ax, label_size=8)
    ax.set_title("plot_table: cells with spans, red edge below 0.9", fontsize=9)
    fig.savefig(OUT / "table.png", dpi=80, bbox_inches="tight")

    samples = ("receipt-cafe", "receipt-noisy", "letter-low-contrast", "form")
    words = pd.concat(
        [engine.call("general-text", ocrframe.sample_path(n)).words().assign(
            source=str(ocrframe.sample_path(n))) for n in samples],
        ignore_index=True,
    )  # fmt: skip
    truth = pd.concat([ocrframe.ground_truth(n) for n in samples], ignore_index=True)
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ocrframe.plot_calibration(words, truth, bins=10, ax=ax)
    fig.savefig(OUT / "calibration.png", dpi=80, bbox_inches="tight")

    if shutil.which("soffice") and shutil.which("pdftoppm"):
        with tempfile.TemporaryDirectory() as tmp:
            xlsx = ocrframe.to_excel(table, Path(tmp) / "review.xlsx", threshold=0.9)
            subprocess.run(
                ["soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp, str(xlsx)],
                check=True,
                capture_output=True,
            )
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "70",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    str(Path(tmp) / "review.pdf"),
                    str(OUT / "spreadsheet"),
                ],
                check=True,
            )
        _crop_to_content(OUT / "spreadsheet.png")
    print("written:", ", ".join(sorted(p.name for p in OUT.glob("*.png"))))


def _crop_to_content(path: Path, margin: int = 12) -> None:
    from PIL import Image, ImageOps

    page = Image.open(path).convert("RGB")
    left, top, right, bottom = ImageOps.invert(page).getbbox()
    page.crop((max(left - margin, 0), max(top - margin, 0), right + margin, bottom + margin)).save(
        path
    )


if __name__ == "__main__":
    main()
