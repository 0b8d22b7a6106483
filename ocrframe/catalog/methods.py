"""The signature of each named client method (``Client.general_text`` ...), from its record.

One rule for both the methods the client attaches at import and the ``client.pyi`` stub that
type checkers read (:mod:`ocrframe.catalog.stubs`).

>>> from ocrframe.catalog import get_api
>>> [p.name for p in method_parameters(get_api("passport"))]
['self', 'image', 'url', 'page', 'auto_downscale', 'country_code']
"""

from __future__ import annotations

import inspect

from .spec import ApiSpec, Param

__all__ = ["PY_TYPES", "python_type", "method_parameters"]

# Request-parameter type of the catalog -> Python annotation.
PY_TYPES = {
    "boolean": "bool",
    "integer": "int",
    "number": "float",
    "string": "str",
    "array": "list[str]",
    "object": "dict[str, Any]",
}


def python_type(param: Param) -> str:
    """The annotation of a request parameter, e.g. ``"bool"`` for a boolean flag.

    >>> python_type(Param("quick_mode", "boolean"))
    'bool'
    """
    return PY_TYPES.get(param.type, "Any")


def method_parameters(spec: ApiSpec) -> list[inspect.Parameter]:
    """``self``, the image inputs (when the API takes an image), each request parameter as an
    optional keyword, and ``**params`` for the operations whose parameters are not documented.
    """
    kw = inspect.Parameter.KEYWORD_ONLY
    params = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    if spec.image_field is not None:
        params += [
            inspect.Parameter(
                "image", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None, annotation="Any"
            ),
            inspect.Parameter("url", kw, default=None, annotation="str | None"),
            inspect.Parameter("page", kw, default=None, annotation="int | None"),
            inspect.Parameter("auto_downscale", kw, default=None, annotation="bool | None"),
        ]
    taken = {p.name for p in params}
    for p in spec.params:
        if p.name not in taken and p.name.isidentifier():
            hint = f"{python_type(p)} | None"
            params.append(inspect.Parameter(p.name, kw, default=None, annotation=hint))
    if not spec.documented:
        params.append(inspect.Parameter("params", inspect.Parameter.VAR_KEYWORD, annotation="Any"))
    return params
