"""The only module that reads the marts, for the dashboard and the CLI exports.

Access rules live here, not in the pages (DESIGN.md "Privacy"):
- A viewer has a scope (a district, department, school, PLC or classroom) and sees that entity,
  the entities below it, and the aggregates above it (how its goals align to the layer above).
- Student-level rows only for a viewer who may see students, only for the students in scope
  (enrolled at a school in scope or in a section in scope that year), and never in public output.
- A suppressed cell (mart.metric_values.suppressed) keeps its flag and reason but has no
  numerator, denominator or value for a viewer who may not see students and in public output;
  a top- or bottom-coded cell shows its value_range instead ("<=5%", docs/metrics.md);
  "no data" stays blank (NULL), never zero.
- Classroom-level systems metrics (walkthroughs, meetings, action steps) describe one teacher:
  never in public output, and only for viewers whose scope holds that classroom.
Every call opens its own short-lived read-only connection: DuckDB allows one writer per file and
a load swaps the file atomically, so a reader never sees half a load.
"""
from __future__ import annotations

import csv
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, TextIO

import duckdb
import pandas as pd

from assets.warehouse import default_path, existing_tables, open_read_only
from data_contracts.vocabulary import LEVELS, ORG_LEVELS

METRIC_VALUE_COLUMNS = (
    "metric_id", "metric_version", "school_year", "period", "level", "entity_id", "student_group",
    "numerator", "denominator", "value", "suppressed", "suppression_reason", "value_range",
)


class DataError(Exception):
    """A request that cannot be answered; the message is one line for the user."""


@dataclass(frozen=True)
class Viewer:
    """Who is asking. entity_id None with level 'district' means every district (an analyst)."""

    level: str
    entity_id: str | None
    may_see_students: bool = False

    def __post_init__(self) -> None:
        if self.level not in ORG_LEVELS:
            raise DataError(f"a viewer's scope is one of {', '.join(ORG_LEVELS)}, not {self.level!r}")
        if self.entity_id is None and self.level != "district":
            raise DataError("only a district-wide viewer may have no entity")

    @classmethod
    def analyst(cls, may_see_students: bool = True) -> "Viewer":
        return cls("district", None, may_see_students)


# Entities a viewer sees: the scope and everything below it, plus its ancestors; the students
# enrolled below it. $scope_id NULL = everything.
SCOPE_SQL = """
WITH RECURSIVE below(level, entity_id) AS (
    SELECT entity_level, entity_id FROM staging.org_hierarchy
    WHERE $scope_id IS NULL OR (entity_level = $scope_level AND entity_id = $scope_id)
    UNION
    SELECT h.entity_level, h.entity_id
    FROM staging.org_hierarchy AS h JOIN below AS b ON h.parent_level = b.level AND h.parent_id = b.entity_id
), above(level, entity_id, parent_level, parent_id) AS (
    SELECT entity_level, entity_id, parent_level, parent_id FROM staging.org_hierarchy
    WHERE entity_level = $scope_level AND entity_id = $scope_id
    UNION
    SELECT h.entity_level, h.entity_id, h.parent_level, h.parent_id
    FROM staging.org_hierarchy AS h JOIN above AS a ON h.entity_level = a.parent_level AND h.entity_id = a.parent_id
), visible_org AS (
    SELECT level, entity_id FROM below UNION SELECT level, entity_id FROM above
), visible_students AS (
    SELECT st.school_year, st.student_id
    FROM staging.students AS st JOIN below AS b ON b.level = 'school' AND b.entity_id = st.school_id
    UNION
    SELECT e.school_year, e.student_id
    FROM staging.section_enrollments AS e JOIN below AS b ON b.level = 'classroom' AND b.entity_id = e.section_id
)
"""


def warehouse_version(warehouse: str | Path | None = None) -> tuple[int, int]:
    """Changes whenever a load publishes a new file: a cache key for the dashboard."""
    stat = os.stat(_path(warehouse))
    return stat.st_mtime_ns, stat.st_size


def _path(warehouse: str | Path | None) -> Path:
    return Path(warehouse if warehouse is not None else default_path())


@contextmanager
def _connect(warehouse: str | Path | None, *tables: str) -> Iterator[duckdb.DuckDBPyConnection]:
    path = _path(warehouse)
    if not path.is_file():
        raise DataError(f"warehouse not found: {path} (run `alignboard load` first)")
    try:
        con = open_read_only(path)
    except duckdb.Error as error:
        raise DataError(f"cannot open warehouse {path}: {str(error).splitlines()[0]}") from None
    try:
        present = existing_tables(con)
        for table in tables:
            if table not in present:
                raise DataError(f"the warehouse {path} has no {table}; load and build the marts first")
        yield con
    finally:
        con.close()


