"""The needs assessment of the district or a school: student, perception and systems data
against their targets and the district, the gaps between student groups (a groups x metrics
heatmap), the ranked strengths and needs, and the possible systemic inequities."""
from __future__ import annotations

import dash
import pandas as pd
from dash import dcc, html

from dashboards import queries
from dashboards.components import context, figures, grids
from dashboards.components import formatting as fmt
from dashboards.components.breadcrumbs import breadcrumbs
from dashboards.components.labels import LEVEL_NAMES
from dashboards.components.controls import year_select
from dashboards.components.state import href, school_year_label, year_of
from data_contracts.vocabulary import STATE

dash.register_page(__name__, path="/needs", name="Needs assessment", title="Alignboard · Needs", order=2)

KINDS = (("student", "Student data"), ("perception", "Perception data"), ("systems", "Systems data"))


def needs_entity(viewer, wh, level, entity) -> tuple[str, str]:
    """A needs assessment exists for the district and schools: below a school, its school (the
    state of a state warehouse stays the state: the equity page has one for it)."""
    if level in (STATE, "district", "school"):
        return level, entity
    info = queries.entity(viewer, level, entity, warehouse=wh)
    if info.get("school_id"):
        return "school", info["school_id"]
    crumbs = queries.breadcrumbs(viewer, level, entity, warehouse=wh)
    return "district", next(c["entity_id"] for c in crumbs if c["level"] == "district")


@context.safe
@context.cached_page
def layout(level=None, entity=None, year=None, **_):
    viewer, wh = context.viewer(), context.warehouse()
    level, entity = needs_entity(viewer, wh, *context.home(level, entity))
    if level == STATE:
        return state_choice(viewer, wh, year_of(year))
    needs = queries.needs_assessment(viewer, level, entity, warehouse=wh, year=year_of(year))
    name = queries.entity(viewer, level, entity, warehouse=wh)["entity_name"]
    shown_year = int(needs["school_year"].iloc[0]) if len(needs) else year_of(year)
    catalog = queries.metric_definitions(warehouse=wh)
    kind_of = dict(zip(catalog["metric_key"], catalog["kind"])) if "kind" in catalog else {}
    unit_of = dict(zip(catalog["metric_key"], catalog["unit"]))
    names = metric_names(viewer, wh, level, entity, shown_year)
    header = [
        breadcrumbs([c for c in queries.breadcrumbs(viewer, level, entity, warehouse=wh)
                     if c["level"] in (STATE, "district", "school")], "/needs", year=shown_year),
        html.H1(f"{name}: needs assessment"),
        html.P(f"{LEVEL_NAMES[level]} · {school_year_label(shown_year)} · gaps are signed: positive is better",
               className="subtitle"),
        html.Div([year_select(queries.years(viewer, warehouse=wh), shown_year)], className="controls"),
    ]
    if needs.empty:
        return html.Div(header + [context.message(f"No needs assessment for {name} in "
                                                  f"{school_year_label(shown_year)}.")])
    metrics = needs[needs.row_type == "metric"].copy()
    metrics["family"] = metrics["metric_id"].str.split(".").str[0]
    metrics["kind"] = metrics["family"].map(kind_of)
    metrics["metric_name"] = metrics["metric_id"].map(names).fillna(metrics["metric_id"])
    metrics["unit"] = metrics["family"].map(unit_of)
    gaps = needs[needs.row_type == "group_gap"].copy()
    gaps["metric_name"] = gaps["metric_id"].map(names).fillna(gaps["metric_id"])
    gaps["group_label"] = gaps["student_group"].map(queries.group_label)
    body = [ranked(metrics, level, entity, shown_year)]
    for kind, title in KINDS:
        rows = metrics[metrics["kind"] == kind]
        if len(rows):
            body += [html.H2(title), metric_grid(f"needs-{kind}", rows)]
    heat = queries.needs_heatmap(viewer, level, entity, warehouse=wh, year=shown_year)
    body += [html.H2("Gaps between student groups"), heatmap(heat),
             group_gap_grid(gaps), systemic(gaps)]
    return html.Div(header + body)


def state_choice(viewer, wh, year) -> html.Div:
    """The state has no needs assessment of its own: each of its districts has one."""
    districts = queries.children(viewer, STATE, STATE, warehouse=wh)
    return html.Div([
        breadcrumbs(queries.breadcrumbs(viewer, STATE, STATE, warehouse=wh), "/needs", year=year),
        html.H1("State: needs assessment"),
        html.P("A needs assessment compares a district's or a school's values with their targets and with the "
               "district's: each district has one. Choose a district.", className="subtitle"),
        html.Ul([html.Li(dcc.Link(row.entity_name, href=href("/needs", level=row.level, entity=row.entity_id,
                                                                year=year)))
                 for row in districts.itertuples()], id="needs-districts"),
    ])


def metric_names(viewer, wh, level, entity, year) -> dict:
    card = queries.scorecard(viewer, level, entity, warehouse=wh, year=year)
    return dict(zip(card["metric_id"], card["metric_name"].map(fmt.metric_name)))


