"""The classroom data center (where PLCs look at their common formative assessments): CFA
mastery by standard and assessment for a school, PLC or classroom; aggregates only, unless the
viewer may see students, who then also get the roster (to the student folders) and the results."""
from __future__ import annotations

import dash
import pandas as pd
from dash import dcc, html

from dashboards import queries
from dashboards.components import context, figures, grids, sections
from dashboards.components.breadcrumbs import breadcrumbs
from dashboards.components.controls import select, year_select
from dashboards.components.labels import LEVEL_NAMES, grade_label, student_label
from dashboards.components.state import href, school_year_label, year_of

dash.register_page(__name__, path="/classroom", name="Classroom data", title="Alignboard · Classroom data",
                   order=4)

LEVELS = ("school", "plc", "classroom")


@context.safe
@context.cached_page
def layout(level=None, entity=None, year=None, cfa=None, standard=None, **_):
    viewer, wh = context.viewer(), context.warehouse()
    level, entity = context.home(level, entity)
    crumbs = queries.breadcrumbs(viewer, level, entity, warehouse=wh)
    year = year_of(year)
    header = [breadcrumbs(crumbs, "/classroom", year=year)]
    name = crumbs[-1]["entity_name"]
    if level == "department":
        return html.Div(header + department(name, entity, year))
    if level not in LEVELS:
        return html.Div(header + picker(viewer, wh, name, level, entity, year))
    mastery = queries.cfa_mastery(viewer, level, entity, warehouse=wh, year=year)
    shown_year = int(mastery["school_year"].iloc[0]) if len(mastery) else year
    cfa, standard = chosen(mastery, cfa, standard)
    controls = [year_select(queries.years(viewer, warehouse=wh), shown_year)]
    if not mastery.empty:
        controls += [assessment_select(mastery, cfa), standard_select(mastery, standard)]
    header += [
        html.H1(f"{name}: common formative assessments"),
        html.P(f"{LEVEL_NAMES[level]} · {school_year_label(shown_year)} · mastery = share of students at or "
               "above the assessment's proficiency cut on a standard (latest result of each student)",
               className="subtitle"),
        html.Div(controls, className="controls"),
    ]
    body, parts = [], []
    if mastery.empty:
        body.append(context.message(f"No CFA results for {name} in {school_year_label(shown_year)}."))
    else:
        compared = queries.cfa_by_classroom(viewer, level, entity, warehouse=wh, year=shown_year,
                                            cfa=cfa, standard=standard)
        if level == "classroom":  # one classroom: its total is the same numbers again
            compared = compared[compared["section_id"].notna()]
        body.append(html.Div(comparison_heatmap(compared, standard is not None), className="card")
                    if not compared.empty else context.message("No classroom you may see has results on this choice."))
        parts.append(("Classrooms compared", [comparison_grid(compared)]))
        if viewer.may_see_students and crumbs[-1]["in_scope"]:
            groups = queries.reteach_groups(viewer, level, entity, warehouse=wh, year=shown_year, cfa=cfa,
                                            standard=standard)
            parts.append((f"Re-teach groups ({groups['student_id'].nunique():,} students)", reteach(groups, shown_year)))
        parts.append(("Every assessment and standard", [mastery_grid(mastery)]))
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


def chosen(mastery: pd.DataFrame, cfa: str | None, standard: str | None) -> tuple[str | None, str | None]:
    """The assessment or the standard the classrooms are compared on: the URL's when it names one
    given here that year, else the latest assessment."""
    if mastery.empty:
        return None, None
    if cfa in set(mastery["cfa_id"]):
        return cfa, None
    if standard in set(mastery["standard_code"]):
        return None, standard
    latest = mastery.sort_values(["administered_date", "cfa_id"]).iloc[-1]
    return latest["cfa_id"], None


def assessment_select(mastery: pd.DataFrame, value: str | None):
    given = (mastery.groupby(["cfa_id", "cfa_title"], as_index=False)["administered_date"].max()
             .sort_values(["administered_date", "cfa_id"], ascending=False))
    options = [{"label": f"{r.cfa_title} ({pd.Timestamp(r.administered_date):%Y-%m-%d})", "value": r.cfa_id}
               for r in given.itertuples()]
    return select("cfa", "Compare on an assessment", options, value, width=320)


def standard_select(mastery: pd.DataFrame, value: str | None):
    options = [{"label": code, "value": code} for code in sorted(mastery["standard_code"].dropna().unique())]
    return select("standard", "or on a standard", options, value, width=180)


def department(name: str, entity: str, year) -> list:
    """A department has no classrooms: say so, and where its numbers are."""
    return [html.H1(f"{name}: classroom data"),
            context.message(f"{name} is a department: it has no classrooms, so no common formative "
                            "assessments or students. Its key performance indicators, professional "
                            "learning and meetings are on its scorecard."),
            dcc.Link(f"Open the scorecard of {name}", href=href("/", level="department", entity=entity, year=year),
                     id="classroom-department-scorecard")]


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


def classroom_row(frame: pd.DataFrame) -> pd.Series:
    """'Grade 3 A (01001-2026-0031) · Ana Lee' per row; 'All classrooms' for the total."""
    teacher = frame["teacher_name"].fillna("no teacher recorded")
    return (frame["classroom_name"] + " · " + teacher).where(frame["section_id"].notna(), "All classrooms")