def _scope_params(viewer: Viewer) -> dict:
    return {"scope_level": viewer.level, "scope_id": viewer.entity_id}


def _blank(viewer: Viewer, public: bool) -> bool:
    return public or not viewer.may_see_students


def _metric_values_sql(viewer: Viewer, public: bool, level: str | None, metric: str | None,
                       year: int | None) -> tuple[str, dict]:
    students = viewer.may_see_students and not public
    if level is not None and level not in LEVELS:
        raise DataError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    sql = SCOPE_SQL + """
    SELECT v.metric_id, v.metric_version, v.school_year, v.period, v.level, v.entity_id, v.student_group,
           CASE WHEN $blank AND v.suppressed THEN NULL ELSE v.numerator END AS numerator,
           CASE WHEN $blank AND v.suppressed THEN NULL ELSE v.denominator END AS denominator,
           CASE WHEN $blank AND v.suppressed THEN NULL ELSE v.value END AS value,
           v.suppressed, v.suppression_reason, v.value_range
    FROM mart.metric_values AS v
    WHERE (
        (v.level <> 'student' AND ($scope_id IS NULL OR (v.level, v.entity_id) IN (SELECT level, entity_id FROM visible_org)))
        OR (v.level = 'student' AND $students
            AND ($scope_id IS NULL OR (v.school_year, v.entity_id) IN (SELECT school_year, student_id FROM visible_students)))
    )
      AND ($level IS NULL OR v.level = $level)
      AND ($metric IS NULL OR v.metric_id = $metric OR starts_with(v.metric_id, $metric || '.'))
      AND ($year IS NULL OR v.school_year = $year)
      AND NOT ($public AND v.level = 'classroom' AND split_part(v.metric_id, '.', 1) IN (SELECT family FROM mart.metric_catalog WHERE kind = 'systems'))
    ORDER BY v.metric_id, v.school_year, v.level, v.entity_id, v.student_group
    """
    params = {**_scope_params(viewer), "blank": _blank(viewer, public), "students": students,
              "level": level, "metric": metric, "year": year, "public": public}
    return sql, params


def _check_metric(con: duckdb.DuckDBPyConnection, metric: str | None) -> None:
    if metric is None:
        return
    known = con.execute(
        "SELECT count(*) FROM mart.metric_catalog WHERE metric_key = $m OR family = split_part($m, '.', 1)",
        {"m": metric},
    ).fetchone()[0]
    if not known:
        raise DataError(f"unknown metric {metric!r} (see docs/metrics.md for the metric ids)")


def metric_values(viewer: Viewer, *, warehouse: str | Path | None = None, level: str | None = None,
                  metric: str | None = None, year: int | None = None, public: bool = False) -> pd.DataFrame:
    """Rows of mart.metric_values the viewer may see, blanked where suppressed for them.
    `metric` is an exact id or a family (proficiency_rate -> every proficiency_rate.*)."""
    sql, params = _metric_values_sql(viewer, public, level, metric, year)
    with _connect(warehouse, "mart.metric_values", "mart.metric_catalog", "staging.org_hierarchy") as con:
        _check_metric(con, metric)
        return con.execute(sql, params).df()


# CSV text for each column: whole numbers without ".0", blank for NULL, booleans Y/N (landing-files.md).
_CSV_SELECT = """
SELECT metric_id, metric_version, school_year, period, level, entity_id, student_group,
       {numerator}, {denominator}, {value},
       CASE WHEN suppressed THEN 'Y' ELSE 'N' END AS suppressed, suppression_reason, value_range
FROM ({query})
"""


def _number_text(column: str) -> str:
    return (f"CASE WHEN {column} IS NULL THEN NULL WHEN {column} = trunc({column}) AND abs({column}) < 1e15 "
            f"THEN CAST(CAST({column} AS BIGINT) AS VARCHAR) ELSE CAST({column} AS VARCHAR) END AS {column}")


