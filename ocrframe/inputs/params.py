"""Request parameters checked against the catalog before anything is sent.

Besides names, types and documented choices, the catalog's own notes carry three rules that
involve the value or a second parameter: a parameter whose note says "needs X" is refused
without ``X=true`` (``return_char_location`` needs ``return_text_location``, Smart Document
Recognizer's ``return_excel`` needs ``table``); a blank string is accepted where the note says
omitting it means auto-detect (Thailand ``side=""``); a page number starts at 1. An array
parameter given as one string (the reference's own example sends ``"country_region": "ALB"``)
is sent as a one-item list.

>>> check_params("general-text", {"detect_direction": True, "language": None})
{'detect_direction': True}
>>> check_params("id-document", {"country_region": "ALB"})
{'country_region': ['ALB']}
"""

from __future__ import annotations

import re
from typing import Any

from ..catalog import ApiSpec, Param, get_api
from ..errors import InputError
from .urls import shown_input

__all__ = ["check_params", "requirements", "PAGE_PARAMS", "show_value"]

# Request parameters that select the page of a PDF (1-based).
PAGE_PARAMS = ("pdf_page_number", "page_num")
_NEEDS = re.compile(r"\bneeds (\w+)")


def show_value(value: Any) -> str:
    """A short, text-only picture of a value for messages (never raw bytes).

    >>> show_value(b"\\x89PNG" * 100)
    '<400 bytes>'
    """
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(value)} bytes>"
    text = repr(shown_input(value) if isinstance(value, str) else value)
    return text if len(text) <= 80 else text[:77] + "..."


def requirements(spec: ApiSpec) -> dict[str, str]:
    """``{parameter: the boolean parameter it needs}``, from the catalog's notes.

    >>> requirements(get_api("general-table"))
    {'return_char_location': 'return_text_location'}
    """
    names = set(spec.param_names)
    out = {}
    for p in spec.params:
        m = _NEEDS.search(p.doc)
        if m and m.group(1) in names:
            out[p.name] = m.group(1)
    return out


def _blank_is_auto(param: Param) -> bool:
    return param.type == "string" and "auto-detect" in param.doc


def _type_ok(value: Any, kind: str) -> bool:
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    if kind == "array":
        return isinstance(value, list | tuple | str)
    if kind == "object":
        return isinstance(value, dict)
    return True


def check_params(api: str | ApiSpec, params: dict[str, Any]) -> dict[str, Any]:
    """Validate request parameters against the catalog; return them without ``None`` values.

    For the 16 documented APIs an unknown name, a wrong type, a value outside the documented
    choices or a broken two-parameter rule is an :class:`InputError`. For the other
    operations, parameters known to the catalog are checked and unknown ones pass through.

    >>> check_params("general-table", {"return_char_location": True})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ocrframe.errors.InputError: general-table: return_char_location=True needs ...
    """
    spec = get_api(api)
    known = {p.name: p for p in spec.params}
    out: dict[str, Any] = {}
    for name, value in params.items():
        if value is None:
            continue
        param = known.get(name)
        if param is None:
            if spec.documented:
                valid = ", ".join(sorted(known)) or "none"
                raise InputError(
                    f"{spec.slug} has no parameter {name!r}; valid parameters: {valid}"
                )
            out[name] = value
            continue
        out[name] = _check_one(spec, param, value)
    for name, needed in requirements(spec).items():
        if out.get(name) is True and out.get(needed) is not True:
            raise InputError(f"{spec.slug}: {name}=True needs {needed}=True; pass both")
    for name in PAGE_PARAMS:
        if name in out and isinstance(out[name], int) and out[name] < 1:
            raise InputError(
                f"{spec.slug}: {name} is 1-based (the first page is 1), got {out[name]}"
            )
    return out


def _check_one(spec: ApiSpec, param: Param, value: Any) -> Any:
    name = param.name
    if not _type_ok(value, param.type):
        raise InputError(
            f"{spec.slug} parameter {name!r} must be {param.type}, got "
            f"{type(value).__name__} {show_value(value)}"
        )
    if param.type == "array":
        value = [value] if isinstance(value, str) else list(value)
    if value == "" and _blank_is_auto(param):
        return value  # the service's auto-detect
    if param.choices:
        items = value if param.type == "array" else [value]
        bad = [v for v in items if v not in param.choices]
        if bad:
            allowed = ", ".join(repr(c) for c in param.choices)
            blank = " (or '' to auto-detect)" if _blank_is_auto(param) else ""
            raise InputError(
                f"{spec.slug} parameter {name!r} must be one of {allowed}{blank}, but "
                f"{show_value(bad[0])} was passed"
            )
    return value
