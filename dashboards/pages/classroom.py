"""The classroom data center (seed 000: PLCs look at their common formative assessments): CFA
mastery by standard and assessment for a school, PLC or classroom; aggregates only, unless the
viewer may see students, who then also get the roster (to the student folders) and the results."""
from __future__ import annotations

import dash
import pandas as pd
from dash import html

from dashboards import queries
from dashboards.components import context, figures, grids, sections
from dashboards.components.breadcrumbs import breadcrumbs
from dashboards.components.labels import LEVEL_NAMES
from dashboards.components.controls import year_select
from dashboards.components.state import href, school_year_label, year_of

dash.register_page(__name__, path="/classroom", name="Classroom data", title="Alignboard · Classroom data",
                   order=4)

LEVELS = ("school", "plc", "classroom")


@context.safe
@context.cached_page
def layout(level=None, entity=None, year=None, **_):
    viewer, wh = context.viewer(), context.warehouse()
    level, entity = context.home(level, entity)
    crumbs = queries.breadcrumbs(viewer, level, entity, warehouse=wh)
    year = year_of(year)
    header = [breadcrumbs(crumbs, "/classroom", year=year)]
    if level not in LEVELS:
        return html.Div(header + picker(viewer, wh, crumbs[-1]["entity_name"], level, entity, year))
    name = crumbs[-1]["entity_name"]
    mastery = queries.cfa_mastery(viewer, level, entity, warehouse=wh, year=year)
    shown_year = int(mastery["school_year"].iloc[0]) if len(mastery) else year
    header += [
        html.H1(f"{name}: common formative assessments"),
        html.P(f"{LEVEL_NAMES[level]} · {school_year_label(shown_year)} · mastery = share of students at or "
               "above the assessment's proficiency cut on a standard (latest result of each student)",
               className="subtitle"),
        html.Div([year_select(queries.years(viewer, warehouse=wh), shown_year)], className="controls"),
    ]
    body, parts = [], []
    if mastery.empty:
        body.append(context.message(f"No CFA results for {name} in {school_year_label(shown_year)}."))
    else:
        body.append(html.Div(heatmap(mastery), className="card"))
        parts.append(("By assessment and standard", [mastery_grid(mastery)]))
    parts += below(viewer, wh, level, entity, shown_year)
    if viewer.may_see_students and crumbs[-1]["in_scope"]:  # above their scope: aggregates only
        parts += students(viewer, wh, level, entity, shown_year)
    body.append(sections.tabs("classroom-parts", parts))
    if not viewer.may_see_students:
        body.append(html.P("Aggregates only: this login may not see student-level rows.", className="note",
                           id="classroom-aggregate-only"))
    elif not crumbs[-1]["in_scope"]:
        body.append(html.P(f"Aggregates only: the students of this {LEVEL_NAMES[level].lower()} are outside "
                           "your scope; open your own classroom for theirs.", className="note",
                           id="classroom-aggregate-only"))
    return html.Div(header + body)


def picker(viewer, wh, name, level, entity, year) -> list:
    """Above a school: choose a school or PLC (the data center is per school, PLC or classroom)."""
    tree = queries.entity_tree(viewer, warehouse=wh, year=year)
    schools = dict(zip(tree.loc[tree["level"] == "school", "entity_id"], tree.loc[tree["level"] == "school", "entity_name"]))
    tree = tree[tree["level"].isin(("school", "plc"))]
    tree = tree.assign(school_name=tree["school_id"].map(schools))
    columns = [grids.column("entity_name", "School or PLC (click to open)", minWidth=260),
               grids.column("level_name", "Layer", maxWidth=140),
               grids.column("school_name", "School", minWidth=220)]
    table = grids.entity_grid("classroom-picker", tree, columns)
    return [html.H1(f"{name}: classroom data"),
            html.P("Common formative assessment data is kept by school, PLC and classroom: choose one.",
                   className="subtitle"), table]


