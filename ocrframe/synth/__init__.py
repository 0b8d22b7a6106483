"""Realistic, deterministic response bodies for every OCR operation.

Used by the emulator, by property tests and to write ``sample_data``. The 16 documented APIs
follow the response trees of the OCR API Reference (``api_schemas.md``) and honour the request
flags given in ``params``; the other 36 operations follow the official SDK's response models
(generated from them, see :mod:`ocrframe.synth.sdk_models`): every field the model has, with
plausible values, fields turned on by a ``return_*`` / ``detect_*`` flag only when it is set.
Bodies are canned: their text has nothing to do with any image (the emulator seeds them with
the image's hash, so the same image gets the same body). ``general-table`` in particular
answers a made-up table whatever the image shows, unless a local engine answers it.

>>> body = synthesize("general-text", seed=1, params={"character_mode": True})
>>> sorted(body["result"])
['direction', 'words_block_count', 'words_block_list']
>>> "char_list" in body["result"]["words_block_list"][0]
True
"""

from __future__ import annotations

from ..catalog import ApiSpec, get_api
from ..errors import ERROR_CODES, InputError
from ._documented import DOCUMENTED
from ._other import OTHER_TREES, walk_tree
from ._pools import Gen

__all__ = [
    "synthesize",
    "synthesize_error",
    "smart_document_one_kind_per_element",
]

# --- public -------------------------------------------------------------------------------


def synthesize(
    api: str,
    *,
    seed: int | None = None,
    params: dict | None = None,
    image_size: tuple[int, int] | None = None,
    n_blocks: int | None = None,
) -> dict:
    """Return a realistic success body ``{"result": ...}`` for any of the 52 operations.

    Parameters
    ----------
    api : str
        Slug, method or display name (see :func:`ocrframe.apis.get_api`).
    seed : int, optional
        Same seed, same body. None draws a fresh random body.
    params : dict, optional
        Request flags to honour, e.g. ``{"character_mode": True}``.
    image_size : (width, height), optional
        Every polygon lies inside it. Random when omitted.
    n_blocks : int, optional
        Number of text blocks / table cells for the text and table APIs.

    Returns
    -------
    dict
        A JSON-serializable body.

    Examples
    --------
    >>> body = synthesize("general-table", seed=3, params={"return_excel": True})
    >>> body["result"]["words_region_list"][1]["type"], "excel" in body["result"]
    ('table', True)
    """
    slug = get_api(api).slug
    if params is not None and not isinstance(params, dict):
        raise InputError(f"params must be a dict of request flags, got {type(params).__name__}")
    if n_blocks is not None and (not isinstance(n_blocks, int) or n_blocks < 1):
        raise InputError(f"n_blocks must be a positive integer, got {n_blocks!r}")
    if image_size is not None:
        ok = (
            isinstance(image_size, tuple | list)
            and len(image_size) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in image_size)
        )
        if not ok:
            raise InputError(
                f"image_size must be (width, height) in pixels, each >= 1; got {image_size!r}"
            )
    g = Gen(seed, tuple(image_size) if image_size else None)
    p = dict(params or {})
    if slug in DOCUMENTED:
        fn, default_n = DOCUMENTED[slug]
        return {"result": fn(g, p, n_blocks or default_n)}
    tree = OTHER_TREES.get(slug)
    if tree is None:
        raise InputError(f"no synthetic response is defined for {slug!r}")
    result = walk_tree(g, tree)
    unrequested = _flagged_fields(get_api(slug), p)
    for item in result if isinstance(result, list) else [result]:
        for name in unrequested:
            item.pop(name, None)
    return {"result": result}


def _flagged_fields(spec: ApiSpec, params: dict) -> set[str]:
    """Result fields that only a request flag turns on, for the flags not set: ``return_x``
    gives ``x``, ``detect_x`` gives ``detect_x_result``."""
    out = set()
    for param in spec.params:
        if param.type != "boolean" or params.get(param.name):
            continue
        if param.name.startswith("return_"):
            out.add(param.name.removeprefix("return_"))
        elif param.name.startswith("detect_"):
            out.add(param.name + "_result")
    return out


def synthesize_error(code: str, *, nested: bool = False) -> dict:
    """Return the documented error body for ``code``.

    ``nested=True`` gives the General Table example's shape, ``{"result": {...}}``.

    >>> synthesize_error("AIS.0103")
    {'error_code': 'AIS.0103', 'error_msg': 'The image size does not meet the requirements.'}
    """
    if not isinstance(code, str) or code not in ERROR_CODES:
        raise InputError(
            f"unknown error code {code!r}; known codes: {', '.join(sorted(ERROR_CODES))}"
        )
    body = {"error_code": code, "error_msg": ERROR_CODES[code].message}
    return {"result": body} if nested else body


_KIND_ORDER = (
    "formula_result",
    "layout_result",
    "form_result",
    "table_result",
    "kv_result",
    "ocr_result",
)


def smart_document_one_kind_per_element(body: dict) -> dict:
    """Convert a per-page Smart Document Recognizer body into the reference example's shape.

    The API tables give one ``result`` element per page holding every kind; the reference
    example returns one element per result kind, in the order formula, layout, form, table,
    kv, ocr.

    >>> b = synthesize("smart-document-recognizer", seed=1, params={"kv": True})
    >>> [list(e) for e in smart_document_one_kind_per_element(b)["result"]]
    [['kv_result'], ['ocr_result']]
    """
    result = body.get("result") if isinstance(body, dict) else None
    if not isinstance(result, list) or not all(isinstance(e, dict) for e in result):
        raise InputError("expected a Smart Document Recognizer body {'result': [page, ...]}")
    out = []
    for page in result:
        extra = [k for k in page if k not in _KIND_ORDER]
        if extra:
            raise InputError(f"unexpected keys in a Smart Document Recognizer page: {extra}")
        out.extend({k: page[k]} for k in _KIND_ORDER if k in page)
    return {"result": out}