def comparison_heatmap(compared: pd.DataFrame, by_standard: bool):
    """Classrooms x standards of one assessment (or x assessments of one standard): mastery, with
    n; a hidden cell says why instead of a colour."""
    # by standard, one column per assessment: its classrooms may have given it on different days
    frame = compared.assign(row=classroom_row(compared),
                            column=compared["cfa_title"] if by_standard else compared["standard_code"])
    first = frame.groupby("column")["administered_date"].min().sort_values(kind="stable")
    columns = list(first.index)
    rows = list(dict.fromkeys(frame["row"]))
    rate = frame.pivot_table(index="row", columns="column", values="mastery_rate", aggfunc="first", dropna=False)
    rate = rate.reindex(index=rows, columns=columns)
    n = frame.pivot_table(index="row", columns="column", values="students", aggfunc="first", dropna=False)
    n = n.reindex(index=rows, columns=columns)
    why = frame.pivot_table(index="row", columns="column", values="suppression_reason", aggfunc="first",
                            dropna=False).reindex(index=rows, columns=columns) if frame["suppressed"].any() else None
    text = [[("–" if pd.isna(r) else f"{r * 100:.0f}%") for r in row] for row in rate.to_numpy()]
    hover = [[f"{row} · {col}: " + (
        (f"hidden: {why.loc[row, col]}" if why is not None and isinstance(why.loc[row, col], str) else "not assessed")
        if pd.isna(r) else f"{r * 100:.1f}% mastered, n = {int(k)} students")
        for col, r, k in zip(columns, rrow, nrow)]
        for row, rrow, nrow in zip(rows, rate.to_numpy(), n.to_numpy())]
    what = (f"standard {frame['standard_code'].iloc[0]}, by assessment" if by_standard
            else f"{frame['cfa_title'].iloc[0]}, by standard")
    return figures.heatmap(
        "classroom-heatmap", rate.to_numpy() * 100, columns, rows, text, hover, zmin=0, zmax=100,
        colorbar="% mastered", row_height=34, min_height=260,
        title=f"Mastery by classroom: {what} (% of students; – = hidden or not assessed)")


def comparison_grid(compared: pd.DataFrame):
    frame = compared.assign(classroom=compared["classroom_name"].fillna("All classrooms"))
    columns = [
        grids.column("classroom", "Classroom", minWidth=220),
        grids.column("teacher_name", "Teacher", minWidth=130),
        grids.column("cfa_title", "Assessment", minWidth=140),
        grids.column("standard_code", "Standard", minWidth=120),
        grids.column("administered_date", "Given", minWidth=110),
        grids.column("students", "Students", "integer"),
        grids.column("mastered", "Mastered", "integer"),
        grids.column("mastery_rate", "Mastery", "percent"),
        grids.column("suppression_reason", "Hidden because", minWidth=130),
    ]
    return grids.grid("classroom-compared", frame, columns)


def reteach(groups: pd.DataFrame, year) -> list:
    """Per classroom and standard, the students below the cut, each a link to their folder."""
    if groups.empty:
        return [html.P("Every student you may see reached the cut on this choice: no re-teach group.",
                       className="note")]
    out = []
    for (section, classroom), in_room in groups.groupby(["section_id", "classroom_name"], sort=False, dropna=False):
        items = []
        for (standard, title), group in in_room.groupby(["standard_code", "cfa_title"], sort=False, dropna=False):
            links = []
            for r in group.itertuples():
                label = student_label(r.student_id, r.first_name, r.last_name)
                links += [dcc.Link(label, href=href("/student", student=r.student_id, year=year)),
                          html.Span(f" {r.score:g}/{r.max_score:g}", className="note"), html.Span("; ")]
            items.append(html.Li([html.Strong(f"{standard} ({title}): {len(group)} below the cut: "), *links[:-1]]))
        out.append(html.Div([html.H3(classroom), html.Ul(items)], className="card reteach",
                            **{"data-section": section}))
    return out


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
    with_cfa = queries.cfa_entities(viewer, level, entity, warehouse=wh, year=year)
    kids = kids.merge(with_cfa, on=["level", "entity_id"])  # a classroom or PLC without CFAs has nothing here
    if kids.empty:
        return []
    columns = [grids.column("entity_name", "PLC or classroom with CFA results (click to open)", minWidth=260),
               grids.column("teacher_name", "Teacher", minWidth=160),
               grids.column("level_name", "Layer", maxWidth=140)]
    return [(f"The layer below ({len(kids):,})", [grids.entity_grid("classroom-children", kids, columns)])]


def students(viewer, wh, level, entity, year) -> list[tuple[str, list]]:
    """The roster and each student's latest results, as parts of the page. Only for a viewer
    who may see these students (the query layer refuses the others)."""
    roster = queries.roster(viewer, level, entity, warehouse=wh, year=year)
    roster = roster.assign(
        group=roster["race_ethnicity"].map(lambda c: queries.group_label(f"race_ethnicity:{c}").split(": ", 1)[-1]),
        student=[student_label(*r) for r in zip(roster["student_id"], roster["first_name"], roster["last_name"])],
        grade=roster["grade_level"].map(grade_label))
    columns = [grids.column("student", "Student (click for the data folder)", minWidth=240),
               grids.column("grade", "Grade", maxWidth=100),
               grids.column("school_name", "School", minWidth=180),
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
