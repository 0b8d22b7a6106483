"""Hostile inputs (issue 12, classes 5-7): names from data never escape the chosen folder,
secrets never leak, and one odd file in a dataset is one error row while the others run."""

from __future__ import annotations

import io
import logging
import os
import re
import struct
import zlib

import pytest
from PIL import Image

from ocrframe.cloud.client import Client
from ocrframe.datasets.cache import Cache
from ocrframe.errors import InputError
from ocrframe.response import Response

# --- 5. paths ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key, api",
    [
        ("../evil", "general-text"),  # would land in tmp_path, beside the cache
        ("a" * 64, "../outside"),
        ("a" * 64, "{tmp}/absolute"),
        ("a" * 64, "gen\x00eral"),
        ("a" * 63 + "/", "general-text"),
        ("a" * 300, "general-text"),
    ],
)
def test_cache_put_refuses_keys_and_apis_that_name_other_files(tmp_path, key, api):
    root = tmp_path / "cache"
    with pytest.raises(InputError, match="cache"):
        Cache(root).put(key, {"result": {}}, api=api.format(tmp=tmp_path))
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_a_255_byte_name_is_written_atomically(tmp_path):
    name = "n" * 250 + ".json"  # exactly the file system's limit
    Response({"result": {}}, api="general-text").to_json(tmp_path / name)
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_saved_responses_stay_in_the_folder_whatever_the_source(tmp_path):
    from ocrframe.datasets.batch import Batch
    from ocrframe.demo import save_responses

    out = tmp_path / "out"
    sources = ["../../escape.png", "/etc/passwd", "x" * 300 + ".png", "nul\x00byte.png", ".."]
    batch = Batch([Response({"result": {}}, api="general-text", source=s) for s in sources])
    written = save_responses(batch, out)
    assert len(written) == len(sources) == len(set(written))
    for path in written:
        assert path.resolve().parent == out.resolve() and path.is_file()
        assert len(os.fsencode(path.name)) <= 255
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


# --- 6. secrets -------------------------------------------------------------------------------

SECRET = "Zq7-very-secret-VALUE-0042"


@pytest.mark.parametrize(
    "kw",
    [
        {"ak": "AKEXAMPLE000000000001", "sk": SECRET + "\n"},
        {"ak": "AKEXAMPLE000000000001", "sk": " " + SECRET},
        {"ak": "AKEXAMPLE000000000001", "sk": "s", "security_token": SECRET + "\r\n"},
        {"token": SECRET + "\n"},
        {"username": "u", "password": SECRET + "\n", "domain": "d", "iam_endpoint": "http://x"},
    ],
    ids=["sk-newline", "sk-space", "security-token", "token", "password"],
)
def test_credential_with_stray_whitespace_is_refused_without_repeating_it(kw):
    with pytest.raises(InputError, match="whitespace or a line break") as exc:
        Client(endpoint="http://127.0.0.1:9", project_id="p", **kw)
    assert SECRET not in str(exc.value) and SECRET not in repr(exc.value)


def test_no_secret_in_errors_logs_cache_or_csv(emulator, tmp_path, caplog):
    png = tmp_path / "scan.png"
    Image.new("RGB", (64, 48), "white").save(png)
    wrong = Client(endpoint=emulator.url, project_id=emulator.project_id, ak=emulator.ak,
                   sk=SECRET, retries=1)  # fmt: skip
    with caplog.at_level(logging.DEBUG):
        batch = wrong.run("general-text", [png], cache=tmp_path / "c", progress=False)
        with pytest.raises(InputError) as exc:
            Client(endpoint=emulator.url, project_id="p", token=SECRET + "\n")
    assert batch.errors["error_code"].tolist() == ["APIG.0301"]
    csv = tmp_path / "errors.csv"
    batch.errors.to_csv(csv, index=False)
    texts = [caplog.text, str(exc.value), repr(wrong), csv.read_text()]
    texts += [p.read_text(errors="replace") for p in tmp_path.rglob("*.json")]
    assert not any(SECRET in t for t in texts)


# --- 7. odd files in a dataset ------------------------------------------------------------------


