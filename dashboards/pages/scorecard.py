"""The balanced scorecard of one entity (district, department, school, PLC or classroom): tiles
grouped by the five perspectives, re-cut by year and student group, and the layer below it as a
children-by-metrics table (each child's value of every metric of this scorecard, sortable), whose
rows stay on the server and come a page at a time (a district has hundreds of schools)."""
from __future__ import annotations

import datetime as dt

import dash
import pandas as pd
from dash import State, dcc, html

from dashboards import queries
from dashboards.components import context, grids
from dashboards.components import formatting as fmt
from dashboards.components.breadcrumbs import breadcrumbs
from dashboards.components.labels import LEVEL_NAMES, level_label
from dashboards.components.controls import as_of_select, group_select, year_select
from dashboards.components.state import href, school_year_label, year_of
from dashboards.components.tiles import perspective_sections

dash.register_page(__name__, path="/", name="Scorecard", title="Alignboard · Scorecard", order=0)

CHILDREN_GRID = "scorecard-children"
CHILDREN_VIEW = "scorecard-children-view"  # the layer below the grid shows: level, entity, year, group


def n_units(wh) -> dict:
    """What each metric's n counts (students, staff, walkthroughs...), by metric family."""
    catalog = queries.metric_definitions(warehouse=wh)
    if "n_unit" not in catalog:
        return {}
    return dict(zip(catalog["metric_key"], catalog["n_unit"]))


def day_of(text) -> dt.date | None:
    """The as-of day of the URL (YYYY-MM-DD); None when absent. A wrong one is a bad request."""
    if text in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        raise queries.DataError(f"as of must be a day such as 2026-11-20, not {text!r}") from None


@context.safe
@context.cached_page
def layout(level=None, entity=None, year=None, group="all", asof=None, **_):
    viewer, wh = context.viewer(), context.warehouse()
    level, entity = context.home(level, entity)
    group = group or "all"
    day = day_of(asof)
    if day is None:
        card = queries.scorecard(viewer, level, entity, warehouse=wh, year=year_of(year), group=group)
    else:  # the year to date through the day, beside the same day a year earlier
        card = queries.scorecard_as_of(viewer, level, entity, day, warehouse=wh, group=group)
        card["compared_with"] = f"{card['prior_as_of'].iloc[0]:%Y-%m-%d}" if len(card) else None
    info = queries.entity(viewer, level, entity, warehouse=wh)
    shown_year = int(card["school_year"].iloc[0]) if len(card) else year_of(year)
    state = {"year": shown_year, "group": group} if day is None else {"asof": day.isoformat(), "group": group}

    def link_for(metric_id):
        return href("/metric", level=level, entity=entity, metric=metric_id, year=shown_year, group=group)

    title = f"{info['entity_name']}: balanced scorecard"
    header = [
        breadcrumbs(queries.breadcrumbs(viewer, level, entity, warehouse=wh), "/", **state),
        html.H1(title),
        html.P(f"{LEVEL_NAMES.get(level, level)} · {school_year_label(shown_year)} · "
               + (f"year to date as of {day:%Y-%m-%d} · " if day else "")
               + queries.group_label(group), className="subtitle"),
        html.Div([
            year_select(queries.years(viewer, warehouse=wh), shown_year),
            as_of_picker(viewer, wh, day, shown_year),
            group_select(queries.student_groups(viewer, warehouse=wh), group, queries.group_label),
            html.A("Download these values (CSV)", className="button", id="scorecard-export",
                   href=href("/export/metrics.csv", level=level, entity=entity, year=shown_year, group=group))
            if day is None else None,
        ], className="controls"),
    ]
    if card.empty:
        body = [context.message(f"No scorecard for {info['entity_name']} in {school_year_label(shown_year)}.")]
    else:
        body = perspective_sections(card, link_for, n_units(wh))
    return html.Div(header + body + children_section(viewer, wh, level, entity, shown_year, group, card, day))


