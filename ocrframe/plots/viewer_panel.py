"""The widgets and layout of :class:`ocrframe.widgets.Viewer` and its side panel as HTML: the
clickable rows table, a row's detail, a zoomed crop of the selected item, the viewer's CSS.

Kept apart from the viewer's state and figure so each piece can be checked on its own.

>>> import pandas as pd
>>> frame = pd.DataFrame({"block": [pd.NA], "x1": [0.0], "confidence": [0.5], "text": ["Hi"]})
>>> table_columns(frame)
['text', 'confidence']
"""

from __future__ import annotations

import html
import io
from typing import Any

import numpy as np
import pandas as pd

from .data import to_uint8

__all__ = [
    "ROOT_CLASS",
    "ROWS_CLASS",
    "arrange",
    "detail_html",
    "is_geometry",
    "make_widgets",
    "row_options",
    "rows_table_html",
    "status_html",
    "empty_layer_message",
    "table_columns",
    "viewer_css",
    "zoom_png",
]

ROOT_CLASS = "ocrframe-viewer"
ROWS_CLASS = "ocrframe-rows"
FIRST_COLUMNS = ("text", "confidence")
# a table row click picks the same position in the viewer's row list, whose "change" event the
# ipywidgets Select view turns into a model update (so the kernel sees the usual selection)
_PICK_JS = (
    f"var v=this.closest('.{ROOT_CLASS}'),s=v&&v.querySelector('.{ROWS_CLASS} select');"
    "if(s){{s.selectedIndex={pos};s.dispatchEvent(new Event('change',{{bubbles:true}}))}}"
)


def is_geometry(column: str) -> bool:
    """Whether a column is a polygon or box coordinate (not shown in the panel's tables).

    >>> [is_geometry(c) for c in ("x1", "y_max", "text_x1", "text", "confidence")]
    [True, True, True, False, False]
    """
    if column.startswith(("text_x", "text_y")):
        return True
    return column[:1] in ("x", "y") and column[1:2] in ("1", "2", "3", "4", "_")


def table_columns(frame: pd.DataFrame) -> list[str]:
    """Columns the rows table shows: text and confidence first, then the others that have any
    value; coordinates left out."""
    keep = [c for c in frame.columns if not is_geometry(c) and frame[c].notna().any()]
    first = [c for c in FIRST_COLUMNS if c in keep]
    return first + [c for c in keep if c not in first]


def _cell(value: Any) -> str:
    if value is None or (not isinstance(value, str | bytes) and pd.isna(value) is True):
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    return html.escape(str(value))


def row_options(rows: pd.DataFrame) -> list[tuple[str, Any]]:
    """(label, index) options of the row list: index, text and confidence of each row.

    >>> row_options(pd.DataFrame({"text": ["Hi"], "confidence": [0.5]}))
    [('0: Hi  (0.50)', 0)]
    """
    text = rows["text"] if "text" in rows.columns else pd.Series("", index=rows.index)
    conf = rows["confidence"] if "confidence" in rows.columns else None
    return [
        (f"{label}: {str(t)[:40]}" + ("" if conf is None else f"  ({conf[label]:.2f})"), label)
        for label, t in text.items()
    ]


def rows_table_html(rows: pd.DataFrame, selected: Any = None) -> str:
    """The listed rows as an HTML table; clicking a row selects it in the viewer.

    Row ``i`` of the table is option ``i`` of the viewer's row list.

    >>> "onclick" in rows_table_html(pd.DataFrame({"text": ["a"], "confidence": [0.9]}))
    True
    """
    cols = table_columns(rows)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in ["", *cols])
    body = []
    for pos, (label, row) in enumerate(
        zip(rows.index, rows[cols].itertuples(index=False), strict=True)
    ):
        cls = ' class="ocrframe-selected"' if label == selected else ""
        cells = "".join(f"<td>{_cell(v)}</td>" for v in row)
        body.append(
            f'<tr{cls} onclick="{_PICK_JS.format(pos=pos)}" title="select row {_cell(label)}">'
            f"<th>{_cell(label)}</th>{cells}</tr>"
        )
    return f'<table class="ocrframe-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'  # noqa: E501


