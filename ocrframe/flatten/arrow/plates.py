"""Columnar reader of Thailand Plate Number bodies: ``result`` is a list of plates (text,
province, confidence, ``plate_location``), one ``plates`` row each, as the general walk's
``walk_plate`` gives them. License Plate's bodies (Chinese plates, with a colour) have the
same shape: :mod:`.license_plate` reads them with :func:`read_plates`.

>>> API, MARKERS
('thailand-license-plate', (b'"plate_number"',))
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...detection import PLATE_KEYS
from .blocks import out_of_range, polygon_columns
from .columns import explode, field, floats, strings, valid, whole
from .detection import list_apis
from .general_text import polygon_type
from .rows import Built, Rows

__all__ = ["API", "MARKERS", "SCALARS_AT", "SCHEMA", "read", "read_plates"]

API = "thailand-license-plate"
# Every plate has its text: one marker, one search of the bytes (markers without a common
# ending of a few bytes would cost a pattern search at every quote).
MARKERS = (b'"plate_number"',)
SCALARS_AT = ()  # no document scalars: any key the schema does not declare goes to other


def SCHEMA() -> Any:  # noqa: N802 (a constant, built lazily: pyarrow loads on first use)
    import pyarrow as pa

    plate = pa.struct([("plate_number", pa.string()), ("province", pa.string()),
                       ("plate_color", pa.string()), ("confidence", pa.float64()),
                       ("plate_location", polygon_type())])  # fmt: skip
    return pa.schema([("result", pa.list_(plate)), ("error_code", pa.string())])


def read(table: Any, pages: np.ndarray, wanted: frozenset[str]) -> Built:
    """Frames of Thailand plate bodies (see :func:`read_plates`)."""
    return read_plates(API, table, pages, wanted)


def read_plates(api: str, table: Any, pages: np.ndarray, wanted: frozenset[str]) -> Built:
    """Frames of the plate bodies of ``api`` (see :mod:`ocrframe.flatten.arrow.dispatch`): a
    file whose ``result`` is no list, or holds an element with neither plate key (the walk
    reads that one as an object of fields), goes the general way; so does one holding any key
    the schema does not declare (the dispatcher finds those: SDR's kinds, a plate's other
    keys), and one whose plates tell another API (:func:`ocrframe.detection.detect_api`: a
    colour on the first plate is License Plate's)."""
    import pyarrow as pa

    result = whole(table, "result")
    ok = np.asarray(table.column("error_code").is_null().to_numpy(zero_copy_only=False), bool)
    if not pa.types.is_list(result.type) or not pa.types.is_struct(result.type.value_type):
        return Built(np.zeros(len(result), dtype=bool), {})
    ok &= valid(result)
    plates, file, number = explode(result, np.arange(len(result)))
    keyed = np.zeros(len(plates), dtype=bool)
    for key in PLATE_KEYS:
        keyed |= valid(field(plates, key))
    bad = ~(valid(plates) & keyed)
    strict = "other" in wanted
    given = field(plates, "confidence")
    conf = floats(given)
    loc, bad_loc = polygon_columns(field(plates, "plate_location"), finite=strict)
    bad |= bad_loc
    if strict:
        bad |= out_of_range(conf, valid(given))
    ok[file[bad]] = False
    told = list_apis(plates, file, number, len(result))
    ok &= (told == api) | (told == None)  # noqa: E711 (elementwise; None: no plate)
    rows: dict[str, list[Rows]] = {}
    if wanted & {"plates", "other"}:
        cols = {"page": pages[file], "plate": number,
                "text": strings(field(plates, "plate_number")),
                "province": strings(field(plates, "province")),
                "color": strings(field(plates, "plate_color")),
                "confidence": conf, **loc}  # fmt: skip
        rows["plates"] = [Rows(cols, file, (number,))]
    return Built(ok, rows)
