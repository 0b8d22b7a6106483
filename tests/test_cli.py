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


# --- mistakes are caught once, up front, before any call or file (issue 15) -------------------

LETTER = str(SAMPLE_DIR / "images" / "letter.png")


def test_mistyped_param_and_unanswered_api_fail_once_before_writing(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["ocr", "general-text", LETTER, LETTER, "--out", str(out), "--quiet",
                 "--param", "charactr_mode=true"]) == 1  # fmt: skip
    err = capsys.readouterr().err
    assert err.count("InputError") == 1 and "'charactr_mode'" in err
    assert "valid parameters: character_mode, detect_direction" in err
    assert not out.exists()
    assert main(["ocr", "id-card", LETTER, "--out", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err
    from ocrframe.local.engine import SUPPORTED_APIS

    assert "'id-card'" in err and ", ".join(SUPPORTED_APIS) in err and "--engine cloud" in err
    assert not out.exists()
    cache = tmp_path / "cache"
    assert main(["run", "general-text", LETTER, "--cache", str(cache), "--quiet",
                 "--param", "detect_direction=maybe"]) == 1  # fmt: skip
    assert "must be boolean" in capsys.readouterr().err and not cache.exists()


def test_a_broken_pdf_in_a_folder_is_one_named_failure_and_the_rest_runs(tmp_path, capsys):
    """One bad file never stops a dataset (issue 12): it is a failure row naming the file, the
    other items are OCR'd, and the exit status says something failed."""
    scans = tmp_path / "scans"
    scans.mkdir()
    shutil.copy(LETTER, scans / "a.png")
    (scans / "b.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf")
    out = tmp_path / "out"
    assert main(["ocr", "general-text", str(scans), "--out", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "b.pdf" in err and "cannot open" in err
    assert sorted(p.name for p in (out / "responses").iterdir()) == ["a.json"]


def test_apis_help_has_a_description(capsys):
    assert main(["apis", "--help"]) == 0
    assert "List the OCR operations" in capsys.readouterr().out


def test_emulator_command_shows_the_fake_key_to_paste(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "ocrframe.cli", "emulator", "--port", "0"],
                            stdout=subprocess.PIPE, text=True, env=env)  # fmt: skip
    lines = []
    try:
        while len(lines) < 20:  # up to the Client(...) line, which every version prints
            lines.append(proc.stdout.readline())
            if not lines[-1] or "Client(endpoint" in lines[-1]:
                break
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    text = "".join(lines)
    assert "fake credentials" in text and f"HUAWEICLOUD_SDK_SK={Emulator.sk}" in text
    assert "sk=..." not in text and "Emulator.sk" not in text


def test_audit_shortens_paths_and_explains_missing_confidences(tmp_path, capsys):
    import json

    deep = tmp_path / "site-packages" / "somewhere" / "very" / "deep"
    for sub in ("a", "b"):
        (deep / sub).mkdir(parents=True)
        shutil.copy(RESPONSES / "general-text.json", deep / sub / "general-text.json")
    assert main(["audit", str(deep)]) == 0
    out = capsys.readouterr().out
    assert f"sources relative to {deep}" in out
    assert max(len(line) for line in out.splitlines()[1:]) < 160 and str(deep / "a") not in out

    def strip(node):  # General Table called without return_confidence
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if "confidence" not in k}
        return [strip(v) for v in node] if isinstance(node, list) else node

    plain = tmp_path / "plain"
    plain.mkdir()
    body = strip(json.loads((RESPONSES / "general-table.json").read_text(encoding="utf-8")))
    (plain / "table.json").write_text(json.dumps(body), encoding="utf-8")
    assert main(["audit", str(plain)]) == 0
    err = capsys.readouterr().err
    assert "general-table returns them only when called with return_confidence=True" in err


def test_an_output_file_that_is_a_folder_is_refused_before_any_call(tmp_path, capsys):
    folder = tmp_path / "errors.csv"
    folder.mkdir()
    cache = tmp_path / "cache"
    assert main(["run", "general-text", LETTER, "--cache", str(cache), "--errors", str(folder),
                 "--quiet"]) == 1  # fmt: skip
    assert "--errors" in capsys.readouterr().err
    assert not cache.exists()  # nothing was OCRed (or, on the cloud, billed)
    assert main(["audit", str(RESPONSES), "--out", str(folder)]) == 1
    assert "is a folder" in capsys.readouterr().err


def test_ocr_out_as_a_url_or_a_long_input_name_is_one_line_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # the URL was taken as a relative folder 'https:' here
    assert main(["ocr", "general-text", LETTER, "--out", "https://example.com/out", "--quiet"]) == 1
    assert "is a URL" in capsys.readouterr().err
    assert main(["ocr", "general-text", "x" * 300 + ".png", "--out", "o", "--quiet"]) == 1
    assert capsys.readouterr().err.startswith("InputError: ")  # was OSError: File name too long
    assert not list(tmp_path.iterdir())


def test_audit_exits_1_when_a_response_file_could_not_be_read(tmp_path, capsys):
    # the help promises exit 1 for any failed item; audit listed them and exited 0
    import shutil

    folder = tmp_path / "responses"
    shutil.copytree(RESPONSES, folder)
    (folder / "broken.json").write_text('{"result": ', encoding="utf-8")
    assert main(["audit", str(folder)]) == 1
    assert "broken.json" in capsys.readouterr().err
