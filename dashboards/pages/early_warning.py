"""Early warning for MTSS teams (to identify students and interventions): how many students
each indicator flags, by school, grade, group and month, for everyone (aggregates, by the audience
rules); for a viewer who may see the students of the entity, the students behind the flags with
their values and current interventions, the two lists a team works from (flagged without support
in that area, supported without a current flag), the newly flagged since the previous month end,
and the list as CSV for the meeting."""
from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboards import queries
from dashboards.components import context, figures, grids, sections
from dashboards.components.breadcrumbs import breadcrumbs
from dashboards.components.controls import select, year_select
from dashboards.components.labels import LEVEL_NAMES, grade_label, student_label
from dashboards.components.state import href, parse, school_year_label, year_of
from dashboards.pages.student import group_words

dash.register_page(__name__, path="/early-warning", name="Early warning", title="Alignboard · Early warning",
                   order=5)

INDICATOR_NAMES = {"attendance": "Attendance", "behavior": "Behavior", "course": "Course marks",
                   "assessment": "Assessment"}
AREA_NAMES = {"attendance": "Attendance", "behavior": "Behavior", "reading": "Reading", "math": "Math"}
DIMENSIONS = {"school": "School", "grade": "Grade", "group": "Student group"}
DEFINITION = ("A student is flagged by attendance (chronically absent: 10% or more of the enrolled days so far "
              "this year; severe at 20%), behavior (a suspension or expulsion, or two incidents), course marks "
              "(a failing mark in ELA or math, or two in any course, last grading period) or assessment (the "
              "latest benchmark not proficient). Supported: an MTSS intervention active on the date.")


def date_text(day) -> str:
    return "" if day is None else pd.Timestamp(day).strftime("%Y-%m-%d")


def words(codes, names: dict) -> str:
    """'behavior|course' -> 'Behavior, Course marks'; blank for none."""
    if not isinstance(codes, str) or not codes:
        return ""
    return ", ".join(names.get(c, c.replace("_", " ").capitalize()) for c in codes.split("|"))


@context.safe
@context.cached_page
def layout(level=None, entity=None, year=None, as_of=None, indicator=None, grade=None, group=None,
           teacher=None, **_):
    viewer, wh = context.viewer(), context.warehouse()
    level, entity = context.home(level, entity)
    crumbs = queries.breadcrumbs(viewer, level, entity, warehouse=wh)
    name = crumbs[-1]["entity_name"]
    header = [breadcrumbs(crumbs, "/early-warning", year=year_of(year))]
    if level == "department":
        return html.Div(header + [html.H1(f"{name}: early warning"),
                                  context.message(f"{name} is a department: it has no students, so no early-warning "
                                                  "indicators. Open a school or the district.")])
    dates = queries.early_warning_dates(viewer, warehouse=wh)
    if dates.empty:
        return html.Div(header + [html.H1(f"{name}: early warning"), context.message(
            "No early-warning indicators yet: they are computed at each month end by the nightly load.")])
    counts = queries.early_warning_counts(viewer, level, entity, warehouse=wh, year=year_of(year))
    if counts.empty:
        return html.Div(header + [
            html.H1(f"{name}: early warning"),
            html.Div(year_select(sorted(set(int(y) for y in dates["school_year"])), year_of(year)),
                     className="controls"),
            context.message(f"{name} has no students in {school_year_label(year_of(year))}: choose another year.")])
    shown_year, shown, previous = queries.month_end(dates, int(counts["school_year"].iloc[0]), as_of)
    now = counts[counts["as_of"] == pd.Timestamp(shown)]
    # the lists are a school team's: a district's would send every flagged student of every school
    students = viewer.may_see_students and crumbs[-1]["in_scope"] and level != "district"
    of_year = sorted(pd.to_datetime(dates.loc[dates["school_year"] == shown_year, "as_of"]), reverse=True)
    controls = [year_select(sorted(set(int(y) for y in dates["school_year"])), shown_year),
                select("as_of", "Month end", [{"label": date_text(d), "value": date_text(d)} for d in of_year],
                       date_text(shown), width=150)]
    body = [summary(now), html.P(DEFINITION, className="note")]
    parts = [("By month", [html.Div(history(counts), className="card")]),
             ("By school, grade and group", [breakdown(now)])]
    if students:
        rows = queries.early_warning_students(viewer, level, entity, shown, warehouse=wh, previous=previous,
                                              indicator=indicator or None, grade=grade or None,
                                              group=group or None, teacher=teacher or None)
        unfiltered = queries.early_warning_students(viewer, level, entity, shown, warehouse=wh)
        controls += filters(unfiltered, indicator, grade, group, teacher)
        controls += [html.Button("Download these students (CSV)", id="ews-csv", className="button"),
                     dcc.Download(id="ews-download")]
        parts = student_parts(rows, shown_year, previous) + parts
    header += [
        html.H1(f"{name}: early warning"),
        html.P(f"{LEVEL_NAMES[level]} · {school_year_label(shown_year)} · as of {date_text(shown)}"
               + (f" · newly flagged: since {date_text(previous)}" if previous is not None else ""),
               className="subtitle"),
        html.Div(controls, className="controls"),
    ]
    body.append(sections.tabs("ews-parts", parts))
    if not viewer.may_see_students:
        body.append(html.P("Counts only: this login may not see student-level rows.", className="note",
                           id="ews-counts-only"))
    elif level == "district" and crumbs[-1]["in_scope"]:
        body.append(html.P("Counts only at the district: open a school (breadcrumbs or the scorecard's layer below) "
                           "for the students behind the flags.", className="note", id="ews-counts-only"))
    elif not students:
        body.append(html.P(f"Counts only: the students of this {LEVEL_NAMES[level].lower()} are outside your scope; "
                           "open your own for theirs.", className="note", id="ews-counts-only"))
    return html.Div(header + body, id="early-warning")


