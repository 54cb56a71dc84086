"""dash-ag-grid tables with one look: sortable, filterable, resizable, blanks for no data."""
from __future__ import annotations

import math

import dash_ag_grid as dag
import pandas as pd

# d3-format via AG Grid's value formatter: shares as percents, blank for no data (never 0).
PERCENT = {"function": "params.value == null ? '' : d3.format('.1%')(params.value)"}
DECIMAL = {"function": "params.value == null ? '' : d3.format(',.2f')(params.value)"}
# AG Grid's Theming API (v33+): Alpine in the app's font.
THEME = {"function": "themeAlpine.withParams({fontFamily: 'DejaVu Sans, Arial, sans-serif', fontSize: 13})"}
INTEGER = {"function": "params.value == null ? '' : d3.format(',d')(params.value)"}


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows for the grid: NaN/NaT become None (JSON null), timestamps ISO text."""
    out = []
    for row in frame.to_dict("records"):
        clean = {}
        for key, value in row.items():
            if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
                clean[key] = None
            elif isinstance(value, pd.Timestamp):
                midnight = value.tz is None and value == value.normalize()
                clean[key] = value.date().isoformat() if midnight else value.strftime("%Y-%m-%d %H:%M %Z").strip()
            elif hasattr(value, "item") and not isinstance(value, (list, dict, str)):
                clean[key] = value.item()
            else:
                clean[key] = value if not isinstance(value, (list, dict)) else str(value)
            if hasattr(clean[key], "isoformat") and not isinstance(clean[key], str):
                clean[key] = clean[key].isoformat()
        out.append(clean)
    return out


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


def grid(grid_id, frame: pd.DataFrame, columns: list[dict], *, height: int | None = None,
         row_class_rules: dict | None = None, clickable: bool = False) -> dag.AgGrid:
    """A sortable, filterable grid; height fits the rows up to `height` pixels."""
    rows = min(len(frame), 15)
    options = {"domLayout": "autoHeight"} if height is None and rows < 15 else {}
    if row_class_rules:
        options["rowClassRules"] = row_class_rules
    return dag.AgGrid(
        id=grid_id,
        rowData=records(frame),
        columnDefs=columns,
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "flex": 1, "minWidth": 100,
                       "wrapHeaderText": True, "autoHeaderHeight": True},
        dashGridOptions={**options, "animateRows": False, "tooltipShowDelay": 300, "theme": THEME},
        style={"height": f"{height or 460}px"} if "domLayout" not in options else {},
        className="grid" + (" clickable" if clickable else ""),
    )