def detail_html(label: Any, row: pd.Series) -> str:
    """One row's values, coordinates and empty ones left out, as a two-column table.

    >>> detail_html(3, pd.Series({"text": "Hi", "cell": pd.NA, "x1": 0.0}))
    '<b>row 3</b><table class="ocrframe-detail"><tr><th>text</th><td>Hi</td></tr></table>'
    """
    cells = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{_cell(v)}</td></tr>"
        for k, v in row.items()
        if not is_geometry(str(k)) and _cell(v) != ""
    )
    return f'<b>row {_cell(label)}</b><table class="ocrframe-detail">{cells}</table>'


def zoom_png(
    image: np.ndarray, polygon: np.ndarray, *, width: int = 320, height: int = 120
) -> bytes:
    """PNG of ``image`` around ``polygon`` (4 x 2 pixel corners), enlarged to fit ``width`` x
    ``height`` pixels (at most 8x), the polygon outlined thinly so the item stays readable.

    >>> png = zoom_png(np.zeros((40, 60), np.uint8), np.array([[5, 5], [15, 5], [15, 12], [5, 12]]))
    >>> png[:4]
    b'\\x89PNG'
    """
    from PIL import Image, ImageDraw

    h, w = image.shape[:2]
    (x0, y0), (x1, y1) = polygon.min(axis=0), polygon.max(axis=0)
    margin = max(0.4 * (y1 - y0), 0.15 * (x1 - x0), 4.0)
    left, top = int(max(np.floor(x0 - margin), 0)), int(max(np.floor(y0 - margin), 0))
    right, bottom = int(min(np.ceil(x1 + margin), w)), int(min(np.ceil(y1 + margin), h))
    right, bottom = max(right, left + 1), max(bottom, top + 1)
    crop = Image.fromarray(to_uint8(image[top:bottom, left:right])).convert("RGB")
    scale = min(width / crop.width, height / crop.height, 8.0)
    size = (max(round(crop.width * scale), 1), max(round(crop.height * scale), 1))
    crop = crop.resize(size, Image.Resampling.LANCZOS)
    outline = [((x - left) * scale, (y - top) * scale) for x, y in polygon]
    ImageDraw.Draw(crop).polygon(outline, outline=(255, 0, 255), width=1)
    buf = io.BytesIO()
    crop.save(buf, format="PNG")
    return buf.getvalue()


def viewer_css(uid: str) -> str:
    """The viewer's ``<style>``; it lives in an HTML widget, so it applies only while the widget
    is alive. Its last rule hides the static PNG displayed right after the widget (the fallback
    for a notebook reopened without a kernel, see ``Viewer._ipython_display_``)."""
    root = f".{ROOT_CLASS}"
    me = f"{ROOT_CLASS}-{uid}"
    return f"""<style>
{root} .widget-toggle-button {{ padding: 0 8px; }}
{root} .ocrframe-controls .widget-label {{ white-space: nowrap; }}
{root} .ocrframe-figure img {{ width: 100%; height: auto; max-width: 100%; }}
{root} .ocrframe-table, {root} .ocrframe-detail {{
  border-collapse: collapse; font-size: 12px; line-height: 1.35; }}
{root} .ocrframe-table th, {root} .ocrframe-table td,
{root} .ocrframe-detail th, {root} .ocrframe-detail td {{
  padding: 1px 6px; text-align: left; border-bottom: 1px solid #ddd; vertical-align: top; }}
{root} .ocrframe-table thead th {{ position: sticky; top: 0; background: #f3f3f3; }}
{root} .ocrframe-table tbody tr {{ cursor: pointer; }}
{root} .ocrframe-table tbody tr:hover {{ background: #eef3fb; }}
{root} .ocrframe-table tr.ocrframe-selected {{ background: #fbe3fb; }}
{root} .ocrframe-notice {{ color: #a40000; font-weight: bold; }}
.jp-OutputArea-child:has(.{me}) + .jp-OutputArea-child,
.output_area:has(.{me}) + .output_area {{ display: none; }}
</style>"""


