"""Shared pytest fixtures."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import settings

# The property tests draw the same examples on every run, so that a CI result can be
# reproduced; `pytest --hypothesis-profile=explore` draws new ones (a local fuzzing session).
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("repeatable")

SHARED = Path(__file__).resolve().parents[2] / "shared"  # ../shared next to the repository


def pytest_report_header(config) -> str:
    """Say up front whether the real documents the data tests read are there."""
    if (SHARED / "data").is_dir():
        return f"real documents: {SHARED} (tests on ../shared/data run)"
    return (
        f"real documents: {SHARED} is absent, so the tests that read ../shared/data or "
        "../shared/reference are skipped (reasons listed at the end; see README)"
    )


def pytest_terminal_summary(terminalreporter) -> None:
    """Count the skips caused by a missing ../shared in one clear line."""
    if SHARED.is_dir():
        return
    skipped = terminalreporter.stats.get("skipped", [])
    n = sum(
        any(k in str(getattr(r, "longrepr", "")) for k in ("shared/", "shared reference"))
        for r in skipped
    )
    if n:
        terminalreporter.write_line(
            f"{n} test(s) skipped because {SHARED} is absent: put the shared data folder next "
            "to the repository to run them"
        )


@pytest.fixture
def emulator():
    """A running :class:`ocrframe.emulator.Emulator` on 127.0.0.1 (default credentials)."""
    from ocrframe.emulator import Emulator

    with Emulator() as emu:
        yield emu


@pytest.fixture
def png_bytes() -> bytes:
    """A small white 160 x 120 PNG."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (160, 120), "white").save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def paddle() -> dict:
    """A PaddleOCR 3.x serving response (another engine's result) of one line, ``Hi``."""
    return {"logId": "x", "errorCode": 0, "errorMsg": "Success",
            "result": {"ocrResults": [{"prunedResult": {
                "rec_texts": ["Hi"], "rec_scores": [0.9],
                "rec_polys": [[[0, 0], [10, 0], [10, 5], [0, 5]]]}}]}}  # fmt: skip