def write_metric_values_csv(viewer: Viewer, out: str | Path | TextIO | None = None, *,
                            warehouse: str | Path | None = None, level: str | None = None,
                            metric: str | None = None, year: int | None = None, public: bool = False) -> int:
    """Write the rows metric_values() returns as CSV with exactly METRIC_VALUE_COLUMNS to a file
    path (DuckDB COPY, fast at any size) or a text stream (default stdout); return the row count."""
    sql, params = _metric_values_sql(viewer, public, level, metric, year)
    query = _CSV_SELECT.format(numerator=_number_text("numerator"), denominator=_number_text("denominator"),
                               value=_number_text("value"), query=sql)
    with _connect(warehouse, "mart.metric_values", "mart.metric_catalog", "staging.org_hierarchy") as con:
        _check_metric(con, metric)
        if isinstance(out, (str, Path)):
            target = Path(out)
            if not target.parent.is_dir():
                raise DataError(f"cannot write {target}: folder {target.parent} does not exist")
            copy = f"COPY ({query}) TO '{_quote(target)}' (HEADER, DELIMITER ',')"
            (rows,) = con.execute(copy, params).fetchone()
            return rows
        stream = out if out is not None else sys.stdout
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(METRIC_VALUE_COLUMNS)
        result = con.execute(query, params)
        rows = 0
        while batch := result.fetchmany(10_000):
            writer.writerows(["" if cell is None else cell for cell in row] for row in batch)
            rows += len(batch)
        return rows


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


def _entity(con: duckdb.DuckDBPyConnection, viewer: Viewer, level: str, entity_id: str) -> str:
    """The entity's name, if it exists and the viewer may see it."""
    if level not in ORG_LEVELS:
        raise DataError(f"level must be one of {', '.join(ORG_LEVELS)}, not {level!r}")
    row = con.execute(
        SCOPE_SQL + """
        SELECT h.entity_name, (h.entity_level, h.entity_id) IN (SELECT level, entity_id FROM visible_org)
        FROM staging.org_hierarchy AS h WHERE h.entity_level = $level AND h.entity_id = $entity_id
        """,
        {**_scope_params(viewer), "level": level, "entity_id": entity_id},
    ).fetchone()
    if row is None:
        raise DataError(f"unknown {level} {entity_id!r}")
    if not row[1]:
        raise DataError(f"{level} {entity_id!r} is outside your scope")
    return row[0]


def _year(con: duckdb.DuckDBPyConnection, table: str, level: str, entity_id: str, year: int | None) -> int | None:
    if year is not None:
        return year
    return con.execute(
        f"SELECT max(school_year) FILTER (WHERE value IS NOT NULL), max(school_year) FROM {table} "
        "WHERE level = $level AND entity_id = $entity_id",
        {"level": level, "entity_id": entity_id},
    ).fetchone()[0]


def scorecard(viewer: Viewer, level: str, entity_id: str, *, warehouse: str | Path | None = None,
              year: int | None = None, public: bool = False) -> pd.DataFrame:
    """One entity's balanced scorecard for a year (default: its latest year with data), in
    perspective order. Suppressed values are blanked for this viewer and status says 'suppressed'."""
    with _connect(warehouse, "mart.scorecard", "mart.metric_catalog", "staging.org_hierarchy") as con:
        _entity(con, viewer, level, entity_id)
        school_year = _year(con, "mart.scorecard", level, entity_id, year)
        hide = "$blank AND s.suppressed"
        hide_prior = "$blank AND s.prior_suppressed"
        return con.execute(
            f"""
            SELECT s.school_year, s.level, s.entity_id, s.entity_name, s.perspective, s.metric_id,
                   s.metric_name, s.metric_version, s.direction, s.unit,
                   CASE WHEN {hide} THEN NULL ELSE s.value END AS value,
                   s.target, s.near_band,
                   CASE WHEN {hide} THEN 'suppressed' ELSE s.status END AS status,
                   CASE WHEN {hide_prior} THEN NULL ELSE s.prior_value END AS prior_value,
                   CASE WHEN {hide} OR {hide_prior} THEN NULL ELSE s.change_vs_prior END AS change_vs_prior,
                   CASE WHEN {hide} THEN NULL ELSE s.numerator END AS numerator,
                   CASE WHEN {hide} THEN NULL ELSE s.denominator END AS denominator,
                   s.suppressed, s.suppression_reason, s.value_range, c.definition
            FROM mart.scorecard AS s
            JOIN mart.metric_catalog AS c ON c.metric_key = split_part(s.metric_id, '.', 1)
            WHERE s.level = $level AND s.entity_id = $entity_id AND s.school_year = $year
              AND NOT ($public AND s.level = 'classroom' AND c.kind = 'systems')
            ORDER BY c.perspective_order, s.metric_id
            """,
            {"blank": _blank(viewer, public), "level": level, "entity_id": entity_id, "year": school_year,
             "public": public},
        ).df()