def ranked(metrics: pd.DataFrame, level, entity, year) -> html.Div:
    """The ranked strengths and needs, each a link to its metric."""
    def items(assessment):
        rows = metrics[metrics["assessment"] == assessment].sort_values("rank")
        if rows.empty:
            return [html.Li("none")]
        return [html.Li([dcc.Link(r.metric_name, href=href("/metric", level=level, entity=entity,
                                                          metric=r.metric_id, year=year)),
                         f": {fmt.number(r.value, r.unit)} vs target {fmt.number(r.target, r.unit)} "
                         f"(gap {gap(r.gap_to_target, r.unit)}, n = {fmt.count(r.n)})"])
                for r in rows.itertuples()]
    return html.Div([
        html.Div([html.H2("✓ Strengths (ranked)"), html.Ol(items("strength"), id="needs-strengths")], className="card"),
        html.Div([html.H2("✗ Needs (ranked)"), html.Ol(items("need"), id="needs-needs")], className="card"),
    ], className="cards")


def gap(value, unit) -> str:
    if fmt.missing(value):
        return "no data"
    return f"{value * 100:+.1f} pts" if unit == "share" else fmt.number(value, unit, signed=True)


def metric_grid(grid_id: str, rows: pd.DataFrame):
    columns = [
        grids.column("metric_name", "Metric", minWidth=320),
        grids.column("value", "Value", "decimal", valueFormatter=SHARE_OR_NUMBER),
        grids.column("target", "Target", "decimal", valueFormatter=SHARE_OR_NUMBER),
        grids.column("gap_to_target", "Gap to target", "decimal", valueFormatter=GAP),
        grids.column("district_value", "District", "decimal", valueFormatter=SHARE_OR_NUMBER),
        grids.column("gap_to_district", "Gap to district", "decimal", valueFormatter=GAP),
        grids.column("n", "n", "integer", maxWidth=100),
        grids.column("assessment", "Assessment", maxWidth=140),
    ]
    return grids.grid(grid_id, rows, columns)


# Shares as percents, other units as numbers; blanks for no data (never 0).
SHARE_OR_NUMBER = {"function": "params.value == null ? '' : (params.data.unit === 'share' ? "
                               "d3.format('.1%')(params.value) : d3.format(',.2f')(params.value))"}
GAP = {"function": "params.value == null ? '' : (params.data.unit === 'share' ? "
                   "d3.format('+.1f')(params.value * 100) + ' pts' : d3.format('+,.2f')(params.value))"}


def heatmap(heat: pd.DataFrame):
    """Groups x metrics: the group's gap to the other students, in percentage points."""
    if heat.empty:
        return html.P("No group gaps for this year.", className="note")
    heat = heat.assign(metric_name=heat["metric_name"].fillna(heat["metric_id"]).map(fmt.metric_name))
    gaps = heat.pivot_table(index="group_label", columns="metric_name", values="group_gap", aggfunc="first",
                            dropna=False)
    ns = heat.pivot_table(index="group_label", columns="metric_name", values="n", aggfunc="first", dropna=False)
    z = gaps.to_numpy() * 100
    text = [[("–" if pd.isna(g) else f"{g * 100:+.0f}") for g in row] for row in gaps.to_numpy()]
    hover = [[f"{grp} · {met}: " + ("no value (suppressed or no data)" if pd.isna(g) else
              f"{g * 100:+.1f} pts vs other students, n = {fmt.count(n)}")
              for met, g, n in zip(gaps.columns, grow, nrow)]
             for grp, grow, nrow in zip(gaps.index, gaps.to_numpy(), ns.to_numpy())]
    limit = max(5.0, float(pd.Series(z.ravel()).abs().max(skipna=True) or 5))
    return figures.heatmap(
        "needs-heatmap", z, gaps.columns, gaps.index, text, hover, zmin=-limit, zmax=limit, colorbar="gap (pts)",
        title="Student groups x metrics: each group's gap to the other students "
              "(percentage points; blue better, vermillion worse; – suppressed or no data)",
        min_height=360, x_angle=-35)


def group_gap_grid(gaps: pd.DataFrame):
    columns = [
        grids.column("metric_name", "Metric", minWidth=300),
        grids.column("group_label", "Student group", minWidth=180),
        grids.column("value", "Group", "percent"),
        grids.column("n", "n", "integer", maxWidth=90),
        grids.column("others_value", "Other students", "percent"),
        grids.column("others_n", "Others n", "integer", maxWidth=110),
        grids.column("group_gap", "Gap", "decimal", valueFormatter={
            "function": "params.value == null ? '' : d3.format('+.1f')(params.value * 100) + ' pts'"}),
        grids.column("large_gap", "Large gap", maxWidth=110),
    ]
    largest = gaps.sort_values("group_gap", na_position="last")
    return html.Div([html.H3("Largest gaps between groups"),
                     grids.grid("needs-group-gaps", largest, columns, height=380)])


def systemic(gaps: pd.DataFrame):
    """Groups with large gaps on several metrics: possibly a systemic inequity."""
    flagged = gaps[gaps["possible_systemic_inequity"].fillna(False).astype(bool)]
    if flagged.empty:
        return html.Div([html.H2("Possible systemic inequities"),
                         html.P("No student group has large gaps on several metrics this year.")])
    summary = (flagged.groupby("group_label")
               .agg(metrics=("metric_name", lambda s: ", ".join(sorted(set(s)))),
                    count=("systemic_metric_count", "max")).reset_index().sort_values("count", ascending=False))
    return html.Div([
        html.H2("Possible systemic inequities"),
        html.Ul([html.Li([html.Strong(r.group_label), f": large gaps on {r.count} metrics ({r.metrics})"],
                         className="flag") for r in summary.itertuples()], id="needs-systemic"),
    ])