def count_text(row: pd.Series, column: str, rate: str | None = None) -> str:
    if row["suppressed"]:
        return row["suppression_reason"] or "hidden"
    value = int(row[column])
    if rate:
        return f"{value:,} ({row[rate]:.0%})"
    return f"{value:,} ({value / row['students']:.0%})" if row["students"] else f"{value:,}"


def summary(now: pd.DataFrame) -> html.Div:
    """Tiles of the whole entity on the date: students, flagged, each indicator, supported."""
    total = now[now["dimension"] == "all"]
    if total.empty:
        return context.message("No students on this date.")
    row = total.iloc[0]
    if row["in_school"] == 0:
        return html.Div([html.H2("Students flagged"),
                         context.message("No school days by this date yet: no indicators to show.")], id="ews-summary")
    if row["suppressed"]:
        return html.Div([html.H2("Students flagged"),
                         context.message(f"Counts hidden: {row['suppression_reason'] or 'too few students'}.")],
                        id="ews-summary")
    tiles = [("Students", f"{int(row['students']):,}"), ("Flagged (one indicator or more)", count_text(row, "flagged")),
             *((INDICATOR_NAMES[i], count_text(row, i)) for i in queries.INDICATORS),
             ("Supported (an active intervention)", count_text(row, "supported")),
             ("Flagged with no intervention", count_text(row, "flagged_unsupported"))]
    return html.Div([html.H2("Students flagged"), html.Div(
        [html.Div([html.Span(label, className="name"), html.Div(value, className="value")], className="tile ews")
         for label, value in tiles], className="tiles")], id="ews-summary")


def history(counts: pd.DataFrame):
    """The share of students flagged at each month end of the year, all and by indicator; a
    hidden month is a gap, a month end before the first school day is left out (no data yet)."""
    total = counts[(counts["dimension"] == "all") & ~(counts["in_school"] == 0)].sort_values("as_of")
    if total.empty:
        return html.P("No month end of this year has school days yet.", className="note")
    x = [date_text(d) for d in total["as_of"]]
    lines = []
    for i, (column, label) in enumerate([("flagged", "Flagged"), *INDICATOR_NAMES.items(), ("supported", "Supported")]):
        share = [None if pd.isna(c) or not n else float(c) / float(n) for c, n in zip(total[column], total["students"])]
        lines.append({"type": "scatter", "mode": "lines+markers", "name": label, "x": x, "y": share,
                      "line": {"color": figures.SERIES[i % len(figures.SERIES)], "width": 3 if i == 0 else 1.5},
                      "hovertemplate": "%{x}: %{y:.1%} " + label.lower() + "<extra></extra>"})
    figure = {"data": lines, "layout": figures.base_layout("Share of students flagged, by month end",
                                                           y_title="% of students")}
    figure["layout"]["xaxis"]["type"] = "category"
    figure["layout"]["yaxis"].update(tickformat=".0%", rangemode="tozero")
    return figures.graph("ews-history", figure)


