"""Photos are read as they are displayed: a phone stores a photo taken sideways as turned pixels
plus an EXIF orientation tag, and every viewer turns it back. ocrframe's one image decoder
(``plots.data.load_image``, through ``upright``) does the same, so the local engine reads the
text upright and the plots and review crops show it in the coordinates of the engine's polygons."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image, ImageDraw, ImageFont, ImageOps

import ocrframe
from ocrframe.datasets.review import review_queue
from ocrframe.inputs.load import encode_pil
from ocrframe.plots.data import ORIENTATION_TAG, load_image, upright


def _picture() -> Image.Image:
    """An asymmetric picture: each of the 8 orientations turns it into a different array."""
    img = Image.new("RGB", (60, 24), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle((2, 2, 20, 10), fill=(255, 0, 0))
    draw.rectangle((40, 14, 57, 21), fill=(0, 0, 255))
    draw.line((0, 23, 59, 0), fill=(0, 160, 0))
    return img


# What a camera stores, for each tag, so that applying the tag gives the picture back.
STORED = {
    1: lambda im: im,
    2: lambda im: im.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
    3: lambda im: im.transpose(Image.Transpose.ROTATE_180),
    4: lambda im: im.transpose(Image.Transpose.FLIP_TOP_BOTTOM),
    5: lambda im: im.transpose(Image.Transpose.TRANSPOSE),
    6: lambda im: im.transpose(Image.Transpose.ROTATE_90),
    7: lambda im: im.transpose(Image.Transpose.TRANSVERSE),
    8: lambda im: im.transpose(Image.Transpose.ROTATE_270),
}


def _photo(picture: Image.Image, tag: int, fmt: str = "PNG") -> bytes:
    exif = Image.Exif()
    exif[ORIENTATION_TAG] = tag
    buf = io.BytesIO()
    STORED[tag](picture).save(buf, fmt, exif=exif, **({"quality": 95} if fmt == "JPEG" else {}))
    return buf.getvalue()


@pytest.mark.parametrize("tag", sorted(STORED))
def test_every_orientation_reads_as_displayed(tag, tmp_path):
    picture = _picture()
    data = _photo(picture, tag)
    path = tmp_path / f"photo{tag}.png"
    path.write_bytes(data)
    want = np.asarray(picture)
    with Image.open(io.BytesIO(data)) as im:
        assert np.array_equal(np.asarray(ImageOps.exif_transpose(im)), want)  # the fixture
        given = [data, path, im]
        assert all(np.array_equal(load_image(x), want) for x in given)


def test_untagged_and_upright_images_are_not_copied():
    plain = Image.new("RGB", (5, 3))
    assert upright(plain) is plain
    with Image.open(io.BytesIO(_photo(_picture(), 1))) as im:
        assert upright(im) is im


def test_a_pil_photo_is_sent_as_displayed():
    """Encoding keeps no EXIF, so the tag must be applied first: before, a PIL photo handed to the
    client went to the service turned, with nothing saying so."""
    picture = _picture()
    with Image.open(io.BytesIO(_photo(picture, 6))) as im:
        sent = encode_pil(im)
    with Image.open(io.BytesIO(sent)) as back:
        assert back.size == picture.size
        assert np.array_equal(np.asarray(back.convert("RGB")), np.asarray(picture))


def test_review_crops_are_cut_from_the_displayed_photo(tmp_path):
    picture = _picture()
    path = tmp_path / "photo.jpg"
    path.write_bytes(_photo(picture, 8, fmt="JPEG"))
    words = pd.DataFrame(
        {"source": [str(path)], "page": [1], "text": ["red"], "confidence": [0.2],
         "x_min": [2.0], "y_min": [2.0], "x_max": [21.0], "y_max": [11.0]}
    )  # fmt: skip
    q = review_queue(words, out=tmp_path / "review", xlsx=False, margin=0)
    with Image.open(tmp_path / "review" / q.loc[0, "crop"]) as crop:
        assert crop.size == (19, 9)
        red = np.asarray(crop.convert("RGB"), dtype=int)
    assert (red[..., 0] > 200).mean() > 0.8 and (red[..., 2] < 80).mean() > 0.8


def test_local_engine_reads_a_sideways_phone_photo_upright(tmp_path):
    pytest.importorskip("rapidocr", reason="the local extra is not installed")
    import matplotlib

    font = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    picture = Image.new("RGB", (900, 160), "white")
    font = ImageFont.truetype(str(font), 56)
    ImageDraw.Draw(picture).text((30, 50), "TOTAL RM 25.90", fill="black", font=font)
    path = tmp_path / "receipt.jpg"
    path.write_bytes(_photo(picture, 6, fmt="JPEG"))
    words = ocrframe.LocalEngine().call("general-text", path).words()
    assert " ".join(words["text"]).replace(" ", "") == "TOTALRM25.90"
    assert words["x_max"].max() <= 900 and words["y_max"].max() <= 160  # the displayed frame


def test_fractions_of_a_page_scale_to_the_displayed_photo():
    """Other engines' page fractions (Textract, Google's normalized vertices) go over the
    picture as displayed: a sideways photo's PIL size is that of its stored pixels."""
    box = {"Left": 0.5, "Top": 0.5, "Width": 0.5, "Height": 0.5}
    r = ocrframe.read_response(
        {
            "Blocks": [
                {"BlockType": "LINE", "Id": "l", "Text": "Hi", "Geometry": {"BoundingBox": box}}
            ]
        }
    )
    with Image.open(io.BytesIO(_photo(_picture(), 6))) as im:
        assert im.size == (24, 60)  # stored turned; displayed 60 x 24
        pixels = ocrframe.to_pixels(ocrframe.words(r), r, image=im)
    assert pixels[["x_max", "y_max"]].values.tolist() == [[60.0, 24.0]]
