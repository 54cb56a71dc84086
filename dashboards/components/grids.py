"""dash-ag-grid tables with one look: sortable, filterable, resizable, blanks for no data."""
from __future__ import annotations

import json
import math
import re
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
# up to two decimals, none when whole: a scale score 425, a score 7.5
NUMBER = {"function": "params.value == null ? '' : d3.format(',.2~f')(params.value)"}


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
    """A column definition; kind is text, percent, decimal, number (no trailing zeros) or integer."""
    spec = {"field": field, "headerName": header}
    if kind == "percent":
        spec.update(valueFormatter=PERCENT, filter="agNumberColumnFilter", type="rightAligned")
    elif kind == "decimal":
        spec.update(valueFormatter=DECIMAL, filter="agNumberColumnFilter", type="rightAligned")
    elif kind == "number":
        spec.update(valueFormatter=NUMBER, filter="agNumberColumnFilter", type="rightAligned")
    elif kind == "integer":
        spec.update(valueFormatter=INTEGER, filter="agNumberColumnFilter", type="rightAligned")
    spec.update(extra)
    if spec.get("maxWidth", 999) < 130:  # room for a wrapped two-word header
        spec["maxWidth"] = 130
    return spec


PAGE_SIZE = 20
_DATA_FIELD = re.compile(r"params\.data\.([A-Za-z_][A-Za-z0-9_]*)")


def shown_fields(frame: pd.DataFrame, columns: list[dict], row_id: str | None,
                 row_class_rules: dict | None) -> list[str]:
    """The columns of `frame` the grid uses: its columns' fields and every params.data.<field>
    its row id, row rules and formatters read. The rest never goes to the browser."""
    leaves = [leaf for c in columns for leaf in c.get("children", [c])]  # column groups: their columns
    used = {c["field"] for c in leaves if "field" in c}
    used |= set(_DATA_FIELD.findall(json.dumps([columns, row_id, row_class_rules])))
    return [c for c in frame.columns if c in used]



def grid(grid_id, frame: pd.DataFrame, columns: list[dict], *, height: int | None = None,
         row_class_rules: dict | None = None, clickable: bool = False,
         row_id: str | None = None, page_size: int = PAGE_SIZE) -> dag.AgGrid:
    """A sortable, filterable grid. Up to `page_size` rows it is as tall as its rows (up to
    `height` pixels when given); a longer list is paginated, `page_size` rows a page, so a
    page of thousands of rows draws as fast as one of twenty. `row_id`: a JavaScript
    expression naming a row (what a click callback reads as cellClicked.rowId)."""
    frame = frame[shown_fields(frame, columns, row_id, row_class_rules)]
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


# --- grids whose rows stay on the server --------------------------------------------------------
# A list of thousands of rows (every school x group of a category) would send megabytes with
# the page. AG Grid's infinite row model asks for one page at a time instead (getRowsRequest:
# startRow, endRow, sortModel, filterModel) and serve_rows answers it from the cached query.

def server_grid(grid_id, columns: list[dict], *, row_class_rules: dict | None = None, row_id: str | None = None,
                clickable: bool = False, page_size: int = PAGE_SIZE) -> dag.AgGrid:
    """A sortable, filterable, paginated grid filled page by page by serve_rows(grid_id, ...)."""
    # one request at a time: dash-ag-grid answers the latest getRowsRequest only
    options = {"pagination": True, "paginationPageSize": page_size, "paginationPageSizeSelector": False,
               "cacheBlockSize": page_size, "maxConcurrentDatasourceRequests": 1, "domLayout": "autoHeight"}
    if row_class_rules:
        options["rowClassRules"] = row_class_rules
    extra = {"getRowId": row_id} if row_id else {}
    return dag.AgGrid(
        id=grid_id, rowModelType="infinite", columnDefs=[_server_column(c) for c in columns],
        defaultColDef={"sortable": True, "resizable": True, "flex": 1, "minWidth": 100,
                       "wrapHeaderText": True, "autoHeaderHeight": True},
        dashGridOptions={**options, "animateRows": False, "tooltipShowDelay": 300, "theme": THEME},
        className="grid" + (" clickable" if clickable else ""),
        **extra,
    )


_TEXT_FILTER = {"filter": "agTextColumnFilter", "filterParams": {"filterOptions": ["contains", "equals"],
                                                                 "maxNumConditions": 1}}