def breakdown(now: pd.DataFrame):
    rows = now[now["dimension"] != "all"].copy()
    if rows.empty:
        return html.P("No breakdown on this date.", className="note")
    rows["dimension_name"] = rows["dimension"].map(DIMENSIONS)
    rows["label"] = [row.school_name if row.dimension == "school" else
                     grade_words(row.key) if row.dimension == "grade" else group_words(row.key)
                     for row in rows.itertuples()]
    order = {"school": 0, "grade": 1, "group": 2}
    rows = rows.sort_values(["dimension", "label"], key=lambda s: s.map(order) if s.name == "dimension" else s)
    count = {"minWidth": 115}
    columns = [grids.column("dimension_name", "By", minWidth=140, maxWidth=150, pinned="left"),
               grids.column("label", "Which (click a school to open it)", minWidth=290, pinned="left"),
               grids.column("suppression_reason", "Hidden because", minWidth=190),
               grids.column("students", "Students", "integer", **count),
               grids.column("flagged", "Flagged", "integer", **count),
               grids.column("flagged_rate", "Flagged share", "percent", **count),
               *(grids.column(i, INDICATOR_NAMES[i], "integer", minWidth=140) for i in queries.INDICATORS),
               grids.column("supported", "Supported", "integer", **count),
               grids.column("supported_rate", "Supported share", "percent", **count)]
    return grids.grid("ews-breakdown", rows, columns, height=460, clickable=True,
                      row_id="params.data.dimension + '|' + params.data.key")


def open_school(row_id: str, state: dict):
    """A school's row: that school's early warning, same year and month end."""
    dimension, _, key = row_id.partition("|")
    if dimension != "school":
        return no_update
    return href("/early-warning", level="school", entity=key, year=state.get("year"), as_of=state.get("as_of"))


grids.open_on_click("ews-breakdown", open_school)


def grade_words(grade) -> str:
    """'04' -> 'Grade 4'; 'KG' -> 'Kindergarten'."""
    label = grade_label(grade)
    return f"Grade {label}" if label[:1].isdigit() else label


def filters(rows: pd.DataFrame, indicator, grade, group, teacher) -> list:
    """The student lists' filters, offering what the unfiltered list has."""
    everyone = {"label": "All", "value": ""}
    grades = sorted(rows["grade_level"].dropna().unique())
    teachers = {}
    for ids, names in zip(rows["teacher_ids"], rows["teacher_names"]):
        teachers.update(zip(list(ids), list(names)))
    return [
        select("indicator", "Indicator", [everyone] + [{"label": v, "value": k} for k, v in INDICATOR_NAMES.items()],
               indicator or "", width=150),
        select("grade", "Grade", [everyone] + [{"label": grade_words(g), "value": g} for g in grades], grade or "",
               width=120),
        select("group", "Student group", [everyone] + [{"label": group_words(g), "value": g} for g in group_codes()],
               group or "", width=230),
        select("teacher", "Teacher", [everyone] + [{"label": n, "value": k} for k, n in
                                                   sorted(teachers.items(), key=lambda t: t[1])],
               teacher or "", width=180),
    ]


def group_codes() -> list[str]:
    return [f"{dimension}:{value}" for dimension, values in (
        ("race_ethnicity", ("american_indian_alaska_native", "asian", "black", "hispanic_latino",
                            "native_hawaiian_pacific_islander", "two_or_more", "white")),
        ("english_learner", ("yes",)), ("idea", ("yes",)), ("econ_disadvantaged", ("yes",)),
        ("sex", ("F", "M", "X"))) for value in values]


def why(row) -> str:
    """The values behind the raised flags, in words."""
    parts = []
    if row.attendance != "none":
        parts.append(f"{'Severely' if row.attendance == 'severe' else 'Chronically'} absent: {row.absence_rate:.1%} "
                     f"({int(row.absent_days)} of {int(row.enrolled_days)} days)")
    if row.behavior == "Y":
        parts.append(f"Behavior: {int(row.removals)} removal{'s' * (row.removals != 1)}, "
                     f"{int(row.incidents)} incident{'s' * (row.incidents != 1)}")
    if row.course == "Y":
        parts.append(f"Course marks: {int(row.failing_marks)} failing in {row.grading_period} "
                     f"({int(row.failing_core_marks)} in ELA or math)")
    if row.assessment == "Y":
        subjects = words(row.benchmark_not_proficient, {"ela": "ELA", "math": "math"})
        parts.append(f"Benchmark not proficient in {subjects} ({date_text(row.benchmark_date)})")
    return "; ".join(parts)