def make_widgets(
    names: list[str],
    document: str,
    layers: list[str],
    layer: str,
    threshold: float,
    shows: list[str],
) -> dict[str, Any]:
    """The viewer's controls and panel widgets by name (the figure widget is added by the
    viewer): compact toggle buttons and labels that never wrap above their widget."""
    import ipywidgets as W

    fit = W.Layout(width="auto")
    initial = {"description_width": "initial"}
    w = {
        "doc": W.Dropdown(options=names, value=document, description="document", style=initial),
        "layer": W.ToggleButtons(
            options=layers, value=layer, style={"button_width": "auto"}, layout=fit
        ),
        "threshold": W.FloatSlider(
            value=threshold,
            min=0.0,
            max=1.0,
            step=0.01,
            description="threshold",
            continuous_update=True,
            readout_format=".2f",
            style=initial,
        ),
        "show": W.ToggleButtons(
            options=shows,
            value=shows[0],
            tooltips=["all items", "only below threshold", "only at or above threshold"],
            style={"button_width": "auto"},
            layout=fit,
        ),
        "rows": W.Select(options=[], rows=8, layout=W.Layout(width="auto")),
        "status": W.HTML(),
        # flex-start: the panel column would stretch the crop to its width (a 6x7 mm glyph
        # blown up to 350 px pushed the table out of view)
        "zoom": W.Image(
            format="png",
            layout=W.Layout(display="none", max_width="100%", align_self="flex-start"),
        ),
        "detail": W.HTML(),
        "table": W.HTML(layout=W.Layout(max_height="360px", overflow="auto", width="auto")),
    }
    w["rows"].add_class(ROWS_CLASS)
    return w


def arrange(w: dict[str, Any], uid: str) -> Any:
    """The app: controls above; the figure (``w["image"]``) and the side panel side by side
    while both fit their flex basis (420 px + 340 px), else the panel wraps below the figure.
    The figure scales down to its box, never wider than 720 px."""
    import ipywidgets as W

    w["image"].layout = W.Layout(width="100%", height="auto", object_fit="contain", margin="0")
    wrap = W.Layout(flex_flow="row wrap", align_items="center")
    # the "show" label is a sibling in a row that never wraps: as the toggle's own description
    # JupyterLab put it on a line above the buttons
    show = W.HBox([W.Label("show"), w["show"]], layout=W.Layout(flex_flow="row nowrap"))
    show.add_class("ocrframe-show")
    controls = W.Box([w["doc"], w["layer"], w["threshold"], show], layout=wrap)
    controls.add_class("ocrframe-controls")
    figure = W.Box(
        [w["image"]], layout=W.Layout(flex="3 1 420px", max_width="720px", overflow="hidden")
    )
    figure.add_class("ocrframe-figure")
    side = W.VBox(
        [w["status"], w["rows"], w["zoom"], w["detail"], w["table"]],
        layout=W.Layout(flex="2 1 340px", min_width="300px", padding="0 0 0 8px"),
    )
    side.add_class("ocrframe-panel")
    # flex-start: "stretch" would stretch the PNG (or canvas) to the panel's height
    body = W.Box([figure, side], layout=W.Layout(flex_flow="row wrap", align_items="flex-start"))
    app = W.VBox([W.HTML(viewer_css(uid)), controls, body])
    app.add_class(ROOT_CLASS)
    app.add_class(f"{ROOT_CLASS}-{uid}")
    return app


def empty_layer_message(layer: str, response: Any) -> str:
    """Why a layer has no rows, and for characters which request parameter gives them (from the
    API catalog: the parameter documented to return ``char_list``).

    >>> from ocrframe import read_response
    >>> empty_layer_message("chars", read_response({"result": {}}, api="general-text"))
    'no chars in this document: call general-text with character_mode=True to get characters'
    """
    message = f"no {layer} in this document"
    if layer != "chars":
        return message
    import ocrframe

    from ..errors import InputError

    api = getattr(response, "api", None)
    try:
        params = ocrframe.get_api(api).params if api else ()
    except InputError:
        params = ()
    asks = [p.name for p in params if "char_list" in p.doc]
    if asks:
        return f"{message}: call {api} with {asks[0]}=True to get characters"
    return f"{message}: this response has no character results"


def status_html(
    layer: str,
    total: int,
    shown: int,
    polygons: int,
    max_rows: int,
    *,
    has_confidence: bool,
    message: str = "",
) -> str:
    """The panel's first line: how many rows and polygons are shown, and why none are.

    >>> status_html("words", 5, 2, 2, 200, has_confidence=True)
    '<b>2</b> of 5 words rows shown, 2 polygons'
    """
    status = f"<b>{shown:,}</b> of {total:,} {layer} rows shown, {polygons:,} polygons"
    if shown > max_rows:
        status += f" (listing the first {max_rows})"
    if not has_confidence and total:
        status += "<br><i>no confidences in this layer: threshold not applied</i>"
    if message:
        status += f'<br><span class="ocrframe-notice">{html.escape(message)}</span>'
    return status