_NUMBER_OPTIONS = ["equals", "greaterThan", "greaterThanOrEqual", "lessThan", "lessThanOrEqual"]


def _server_column(spec: dict) -> dict:
    """A column with only the filters page_of can apply (one condition; text contains or equals,
    number compared); a column group (`children`) with each of its columns so."""
    if "children" in spec:
        return {**spec, "children": [_server_column(c) for c in spec["children"]]}
    if spec.get("filter") == "agNumberColumnFilter":
        return {**spec, "filterParams": {"filterOptions": _NUMBER_OPTIONS, "maxNumConditions": 1}}
    return {**_TEXT_FILTER, **spec}


_NUMBER_TESTS = {
    "equals": lambda s, v: s == v, "greaterThan": lambda s, v: s > v, "greaterThanOrEqual": lambda s, v: s >= v,
    "lessThan": lambda s, v: s < v, "lessThanOrEqual": lambda s, v: s <= v,
}


class BadRequest(ValueError):
    """A grid request that cannot be read (sent by hand: the grid never sends one)."""


def _number(value, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise BadRequest(f"{what} must be a number, not {str(value)[:40]!r}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise BadRequest(f"{what} must be a number, not {str(value)[:40]!r}")
    return number


def page_of(frame: pd.DataFrame, request: dict) -> dict:
    """The rows of `frame` an infinite-model request asks for, filtered and sorted as it says,
    with the filtered row count (the grid's pages). BadRequest for one it cannot read."""
    filters = request.get("filterModel") or {} if isinstance(request, dict) else None
    if not isinstance(filters, dict) or not isinstance(request.get("sortModel") or [], list):
        raise BadRequest("a grid request has a filterModel object and a sortModel list")
    for field, spec in filters.items():
        if field not in frame.columns or not isinstance(spec, dict) or spec.get("filter") is None:
            continue
        column, wanted = frame[field], spec["filter"]
        if spec.get("filterType") == "number" and spec.get("type") in _NUMBER_TESTS:
            keep = _NUMBER_TESTS[spec["type"]](pd.to_numeric(column, errors="coerce"), _number(wanted, field))
        elif spec.get("type") == "equals":
            keep = column.astype(str).str.lower() == str(wanted).lower()
        else:
            keep = column.astype(str).str.contains(str(wanted), case=False, regex=False)
        frame = frame[keep.fillna(False).astype(bool)]
    sort = [s for s in request.get("sortModel") or [] if isinstance(s, dict) and s.get("colId") in frame.columns]
    if sort:
        frame = frame.sort_values([s["colId"] for s in sort], ascending=[s.get("sort") != "desc" for s in sort],
                                  na_position="last", kind="stable")
    start = int(_number(request.get("startRow") or 0, "startRow"))
    end = int(_number(request.get("endRow") or PAGE_SIZE, "endRow"))
    if not 0 <= start <= end or end - start > 10 * PAGE_SIZE:
        raise BadRequest(f"rows {start} to {end} cannot be served (at most {10 * PAGE_SIZE} at a time)")
    return {"rowData": records(frame.iloc[start:end]), "rowCount": len(frame)}


def serve_rows(grid_id: str, rows_for: Callable[..., pd.DataFrame], *states: State,
               fields: list[str] | None = None) -> None:
    """Register the callback that fills server_grid `grid_id`: rows_for(*values of `states`)
    gives every row (through the query layer: scoped and suppressed for the viewer), page_of cuts the
    page, sending only `fields` (None: every column rows_for gives). A refusal gives no rows (the
    query layer has logged it); a request that cannot be read (BadRequest, from page_of or from
    rows_for reading the states) answers 400."""
    from dashboards import queries  # noqa: PLC0415 (data imports nothing of the components)

    @callback(Output(grid_id, "getRowsResponse"), Input(grid_id, "getRowsRequest"), *states,
              prevent_initial_call=True)
    def rows(request, *values):
        if not request:
            return no_update
        try:
            frame = rows_for(*values)
            shown = frame if fields is None else frame[[f for f in fields if f in frame.columns]]
            return page_of(shown, request)
        except BadRequest as error:
            raise queries.DataError(f"bad grid request: {error}") from None
        except (queries.DataError, PermissionError):
            return {"rowData": [], "rowCount": 0}
