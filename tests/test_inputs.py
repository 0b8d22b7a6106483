"""Tests for ocrframe.inputs: every accepted input kind and every input error."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image

from ocrframe.errors import InputError
from ocrframe.inputs.check import base64_size
from ocrframe.inputs.formats import detect_format
from ocrframe.inputs.images import prepare
from ocrframe.inputs.load import load_bytes
from ocrframe.inputs.params import check_params


def _png(w=40, h=30, color=(200, 30, 30), mode="RGB") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, (w, h), color if mode == "RGB" else 128).save(buf, format="PNG")
    return buf.getvalue()


def _pdf(pages=2) -> bytes:
    buf = io.BytesIO()
    imgs = [Image.new("RGB", (200, 100 + 50 * i), "white") for i in range(pages)]
    imgs[0].save(buf, format="PDF", save_all=True, append_images=imgs[1:], resolution=72)
    return buf.getvalue()


def _decoded(p, field="image"):
    return base64.b64decode(p.body[field])


def test_path_bytes_file_pil_and_array_all_encode(tmp_path):
    png = _png()
    path = tmp_path / "a.png"
    path.write_bytes(png)
    by_path = prepare("general-text", str(path))
    assert by_path.source == str(path) and _decoded(by_path) == png
    assert prepare("general-text", path).source == str(path)
    assert _decoded(prepare("general-text", png)) == png
    with open(path, "rb") as fh:
        from_file = prepare("general-text", fh)
    assert from_file.source == str(path) and _decoded(from_file) == png
    pil = prepare("general-text", Image.open(io.BytesIO(png)))
    assert Image.open(io.BytesIO(_decoded(pil))).size == (40, 30)
    arr = prepare("general-text", np.zeros((30, 40, 3), dtype=np.uint8))
    assert Image.open(io.BytesIO(_decoded(arr))).size == (40, 30)
    grey = prepare("general-text", np.ones((20, 20), dtype=bool))
    assert detect_format(_decoded(grey)) == "png"


def test_data_uri_prefix_is_stripped_and_base64_text_accepted():
    png = _png()
    b64 = base64.b64encode(png).decode()
    for value in (f"data:image/png;base64,{b64}", b64, f"data:image/png;base64,{b64}".encode()):
        p = prepare("general-text", value)
        assert _decoded(p) == png
        assert not p.body["image"].startswith("data:")


def test_smart_document_uses_data_field():
    p = prepare("smart_document_recognizer", _png(), kv=True)
    assert set(p.body) == {"data", "kv"}


def test_url_input_and_url_given_as_image():
    p = prepare("web-image", url="https://example.com/บัตร.jpg")
    assert p.body == {"url": "https://example.com/%E0%B8%9A%E0%B8%B1%E0%B8%95%E0%B8%A3.jpg"}
    assert p.source == "https://example.com/บัตร.jpg"
    assert prepare("web-image", "http://example.com/a.png").body == {
        "url": "http://example.com/a.png"
    }


@pytest.mark.parametrize("bad", ["ftp://x/a.png", "example.com/a.png", "", 3])
def test_bad_urls(bad):
    with pytest.raises(InputError, match="url"):
        prepare("general-text", url=bad)


def test_both_and_neither():
    with pytest.raises(InputError, match="either image or url=, not both"):
        prepare("general-text", _png(), url="https://x/a.png")
    with pytest.raises(InputError, match="no input"):
        prepare("general-text")
    with pytest.raises(InputError, match="not as a 'data' parameter"):
        prepare("smart-document-recognizer", data="abc")


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="no file at .*nope.png.*url="):
        prepare("general-text", str(tmp_path / "nope.png"))
    with pytest.raises(InputError, match="is a folder"):
        prepare("general-text", tmp_path)


def test_empty_and_unknown_format():
    with pytest.raises(InputError, match="empty"):
        prepare("general-text", b"")
    with pytest.raises(InputError, match="not a recognised image format.*accepts"):
        prepare("general-text", b"hello world, not an image at all")


def test_format_not_accepted_by_api():
    buf = io.BytesIO()
    Image.new("RGB", (40, 40)).save(buf, format="GIF")
    assert prepare("general-text", buf.getvalue()).body["image"]
    with pytest.raises(InputError, match="GIF, which passport does not accept.*Convert"):
        prepare("passport", buf.getvalue())


def test_pixel_limits():
    with pytest.raises(InputError, match="10x10 px; general-text needs each side >= 15"):
        prepare("general-text", _png(10, 10))
    with pytest.raises(InputError, match=r"each side >= 100 px"):
        prepare("id-document", _png(80, 200))
    big = _png(8200, 20, mode="L")
    with pytest.raises(InputError, match="accepts each side <= 8192 px.*auto_downscale=True"):
        prepare("passport", big)
    p = prepare("passport", big, auto_downscale=True)
    assert Image.open(io.BytesIO(_decoded(p))).size[0] == 8192
    assert "downscaled" in p.notes[0]


def test_auto_downscale_never_breaks_the_minimum_side():
    sliver = _png(20000, 20, mode="L")  # 8192 x 8 after scaling: the service answers AIS.0103
    with pytest.raises(InputError, match="each side >= 15 px.*8192x8.*Crop it"):
        prepare("passport", sliver, auto_downscale=True)


def test_base64_cap_and_auto_downscale():
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 255, (1900, 1900, 3), dtype=np.uint8)
    raw = load_bytes(noise)[0]
    assert base64_size(len(raw)) > 10 * 1024 * 1024
    with pytest.raises(
        InputError,
        match=r"MB after Base64; general-text accepts at most 10 MB\. "
        "Downscale it",
    ):
        prepare("general-text", raw)
    p = prepare("general-text", raw, auto_downscale=True)
    assert len(p.body["image"]) <= 10 * 1024 * 1024
    assert any("to fit" in n for n in p.notes)


def test_pdf_sent_natively_or_rendered():
    pdf = _pdf()
    native = prepare("general-text", pdf, page=2)
    assert _decoded(native) == pdf and native.body["pdf_page_number"] == 2
    rendered = prepare("passport", pdf, page=2)
    img = Image.open(io.BytesIO(_decoded(rendered)))
    assert img.size[0] == 417 and rendered.page == 2  # 200 pt wide at 150 dpi
    assert "rendered PDF page 2" in rendered.notes[0]
    with pytest.raises(InputError, match="page must be an integer from 1 to 2"):
        prepare("passport", pdf, page=5)


def test_pdf_page_sent_natively_is_checked_and_agrees_with_the_body():
    pdf = _pdf()
    with pytest.raises(InputError, match="from 1 to 2"):
        prepare("general-text", pdf, page=3)  # would go to the service otherwise
    with pytest.raises(InputError, match="from 1 to 2"):
        prepare("smart-document-recognizer", pdf, pdf_page_number=5)
    with pytest.raises(InputError, match="disagree"):
        prepare("general-text", pdf, page=1, pdf_page_number=2)
    with pytest.raises(InputError, match="disagree"):
        prepare("general-text", url="https://x/a.pdf", page=1, pdf_page_number=2)
    by_param = prepare("general-text", pdf, pdf_page_number=2)
    assert by_param.page == 2 and by_param.body["pdf_page_number"] == 2


def test_page_errors():
    with pytest.raises(InputError, match="only for PDFs"):
        prepare("general-text", _png(), page=2)
    with pytest.raises(InputError, match="positive integer"):
        prepare("general-text", _pdf(), page=0)


def test_params_checked_for_documented_apis():
    with pytest.raises(
        InputError, match="no parameter 'detect_dir'; valid parameters: .*detect_direction"
    ):
        prepare("general-text", _png(), detect_dir=True)
    with pytest.raises(InputError, match="'detect_direction' must be boolean, got str"):
        check_params("general-text", {"detect_direction": "yes"})
    with pytest.raises(InputError, match=r"'front', 'back' \(or '' to auto-detect\), but 'top'"):
        check_params("thailand-id-card", {"side": "top"})
    with pytest.raises(InputError, match="must be one of"):
        check_params("id-document", {"id_type": ["PP", "XX"]})
    assert check_params("id-document", {"id_type": ("PP",)}) == {"id_type": ["PP"]}


def test_params_pass_through_for_undocumented_apis():
    assert check_params("vin", {"anything": 1}) == {"anything": 1}
    with pytest.raises(InputError, match="must be boolean"):
        check_params("bankcard", {"return_text_location": 1})


def test_api_without_image_field():
    p = prepare("invoice-verification", code="1", number="2")
    assert p.body == {"code": "1", "number": "2"}
    with pytest.raises(InputError, match="takes no image"):
        prepare("invoice-verification", _png())


def test_unreadable_objects():
    with pytest.raises(InputError, match="cannot read an image from dict"):
        prepare("general-text", {"a": 1})
    with pytest.raises(InputError, match="uint8"):
        prepare("general-text", np.zeros((20, 20), dtype=np.float32))
    with pytest.raises(InputError, match="shape"):
        prepare("general-text", np.zeros((20, 20, 2), dtype=np.uint8))
    with pytest.raises(InputError, match="text mode"):
        prepare("general-text", io.StringIO("x"))


def test_binary_file_opened_in_text_mode(tmp_path):
    path = tmp_path / "a.png"
    path.write_bytes(_png())
    with open(path) as fh, pytest.raises(InputError, match="open it with open\\(path, 'rb'\\)"):
        prepare("general-text", fh)


# --- one validator: the client, the local engine and the emulator refuse alike -----------------


def _noise_png(w=120, h=90) -> bytes:
    rng = np.random.default_rng(0)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (h, w, 3), dtype=np.uint8)).save(buf, format="PNG")
    return buf.getvalue()


def _png_header(w: int, h: int) -> bytes:
    """A tiny PNG whose header claims ``w x h`` pixels (a decompression bomb)."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_image_problems_is_pure_and_lists_every_broken_rule():
    from ocrframe.catalog import get_api
    from ocrframe.inputs.check import ImageFacts, image_problems

    spec = get_api("passport")
    facts = ImageFacts("png", 9000, 10, 20 * 1024 * 1024)
    kinds = [p.kind for p in image_problems(spec, facts)]
    assert kinds == ["side_min", "side_max", "bytes"]
    assert [p.code for p in image_problems(spec, ImageFacts("gif", 100, 100, 10))] == ["AIS.0102"]
    bomb = image_problems(spec, ImageFacts("png", 100_000, 100_000, 100))
    assert [p.kind for p in bomb] == ["bomb"]


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: _noise_png()[:-400], "truncated or damaged"),
        # 169 Mpx: below Pillow's own refusal, above ocrframe's cap, so never decoded
        (lambda: _png_header(13_000, 13_000), "too large to open safely"),
    ],
    ids=["truncated", "bomb"],
)
def test_client_refuses_broken_images_before_sending(make, match):
    with pytest.raises(InputError, match=match):
        prepare("general-text", make(), auto_downscale=True)


