"""One student's data folder (the classroom layer's student SMART goals): classes,
attendance, assessments, CFA by standard, discipline, interventions and the early-warning
indicators at each month end, newest year first, codes in words. The query layer answers only a viewer who may see that student; anyone else, however
the URL was made, gets a refusal and no data."""
from __future__ import annotations

import dash
import pandas as pd
from dash import dcc, html

from dashboards import queries
from dashboards.components import context, grids
from dashboards.components.labels import (
    ACTIONS, SUBJECTS, code_label, grade_label, race_label, student_label, tier_label, yes_no,
)
from dashboards.components.state import href, school_year_label, year_of

dash.register_page(__name__, path="/student", name="Student folder", title="Alignboard · Student folder",
                   order=5)

YEAR = grids.column("year", "Year", maxWidth=100)
SECTIONS = (
    ("classes", "Classes", [
        YEAR, grids.column("course_name", "Course", minWidth=180), grids.column("subject", "Subject"),
        grids.column("teacher_name", "Teacher", minWidth=160), grids.column("school_name", "School", minWidth=180),
        grids.column("entry_date", "Entered"), grids.column("exit_date", "Left")]),
    ("attendance", "Attendance", [
        YEAR, grids.column("school_name", "School", minWidth=180),
        grids.column("days_enrolled", "Days enrolled", "integer"),
        grids.column("days_attended", "Days attended", "integer"),
        grids.column("attendance_rate", "Attendance", "percent"),
        grids.column("excused", "Excused absences", "integer"),
        grids.column("unexcused", "Unexcused absences", "integer"),
        grids.column("tardy", "Tardies", "integer")]),
    ("assessments", "Assessments", [
        YEAR, grids.column("assessment_name", "Assessment", minWidth=200),
        grids.column("subject", "Subject"), grids.column("window", "Window"),
        grids.column("test_date", "Date"), grids.column("scale_score", "Scale score", "number"),
        grids.column("performance_level", "Level"), grids.column("proficient", "Proficient")]),
    ("cfa", "Common formative assessments by standard", [
        YEAR, grids.column("cfa_title", "Assessment", minWidth=200),
        grids.column("course_name", "Course", minWidth=140),
        grids.column("standard_code", "Standard"), grids.column("administered_date", "Given"),
        grids.column("score", "Score", "number"), grids.column("max_score", "Out of", "number"),
        grids.column("mastered", "Mastered")]),
    ("discipline", "Discipline", [
        YEAR, grids.column("incident_date", "Date"),
        grids.column("school_name", "School", minWidth=180), grids.column("behavior", "Behavior"),
        grids.column("action", "Action", minWidth=200), grids.column("days_removed", "Days removed", "number")]),
    ("interventions", "Interventions (MTSS)", [
        YEAR, grids.column("area", "Area"),
        grids.column("tier", "Tier", minWidth=160), grids.column("intervention_name", "Intervention", minWidth=160),
        grids.column("identified_date", "Identified"), grids.column("start_date", "Started"),
        grids.column("end_date", "Ended (blank: still active)", minWidth=150)]),
    ("early_warning", "Early-warning indicators by month end", [
        YEAR, grids.column("as_of", "Month end", maxWidth=120),
        grids.column("attendance_words", "Attendance", minWidth=200, wrapText=True, autoHeight=True),
        grids.column("behavior_words", "Behavior", minWidth=170, wrapText=True, autoHeight=True),
        grids.column("course_words", "Course marks", minWidth=150, wrapText=True, autoHeight=True),
        grids.column("assessment_words", "Assessment", minWidth=180, wrapText=True, autoHeight=True),
        grids.column("flags", "Flags", "integer", maxWidth=90),
        grids.column("supports_words", "Supported in", minWidth=140, wrapText=True, autoHeight=True)]),
)
ABSENCE = {"none": "not chronically absent", "chronic": "chronically absent", "severe": "severely absent"}


