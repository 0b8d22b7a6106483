import shutil

import pandas as pd
from openpyxl import load_workbook

from ocrframe.catalog import APIS
from ocrframe.cli import main
from ocrframe.emulator import Emulator
from ocrframe.samples import SAMPLE_DIR

RESPONSES = SAMPLE_DIR / "responses"


def test_help_explains_commands(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for word in ("demo", "ocr", "run", "audit", "tables", "emulator", "apis", "examples:"):
        assert word in out
    assert main(["run", "--help"]) == 0
    assert "--rate" in capsys.readouterr().out


def test_usage_errors_exit_2(capsys):
    assert main([]) == 2
    assert main(["nope"]) == 2
    assert "invalid choice" in capsys.readouterr().err
    assert main(["audit"]) == 2
    assert main(["run", "general-text", "x", "--cache", "c", "--workers", "0"]) == 2
    assert "positive integer" in capsys.readouterr().err
    assert main(["ocr", "general-text", "x.png", "--out", "o", "--param", "noequals"]) == 2
    assert main(["audit", "d", "--threshold", "90"]) == 2


def test_ocrframe_errors_exit_1(tmp_path, capsys):
    assert main(["audit", str(tmp_path / "missing")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("InputError: ") and "Traceback" not in err
    assert main(["--debug", "audit", str(tmp_path / "missing")]) == 1
    assert "Traceback" in capsys.readouterr().err
    assert main(["ocr", "no-such-api", str(tmp_path), "--out", str(tmp_path / "o")]) == 1
    assert "unknown OCR API" in capsys.readouterr().err
    assert main(["run", "general-text", str(tmp_path), "--cache", str(tmp_path / "c"),
                 "--engine", "emulator"]) == 1  # fmt: skip
    assert "--endpoint" in capsys.readouterr().err


def test_apis_lists_every_operation(capsys):
    assert main(["apis"]) == 0
    out = capsys.readouterr().out
    assert f"{len(APIS)} operations" in out
    assert all(slug in out for slug in APIS)
    assert main(["apis", "--documented"]) == 0
    assert "16 operations" in capsys.readouterr().out


def test_audit_sample_responses(tmp_path, capsys):
    folder = tmp_path / "resp"
    folder.mkdir()
    for name in ("general-text.json", "general-text-chars.json", "web-image.json"):
        shutil.copy(RESPONSES / name, folder / name)
    csv = tmp_path / "audit.csv"
    assert main(["audit", str(folder), "--by", "api", "--out", str(csv),
                 "--review", str(tmp_path / "review")]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "share_below" in out and "n_review" in out
    table = pd.read_csv(csv)
    assert set(table["api"]) == {"general-text", "web-image"}
    assert (tmp_path / "review" / "review.xlsx").exists()


def test_tables_to_xlsx(tmp_path, capsys):
    folder = tmp_path / "resp"
    folder.mkdir()
    shutil.copy(RESPONSES / "general-table.json", folder)
    xlsx = tmp_path / "t.xlsx"
    assert main(["tables", str(folder), "--xlsx", str(xlsx)]) == 0
    wb = load_workbook(xlsx, read_only=True)
    assert len(wb.sheetnames) >= 1
    assert main(["tables", str(folder), "--xlsx", str(tmp_path / "nodir" / "t.xlsx")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_run_and_ocr_against_emulator(tmp_path, capsys):
    from PIL import Image

    from ocrframe.emulator import Emulator

    imgs = tmp_path / "imgs"
    imgs.mkdir()
    for i in range(3):
        Image.new("RGB", (60 + i, 40), "white").save(imgs / f"p{i}.png")
    with Emulator() as emu:
        common = ["--engine", "emulator", "--endpoint", emu.url, "--quiet"]
        cache = tmp_path / "cache"
        assert main(["run", "general-text", str(imgs), "--cache", str(cache), *common]) == 0
        assert "3 response(s)" in capsys.readouterr().out
        n_calls = len(emu.request_log)
        assert main(["run", "general-text", str(imgs), "--cache", str(cache), *common]) == 0
        assert len(emu.request_log) == n_calls  # resumed from the cache: no new call
        out = tmp_path / "out"
        assert main(["ocr", "general-text", str(imgs / "p0.png"), "--out", str(out),
                     "--no-overlays", *common]) == 0  # fmt: skip
    assert (out / "words.parquet").exists() and (out / "responses" / "p0.json").exists()
    words = pd.read_parquet(out / "words.parquet")
    assert list(words.columns[:2]) == ["source", "api"]


def test_missing_extra_prints_install_line(monkeypatch, tmp_path, capsys):
    import sys

    from PIL import Image

    monkeypatch.setitem(sys.modules, "rapidocr", None)  # import fails as if not installed
    Image.new("RGB", (50, 30), "white").save(tmp_path / "a.png")
    out = tmp_path / "o"
    code = main(["ocr", "general-text", str(tmp_path / "a.png"), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("MissingDependencyError: ") and 'pip install "ocrframe[local]"' in err
    assert not out.exists()  # nothing written
    assert main(["demo", "--out", str(out)]) == 1
    assert 'pip install "ocrframe[local]"' in capsys.readouterr().err


def test_ocr_exits_1_when_some_items_fail(tmp_path, capsys):
    from PIL import Image

    folder = tmp_path / "scans"
    folder.mkdir()
    Image.new("RGB", (60, 40), "white").save(folder / "good.png")
    (folder / "broken.png").write_bytes(b"not an image at all")
    with Emulator() as emu:
        code = main(["ocr", "general-text", str(folder), "--out", str(tmp_path / "o"),
                     "--engine", "emulator", "--endpoint", emu.url, "--no-overlays"])  # fmt: skip
    assert code == 1
    out, err = capsys.readouterr()
    assert "1 response(s), 1 failure(s)" in out and "broken.png" in err
