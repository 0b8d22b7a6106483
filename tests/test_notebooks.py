"""Every notebook runs top to bottom (so they never rot)."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 6


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_top_to_bottom(path, tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    book = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in book.cells if c.cell_type == "code"), (
        f"{path.name} is committed with outputs; strip them"
    )
    client = nbclient.NotebookClient(
        book, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    errors = [o for c in book.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    unchecked = bare_booleans(book)
    assert not unchecked, f"{path.name}: self-checks shown, not asserted (use assert): {unchecked}"


def bare_booleans(book) -> list[str]:
    """Cells whose result is a bare True / False: a self-check a reader must eyeball, which
    passes CI even when it says False.

    >>> cell = {"cell_type": "code", "source": "a.equals(b)", "execution_count": 3,
    ...         "outputs": [{"output_type": "execute_result", "data": {"text/plain": "False"}}]}
    >>> bare_booleans(nbformat.from_dict({"cells": [cell]}))
    ['cell 3: a.equals(b) -> False']
    """
    found = []
    for cell in book.cells:
        for out in cell.get("outputs", []):
            text = out.get("data", {}).get("text/plain") if "data" in out else out.get("text")
            if isinstance(text, str) and text.strip() in ("True", "False", "np.True_", "np.False_"):
                last = cell.source.strip().splitlines()[-1]
                found.append(f"cell {cell.get('execution_count')}: {last} -> {text.strip()}")
    return found


def test_a_notebook_showing_false_fails():
    # notebook 03 once ended with a "reopen equals batch" cell that printed False and passed
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 == 2")])
    nbclient.NotebookClient(book, timeout=60, kernel_name="python3").execute()
    assert bare_booleans(book) == ["cell 1: 1 == 2 -> False"]
