"""Disproportionality (34 CFR 300.647 and the complementary measures) for the district or a
school: every category x group with its ratio, CI, risk difference, n, flag and reason; one
category for every school side by side; MTSS identification by building; per group the shares
flagged by early warning and supported by MTSS beside the identification ratio; several years.
For the state (a state warehouse's): its determinations (every district's flagged groups, and
which are significantly disproportionate), its own groups, one category for every district side
by side, and the years."""
from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboards import queries
from dashboards.components import context, figures, grids, sections
from dashboards.components.breadcrumbs import breadcrumbs
from dashboards.components.labels import LEVEL_NAMES
from dashboards.components.controls import select, year_select
from dashboards.components.labels import NO_RATIO, RATIO_TYPES, category_label, code_label, race_label
from dashboards.components.state import href, parse, school_year_label, year_of
from dashboards.pages.needs import needs_entity
from data_contracts.vocabulary import STATE

dash.register_page(__name__, path="/equity", name="Equity", title="Alignboard · Equity", order=3)

@context.safe
@context.cached_page
def layout(level=None, entity=None, year=None, category=None, **_):
    viewer, wh = context.viewer(), context.warehouse()
    level, entity = needs_entity(viewer, wh, *context.home(level, entity))
    rows = queries.equity(viewer, level, entity, warehouse=wh, year=year_of(year))
    name = queries.entity(viewer, level, entity, warehouse=wh)["entity_name"]
    shown_year = int(rows["school_year"].iloc[0]) if len(rows) else year_of(year)
    flagged = rows[rows["flagged"].fillna(False).astype(bool)]
    if category not in queries.equity_categories():
        category = flagged["category"].iloc[0] if len(flagged) else "identification_all"
    state = {"year": shown_year, "category": category}
    compared = ("each group against all the state's other groups (RR); the state's counts are the comparison "
                "of every district's alternate risk ratio" if level == STATE else
                "risk ratio (RR) against all other groups, or the alternate risk ratio (ARR) against the state's "
                "when the other groups are too small")
    header = [
        breadcrumbs([c for c in queries.breadcrumbs(viewer, level, entity, warehouse=wh)
                     if c["level"] in (STATE, "district", "school")], "/equity", **state),
        html.H1(f"{name}: disproportionality by student group"),
        html.P(f"{LEVEL_NAMES[level]} · {school_year_label(shown_year)} · {compared} · a ratio is flagged when it "
               "exceeds the threshold", className="subtitle"),
        html.Div([
            year_select(queries.years(viewer, warehouse=wh), shown_year),
            select("category", "Category for the comparisons below",
                   [{"label": category_label(c), "value": c} for c in queries.equity_categories()], category,
                   width=420),
            html.Button("Download this table (CSV)", id="equity-csv", className="button"),
            dcc.Download(id="equity-download"),
        ], className="controls"),
    ]
    if level == STATE:
        return html.Div(header + state_body(viewer, wh, rows, shown_year, category))
    body = [flag_summary(flagged), html.H2(f"Every category and group, {school_year_label(shown_year)}"),
            table(rows)]
    parts = []
    schools = queries.equity_schools(viewer, category, warehouse=wh, year=shown_year)
    if schools["lea_id"].nunique() > 1 or level == "district":
        mtss = queries.equity_schools(viewer, "mtss_any", warehouse=wh, year=shown_year)
        parts += [("Schools side by side", [schools_part("equity-schools", schools,
                                                         f"{category_label(category)}: by school")]),
                  ("MTSS by building", [schools_part("equity-mtss", mtss,
                                                     "MTSS tier 2 or 3 identification by building")])]
    parts.append(("MTSS: flagged and supported", [mtss_part(viewer, wh, level, entity, shown_year, rows)]))
    history = queries.equity(viewer, level, entity, warehouse=wh, year=0, category=category)
    parts.append(("Over the years", [html.Div(years_chart(history, category), className="card")]))
    body += [html.H2("Across schools and years"), sections.tabs("equity-parts", parts)]
    return html.Div(header + body)


