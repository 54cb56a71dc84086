"""One student's data folder (seed 000: the classroom layer's student SMART goals): attendance,
assessments, CFA by standard, discipline and interventions. the query layer answers only a viewer who
may see that student; anyone else, however the URL was made, gets a refusal and no data."""
from __future__ import annotations

import dash
from dash import dcc, html

from dashboards import queries
from dashboards.components import context, grids
from dashboards.components.state import href, school_year_label, year_of

dash.register_page(__name__, path="/student", name="Student folder", title="Alignboard · Student folder",
                   order=5)

SECTIONS = (
    ("attendance", "Attendance", [
        grids.column("school_year", "Year", maxWidth=90), grids.column("school_id", "School"),
        grids.column("days_enrolled", "Days enrolled", "integer"),
        grids.column("days_attended", "Days attended", "integer"),
        grids.column("attendance_rate", "Attendance", "percent"),
        grids.column("excused", "Excused", "integer"), grids.column("unexcused", "Unexcused", "integer"),
        grids.column("tardy", "Tardy", "integer")]),
    ("assessments", "Assessments", [
        grids.column("school_year", "Year", maxWidth=90), grids.column("assessment_name", "Assessment"),
        grids.column("subject", "Subject"), grids.column("window", "Window"),
        grids.column("test_date", "Date"), grids.column("scale_score", "Scale score", "decimal"),
        grids.column("performance_level", "Level"), grids.column("proficient", "Proficient")]),
    ("cfa", "Common formative assessments by standard", [
        grids.column("school_year", "Year", maxWidth=90), grids.column("cfa_title", "Assessment", minWidth=200),
        grids.column("standard_code", "Standard"), grids.column("administered_date", "Given"),
        grids.column("score", "Score", "decimal"), grids.column("max_score", "Max", "decimal"),
        grids.column("mastered", "Mastered")]),
    ("discipline", "Discipline", [
        grids.column("school_year", "Year", maxWidth=90), grids.column("incident_date", "Date"),
        grids.column("school_id", "School"), grids.column("behavior", "Behavior"),
        grids.column("action", "Action"), grids.column("days_removed", "Days removed", "decimal")]),
    ("interventions", "Interventions (MTSS)", [
        grids.column("school_year", "Year", maxWidth=90), grids.column("area", "Area"),
        grids.column("tier", "Tier", "integer"), grids.column("intervention_name", "Intervention"),
        grids.column("identified_date", "Identified"), grids.column("start_date", "Start"),
        grids.column("end_date", "End")]),
)


@context.safe
def layout(student=None, year=None, **_):
    if not student:
        return context.message("No student chosen: open one from a classroom's roster.")
    folder = queries.student_folder(context.viewer(), student, warehouse=context.warehouse(), year=year_of(year))
    profile = folder["student"]
    groups = ", ".join(queries.group_label(g) for g in (profile.get("groups") or []))
    header = [
        html.H1(f"Student {profile['student_id']}: data folder"),
        html.P(f"{profile.get('school_name') or profile.get('school_id') or ''} · grade {profile.get('grade_level')} · "
               f"{school_year_label(profile.get('school_year'))}", className="subtitle"),
        html.P(f"Groups: {groups or 'none recorded'}", className="note"),
        dcc.Link("← back to the classroom data", href=href("/classroom", year=year)),
    ]
    body = []
    for key, title, columns in SECTIONS:
        frame = folder.get(key)
        body.append(html.H2(title))
        if frame is None or frame.empty:
            body.append(html.P(f"No {title.lower()} records.", className="note"))
        else:
            body.append(grids.grid(f"student-{key}", frame, columns))
    return html.Div(header + body, id="student-folder")
