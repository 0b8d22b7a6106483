"""LocalEngine on images of every depth and shape a scanner or a program writes: 16-bit grey,
float, a thin strip, and files Pillow cannot open (a clear InputError, not Pillow's own)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrframe.errors import InputError
from ocrframe.inputs.load import encode_pil
from ocrframe.local import LocalEngine
from ocrframe.local._image import to_rgb_array
from ocrframe.local._rapid import detectable

pytest.importorskip("rapidocr", reason="the local extra is not installed")

LINES = ["INVOICE 2024", "Total 42.50 EUR"]


def _font(size: int = 40) -> ImageFont.FreeTypeFont:
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    return ImageFont.truetype(str(path), size)


@pytest.fixture(scope="module")
def engine() -> LocalEngine:
    return LocalEngine()


def page(size=(640, 220), lines=LINES) -> Image.Image:
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    for i, text in enumerate(lines):
        draw.text((40, 40 + 90 * i), text, fill=0, font=_font())
    return img


def png(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def words(engine, image) -> list[str]:
    result = engine.call("general-text", image).raw["result"]
    return [b["words"] for b in result["words_block_list"]]


def test_a_16_bit_grey_scan_reads_like_its_8_bit_copy(engine):
    grey = np.asarray(page(), dtype=np.uint16) * 257  # 0..65535, as a 16-bit scanner writes
    sixteen = Image.fromarray(grey)  # mode I;16
    assert sixteen.mode.startswith("I;16")
    assert words(engine, png(sixteen)) == LINES  # Pillow's own RGB conversion made it blank
    assert words(engine, sixteen) == LINES
    assert to_rgb_array(sixteen).dtype == np.uint8
    sent = Image.open(io.BytesIO(encode_pil(sixteen)))  # what the cloud client sends
    assert sent.mode == "L" and np.array_equal(np.asarray(sent), np.asarray(page()))


def test_a_float_image_in_0_1_reads(engine):
    floats = np.asarray(page(), dtype=np.float32) / 255.0
    assert words(engine, Image.fromarray(floats)) == LINES  # mode F


def test_eight_bit_images_decode_exactly_as_pillow_does():
    img = page().convert("RGB")
    for mode in ("L", "P", "CMYK", "1", "RGBA", "LA"):
        converted = img.convert(mode)
        expected = np.asarray(converted.convert("RGB"))
        assert np.array_equal(to_rgb_array(converted), expected), mode


def test_a_strip_thinner_than_the_detector_takes_is_padded_not_a_crash(engine):
    strip = page(size=(4000, 24), lines=[]).convert("RGB")  # rapidocr: ResizeImgError
    ImageDraw.Draw(strip).text((10, 2), "TOTAL 42.50", fill="black", font=_font(18))
    assert engine.call("general-text", strip).raw["result"]["words_block_count"] >= 0
    padded = detectable(np.asarray(strip))
    assert padded.shape[:2] == (40, 4000)
    assert np.array_equal(padded[:24], np.asarray(strip))  # nothing moves
    assert (padded[24:] == 255).all()  # the bottom edge's colour


@pytest.mark.parametrize(
    "data, fmt",
    [(b"\x89PNG\r\n\x1a\n" + b"0" * 100, "PNG"), (b"GIF89a" + b"\x00" * 10, "GIF")],
)
def test_a_file_pillow_cannot_open_is_an_input_error_naming_its_format(engine, data, fmt):
    with pytest.raises(InputError, match=f"looks like {fmt} but cannot be opened"):
        engine.call("general-text", data)