def state_body(viewer, wh, rows: pd.DataFrame, year, category: str) -> list:
    """The state's page: its determinations, its own groups, the districts side by side in one
    category, and the years. Only the districts the viewer may open are listed."""
    districts = queries.equity_schools(viewer, None, warehouse=wh, year=year, level="district")
    same = queries.equity_schools(viewer, category, warehouse=wh, year=year, level="district")
    history = queries.equity(viewer, STATE, STATE, warehouse=wh, year=0, category=category)
    parts = [("Districts side by side", [leas_part("equity-districts", same, f"{category_label(category)}: by district",
                                                   "district")]),
             ("Over the years", [html.Div(years_chart(history, category), className="card")])]
    return [determinations(districts, year), html.H2(f"The state's own groups, {school_year_label(year)}"),
            table(rows), html.H2("Across districts and years"), sections.tabs("equity-parts", parts)]


def determinations(rows: pd.DataFrame, year) -> html.Div:
    """Every district's group over the threshold, and whether it is significantly
    disproportionate (over it the required number of years in a row, 34 CFR 300.647(d))."""
    flagged = rows[rows["flagged"].fillna(False).astype(bool)]
    significant = flagged[flagged["significant"].fillna(False).astype(bool)]
    required = int(rows["consecutive_years"].dropna().iloc[0]) if rows["consecutive_years"].notna().any() else None
    summary = (f"{flagged['lea_id'].nunique():,} of {rows['lea_id'].nunique():,} districts have a group over the "
               f"threshold in {school_year_label(year)}; {significant['lea_id'].nunique():,} are significantly "
               "disproportionate" + (f" (over it {required} years in a row)." if required else "."))
    if flagged.empty:
        return html.Div([html.H2("The state's determinations"), html.P(summary)], id="equity-determinations-part")
    shown = labelled(flagged.sort_values(["significant", "lea_name", "category", "group"],
                                         ascending=[False, True, True, True]))
    shown = shown.assign(level=shown["lea_level"], entity_id=shown["lea_id"],
                         significant_text=["yes" if s else "not yet" for s in shown["significant"].fillna(False)])
    columns = [grids.column("lea_name", "District (click to open)", minWidth=220),
               grids.column("category_label", "Category", minWidth=230),
               grids.column("group_label", "Group", minWidth=150),
               grids.column("type_label", "Type", maxWidth=100),
               grids.column("ratio", "Ratio", "decimal", valueFormatter=RATIO, minWidth=100),
               grids.column("threshold", "Threshold", "decimal", minWidth=130),
               grids.column("years_over_threshold", "Years over it", "integer", minWidth=120),
               grids.column("significant_text", "Significantly disproportionate", minWidth=200)]
    return html.Div([html.H2("The state's determinations"), html.P(summary, className="note"),
                     grids.grid("equity-determinations", shown, columns, clickable=True, row_id=grids.ENTITY_ROW_ID)],
                    id="equity-determinations-part")


def mtss_part(viewer, wh, level, entity, year, rows: pd.DataFrame) -> html.Div:
    """Per race/ethnicity group, at the year's last month end: the share of students flagged by
    an early-warning indicator and the share with an active MTSS intervention, beside the group's
    MTSS identification ratio, so that a group supported far beyond its flags (overidentified) or
    flagged far beyond its support can be read next to its ratio. Aggregates, by the audience rules."""
    try:
        counts = queries.early_warning_counts(viewer, level, entity, warehouse=wh, year=year)
    except queries.AccessDenied:
        raise
    except queries.DataError:  # a warehouse loaded before the early-warning indicators
        counts = pd.DataFrame()
    if counts.empty:
        return html.Div(html.P("No early-warning indicators for this year.", className="note"), className="card")
    last = counts["as_of"].max()
    groups = counts[(counts["as_of"] == last) & (counts["dimension"] == "group")
                    & counts["key"].str.startswith("race_ethnicity:")].copy()
    groups["group"] = groups["key"].str.removeprefix("race_ethnicity:")
    ratios = rows.loc[rows["category"] == "mtss_any", ["group", "ratio_type", "ratio", "flagged"]]
    groups = groups.merge(ratios.rename(columns={"flagged": "ratio_flagged"}), on="group", how="left")
    groups = groups.assign(group_label=groups["group"].map(race_label),
                           gap=groups["supported_rate"] - groups["flagged_rate"],
                           flag=["⚑ flagged" if pd.notna(f) and bool(f) else "" for f in groups["ratio_flagged"]])
    columns = [grids.column("group_label", "Group", minWidth=170),
               grids.column("suppression_reason", "Hidden because", minWidth=190),
               grids.column("students", "Students", "integer", minWidth=115),
               grids.column("flagged_rate", "Share flagged (early warning)", "percent", minWidth=150),
               grids.column("supported_rate", "Share supported (active MTSS)", "percent", minWidth=150),
               grids.column("gap", "Supported minus flagged", "percent", minWidth=140),
               grids.column("ratio_type", "Type", maxWidth=110),
               grids.column("ratio", "MTSS tier 2-3 ratio", "decimal", valueFormatter=RATIO, minWidth=140),
               grids.column("flag", "Flag", minWidth=130)]
    return html.Div([
        html.P(f"As of {pd.Timestamp(last):%Y-%m-%d}: a group supported well beyond the share flagged may be "
               "overidentified for support; one flagged well beyond the share supported may be underserved. "
               "The ratio is the group's MTSS tier 2 or 3 identification against all other groups.",
               className="note"),
        grids.grid("equity-mtss-groups", groups.sort_values("group_label"), columns),
    ], className="card", id="equity-mtss-flagged")