def readable(rows: pd.DataFrame, year) -> pd.DataFrame:
    return rows.assign(
        student=[student_label(*r) for r in zip(rows["student_id"], rows["first_name"], rows["last_name"])],
        grade=rows["grade_level"].map(grade_label),
        flags_words=rows["raised"].map(lambda c: words(c, INDICATOR_NAMES)),
        why=[why(r) for r in rows.itertuples()],
        newly=rows["newly_flagged"].map(lambda c: words(c, INDICATOR_NAMES)),
        unsupported_words=rows["unsupported"].map(lambda c: words(c, INDICATOR_NAMES)),
        unflagged_words=rows["unflagged_supports"].map(lambda c: words(c, AREA_NAMES)),
        interventions=rows["interventions"].fillna("none"),
        teachers=rows["teachers"].fillna("none on this date"),
        folder=[f"[Folder](/student?student={s}&year={year})" for s in rows["student_id"]],
    )


STUDENT = grids.column("student", "Student", minWidth=230, pinned="left")
FOLDER = grids.column("folder", "Data folder", cellRenderer="markdown", maxWidth=110)
WHY = grids.column("why", "Why", minWidth=300, flex=2, wrapText=True, autoHeight=True)


def student_parts(rows: pd.DataFrame, year, previous) -> list[tuple[str, list]]:
    """The lists a team works from, each a grid (a row opens the student's folder)."""
    rows = readable(rows, year)
    common = [grids.column("grade", "Grade", maxWidth=90),
              grids.column("teachers", "Teachers", minWidth=150, wrapText=True, autoHeight=True)]
    flagged = rows[rows["flags"] > 0]
    lists = [
        ("Flagged", flagged, [STUDENT, *common,
                              grids.column("flags_words", "Flags", minWidth=150, wrapText=True, autoHeight=True),
                              WHY,
                              grids.column("interventions", "Current interventions", minWidth=180,
                                           wrapText=True, autoHeight=True), FOLDER]),
        ("Flagged without support in that area", rows[rows["unsupported"].notna()],
         [STUDENT, *common, grids.column("unsupported_words", "Flagged, no support for", minWidth=170),
          WHY,
          grids.column("interventions", "Current interventions", minWidth=180, wrapText=True, autoHeight=True),
          FOLDER]),
        ("Supported without a current flag", rows[rows["unflagged_supports"].notna()],
         [STUDENT, *common, grids.column("unflagged_words", "Support with no flag", minWidth=170),
          grids.column("interventions", "Current interventions", minWidth=260, wrapText=True, autoHeight=True),
          grids.column("flags_words", "Other flags", minWidth=140), FOLDER]),
    ]
    if previous is not None:
        lists.append((f"Newly flagged since {date_text(previous)}", rows[rows["newly_flagged"].notna()],
                      [STUDENT, *common, grids.column("newly", "Newly flagged", minWidth=150),
                       WHY,
                       grids.column("interventions", "Current interventions", minWidth=180,
                                    wrapText=True, autoHeight=True), FOLDER]))
    parts = []
    for i, (title, part, columns) in enumerate(lists):
        content = (grids.grid(f"ews-students-{i}", part, columns, clickable=True, row_id="params.data.student_id")
                   if len(part) else html.P("No student on this list.", className="note"))
        parts.append((f"{title} ({len(part):,})", [content]))
    return parts


def open_folder(row_id: str, state: dict) -> str:
    return href("/student", student=row_id, year=state.get("year"))


for _i in range(4):
    grids.open_on_click(f"ews-students-{_i}", open_folder)


@callback(
    Output("ews-download", "data"),
    Input("ews-csv", "n_clicks"),
    State("url", "search"),
    prevent_initial_call=True,
)
def download(clicks, search):
    """The students of the view (its filters) as CSV, through the query layer."""
    if not clicks:
        return no_update
    state = parse(search)
    viewer, wh = context.viewer(), context.warehouse()
    level, entity = context.home(state.get("level"), state.get("entity"))
    counts = queries.early_warning_counts(viewer, level, entity, warehouse=wh, year=year_of(state.get("year")))
    if counts.empty:
        return no_update
    dates = queries.early_warning_dates(viewer, warehouse=wh)
    _, shown, previous = queries.month_end(dates, int(counts["school_year"].iloc[0]), state.get("as_of"))
    text = queries.early_warning_csv(viewer, level, entity, shown, warehouse=wh, previous=previous,
                                     indicator=state.get("indicator") or None, grade=state.get("grade") or None,
                                     group=state.get("group") or None, teacher=state.get("teacher") or None)
    return {"content": text, "filename": f"early_warning_{level}_{entity}_{date_text(shown)}.csv",
            "type": "text/csv"}
