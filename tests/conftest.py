"""Shared pytest fixtures."""

from __future__ import annotations

import io

import pytest


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
