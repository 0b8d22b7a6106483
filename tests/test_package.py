"""The public surface: everything users call is in ocrframe.__all__, and nothing else."""

from __future__ import annotations

import subprocess
import sys

import ocrframe


def test_all_names_exist_and_are_documented():
    for name in ocrframe.__all__:
        obj = getattr(ocrframe, name)
        if callable(obj):
            assert obj.__doc__, f"ocrframe.{name} has no docstring"


def test_all_lists_every_public_name():
    public = {
        n
        for n, v in vars(ocrframe).items()
        if not n.startswith("_") and getattr(v, "__module__", "").startswith("ocrframe")
    }
    assert public <= set(ocrframe.__all__) | {"logging"}


def test_import_is_light():
    """Importing ocrframe loads no network, plotting, spreadsheet, PDF or OCR module: each
    public name loads its home on first use (issue 14); nor the columnar dataset readers,
    which only reading a saved dataset needs."""
    code = (
        "import sys, ocrframe; heavy = [m for m in ('matplotlib', 'rapidocr', 'onnxruntime', "
        "'dask', 'openpyxl', 'ipywidgets', 'requests', 'urllib3', 'ssl', 'pypdfium2', "
        "'ocrframe.flatten.arrow.dispatch') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_py_typed_marker_ships():
    from importlib.resources import files

    assert files("ocrframe").joinpath("py.typed").is_file()