def readable(key: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A part of the folder as people read it: school years as 2025-26, codes in words."""
    words = {"year": frame["school_year"].map(school_year_label)}
    for column in ("subject", "window", "behavior", "area", "performance_level"):
        if column in frame:
            words[column] = frame[column].map(lambda c: code_label(c, SUBJECTS))
    for column in ("proficient", "mastered"):
        if column in frame:
            words[column] = frame[column].map(yes_no)
    if key == "discipline":
        words["action"] = frame["action"].map(lambda c: code_label(c, ACTIONS))
    if key == "interventions":
        words["tier"] = frame["tier"].map(tier_label)
    if key == "early_warning":
        words.update(indicator_words(frame))
    return frame.assign(**words)


def indicator_words(frame: pd.DataFrame) -> dict:
    """Each month end's indicators as a flag and the value behind it."""
    def flag(value) -> str:
        return {"Y": "⚑ ", "N": ""}.get(value, "")
    return {
        "attendance_words": [f"{'⚑ ' if a != 'none' else ''}{ABSENCE.get(a, a)} ({r:.1%} of {int(d)} days)"
                             if pd.notna(r) and d else "no school days yet"
                             for a, r, d in zip(frame["attendance"], frame["absence_rate"], frame["enrolled_days"])],
        "behavior_words": [f"{flag(b)}{int(r)} removal{'s' * (r != 1)}, {int(i)} incident{'s' * (i != 1)}"
                           for b, r, i in zip(frame["behavior"], frame["removals"], frame["incidents"])],
        "course_words": [("no marks yet" if c is None or pd.isna(c) else
                          f"{flag(c)}{0 if pd.isna(f) else int(f)} failing in {p}")
                         for c, f, p in zip(frame["course"], frame["failing_marks"], frame["grading_period"])],
        "assessment_words": [("no benchmark yet" if a is None or pd.isna(a) else
                              f"⚑ not proficient in {subjects(n)}"
                              if a == "Y" else "proficient")
                             for a, n in zip(frame["assessment"], frame["benchmark_not_proficient"])],
        "supports_words": frame["supports"].map(lambda s: subjects(s) or "none"),
    }


def subjects(codes) -> str:
    """'math|reading' -> 'Math, Reading'; blank for none."""
    return ", ".join(code_label(c, SUBJECTS) for c in codes.split("|")) if isinstance(codes, str) else ""


def group_words(code: str) -> str:
    """'race_ethnicity:hispanic_latino' -> 'Race/ethnicity: Hispanic or Latino' (the groups' labels,
    each value in words)."""
    if code.startswith("race_ethnicity:"):
        return f"Race/ethnicity: {race_label(code.split(':', 1)[1])}"
    label = queries.group_label(code)
    head, sep, value = label.partition(": ")
    return f"{head}{sep}{value[:1].upper()}{value[1:]}" if sep else label


@context.safe
def layout(student=None, year=None, **_):
    if not student:
        return html.Div([context.message("No student chosen: search for one, or open one from a classroom's roster."),
                         dcc.Link("Search for a student", href="/search")])
    folder = queries.student_folder(context.viewer(), student, warehouse=context.warehouse(), year=year_of(year))
    profile = folder["student"]
    groups = "; ".join(group_words(g) for g in (profile.get("groups") or []) if not g.startswith("grade:"))
    who = student_label(profile["student_id"], profile.get("first_name"), profile.get("last_name"))
    title = who if who != str(profile["student_id"]) else f"Student {who}"
    header = [
        html.H1(f"{title}: data folder"),
        html.P(f"{profile.get('school_name') or profile.get('school_id') or ''} · "
               f"grade {grade_label(profile.get('grade_level'))} · "
               f"{school_year_label(profile.get('school_year'))}", className="subtitle"),
        html.P(f"Groups: {groups or 'none recorded'}", className="note"),
        html.Div([dcc.Link("← back to the classroom data", href=href("/classroom", year=year)), " · ",
                  dcc.Link("search for another student", href="/search")]),
    ]
    body = []
    for key, title, columns in SECTIONS:
        frame = folder.get(key)
        body.append(html.H2(title))
        if frame is None or frame.empty:
            body.append(html.P("None recorded.", className="note"))
        else:
            body.append(grids.grid(f"student-{key}", readable(key, frame), columns))
    return html.Div(header + body, id="student-folder")
