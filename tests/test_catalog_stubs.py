"""The named client methods are visible to type checkers through a stub generated from the
catalog; the stub must match client.py and the catalog."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap

import pytest

from ocrframe.catalog import CATALOG
from ocrframe.catalog.stubs import CLIENT_STUB, main, render_client_stub


def test_stub_is_up_to_date():
    assert CLIENT_STUB.is_file(), "run python -m ocrframe.catalog.stubs"
    assert CLIENT_STUB.read_text("utf-8") == render_client_stub(), (
        "ocrframe/cloud/client.pyi is out of date: run python -m ocrframe.catalog.stubs"
    )
    assert main(["--check"]) == 0


def test_stub_follows_client_and_catalog_changes():
    source = "class Client(RunsBatches):\n    def call(self, api: str) -> Response: ...\n"
    text = render_client_stub(source + "    def extra(self, x: int = 3) -> int: ...\n")
    assert "    def extra(self, x: int = ...) -> int: ..." in text
    assert text != render_client_stub(source)
    for spec in CATALOG:
        assert f"    def {spec.method}(" in text


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy is not installed")
def test_type_checker_sees_named_methods(tmp_path):
    snippet = tmp_path / "use_client.py"
    snippet.write_text(
        textwrap.dedent(
            """
            import ocrframe
            from ocrframe.cloud.client import Client

            client = Client(endpoint="http://127.0.0.1:1", project_id="p", ak="a", sk="s")
            reveal_type(client.general_text("a.png", detect_direction=True))
            ocrframe.Client(endpoint="http://127.0.0.1:1", project_id="p").vin("v.png")
            client.general_text("a.png", detect_direction="yes")
            """
        )
    )
    root = CLIENT_STUB.parents[2]
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--follow-imports=silent", "--ignore-missing-imports",
         "--no-incremental", "--cache-dir", str(tmp_path / "cache"), str(snippet)],
        capture_output=True, text=True, cwd=tmp_path, env={"MYPYPATH": str(root), "PATH": ""},
    )  # fmt: skip
    report = out.stdout
    assert 'Revealed type is "ocrframe.response.Response"' in report, report
    assert "has no attribute" not in report, report
    # the parameter types come from the catalog: a string for a boolean flag is an error
    assert 'Argument "detect_direction" to "general_text" of "Client"' in report, report