def test_local_engine_uses_the_same_validator():
    from ocrframe.local import LocalEngine

    engine = LocalEngine()  # nothing below reaches the OCR backend
    with pytest.raises(InputError, match="must be uint8") as local:
        engine.call("general-text", np.zeros((40, 60, 3), dtype=np.float32))
    with pytest.raises(InputError) as client:
        prepare("general-text", np.zeros((40, 60, 3), dtype=np.float32))
    assert str(local.value) == str(client.value)
    with pytest.raises(InputError, match="too large to open safely"):
        engine.call("general-text", _png_header(100_000, 100_000))
    with pytest.raises(InputError, match="truncated or damaged"):
        engine.call("general-text", _noise_png()[:-400])
    with pytest.raises(InputError, match="must be boolean"):
        engine.call("general-text", _noise_png(), detect_direction="yes")


@pytest.mark.parametrize(
    "make, code",
    [
        (lambda: _noise_png()[:-400], "AIS.0104"),
        (lambda: _png_header(100_000, 100_000), "AIS.0103"),
        (lambda: _png_header(20_000, 9_000), "AIS.0103"),  # 180 Mpx: over the 160 Mpx cap
    ],
    ids=["truncated", "bomb", "over-cap"],
)
def test_emulator_answers_the_validators_wire_code(emulator, make, code):
    import json

    from ocrframe.cloud.client import Client

    client = Client(
        endpoint=emulator.url, project_id=emulator.project_id, ak=emulator.ak, sk=emulator.sk
    )
    body = json.dumps({"image": base64.b64encode(make()).decode()}).encode()
    resp = client.session.post(
        client.url_for("general-text"),
        data=body,
        headers={"Content-Type": "application/json"},
        auth=client.auth,
    )
    assert resp.status_code == 400 and resp.json()["error_code"] == code


