"""Sample responses and document images that ship with ocrframe.

The files live inside the package, in ``ocrframe/sample_data/{responses,images}``, so they are
installed with it (``pip install .`` included); the repository's top-level ``sample_data/``
holds the scripts that regenerate them and links to the same folders.

>>> sample_path("general-text").name
'general-text.json'
>>> "images/table.png" in list_samples()
True
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .arguments import check_path
from .errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SAMPLE_DIR", "sample_path", "list_samples", "ground_truth"]

SAMPLE_DIR = Path(__file__).resolve().parent / "sample_data"
_SUFFIXES = (".json", ".png", ".jpg")


def list_samples() -> list[str]:
    """Return every sample as a path relative to the sample folder, sorted.

    Ground-truth files (``*.gt.json``) are listed too; they sit next to their image.

    Examples
    --------
    >>> [s for s in list_samples() if s.startswith("responses/passport")]
    ['responses/passport-chn-example.json', 'responses/passport-mrz-example.json', 'responses/passport.json']
    """  # noqa: E501
    if not SAMPLE_DIR.is_dir():
        return []
    return sorted(
        p.relative_to(SAMPLE_DIR).as_posix()
        for p in SAMPLE_DIR.rglob("*")
        if p.is_file() and p.suffix in _SUFFIXES
    )


def sample_path(name: str) -> Path:
    """Return the path of a sample file.

    Parameters
    ----------
    name : str
        A relative path from :func:`list_samples` (``"images/table.png"``), a file name
        (``"table.png"``) or a stem: an API slug or variant for responses
        (``"general-text-chars"``), an image name (``"receipt-cafe"``).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    InputError
        When no sample matches; the message suggests close names.

    Examples
    --------
    >>> sample_path("receipt-cafe").name
    'receipt-cafe.png'
    """
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"sample name must be a non-empty string, got {name!r}")
    key = name.strip().replace("\\", "/")
    samples = list_samples()
    if not samples:
        raise InputError(
            f"no sample data found in {SAMPLE_DIR}; reinstall ocrframe or run "
            "python sample_data/make_samples.py and python sample_data/make_images.py"
        )
    for candidate in samples:
        file = candidate.rsplit("/", 1)[-1]
        stem = file.rsplit(".", 1)[0]
        if key in (candidate, file, stem):
            return SAMPLE_DIR / candidate
    stems = sorted({s.rsplit("/", 1)[-1].rsplit(".", 1)[0] for s in samples})
    close = difflib.get_close_matches(key, stems, n=3)
    hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
    raise InputError(f"no sample named {name!r}.{hint} See ocrframe.samples.list_samples().")


def ground_truth(image: str | os.PathLike[str]) -> pd.DataFrame:
    """The ground-truth lines of an image: ``<stem>.gt.json`` next to it (every bundled sample
    image has one; ``make_images.py`` writes them).

    Parameters
    ----------
    image : str or path
        A sample name (``"receipt-cafe"``) or the path of an image with a ``.gt.json`` beside it.

    Returns
    -------
    DataFrame
        ``source`` (the image path), ``page`` (1), ``text`` and the polygon ``x1, y1 .. x4, y4``
        of each line: the shape ``plot_calibration`` and ``accuracy_by_confidence`` take.

    Examples
    --------
    >>> ground_truth("receipt-cafe")[["text", "x1", "y1"]].head(1).to_dict("records")
    [{'text': 'CORNER CAFE', 'x1': 251.0, 'y1': 47.0}]
    """
    import pandas as pd

    path = check_path("image", image)
    if not path.is_file():
        path = sample_path(str(image))
    gt = path.with_name(path.stem + ".gt.json")
    try:
        lines = json.loads(gt.read_text(encoding="utf-8"))["lines"]
        rows = [
            {"text": str(line["text"]), **{
                f"{axis}{i}": float(v)
                for i, point in enumerate(line["polygon"], start=1)
                for axis, v in zip("xy", point, strict=True)
            }}
            for line in lines
        ]  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(
            f"no usable ground truth for {str(path)!r}: expected {str(gt)!r} with lines of text "
            f"and 4-vertex polygons ({type(exc).__name__}: {exc})"
        ) from exc
    frame = pd.DataFrame(rows, columns=["text", *[f"{a}{i}" for i in range(1, 5) for a in "xy"]])
    frame.insert(0, "page", 1)
    frame.insert(0, "source", str(path))
    return frame
