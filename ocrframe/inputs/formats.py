"""What a file is: its format from the first bytes, the one list of image file suffixes and
of saved-result suffixes, and the one rule for the files a folder holds.

>>> detect_format(b"\\x89PNG\\r\\n\\x1a\\n....")
'png'
>>> ".pdf" in IMAGE_SUFFIXES, ".pdf" in INPUT_SUFFIXES
(False, True)
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "IMAGE_SUFFIXES",
    "INPUT_SUFFIXES",
    "detect_format",
    "FORMAT_ALIASES",
    "canonical_format",
    "RESULT_SUFFIXES",
    "result_files",
    "files_in",
]

# Suffixes of image files (what a viewer can show, what a folder of scans holds).
IMAGE_SUFFIXES = frozenset(
    {
        ".jpg",
        ".jpeg",
        ".png",
        ".bmp",
        ".gif",
        ".tif",
        ".tiff",
        ".webp",
        ".pcx",
        ".ico",
        ".psd",
    }
)
# Suffixes of the files ocrframe reads as inputs: images and PDFs.
INPUT_SUFFIXES = IMAGE_SUFFIXES | {".pdf"}
# Suffixes of saved results ocrframe reads from a folder: JSON bodies (ours, other services'),
# Tesseract hOCR (``.hocr``, or ``.html`` as Tesseract 3.02 and many scripts name it),
# ``image_to_data`` TSV, ALTO XML and PaddleOCR 2.x's ``.txt`` files.
RESULT_SUFFIXES = frozenset({".json", ".hocr", ".tsv", ".xml", ".html", ".htm", ".txt"})
FORMAT_ALIASES = {"jpeg": "jpg", "tif": "tiff"}


def result_files(folder: str | Path) -> list[str]:
    """The saved results under ``folder`` (see :func:`files_in`): every ``.json``, ``.hocr``
    and ``.tsv`` file, the ``.xml`` files that are ALTO, the ``.html``/``.htm`` files that
    are hOCR and the ``.txt`` files that PaddleOCR 2.x wrote (``system_results.txt``,
    PP-Structure's ``res_<n>.txt``). Other XML (image annotations, metadata), HTML (reports,
    pages) and text (ground truth, notes) is no OCR result and is left out, as images are; a
    file that cannot be read is kept, so that reading it reports why.

    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for name, text in [("a.json", "{}"), ("voc.xml", "<annotation/>"), ("b.xml", "<alto/>"),
    ...                    ("c.html", "<div class='ocr_page'>"), ("index.html", "<p>Hi</p>"),
    ...                    ("gt.txt", "Hi"), ("res_0.txt", '{"type": "", "bbox": 0, "res": 0}')]:
    ...     _ = (d / name).write_text(text)
    >>> [pathlib.Path(p).name for p in result_files(d)]
    ['a.json', 'b.xml', 'c.html', 'res_0.txt']
    """
    from ..vendors.text import XML_HEAD, is_alto, is_hocr, is_paddle_text

    def taken(path: str) -> bool:
        name = path.lower()
        if not name.endswith((".xml", ".html", ".htm", ".txt")):
            return True
        try:
            with open(path, "rb") as fh:
                head = fh.read(XML_HEAD)
        except OSError:
            return True
        if name.endswith(".xml"):
            return is_alto(head)
        if name.endswith(".txt"):
            return is_paddle_text(head)
        return is_hocr(head)

    return [p for p in files_in(folder, RESULT_SUFFIXES) if taken(p)]


def files_in(folder: str | Path, suffixes: frozenset[str]) -> list[str]:
    """The files under ``folder`` (recursively, sorted) whose suffix, in any case, is one of
    ``suffixes``; hidden files and folders (a name starting with ".", such as macOS's
    ``._scan.jpg`` copies) are left out.

    >>> files_in(".", frozenset({".no-such-suffix"}))
    []
    """
    root = str(Path(folder))
    found: list[str] = []
    # One scandir a folder: hidden folders are not entered, a file's kind comes from its
    # directory entry (no stat, no Path object per file: a cache folder holds thousands), and
    # symlinked folders are not followed, as Path.rglob does not.
    todo = [root]
    while todo:
        where = todo.pop()
        at = "" if where == "." else where  # Path(".") / "a" / name is "a/name"
        try:
            entries = list(os.scandir(where))
        except OSError:  # unreadable or gone: as rglob, nothing from it
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = os.path.join(at, entry.name)
            if entry.is_dir(follow_symlinks=False):
                todo.append(path)
            elif os.path.splitext(entry.name)[1].lower() in suffixes and entry.is_file():
                found.append(path)
    return sorted(found)


def canonical_format(name: str) -> str:
    """One spelling per format: ``"jpeg"`` -> ``"jpg"``, ``"tif"`` -> ``"tiff"``.

    >>> canonical_format("JPEG")
    'jpg'
    """
    name = name.lower()
    return FORMAT_ALIASES.get(name, name)


def detect_format(data: bytes) -> str | None:
    """Image or document format from the first bytes, or None when unknown.

    >>> detect_format(b"%PDF-1.7 ...")
    'pdf'
    """
    head = bytes(data[:16])
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"BM"):
        return "bmp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] == b"8BPS":
        return "psd"
    if head[:4] == b"\x00\x00\x01\x00":
        return "ico"
    if head[:1] == b"\x0a" and head[1:2] in b"\x00\x02\x03\x04\x05":
        return "pcx"
    if b"%PDF-" in bytes(data[:1024]):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "ofd"
    return None