def test_one_list_of_image_suffixes():
    from ocrframe.inputs.formats import IMAGE_SUFFIXES, INPUT_SUFFIXES

    assert INPUT_SUFFIXES == IMAGE_SUFFIXES | {".pdf"}
    import ocrframe.datasets.review as review
    import ocrframe.demo as demo

    assert set(review._IMAGE_EXTS) == INPUT_SUFFIXES
    assert demo._IMAGE_SUFFIXES is IMAGE_SUFFIXES


def test_files_in_lists_a_folder_as_rglob_did(tmp_path, monkeypatch):
    """Recursive, sorted, any-case suffix; hidden files and folders left out; a symlink to a
    file counts, a broken one or a symlinked folder is not followed; paths spelled from the
    folder as given (``"."`` gives bare relative names)."""
    from ocrframe.inputs.formats import files_in

    for name in ["x.json", "X.JSON", "a/y.json", "a/b/z.hocr", ".h/q.json", "a/.p.json",
                 "t.txt", "dir.json/in.json"]:  # fmt: skip
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    (tmp_path / "link.json").symlink_to(tmp_path / "x.json")
    (tmp_path / "broken.json").symlink_to(tmp_path / "gone.json")
    (tmp_path / "linked.json").symlink_to(tmp_path / "a", target_is_directory=True)
    suffixes = frozenset({".json", ".hocr"})
    want = ["X.JSON", "a/b/z.hocr", "a/y.json", "dir.json/in.json", "link.json", "x.json"]
    assert files_in(tmp_path, suffixes) == [str(tmp_path / n) for n in want]
    assert files_in(f"{tmp_path}/", suffixes) == files_in(tmp_path, suffixes)
    monkeypatch.chdir(tmp_path)
    assert files_in(".", suffixes) == want
    assert files_in("./a", suffixes) == ["a/b/z.hocr", "a/y.json"]
    assert files_in("missing", suffixes) == []
