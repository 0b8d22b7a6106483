"""What :class:`ocrframe.widgets.Viewer` is given: documents and the images to draw them on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..inputs.formats import IMAGE_SUFFIXES
from ..response import Response, read_response

__all__ = ["documents", "image_sources"]


def documents(data: Any) -> tuple[list[str], list[Any]]:
    """Unique names and Responses of what the Viewer was given.

    >>> documents([{"result": {}}, {"result": {}}])[0]
    ['document 0', 'document 1']
    """
    if isinstance(data, Response) or (isinstance(data, Mapping) and "result" in data):
        items = [(None, data)]
    elif isinstance(data, Mapping):
        items = [(str(k), v) for k, v in data.items()]
    elif isinstance(data, Iterable) and not isinstance(data, str | bytes):
        items = [(None, r) for r in data]
    else:
        raise InputError(
            f"Viewer takes a list of Responses, a dict of name -> Response or a Batch, "
            f"got {type(data).__name__}"
        )
    if not items:
        raise InputError("Viewer got no documents; pass at least one response")
    names, responses = [], []
    for i, (name, r) in enumerate(items):
        r = r if isinstance(r, Response) else read_response(r)
        base = name or (str(r.source) if r.source else f"document {i}")
        if r.page is not None and name is None:
            base += f" p{r.page}"
        label, k = base, 1
        while label in names:
            k += 1
            label = f"{base} ({k})"
        names.append(label)
        responses.append(r)
    return names, responses


def image_sources(images: Any, names: list[str], responses: list[Any]) -> dict[str, Any]:
    """Document name -> image source; without ``images``, each ``source`` that is an image file.

    >>> image_sources(["a.png"], ["scan"], [None])
    {'scan': 'a.png'}
    """
    if images is None:
        out = {}
        for name, r in zip(names, responses, strict=True):
            src = getattr(r, "source", None)
            if src and Path(str(src)).suffix.lower() in IMAGE_SUFFIXES and Path(src).is_file():
                out[name] = src
        return out
    if isinstance(images, Mapping):
        unknown = sorted(set(map(str, images)) - set(names))
        if unknown:
            raise InputError(f"images for unknown documents {unknown}; the documents are {names}")
        return {str(k): v for k, v in images.items()}
    if isinstance(images, list | tuple):
        if len(images) != len(names):
            raise InputError(f"got {len(images)} images for {len(names)} documents")
        return {n: im for n, im in zip(names, images, strict=True) if im is not None}
    if len(names) == 1:
        return {names[0]: images}
    raise InputError("pass images as a list (one per document) or a dict name -> image")
