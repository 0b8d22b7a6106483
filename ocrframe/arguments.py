"""The one home of the checks on arguments users pass to public functions.

Every public function checks its options here before it reads, draws or writes anything, so a
wrong type or an impossible value is an :class:`~ocrframe.InputError` naming the argument and
what it accepts, never a bare ``TypeError`` from deep inside pandas or matplotlib. Values of
any type (a pandas Series, a list, NaN) get a clear message: nothing here compares them in a
way that raises.

>>> check_choice("span", "fill", ["top_left", "fill", "blank"])
'fill'
>>> check_number("bins", 10, low=1, integer=True)
10
>>> check_flag("numeric", None)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ocrframe.errors.InputError: `numeric` must be True or False, got None
"""

from __future__ import annotations

import math
import numbers
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .errors import InputError
from .files import NAME_MAX
from .inputs.params import show_value

__all__ = [
    "check_choice",
    "check_flag",
    "check_number",
    "check_threshold",
    "check_path",
    "check_output",
]


def _equal(a: Any, b: Any) -> bool:
    if a is b:
        return True
    if isinstance(a, bool) != isinstance(b, bool):  # True is not the choice 1
        return False
    try:
        same = a == b
    except Exception:  # noqa: BLE001 - a value that cannot be compared is not that choice
        return False
    return same is True or (type(same).__name__ == "bool_" and bool(same))


def check_choice(name: str, value: Any, allowed: Sequence[Any]) -> Any:
    """``value`` when it is one of ``allowed``, else :class:`InputError` listing them.

    >>> check_choice("kind", ["hist"], ["hist", "ecdf"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ocrframe.errors.InputError: the value for `kind` must be one of ['hist', 'ecdf'], but ...
    """
    if not any(_equal(value, a) for a in allowed):
        raise InputError(
            f"the value for `{name}` must be one of {list(allowed)}, but {show_value(value)} "
            "was passed"
        )
    return value


def check_flag(name: str, value: Any) -> bool:
    """``value`` as a bool when it is True or False (numpy's too), else :class:`InputError`.

    >>> check_flag("labels", True)
    True
    """
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return bool(value)
    raise InputError(f"`{name}` must be True or False, got {show_value(value)}")


def check_number(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    integer: bool = False,
    above: bool = False,
) -> Any:
    """``value`` when it is a finite number (an int with ``integer``) in ``[low, high]``
    (``(low, high]`` with ``above``), else :class:`InputError`. Bools are not numbers here.

    >>> check_number("alpha", 0.5, low=0, high=1)
    0.5
    >>> check_number("bins", 0, low=1, integer=True)
    Traceback (most recent call last):
    ...
    ocrframe.errors.InputError: `bins` must be an integer >= 1, got 0
    """
    kind = numbers.Integral if integer else numbers.Real
    what = "an integer" if integer else "a number"
    if low is not None and high is not None:
        what += f" in {'(' if above else '['}{low}, {high}]"
    elif low is not None:
        what += f" {'>' if above else '>='} {low}"
    elif high is not None:
        what += f" <= {high}"
    if isinstance(value, bool) or not isinstance(value, kind):
        raise InputError(f"`{name}` must be {what}, got {type(value).__name__} {show_value(value)}")
    number = int(value) if integer else float(value)
    bad_low = low is not None and (number <= low if above else number < low)
    if not math.isfinite(number) or bad_low or (high is not None and number > high):
        raise InputError(f"`{name}` must be {what}, got {show_value(value)}")
    return number if integer else value


def check_threshold(threshold: Any) -> float:
    """``threshold`` as a float when it is a number in [0, 1] (the confidence scale), else
    :class:`InputError`.

    >>> check_threshold(0.9)
    0.9
    """
    return float(check_number("threshold", threshold, low=0, high=1))


def check_path(name: str, value: Any) -> Path:
    """``value`` as a :class:`~pathlib.Path` when it is a file-system path (str, bytes or
    ``os.PathLike``) without a NUL byte, else :class:`InputError`.

    >>> check_path("out", "review").name
    'review'
    """
    if not isinstance(value, str | bytes | os.PathLike) or isinstance(value, bool):
        raise InputError(
            f"`{name}` must be a path (a str or pathlib.Path), got {type(value).__name__} "
            f"{show_value(value)}"
        )
    text = os.fsdecode(os.fspath(value))
    if "\x00" in text:
        raise InputError(f"`{name}` {show_value(text)} contains a NUL byte")
    if not text:
        raise InputError(f"`{name}` is an empty path; name a file or folder")
    path = Path(text)
    longest = max(path.parts, key=lambda part: len(os.fsencode(part)))
    if len(os.fsencode(longest)) > NAME_MAX:
        raise InputError(
            f"`{name}` {show_value(text)} has a name of {len(os.fsencode(longest))} bytes; file "
            f"systems allow {NAME_MAX}. Shorten it"
        )
    return path


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def check_output(name: str, value: Any, *, folder: bool) -> Path:
    """A path ocrframe is about to write, a ``folder`` or a file, as a :class:`~pathlib.Path`;
    InputError, before anything is written, when it is a URL, an existing path of the other
    kind, or lies under a file.

    >>> check_output("out", "https://example.com/review", folder=True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ocrframe.errors.InputError: `out` 'https://example.com/review' is a URL; ...
    """
    given = os.fsdecode(value) if isinstance(value, str | bytes) else ""
    if _URL.match(given):  # before check_path, whose messages show the value
        raise InputError(f"`{name}` {show_value(given)} is a URL; ocrframe writes local files only")
    path = check_path(name, value)
    text = os.fsdecode(os.fspath(value))
    if folder and os.path.exists(path) and not os.path.isdir(path):
        raise InputError(f"`{name}` {show_value(text)} is a file; pass a folder")
    if not folder and os.path.isdir(path):
        raise InputError(f"`{name}` {show_value(text)} is a folder; name a file to write")
    for parent in path.absolute().parents:
        if os.path.exists(parent):
            if not os.path.isdir(parent):
                raise InputError(f"`{name}` {show_value(text)} lies under {str(parent)!r}, a file")
            break
    return path