def _png(w=64, h=48, noise=False) -> bytes:
    import numpy as np

    arr = np.random.default_rng(1).integers(0, 255, (h, w, 3), dtype=np.uint8) if noise else None
    img = Image.fromarray(arr) if noise else Image.new("RGB", (w, h), "white")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def _bomb_png(w=100_000, h=100_000) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _encrypted_pdf() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (100, 80), "white").save(buf, format="PDF")
    data = buf.getvalue()
    enc = (b"/Encrypt << /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32
           + b"> /P -4 >> /ID [<" + b"33" * 16 + b"><" + b"33" * 16 + b">]\n")  # fmt: skip
    at = data.index(b"<<", data.rindex(b"trailer")) + 2
    return data[:at] + enc + data[at:]


@pytest.fixture
def odd_folder(tmp_path):
    folder = tmp_path / "scans"
    folder.mkdir()
    jpeg = io.BytesIO()
    Image.new("RGB", (80, 60), "white").save(jpeg, format="JPEG")
    files = {
        "good.png": _png(),
        "photo.pdf": jpeg.getvalue(),  # a JPEG named .pdf
        "corrupt.pdf": b"%PDF-1.7\n" + os.urandom(300),
        "locked.pdf": _encrypted_pdf(),
        "truncated.png": _png(200, 150, noise=True)[:-500],
        "gigapixel.png": _bomb_png(),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


REFUSED = {"corrupt.pdf", "locked.pdf", "truncated.png", "gigapixel.png"}


def _check_rows(batch, folder):
    assert sorted(os.path.basename(s) for s in batch.sources) == ["good.png", "photo.pdf"]
    errs = batch.errors
    assert sorted(os.path.basename(s) for s in errs["source"]) == sorted(REFUSED)
    for _, row in errs.iterrows():
        name = os.path.basename(row["source"])
        assert name in row["message"], row["message"]  # the message names the file
        assert "BytesIO" not in row["message"] and "\\x" not in row["message"]
        assert row["category"] == "bad_input" and row["attempts"] == 0


def test_client_run_turns_each_odd_file_into_one_error_row(emulator, odd_folder):
    client = Client(
        endpoint=emulator.url, project_id=emulator.project_id, ak=emulator.ak, sk=emulator.sk
    )
    batch = client.run("general-text", odd_folder, progress=False)
    _check_rows(batch, odd_folder)
    assert len([r for r in emulator.request_log if r.api]) == 2  # nothing odd was sent


def test_local_engine_run_turns_each_odd_file_into_one_error_row(odd_folder):
    pytest.importorskip("rapidocr", reason="the local extra is not installed")
    from ocrframe.local import LocalEngine

    batch = LocalEngine().run("general-text", odd_folder, progress=False)
    _check_rows(batch, odd_folder)


def test_decompression_bomb_is_an_input_error_everywhere():
    from ocrframe.inputs.images import prepare
    from ocrframe.local import LocalEngine

    with pytest.raises(InputError, match="too large to open safely"):
        LocalEngine().call("general-text", _bomb_png())
    with pytest.raises(InputError, match="too large to open safely"):
        prepare("general-text", _bomb_png())


@pytest.mark.parametrize(
    "options, said",
    [
        ({"split_gap": "x"}, "split_gap must be a positive number or None"),
        ({"split_gap": -1}, "split_gap must be a positive number or None"),
        ({"spaces": float("nan")}, "spaces must be a positive number or None"),
        ({"numbers": 2}, "numbers must be a probability in (0, 1] or None"),
        ({"leaders": "yes"}, "leaders"),
        ({"min_side": 10}, "min_side"),
        ({"engine": "tesseract", "psm": 99}, "psm"),
        ({"engine": "tesseract", "lang": "../../etc/x"}, "lang must be Tesseract language names"),
    ],
)
def test_local_engine_options_are_refused_when_it_is_made(options, said):
    """Bad options were kept and refused at the first image (in a run: an error row per item);
    they are refused now, with no model loaded and no extra needed to say so."""
    from ocrframe import LocalEngine

    with pytest.raises(InputError, match=re.escape(said)):
        LocalEngine(**options)
