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
from pathlib import Path

from .errors import InputError

__all__ = ["SAMPLE_DIR", "sample_path", "list_samples"]

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