def needs_assessment(viewer: Viewer, level: str, entity_id: str, *, warehouse: str | Path | None = None,
                     year: int | None = None, public: bool = False) -> pd.DataFrame:
    """The needs assessment of a school or the district for a year (default: latest with data)."""
    if level not in ("district", "school"):
        raise DataError("a needs assessment exists for the district and for schools")
    with _connect(warehouse, "mart.needs_assessment", "staging.org_hierarchy") as con:
        _entity(con, viewer, level, entity_id)
        school_year = _year(con, "mart.needs_assessment", level, entity_id, year)
        hidden = ("value", "n", "gap_to_target", "gap_to_district", "others_value", "others_n", "group_gap")
        blanked = ", ".join(f"CASE WHEN $blank AND suppressed THEN NULL ELSE {c} END AS {c}" for c in hidden)
        return con.execute(
            f"""
            SELECT * REPLACE ({blanked})
            FROM mart.needs_assessment
            WHERE level = $level AND entity_id = $entity_id AND school_year = $year
            ORDER BY row_type DESC, rank NULLS LAST, metric_id, student_group
            """,
            {"blank": _blank(viewer, public), "level": level, "entity_id": entity_id, "year": school_year},
        ).df()


def metric_definitions(*, warehouse: str | Path | None = None) -> pd.DataFrame:
    """The definitions and versions the values were computed with (for every tile)."""
    with _connect(warehouse, "mart.metric_catalog") as con:
        return con.execute("SELECT * FROM mart.metric_catalog ORDER BY perspective_order, metric_key").df()


# --- plans (issue 11): alignment, goal progress and execution, for any as-of date -----------------
# Computed on the read-only connection from the staging plan tables (a few thousand rows), so the
# as-of date is the caller's, never "today" inside SQL. A goal, problem, step or task is visible
# when the entity that owns its plan is (student plans: like student rows).

PLAN_TABLES = ("staging.plans", "staging.plan_goals", "staging.plan_strategies", "staging.action_steps",
               "staging.plan_schedule", "staging.roadmap_reviews", "staging.org_hierarchy")
GOAL_PROGRESS_COLUMNS = (
    "goal_id", "plan_id", "level", "entity_id", "metric_id", "student_group", "baseline_value", "baseline_date",
    "target_value", "target_date", "current_value", "expected_value", "status", "projected_value",
)

_OWNER_VISIBLE = """(
    (t.level IS DISTINCT FROM 'student'
     AND ($scope_id IS NULL OR (t.level, t.entity_id) IN (SELECT level, entity_id FROM visible_org)))
    OR (t.level = 'student' AND $students
        AND ($scope_id IS NULL OR t.entity_id IN (SELECT student_id FROM visible_students))))"""


def _as_of(as_of):
    """The caller's as-of date, or today: decided here, never inside SQL."""
    import datetime

    return as_of if as_of is not None else datetime.date.today()


def _scoped(viewer: Viewer, query: tuple[str, dict], order: str, public: bool = False,
            tables: tuple[str, ...] = (), warehouse: str | Path | None = None) -> pd.DataFrame:
    sql, params = query
    scoped = SCOPE_SQL + f"SELECT t.* FROM ({sql}) AS t WHERE {_OWNER_VISIBLE} ORDER BY {order}"
    params = {**params, **_scope_params(viewer), "students": viewer.may_see_students and not public}
    with _connect(warehouse, *PLAN_TABLES, *tables) as con:
        return con.execute(scoped, params).df()


def plan_alignment(viewer: Viewer, *, warehouse: str | Path | None = None, as_of=None) -> pd.DataFrame:
    """Alignment problems of the plans the viewer may see: problem, detail, level, entity_id,
    plan_id, goal_id, strategy_id, action_id (as of `as_of`, default today: overdue steps)."""
    from assets.plans import engine

    return _scoped(viewer, engine.alignment_query(_as_of(as_of)), "ALL", warehouse=warehouse)


