"""One metric of one entity: its trend, every student group side by side, the entities one layer
below compared (click a bar or a row to go down), its definition, and CSV of each table shown."""
from __future__ import annotations

import dash
import pandas as pd
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from dashboards import queries
from dashboards.components import context, figures, grids
from dashboards.components import formatting as fmt
from dashboards.components.breadcrumbs import breadcrumbs
from dashboards.components.labels import LEVEL_NAMES, level_label
from dashboards.components.controls import group_select, year_select
from dashboards.components.state import href, parse, school_year_label, year_of

dash.register_page(__name__, path="/metric", name="Metric", title="Alignboard · Metric", order=1)

PARTS = ("trend", "groups", "children")


def frames(level, entity, metric, year, group) -> dict:
    """The three tables the page shows, for the viewer of this request."""
    detail = queries.metric_detail(context.viewer(), level, entity, metric, warehouse=context.warehouse(),
                                year=year, group=group)
    return detail


def shown(part: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The columns of `part` as the page shows them (and as its CSV has them)."""
    columns = {
        "trend": ["school_year", "level", "entity_id", "metric_id", "student_group", "value", "target", "status",
                  "numerator", "denominator", "n", "suppressed", "suppression_reason"],
        "groups": ["school_year", "student_group", "group_label", "value", "numerator", "denominator", "n",
                   "suppressed", "suppression_reason"],
        "children": ["school_year", "level", "entity_id", "entity_name", "metric_id", "student_group", "value",
                     "target", "status", "numerator", "denominator", "n", "suppressed", "suppression_reason"],
    }[part]
    return frame[[c for c in columns if c in frame.columns]]


@context.safe
@context.cached_page
def layout(level=None, entity=None, metric=None, year=None, group="all", **_):
    viewer, wh = context.viewer(), context.warehouse()
    level, entity = context.home(level, entity)
    if not metric:
        return context.message("No metric chosen: open one from a scorecard tile.")
    group = group or "all"
    detail = frames(level, entity, metric, year_of(year), group)
    info, trend, groups, kids = detail["info"], detail["trend"], detail["groups"], detail["children"]
    unit = info["unit"]
    info["metric_name"] = fmt.metric_name(trend["metric_name"].iloc[0] if len(trend) else info["metric_name"])
    shown_year = int(groups["school_year"].iloc[0]) if len(groups) else year_of(year)
    name = queries.entity(viewer, level, entity, warehouse=wh)["entity_name"]
    state = {"metric": metric, "year": shown_year, "group": group}
    group_text = queries.group_label(group)
    n_unit = info.get("n_unit") or ""

    header = [
        breadcrumbs(queries.breadcrumbs(viewer, level, entity, warehouse=wh), "/metric", **state),
        html.H1(f"{info['metric_name']}: {name}"),
        html.P([f"{LEVEL_NAMES.get(level, level)} · {school_year_label(shown_year)} · {group_text} · ",
                dcc.Link("back to the scorecard", href=href("/", level=level, entity=entity, year=shown_year,
                                                            group=group))], className="subtitle"),
        html.Div([
            year_select(queries.years(viewer, warehouse=wh), shown_year),
            group_select(queries.student_groups(viewer, warehouse=wh), group, queries.group_label),
            html.A("All values of this metric here (CSV)", className="button", id="metric-export",
                   href=href("/export/metrics.csv", level=level, entity=entity, metric=metric)),
        ], className="controls"),
        definition(info),
    ]
    trend_fig = figures.trend(
        trend["school_year"], trend["value"], trend["n"], trend["suppression_reason"], unit,
        title=f"{info['metric_name']} by school year, {group_text} ({unit_text(unit)}, n = {n_unit})",
        target=info.get("target"))
    group_fig = figures.horizontal_bars(
        groups["group_label"], groups["value"], groups["n"], groups["suppression_reason"], unit,
        title=f"Student groups, {school_year_label(shown_year)} ({unit_text(unit)}, n = {n_unit})",
        target=info.get("target"))
    cards = [
        card("trend", "Trend", figures.graph("metric-trend", trend_fig)),
        card("groups", "Student groups side by side",
             figures.graph("metric-groups", group_fig)),
    ]
    body = [html.Div(cards, className="cards")]
    if len(kids):
        body += children_part(kids, info, unit, shown_year, group_text, n_unit)
    body.append(dcc.Download(id="metric-download"))
    return html.Div(header + body)


def unit_text(unit) -> str:
    return {"share": "%", "hours": "hours", "count": "count"}.get(unit, "value")


def definition(info: dict) -> html.Details:
    target = "none" if fmt.missing(info.get("target")) else fmt.number(info["target"], info["unit"])
    return html.Details([
        html.Summary(f"Definition · {info['metric_id']} version {info['version']}"),
        html.P(info.get("definition") or ""),
        html.Dl([
            html.Dt("Perspective"), html.Dd(info.get("perspective")),
            html.Dt("Target"), html.Dd(f"{target} ({info.get('direction')} is better)"),
            html.Dt("Minimum n"), html.Dd(f"{info.get('min_n')} {info.get('n_unit') or ''}: "
                                          "smaller groups are suppressed for viewers who may not see students"),
        ], className="kv"),
    ], className="definition", open=True)


def card(part: str, title: str, content) -> html.Div:
    return html.Div([
        html.Div([html.H2(title, style={"display": "inline-block", "marginRight": "12px"}),
                  html.Button("Download CSV", id={"type": "metric-csv", "part": part}, className="button")]),
        content,
    ], className="card")


def children_part(kids: pd.DataFrame, info: dict, unit, year, group_text, n_unit) -> list:
    """The layer below: a bar per child (at most figures.MAX_BARS: the highest and lowest) and
    every child in the grid."""
    words = [fmt.status_of(s) for s in kids["status"]]
    kids = kids.assign(status_text=[f"{icon} {word}" for _, icon, word in words],
                       status_css=[css for css, _, _ in words])
    drawn, left_out = figures.extremes(kids, "value")
    fig = figures.horizontal_bars(
        [f"{level_label(lv)}: {nm}" for lv, nm in zip(drawn["level"], drawn["entity_name"])],
        drawn["value"], drawn["n"], drawn["suppression_reason"], unit,
        colours=[figures.STATUS_COLOURS.get(s, figures.BLUE) for s in drawn["status"]],
        ids=[f"{lv}|{e}" for lv, e in zip(drawn["level"], drawn["entity_id"])], target=info.get("target"),
        notes=[text.lower() if css in figures.STATUS_COLOURS else ""
               for css, text in zip(drawn["status_css"], drawn["status_text"])],
        title=f"The layer below, {school_year_label(year)}, {group_text} ({unit_text(unit)}, n = {n_unit}); "
              "bar colour = status" + (f"<br><sup>{left_out}</sup>" if left_out else ""))
    columns = [
        grids.column("entity_name", "Name (click to open)", minWidth=220),
        grids.column("level_name", "Layer", maxWidth=120),
        grids.column("value", "Value", "percent" if unit == "share" else "decimal"),
        grids.column("status_text", "Status", minWidth=130),
        grids.column("n", "n", "integer", maxWidth=110),
        grids.column("suppression_reason", "Hidden because"),
    ]
    return [card("children", f"The layer below ({len(kids):,})", html.Div([
        html.P("Click a bar or a row to open that entity's view of this metric.", className="note"),
        figures.graph("metric-children", fig),
        grids.entity_grid("metric-children-grid", kids, columns),
    ]))]


@callback(
    Output("url", "href", allow_duplicate=True),
    Input("metric-children", "clickData"),
    Input("metric-children-grid", "cellClicked"),
    State("url", "search"),
    prevent_initial_call=True,
)
def open_child(click, cell, search):
    """Drill down: the clicked child's view of the same metric, year and group."""
    if ctx.triggered_id == "metric-children":
        key = (click or {}).get("points", [{}])[0].get("customdata")
    else:
        key = (cell or {}).get("rowId")
    if not key:
        return no_update
    level, _, entity = key.partition("|")
    state = parse(search)
    return href("/metric", level=level, entity=entity, metric=state.get("metric"), year=state.get("year"),
                group=state.get("group"))


@callback(
    Output("metric-download", "data"),
    Input({"type": "metric-csv", "part": ALL}, "n_clicks"),
    State("url", "search"),
    prevent_initial_call=True,
)
def download(clicks, search):
    """The CSV of exactly the table shown, through the export's cell formatting (queries.csv_text)."""
    if not ctx.triggered_id or not any(clicks):
        return no_update
    part = ctx.triggered_id["part"]
    state = parse(search)
    if not state.get("metric"):
        raise queries.DataError("no metric chosen")
    level, entity = context.home(state.get("level"), state.get("entity"))
    detail = frames(level, entity, state["metric"], year_of(state.get("year")), state.get("group") or "all")
    frame = shown(part, detail[part])
    name = f"{state['metric']}_{level}_{entity}_{part}.csv"
    return {"content": queries.csv_text(frame), "filename": name, "type": "text/csv"}
