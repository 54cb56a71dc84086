"""dash-ag-grid tables with one look: sortable, filterable, resizable, blanks for no data."""
from __future__ import annotations

import math

from typing import Callable

import dash_ag_grid as dag
import pandas as pd
from dash import Input, Output, State, callback, no_update

from dashboards.components.labels import level_label
from dashboards.components.state import parse

# d3-format via AG Grid's value formatter: shares as percents, blank for no data (never 0).
PERCENT = {"function": "params.value == null ? '' : d3.format('.1%')(params.value)"}
DECIMAL = {"function": "params.value == null ? '' : d3.format(',.2f')(params.value)"}
# AG Grid's Theming API (v33+): Alpine in the app's font.
THEME = {"function": "themeAlpine.withParams({fontFamily: 'DejaVu Sans, Arial, sans-serif', fontSize: 13})"}
INTEGER = {"function": "params.value == null ? '' : d3.format(',d')(params.value)"}


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows for the grid: NaN/NaT become None (JSON null), timestamps ISO text (a date at
    midnight), numpy scalars plain Python, lists and dicts their text. Column by column: a
    row-by-row loop costs tens of milliseconds on a few thousand rows."""
    columns = {}
    for name in frame.columns:
        series = frame[name]
        if pd.api.types.is_datetime64_any_dtype(series):
            values = [_timestamp(v) for v in series]
        elif pd.api.types.is_bool_dtype(series) or pd.api.types.is_integer_dtype(series):
            values = series.tolist()
        elif pd.api.types.is_float_dtype(series):
            values = [None if v != v else v for v in series.tolist()]
        else:
            values = [_plain(v) for v in series.tolist()]
        columns[name] = values
    names = list(columns)
    return [dict(zip(names, row)) for row in zip(*columns.values())] if names else [{} for _ in range(len(frame))]


def _timestamp(value):
    if value is pd.NaT or value is None or pd.isna(value):
        return None
    midnight = value.tz is None and value == value.normalize()
    return value.date().isoformat() if midnight else value.strftime("%Y-%m-%d %H:%M %Z").strip()


def _plain(value):
    """One cell of an object column as JSON: None for NaN/NaT, text for lists and dicts."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return _timestamp(value)
    if isinstance(value, (list, dict, tuple)):
        return str(value)
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()
    return value


def column(field: str, header: str, kind: str = "text", **extra) -> dict:
    """A column definition; kind is text, percent, decimal or integer."""
    spec = {"field": field, "headerName": header}
    if kind == "percent":
        spec.update(valueFormatter=PERCENT, filter="agNumberColumnFilter", type="rightAligned")
    elif kind == "decimal":
        spec.update(valueFormatter=DECIMAL, filter="agNumberColumnFilter", type="rightAligned")
    elif kind == "integer":
        spec.update(valueFormatter=INTEGER, filter="agNumberColumnFilter", type="rightAligned")
    spec.update(extra)
    if spec.get("maxWidth", 999) < 130:  # room for a wrapped two-word header
        spec["maxWidth"] = 130
    return spec


PAGE_SIZE = 20


def grid(grid_id, frame: pd.DataFrame, columns: list[dict], *, height: int | None = None,
         row_class_rules: dict | None = None, clickable: bool = False,
         row_id: str | None = None, page_size: int = PAGE_SIZE) -> dag.AgGrid:
    """A sortable, filterable grid. Up to `page_size` rows it is as tall as its rows (up to
    `height` pixels when given); a longer list is paginated, `page_size` rows a page, so a
    page of thousands of rows draws as fast as one of twenty. `row_id`: a JavaScript
    expression naming a row (what a click callback reads as cellClicked.rowId)."""
    paged = len(frame) > page_size
    options = {"domLayout": "autoHeight"} if paged or (height is None and len(frame) < 15) else {}
    if paged:
        options.update(pagination=True, paginationPageSize=page_size, paginationPageSizeSelector=False)
    if row_class_rules:
        options["rowClassRules"] = row_class_rules
    extra = {"getRowId": row_id} if row_id else {}
    return dag.AgGrid(
        id=grid_id,
        rowData=records(frame),
        columnDefs=columns,
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "flex": 1, "minWidth": 100,
                       "wrapHeaderText": True, "autoHeaderHeight": True},
        dashGridOptions={**options, "animateRows": False, "tooltipShowDelay": 300, "theme": THEME},
        style={"height": f"{height or 460}px"} if "domLayout" not in options else {},
        className="grid" + (" clickable" if clickable else ""),
        **extra,
    )


# A row of an org-entity grid (level, entity_id): what open-row callbacks split on "|".
ENTITY_ROW_ID = "params.data.level + '|' + params.data.entity_id"


def entity_grid(grid_id, frame: pd.DataFrame, columns: list[dict], **options) -> dag.AgGrid:
    """A grid of org entities (a frame with level and entity_id): the layer shown by its label
    (column `level_name`), each row named 'level|entity_id' for open_on_click."""
    frame = frame.assign(level_name=frame["level"].map(level_label))
    return grid(grid_id, frame, columns, clickable=True, row_id=ENTITY_ROW_ID, **options)


def open_on_click(grid_id: str, target: Callable[[str, dict], str]) -> None:
    """Register the callback that opens a clicked row of `grid_id`: the URL becomes
    target(row id, state of the current URL). One callback per grid: a callback does not run
    while one of its inputs is not on the page."""
    @callback(
        Output("url", "href", allow_duplicate=True),
        Input(grid_id, "cellClicked"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def open_row(cell, search):
        if not cell or not cell.get("rowId"):
            return no_update
        return target(cell["rowId"], parse(search))