def goal_progress(viewer: Viewer, as_of=None, *, warehouse: str | Path | None = None, public: bool = False,
                  band: float | None = None) -> pd.DataFrame:
    """Each visible goal's current, expected and projected value and status as of `as_of`
    (default today). A current value whose cell is suppressed is blanked, with its projection,
    for a viewer who may not see students and in public output, and its status says 'suppressed'."""
    from assets.plans import engine

    try:
        query = engine.goal_progress_query(_as_of(as_of), band)
    except engine.PlansError as error:
        raise DataError(str(error)) from None
    frame = _scoped(viewer, query, "t.plan_id, t.goal_id", public, ("mart.metric_values", "staging.department_kpis"),
                    warehouse)
    if _blank(viewer, public):
        hidden = frame["suppressed"].fillna(False).astype(bool)
        frame.loc[hidden, ["current_value", "projected_value"]] = None
        frame.loc[hidden, "status"] = "suppressed"
    return frame


def write_goal_progress_csv(viewer: Viewer, out: str | Path | TextIO | None = None, *, as_of=None,
                            warehouse: str | Path | None = None, public: bool = False) -> int:
    """goal_progress() as CSV with exactly GOAL_PROGRESS_COLUMNS (whole numbers without .0, blank
    for no data) to a path or a text stream (default stdout); return the row count."""
    frame = goal_progress(viewer, as_of, warehouse=warehouse, public=public)
    frame = frame[frame["metric_id"].notna()][list(GOAL_PROGRESS_COLUMNS)]
    rows = [[_csv_text(v) for v in row] for row in frame.itertuples(index=False)]
    if isinstance(out, (str, Path)):
        target = Path(out)
        if not target.parent.is_dir():
            raise DataError(f"cannot write {target}: folder {target.parent} does not exist")
        with target.open("w", newline="", encoding="utf-8") as handle:
            _write_rows(handle, rows)
    else:
        _write_rows(out if out is not None else sys.stdout, rows)
    return len(rows)


def _write_rows(stream: TextIO, rows: list[list[str]]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(GOAL_PROGRESS_COLUMNS)
    writer.writerows(rows)


def _csv_text(value) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "date") and callable(value.date):  # a pandas Timestamp: the day
        return value.date().isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def action_steps(viewer: Viewer, *, warehouse: str | Path | None = None, as_of=None) -> pd.DataFrame:
    """Action steps of the visible plans with owner, due date and timing (on_time, late,
    overdue, open) as of `as_of` (default today), in plan and step order."""
    from assets.plans import engine

    return _scoped(viewer, engine.action_steps_query(_as_of(as_of)),
                   "t.plan_id, t.goal_id, t.step_number, t.action_id", warehouse=warehouse)


def plan_schedule(viewer: Viewer, *, warehouse: str | Path | None = None, as_of=None) -> pd.DataFrame:
    """The plan-development schedule of the visible plans: expected and actual dates, slippage
    in days per task and per stage, as of `as_of` (default today)."""
    from assets.plans import engine

    return _scoped(viewer, engine.plan_schedule_query(_as_of(as_of)),
                   "t.plan_id, t.stage, t.expected_date NULLS LAST, t.task", warehouse=warehouse)


def meeting_cadence(viewer: Viewer, *, warehouse: str | Path | None = None, year: int | None = None) -> pd.DataFrame:
    """Meeting cadence met or missed per team (seed 000 cadences) for the visible entities: the
    periods that met the team's minimum out of the periods counted (mart.metric_values,
    meeting_cadence_met); `cadence` is 'met' when every counted period met it."""
    from assets.metrics.catalog import load_catalog

    cadences = load_catalog().metrics["meeting_cadence_met"].parameters["cadences"]
    sql = SCOPE_SQL + """
    SELECT v.school_year, $teams[list_position($team_levels, v.level)] AS team, v.level, v.entity_id, h.entity_name,
           v.numerator AS periods_met, v.denominator AS periods, v.value,
           CASE WHEN v.numerator = v.denominator THEN 'met' ELSE 'missed' END AS cadence
    FROM mart.metric_values AS v
    LEFT JOIN staging.org_hierarchy AS h ON h.entity_level = v.level AND h.entity_id = v.entity_id
    WHERE v.metric_id = 'meeting_cadence_met' AND v.student_group = 'all' AND v.level <> 'student'
      AND ($scope_id IS NULL OR (v.level, v.entity_id) IN (SELECT level, entity_id FROM visible_org))
      AND ($year IS NULL OR v.school_year = $year)
    ORDER BY v.school_year, list_position($levels, v.level), v.entity_id
    """
    params = {**_scope_params(viewer), "teams": [c["team"] for c in cadences],
              "team_levels": [c["level"] for c in cadences], "year": year, "levels": list(ORG_LEVELS)}
    with _connect(warehouse, "mart.metric_values", "staging.org_hierarchy") as con:
        return con.execute(sql, params).df()