def flag_summary(flagged: pd.DataFrame) -> html.Div:
    if flagged.empty:
        return html.Div([html.H2("Flagged groups"), html.P("No group's ratio exceeds the threshold this year.")],
                        id="equity-flags")
    items = [html.Li([
        html.Strong(f"⚑ {race_label(r.group)}"),
        f" · {category_label(r.category)}: {r.ratio_type} {r.ratio:.2f} > threshold {r.threshold}"
        f" ({r.years_over_threshold} consecutive year{'s' if r.years_over_threshold != 1 else ''}"
        f"{', significant' if r.significant else ''})",
    ], className="flag") for r in flagged.itertuples()]
    return html.Div([html.H2("Flagged groups"), html.Ul(items)], id="equity-flags")


RATIO = {"function": "params.value == null ? '' : d3.format('.2f')(params.value)"}


def labelled(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows with the words the grids show: category, group, ratio type, why no ratio, CI and flag."""
    categories, groups = rows["category"].unique(), rows["group"].unique()  # a few codes, thousands of rows
    return rows.assign(category_label=rows["category"].map(dict(zip(categories, map(category_label, categories)))),
                       group_label=rows["group"].map(dict(zip(groups, map(race_label, groups)))),
                       type_label=rows["ratio_type"].map(RATIO_TYPES),
                       why_no_ratio=[code_label(r, NO_RATIO) for r in rows["na_reason"]],
                       ci=[None if pd.isna(lo) else f"{lo:.2f}–{hi:.2f}" for lo, hi in zip(rows["ci_low"], rows["ci_high"])],
                       flag=["⚑ flagged" if f else "" for f in rows["flagged"].fillna(False)])


def measure_columns() -> list[dict]:
    """The columns of a disproportionality row after its category and group."""
    return [
        grids.column("count", "Count", "integer", minWidth=110),
        grids.column("population", "n", "integer", minWidth=110),
        grids.column("risk", "Risk", "percent", minWidth=110),
        grids.column("comparison_risk", "Comparison risk", "percent", minWidth=150),
        grids.column("type_label", "Type", minWidth=110),
        grids.column("ratio", "Ratio", "decimal", valueFormatter=RATIO, minWidth=110),
        grids.column("weighted_risk_ratio", "Weighted RR", "decimal", valueFormatter=RATIO, minWidth=120),
        grids.column("ci", "95% CI", minWidth=120),
        grids.column("risk_difference", "Risk difference", "percent", minWidth=130),
        grids.column("flag", "Flag", minWidth=110),
        grids.column("years_over_threshold", "Consecutive years", "integer", minWidth=130),
        grids.column("why_no_ratio", "Why no ratio", minWidth=260),
        grids.column("suppression_reason", "Hidden because", minWidth=160),
    ]


# (params.data is undefined for a row of a server grid whose page has not arrived yet)
FLAGGED_ROW = {"flagged-row": "params.data != null && params.data.flagged === true"}


def table(rows: pd.DataFrame):
    rows = labelled(rows.sort_values(["flagged", "ratio"], ascending=[False, False], na_position="last"))
    columns = [grids.column("category_label", "Category", minWidth=230),
               grids.column("group_label", "Group", minWidth=170), *measure_columns()]
    return grids.grid("equity-grid", rows, columns, height=480, row_class_rules=FLAGGED_ROW)


SCHOOLS_DRAWN = 10


def lea_columns(noun: str) -> list[dict]:
    return [grids.column("lea_name", f"{noun.capitalize()} (click to open)", minWidth=200),
            grids.column("group_label", "Group", minWidth=150), *measure_columns()]


SCHOOL_COLUMNS, DISTRICT_COLUMNS = lea_columns("school"), lea_columns("district")


def schools_part(graph_id: str, rows: pd.DataFrame, title: str) -> html.Div:
    return leas_part(graph_id, rows, title, "school")


def leas_part(graph_id: str, rows: pd.DataFrame, title: str, noun: str) -> html.Div:
    """One category in every school (or district): a chart of the SCHOOLS_DRAWN with the highest
    ratio (a bar per group), and every one and group in a grid below it, a page at a time from
    the server (school_rows)."""
    if rows.empty:
        return html.Div(html.P(f"{title}: no data.", className="note"), className="card")
    ranked = rows.groupby("lea_id")["ratio"].max().dropna().sort_values(ascending=False, kind="stable")
    top = list(ranked.index[:SCHOOLS_DRAWN])
    leas = rows["lea_id"].nunique()
    if len(top) == SCHOOLS_DRAWN and leas > SCHOOLS_DRAWN:
        shown = f"the {SCHOOLS_DRAWN} of {leas:,} {noun}s with the highest ratio"
    else:
        shown = f"{len(top)} of {leas:,} {noun}s have a ratio"
    return html.Div([
        schools_chart(graph_id, rows[rows["lea_id"].isin(top)], top, f"{title} ({shown})"),
        html.P(f"Every {noun} and group ({len(rows):,} rows), flagged first; a {noun} or group without a bar "
               f"has no ratio (the grid says why). Click a row to open that {noun}.", className="note"),
        grids.server_grid(f"{graph_id}-grid", lea_columns(noun), row_class_rules=FLAGGED_ROW,
                          row_id=grids.ENTITY_ROW_ID, clickable=True),
    ], className="card")


def school_rows(category, year, level: str = "school") -> pd.DataFrame:
    """Every school (or district) and group of one category for the viewer
    (queries.equity_schools), flagged and highest ratio first, as the grids show them."""
    return labelled_school_rows(category=category or "identification_all", year=year_of(year), level=level)


@context.cached_page  # labelling 2,000 rows cost more than the rest of a request for one page of them
def labelled_school_rows(category: str, year: int | None, level: str) -> pd.DataFrame:
    rows = queries.equity_schools(context.viewer(), category, warehouse=context.warehouse(), year=year, level=level)
    rows = labelled(rows.sort_values(["flagged", "ratio"], ascending=[False, False], na_position="last"))
    return rows.assign(level=rows["lea_level"], entity_id=rows["lea_id"])


SCHOOL_FIELDS = grids.shown_fields(pd.DataFrame(columns=[c["field"] for c in SCHOOL_COLUMNS]
                                                + ["level", "entity_id", "flagged"]),
                                   SCHOOL_COLUMNS, grids.ENTITY_ROW_ID, FLAGGED_ROW)
YEAR, CATEGORY = State({"type": "state", "key": "year"}, "value"), State({"type": "state", "key": "category"}, "value")
grids.serve_rows("equity-schools-grid", school_rows, CATEGORY, YEAR, fields=SCHOOL_FIELDS)
grids.serve_rows("equity-mtss-grid", lambda year: school_rows("mtss_any", year), YEAR, fields=SCHOOL_FIELDS)
grids.serve_rows("equity-districts-grid", lambda category, year: school_rows(category, year, "district"),
                 CATEGORY, YEAR, fields=SCHOOL_FIELDS)


def threshold_line(figure: dict, rows: pd.DataFrame) -> dict:
    """The flagging threshold as a dashed line (vermillion: above it a ratio is flagged)."""
    threshold = rows["threshold"].dropna()
    if len(threshold):
        value = float(threshold.iloc[0])
        figures.reference_line(figure, "y", value, f"threshold {value:g}", colour=figures.OFF)
    return figure


def schools_chart(graph_id: str, rows: pd.DataFrame, order: list[str], title: str):
    """Grouped bars: a school per slot (highest ratio first), a bar per student group; the
    threshold as a dashed line."""
    if rows.empty:
        return html.P(f"{title}: no school has a ratio.", className="note")
    names = rows.drop_duplicates("lea_id").set_index("lea_id")["lea_name"]
    bars = [{
        "type": "bar", "name": race_label(group), "x": part["lea_name"].tolist(), "y": nulls(part["ratio"]),
        "marker": {"color": figures.SERIES[i % len(figures.SERIES)]},
        "customdata": [list(c) for c in zip(part["lea_level"], part["lea_id"], part["population"].fillna(-1),
                                            [code_label(r, NO_RATIO) for r in part["na_reason"]])],
        "hovertemplate": "%{x} · %{fullData.name}: ratio %{y:.2f}, n = %{customdata[2]}"
                         "<br>%{customdata[3]}<extra></extra>",
    } for i, (group, part) in enumerate(rows.groupby("group", sort=True))]
    figure = {"data": bars, "layout": figures.base_layout(title, y_title="risk ratio (RR or ARR)", height=420)}
    figure["layout"].update(barmode="group", legend={"orientation": "v", "x": 1.01, "y": 1})
    figure["layout"]["xaxis"].update(categoryorder="array", categoryarray=[names[lea] for lea in order],
                                     tickangle=-30, automargin=True)
    return figures.graph(graph_id, threshold_line(figure, rows))


def years_chart(history: pd.DataFrame, category: str):
    title = f"{category_label(category)}: ratio by school year"
    if history.empty:
        return html.P(f"{title}: no data.", className="note")
    lines = []
    for i, (group, part) in enumerate(history.groupby("group", sort=True)):
        part = part.sort_values("school_year")
        lines.append({
            "type": "scatter", "name": race_label(group), "x": part["school_year"].map(school_year_label).tolist(),
            "y": nulls(part["ratio"]), "mode": "lines+markers", "connectgaps": False,
            "line": {"color": figures.SERIES[i % len(figures.SERIES)]},
            "customdata": part["population"].fillna(-1).tolist(),
            "hovertemplate": "%{fullData.name} %{x}: %{y:.2f} (n = %{customdata})<extra></extra>",
        })
    figure = {"data": lines, "layout": figures.base_layout(
        title + " (risk ratio by group)", x_title="school year", y_title="risk ratio", height=360)}
    figure["layout"]["xaxis"]["type"] = "category"
    return figures.graph("equity-years", threshold_line(figure, history))


def nulls(series: pd.Series) -> list:
    """Numbers for a figure dict: NaN (no ratio) as None, a gap in the chart."""
    return [None if pd.isna(v) else float(v) for v in series]


@callback(
    Output("url", "href", allow_duplicate=True),
    Input("equity-schools", "clickData"),
    State("url", "search"),
    prevent_initial_call=True,
)
def open_school(click, search):
    """A school's bar: that school's equity page."""
    return open_bar(click, search)


@callback(
    Output("url", "href", allow_duplicate=True),
    Input("equity-districts", "clickData"),
    State("url", "search"),
    prevent_initial_call=True,
)
def open_district(click, search):
    """A district's bar (the state's page): that district's equity page."""
    return open_bar(click, search)