def children_section(viewer, wh, level, entity, year, group, card: pd.DataFrame, day: dt.date | None = None) -> list:
    """The layer below: each child's value of the year, or its year to date as of `day`."""
    cells = queries.scorecard_children(viewer, level, entity, warehouse=wh, year=year, group=group, as_of=day)
    if cells.empty:
        kids = queries.children(viewer, level, entity, warehouse=wh, year=year)
        if kids.empty:
            return []
        columns = [grids.column("entity_name", "Name (click to open its scorecard)", minWidth=260),
                   grids.column("level_name", "Layer", maxWidth=160),
                   grids.column("entity_id", "ID", maxWidth=160)]
        return [html.H2(f"The layer below ({len(kids):,})"),
                html.P("Open a department, school, PLC or classroom.", className="note"),
                grids.entity_grid(CHILDREN_GRID, kids, columns)]
    metrics, left_out = shown_metrics(cells)
    names = dict(zip(card["metric_id"], card["metric_name"]))
    not_shown = ", ".join(fmt.metric_name(names.get(m, m)) for m in left_out)
    hidden = int(cells.loc[cells["metric_id"].isin(metrics), "suppressed"].sum())
    view = {"level": level, "entity": entity, "year": year, "group": group}
    if day is not None:
        view["asof"] = day.isoformat()
    rows = layer_below(**view)  # drawn now, so the grid's first page comes from the cache
    to_date = f"year to date as of {day:%Y-%m-%d}" if day else None
    return [html.H2(f"The layer below ({len(rows):,}), metric by metric" + (f", {to_date}" if to_date else "")),
            html.P(f"{school_year_label(year)} · " + (f"{to_date} · " if to_date else "")
                   + f"{queries.group_label(group)} · each child's value of this "
                   "scorecard's metrics, with its status (✓ on target, ● near, ✗ off); sort by a column, click "
                   "a row to open that scorecard. "
                   + (f"{hidden:,} cells are hidden from you, each saying why. " if hidden else "")
                   + (f"Not shown, no child has a value: {not_shown}." if left_out else ""),
                   className="note"),
            grids.server_grid(CHILDREN_GRID, children_columns(metrics, card), row_id=grids.ENTITY_ROW_ID,
                              clickable=True),
            dcc.Store(id=CHILDREN_VIEW, data=view)]


