"""README's code blocks run as written (a doctest for Markdown).

Every fenced block of README.md is either run or skipped with a stated reason, never silently:
``python`` blocks run in order in one namespace (a fresh session reading the README top to
bottom), in a scratch folder, with the cloud blocks' ``Client.from_env()`` pointed at the
emulator on 127.0.0.1 through the environment; other languages (``bash``) are reported as
skipped; a Python block preceded by ``<!-- readme-test: skip (reason) -->`` is skipped with
that reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
_FENCE = re.compile(r"^```([\w+-]*)[^\n]*\n(.*?)^```[ \t]*$", re.M | re.S)
_SKIP = re.compile(r"<!--\s*readme-test:\s*skip\s*(.*?)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    line: int  # 1-based line of the opening fence
    lang: str
    code: str
    skip: str | None  # the reason, when the block is not run

    def __str__(self) -> str:
        return f"README.md:{self.line} ({self.lang or 'no language'})"


def readme_blocks(text: str) -> list[Block]:
    """The fenced code blocks of a Markdown text, each with why it is skipped (or None).

    >>> [(b.lang, b.skip) for b in readme_blocks("```bash\\nls\\n```\\n```python\\n1\\n```\\n")]
    [('bash', 'a bash block, not Python'), ('python', None)]
    """
    blocks = []
    for m in _FENCE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        before = text[: m.start()].rstrip("\n").rsplit("\n", 1)[-1]
        lang = m.group(1).lower()
        marker = _SKIP.search(before)
        if lang != "python":
            skip = f"a {lang or 'plain'} block, not Python"
        elif marker:
            skip = marker.group(1).strip("() ") or "marked skip"
        else:
            skip = None
        blocks.append(Block(line, lang, m.group(2), skip))
    return blocks


BLOCKS = readme_blocks(README.read_text(encoding="utf-8"))
SKIPPED = [b for b in BLOCKS if b.skip]


def test_the_readme_has_python_blocks_and_every_skip_has_a_reason():
    assert sum(b.skip is None for b in BLOCKS) >= 5
    assert all(b.skip for b in SKIPPED)


@pytest.mark.parametrize("block", SKIPPED, ids=str)
def test_skipped_block(block):
    pytest.skip(f"{block}: {block.skip}")


@pytest.mark.filterwarnings("error::UserWarning")  # a snippet that warns misleads its reader
def test_python_blocks_run_in_order(tmp_path, monkeypatch):
    pytest.importorskip("rapidocr", reason="the tour uses the embedded engine: ocrframe[local]")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ocrframe.emulator import Emulator

    monkeypatch.chdir(tmp_path)
    for var in ("HUAWEICLOUD_SDK_REGION", "OCR_REGION", "HUAWEICLOUD_SDK_SECURITY_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    namespace: dict = {"__name__": "__readme__"}
    with Emulator() as emu:
        monkeypatch.setenv("OCR_ENDPOINT", emu.url)  # what `ocrframe emulator` tells you to set
        monkeypatch.setenv("HUAWEICLOUD_SDK_AK", emu.ak)
        monkeypatch.setenv("HUAWEICLOUD_SDK_SK", emu.sk)
        monkeypatch.setenv("HUAWEICLOUD_SDK_PROJECT_ID", emu.project_id)
        for block in BLOCKS:
            if block.skip:
                continue
            try:
                exec(compile(block.code, str(block), "exec"), namespace)  # noqa: S102
            except Exception as exc:  # name the block, as a doctest names its line
                pytest.fail(f"{block} raised {type(exc).__name__}: {exc}\n{block.code}")
            finally:
                plt.close("all")  # each block draws on its own figure, like a notebook cell
        assert len(emu.request_log) > 0  # the cloud blocks really went over HTTP
    assert (tmp_path / "review.xlsx").is_file() and (tmp_path / "review").is_dir()


def test_a_missing_shared_folder_is_announced_not_silent(monkeypatch, tmp_path):
    import conftest

    monkeypatch.setattr(conftest, "SHARED", tmp_path / "shared")
    assert "is absent" in conftest.pytest_report_header(None)

    class Report:
        longrepr = ("tests/test_pdf.py", 58, "Skipped: ../shared/data/pdfs is absent")

    class Other:
        longrepr = ("tests/test_readme.py", 68, "Skipped: needs a scheduler and shared storage")

    class Terminal:
        stats = {"skipped": [Report(), Report(), Other()]}
        lines: list[str] = []

        def write_line(self, line):
            self.lines.append(line)

    term = Terminal()
    conftest.pytest_terminal_summary(term)
    assert term.lines and term.lines[0].startswith("2 test(s) skipped because")