def heatmap(mastery: pd.DataFrame):
    """Standards x assessments: mastery rate, with n; a hidden cell says so instead of a colour."""
    labels = mastery.assign(assessment=mastery["cfa_title"] + " (" + mastery["administered_date"].astype(str) + ")")
    rate = labels.pivot_table(index="standard_code", columns="assessment", values="mastery_rate", aggfunc="first",
                              dropna=False, sort=False)
    n = labels.pivot_table(index="standard_code", columns="assessment", values="students", aggfunc="first",
                           dropna=False, sort=False)
    text = [[("–" if pd.isna(r) else f"{r * 100:.0f}%") for r in row] for row in rate.to_numpy()]
    hover = [[f"{std} · {cfa}: " + ("suppressed or not assessed" if pd.isna(r) else
                                    f"{r * 100:.1f}% mastered, n = {int(k)} students")
              for cfa, r, k in zip(rate.columns, rrow, nrow)]
             for std, rrow, nrow in zip(rate.index, rate.to_numpy(), n.to_numpy())]
    return figures.heatmap(
        "classroom-heatmap", rate.to_numpy() * 100, rate.columns, rate.index, text, hover, zmin=0, zmax=100,
        colorbar="% mastered", row_height=30,
        title="CFA mastery by standard and assessment (% of students; – = suppressed or not assessed)")


def mastery_grid(mastery: pd.DataFrame):
    columns = [
        grids.column("cfa_title", "Assessment", minWidth=220),
        grids.column("standard_code", "Standard", minWidth=140),
        grids.column("administered_date", "Given", maxWidth=130),
        grids.column("students", "Students", "integer", maxWidth=110),
        grids.column("mastered", "Mastered", "integer", maxWidth=110),
        grids.column("mastery_rate", "Mastery", "percent", maxWidth=110),
        grids.column("suppression_reason", "Hidden because", minWidth=160),
    ]
    return grids.grid("classroom-mastery", mastery, columns, height=380)


def below(viewer, wh, level, entity, year) -> list[tuple[str, list]]:
    """The PLCs or classrooms below, as a part of the page (none at a classroom)."""
    kids = queries.children(viewer, level, entity, warehouse=wh, year=year)
    kids = kids[kids["level"].isin(LEVELS)]
    if kids.empty:
        return []
    columns = [grids.column("entity_name", "PLC or classroom (click to open)", minWidth=260),
               grids.column("level_name", "Layer", maxWidth=140)]
    return [(f"The layer below ({len(kids):,})", [grids.entity_grid("classroom-children", kids, columns)])]


def students(viewer, wh, level, entity, year) -> list[tuple[str, list]]:
    """The roster and each student's latest results, as parts of the page. Only for a viewer
    who may see these students (the query layer refuses the others)."""
    roster = queries.roster(viewer, level, entity, warehouse=wh, year=year)
    roster = roster.assign(group=roster["race_ethnicity"].map(lambda c: queries.group_label(f"race_ethnicity:{c}")))
    columns = [grids.column("student_id", "Student (click for the data folder)", minWidth=200),
               grids.column("grade_level", "Grade", maxWidth=100),
               grids.column("school_id", "School", maxWidth=140),
               grids.column("group", "Race/ethnicity", minWidth=160)]
    table = grids.grid("classroom-roster", roster, columns, clickable=True, height=360,
                       row_id="params.data.student_id")
    results = queries.cfa_students(viewer, level, entity, warehouse=wh, year=year)
    result_columns = [grids.column("student_id", "Student"), grids.column("section_id", "Classroom"),
                      grids.column("cfa_title", "Assessment", minWidth=200),
                      grids.column("standard_code", "Standard"),
                      grids.column("score", "Score", "decimal", maxWidth=100),
                      grids.column("max_score", "Max", "decimal", maxWidth=100),
                      grids.column("mastered", "Mastered", maxWidth=110)]
    return [(f"Students ({len(roster):,})", [table]),
            ("Each student's latest CFA results", [grids.grid("classroom-results", results, result_columns, height=360)])]


def open_data(row_id: str, state: dict) -> str:
    """A PLC's or classroom's row: its classroom data, same year."""
    level, _, entity = row_id.partition("|")
    return href("/classroom", level=level, entity=entity, year=state.get("year"))


def open_folder(row_id: str, state: dict) -> str:
    """A student's row: their data folder."""
    return href("/student", student=row_id, year=state.get("year"))


grids.open_on_click("classroom-children", open_data)
grids.open_on_click("classroom-picker", open_data)
grids.open_on_click("classroom-roster", open_folder)
