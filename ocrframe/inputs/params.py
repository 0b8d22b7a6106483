"""Request parameters checked against the catalog before anything is sent.

>>> check_params("general-text", {"detect_direction": True, "language": None})
{'detect_direction': True}
"""

from __future__ import annotations

from typing import Any

from ..catalog import ApiSpec, get_api
from ..errors import InputError

__all__ = ["check_params"]


def _label(spec: ApiSpec) -> str:
    return spec.slug


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
        return isinstance(value, list | tuple)
    if kind == "object":
        return isinstance(value, dict)
    return True


def check_params(api: str | ApiSpec, params: dict[str, Any]) -> dict[str, Any]:
    """Validate request parameters against the catalog; return them without ``None`` values.

    For the 16 documented APIs an unknown name, a wrong type or a value outside the documented
    choices is an :class:`InputError`. For the other operations, parameters known to the catalog
    are type-checked and unknown ones pass through unchanged.

    >>> check_params("general-text", {"detect_direction": True, "language": None})
    {'detect_direction': True}
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
                    f"{_label(spec)} has no parameter {name!r}; valid parameters: {valid}"
                )
            out[name] = value
            continue
        if not _type_ok(value, param.type):
            raise InputError(
                f"{_label(spec)} parameter {name!r} must be {param.type}, got "
                f"{type(value).__name__} {value!r}"
            )
        if param.choices:
            items = list(value) if param.type == "array" else [value]
            bad = [v for v in items if v not in param.choices]
            if bad:
                allowed = ", ".join(repr(c) for c in param.choices)
                raise InputError(
                    f"{_label(spec)} parameter {name!r} must be one of {allowed}, but "
                    f"{bad[0]!r} was passed"
                )
        out[name] = list(value) if param.type == "array" else value
    return out