def shown_metrics(cells: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The metrics of the layer below that get a column, and those left out: a metric no child
    has (the survey metrics below a school) would be a column of "no data" (all are shown when
    no child has any)."""
    metrics = list(dict.fromkeys(cells["metric_id"]))
    measured = set(cells.loc[cells["status"] != "no_data", "metric_id"])
    if not measured:
        return metrics, []
    return [m for m in metrics if m in measured], [m for m in metrics if m not in measured]


@context.cached_page  # reshaping every child's cells (326 schools x 20 metrics) costs more than serving a page
def layer_below(level: str, entity: str, year: int | None, group: str, asof: str | None = None) -> pd.DataFrame:
    """The layer below as its grid's rows, for the viewer (queries.scorecard_children: scoped and
    hidden by the viewer's rules), in the children's order; with `asof`, each child's year to date."""
    cells = queries.scorecard_children(context.viewer(), level, entity, warehouse=context.warehouse(),
                                       year=year, group=group, as_of=day_of(asof))
    return children_table(cells, shown_metrics(cells)[0])


def children_rows(view) -> pd.DataFrame:
    """Every row of the layer below the page shows (its Store: level, entity, year, group and,
    as of a day, asof), for serve_rows; BadRequest for a view of another shape (the page never
    sends one)."""
    if (not isinstance(view, dict) or not all(isinstance(view.get(k), str) for k in ("level", "entity", "group"))
            or not (view.get("year") is None or type(view.get("year")) is int)
            or not (view.get("asof") is None or _is_day(view.get("asof")))):
        raise grids.BadRequest("the layer below is named by its level, entity and group (text), year (a number) "
                               "and, as of a day, asof (YYYY-MM-DD)")
    return layer_below(level=view["level"], entity=view["entity"], year=view["year"], group=view["group"],
                       asof=view.get("asof"))


def _is_day(text) -> bool:
    try:
        return isinstance(text, str) and day_of(text) is not None
    except queries.DataError:
        return False


def children_table(cells: pd.DataFrame, metrics: list[str]) -> pd.DataFrame:
    """The long cells (child x metric) as one row per child: for metric i of `metrics`, `m{i}`
    its value (null when hidden or missing), `m{i}_note` what shows instead ('hidden: fewer
    than 10 students', 'no data') and `m{i}_c` its status; `level_name` the child's layer."""
    rows = cells.drop_duplicates(["level", "entity_id"])[["level", "entity_id", "entity_name"]].reset_index(drop=True)
    keys = list(zip(rows["level"], rows["entity_id"]))
    for i, metric in enumerate(metrics):
        mine = cells[cells["metric_id"] == metric].set_index(["level", "entity_id"]).reindex(keys)
        rows[f"m{i}"] = mine["value"].to_numpy()
        rows[f"m{i}_c"] = mine["status"].to_numpy()
        rows[f"m{i}_note"] = [cell_note(r) for r in mine.itertuples()]
    return rows.assign(level_name=rows["level"].map(level_label))


# d3 formats of the grid's value cells by unit; a cell without a value shows its note instead.
D3 = {"share": ".1%", "hours": ",.1f", "count": ",d"}


def children_columns(metrics: list[str], card: pd.DataFrame) -> list[dict]:
    """The grid's columns: the child's name and layer, then metric i of `metrics` as `m{i}`
    (its value with its status icon, or its note), grouped by perspective. A row of the server
    grid has no data until its page arrives: every rule checks for it."""
    info = card.drop_duplicates("metric_id").set_index("metric_id")
    groups: dict[str, list[dict]] = {}
    for i, metric in enumerate(metrics):
        unit = info["unit"].get(metric) if metric in info.index else None
        name = fmt.metric_name(info["metric_name"].get(metric, metric)) if metric in info.index else metric
        icons = " + ' ' + ({'on_target': '✓', 'near': '●', 'off': '✗'}[params.data.m%d_c] || '')" % i
        number = (f"d3.format('{D3.get(unit, ',.2f')}')(params.value)" + (" + ' h'" if unit == "hours" else ""))
        groups.setdefault(info["perspective"].get(metric, "") if metric in info.index else "", []).append({
            "field": f"m{i}", "headerName": name, "headerTooltip": f"{name} ({metric})",
            "valueFormatter": {"function": f"params.data == null ? '' : params.value == null ? "
                                           f"(params.data.m{i}_note || '') : {number}{icons}"},
            "filter": False, "type": "rightAligned", "minWidth": 145,
            "cellClassRules": {f"cell-{css}": f"params.data != null && params.data.m{i}_c === '{css}'"
                               for css in ("on_target", "near", "off", "suppressed", "no_data")},
        })
    columns = [grids.column("entity_name", "Name (click to open)", minWidth=270, pinned="left"),
               grids.column("level_name", "Layer", minWidth=120, maxWidth=130)]
    columns += [{"headerName": perspective or "Metrics", "children": children}
                for perspective, children in groups.items()]
    return columns


def cell_note(cell) -> str:
    """What a cell without a value shows: why it is hidden (or the range it may be shown as)."""
    if cell.status == "suppressed":
        shown = cell.value_range if isinstance(cell.value_range, str) and cell.value_range else "hidden"
        return f"{shown}: {cell.suppression_reason}" if isinstance(cell.suppression_reason, str) else shown
    return "" if not fmt.missing(cell.value) else "no data"


def as_of_picker(viewer, wh, day: dt.date | None, year: int | None):
    """The day the values are as of: the URL's, else the shown year's latest data date; any day
    from the first loaded school year's start to the latest data date. None on a state warehouse,
    which computes no day's values on request."""
    if queries.is_state(wh):
        return None
    years = queries.years(viewer, warehouse=wh)
    last = queries.values_as_of(viewer, warehouse=wh)
    if not years or last is None:
        return None
    shown = day or queries.values_as_of(viewer, year, warehouse=wh)
    return as_of_select(shown.isoformat() if shown else None, f"{min(years) - 1}-07-01", last.isoformat())


def open_child(row_id: str, state: dict) -> str:
    """A row of the layer below was clicked: its scorecard, same year (or as-of day) and group."""
    level, _, entity = row_id.partition("|")
    return href("/", level=level, entity=entity, year=state.get("year"), asof=state.get("asof"),
                group=state.get("group"))


grids.open_on_click(CHILDREN_GRID, open_child)
grids.serve_rows(CHILDREN_GRID, children_rows, State(CHILDREN_VIEW, "data"))