def open_bar(click, search):
    point = (click or {}).get("points", [{}])[0]
    if not point.get("customdata"):
        return no_update
    level, entity = point["customdata"][0], point["customdata"][1]
    state = parse(search)
    return href("/equity", level=level, entity=entity, year=state.get("year"), category=state.get("category"))


def open_school_row(row_id: str, state: dict) -> str:
    level, _, entity = row_id.partition("|")
    return href("/equity", level=level, entity=entity, year=state.get("year"), category=state.get("category"))


grids.open_on_click("equity-schools-grid", open_school_row)
grids.open_on_click("equity-mtss-grid", open_school_row)
grids.open_on_click("equity-districts-grid", open_school_row)
grids.open_on_click("equity-determinations", open_school_row)


@callback(
    Output("equity-download", "data"),
    Input("equity-csv", "n_clicks"),
    State("url", "search"),
    prevent_initial_call=True,
)
def download(clicks, search):
    """The table shown, as CSV (the export's cell formatting)."""
    if not clicks:
        return no_update
    state = parse(search)
    viewer, wh = context.viewer(), context.warehouse()
    level, entity = needs_entity(viewer, wh, *context.home(state.get("level"), state.get("entity")))
    rows = queries.equity(viewer, level, entity, warehouse=wh, year=year_of(state.get("year")))
    return {"content": queries.csv_text(rows), "filename": f"disproportionality_{level}_{entity}.csv",
            "type": "text/csv"}
