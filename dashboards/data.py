"""The only module that reads the marts, for the dashboard and the CLI exports.

Access rules live here, not in the pages (DESIGN.md "Privacy"):
- A viewer has a scope (a district, department, school, PLC or classroom) and sees that entity,
  the entities below it, and the aggregates above it (how its goals align to the layer above).
- Student-level rows only for a viewer who may see students, only for the students in scope
  (enrolled at a school in scope or in a section in scope that year), and never in public output.
- A suppressed cell (mart.metric_values.suppressed) keeps its flag and reason but has no
  numerator, denominator, n or value for a viewer who may not see students and in public output;
  a top- or bottom-coded cell shows its value_range instead ("<=5%", docs/metrics.md);
  "no data" stays blank (NULL), never zero.
- Classroom-level systems metrics (walkthroughs, meetings, action steps) describe one teacher:
  never in public output, and only for viewers whose scope holds that classroom.
- A request for something outside the scope raises AccessDenied and is logged on the
  `alignboard.access` logger (the user and what was asked, never student rows).
Queries read through one read-only connection per published warehouse file (DuckDB allows one
writer per file and a load swaps the file atomically, so a reader never sees half a load), and
dashboard queries are cached by warehouse_version(), which changes with every published load.
"""
from __future__ import annotations

import csv
import functools
import io
import json
import logging
import os
import sys
import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, TextIO

import duckdb
import pandas as pd

from assets.metrics.cfa_mastery import LATEST_SQL as CFA_LATEST_SQL
from assets.metrics.entity_cells import CELLS_SELECT
from assets.metrics.catalog import load_catalog
from assets.warehouse import default_path, existing_tables
from data_contracts.contract import load_contracts
from data_contracts.row_rules import quote
from data_contracts.vocabulary import CATEGORIES, LEVELS, ORG_LEVELS

METRIC_VALUE_COLUMNS = (
    "metric_id", "metric_version", "school_year", "period", "level", "entity_id", "student_group",
    "numerator", "denominator", "value", "suppressed", "suppression_reason", "value_range",
)
STALE_HOURS = 36.0

log = logging.getLogger("alignboard.access")


class DataError(Exception):
    """A request that cannot be answered; the message is one line for the user."""


class AccessDenied(DataError):
    """The request asks for something outside the viewer's scope (HTTP 403)."""


@dataclass(frozen=True)
class Viewer:
    """Who is asking. entity_id None with level 'district' means every district (an analyst).
    `user` names the person in the access log only."""

    level: str
    entity_id: str | None
    may_see_students: bool = False
    user: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.level not in ORG_LEVELS:
            raise DataError(f"a viewer's scope is one of {', '.join(ORG_LEVELS)}, not {self.level!r}")
        if self.entity_id is None and self.level != "district":
            raise DataError("only a district-wide viewer may have no entity")

    @classmethod
    def analyst(cls, may_see_students: bool = True) -> "Viewer":
        return cls("district", None, may_see_students)

    @property
    def scope(self) -> str:
        return self.level if self.entity_id is None else f"{self.level}:{self.entity_id}"


# Entities a viewer sees: the scope and everything below it, plus its ancestors; the students
# enrolled below it. $scope_id NULL = everything. The layers are fixed (staging/org_hierarchy.sql:
# district -> department | school -> plc -> classroom, a classroom without a PLC under its school)
# and every row carries its district_id and school_id, so no recursion is needed: on a district
# of 44,000 entities a recursive walk cost hundreds of milliseconds per request.
SCOPE_SQL = """
WITH scope AS (
    SELECT * FROM staging.org_hierarchy WHERE entity_level = $scope_level AND entity_id = $scope_id
), below AS (
    SELECT h.entity_level AS level, h.entity_id
    FROM staging.org_hierarchy AS h
    WHERE $scope_id IS NULL
       OR ($scope_level = 'district' AND h.district_id = $scope_id)
       OR ($scope_level = 'school' AND h.school_id = $scope_id)
       OR ($scope_level = 'plc' AND ((h.entity_level = 'plc' AND h.entity_id = $scope_id)
           OR (h.entity_level = 'classroom' AND h.parent_level = 'plc' AND h.parent_id = $scope_id)))
       OR ($scope_level IN ('department', 'classroom') AND h.entity_level = $scope_level AND h.entity_id = $scope_id)
), above AS (
    SELECT 'district' AS level, district_id AS entity_id FROM scope WHERE entity_level <> 'district'
    UNION ALL
    SELECT 'school', school_id FROM scope WHERE entity_level IN ('plc', 'classroom')
    UNION ALL
    SELECT parent_level, parent_id FROM scope WHERE entity_level = 'classroom' AND parent_level = 'plc'
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


# One read-only connection per warehouse file and version, shared by the threads of a server
# (each query runs on its own cursor). Opening a DuckDB file and listing its tables costs tens of
# milliseconds; a cursor well under one. A load publishes a new file under the same name: the next
# query sees a new version and opens it, while queries still on the old connection finish on the
# old file (it stays readable until its last cursor is gone).
_CONNECTIONS: dict[str, tuple[tuple[int, int], duckdb.DuckDBPyConnection, set[str]]] = {}
_CONNECTIONS_LOCK = threading.Lock()


def _open(path: Path) -> duckdb.DuckDBPyConnection:
    """The file attached read-only to a private in-memory database. duckdb.connect(path) would
    hand back the instance already open on that path in this process, i.e. the previous load's
    file for as long as any query still holds it."""
    con = duckdb.connect(":memory:")
    con.execute("ATTACH $path AS warehouse (READ_ONLY)", {"path": str(path)})
    return con


def _shared(path: Path) -> tuple[duckdb.DuckDBPyConnection, set[str]]:
    key = str(path.resolve())
    version = warehouse_version(path)
    with _CONNECTIONS_LOCK:
        entry = _CONNECTIONS.get(key)
        if entry is None or entry[0] != version:
            con = _open(path)
            con.execute("USE warehouse")
            entry = (version, con, existing_tables(con))
            _CONNECTIONS[key] = entry  # the old one closes when its last query ends
        cursor = entry[1].cursor()
    cursor.execute("USE warehouse")
    # a missing table is an error, never a Python variable of the same name
    cursor.execute("SET python_enable_replacements = false")
    return cursor, entry[2]


@contextmanager
def _connect(warehouse: str | Path | None, *tables: str) -> Iterator[duckdb.DuckDBPyConnection]:
    path = _path(warehouse)
    if not path.is_file():
        raise DataError(f"warehouse not found: {path} (run `alignboard load` first)")
    try:
        con, present = _shared(path)
    except (duckdb.Error, OSError) as error:
        raise DataError(f"cannot open warehouse {path}: {str(error).splitlines()[0]}") from None
    try:
        for table in tables:
            if table not in present:
                raise DataError(f"the warehouse {path} has no {table}; load and build the marts first")
        yield con
    finally:
        con.close()


# Query results of the dashboard, keyed by function, warehouse file and version, the viewer's
# access (not their name) and the arguments. Large results (whole exports) are not kept.
_CACHE: OrderedDict = OrderedDict()
_CACHE_LOCK = threading.Lock()
CACHE_ENTRIES = 512
CACHE_MAX_ROWS = 50_000


def _copy(result):
    if isinstance(result, pd.DataFrame):
        return result.copy()
    if isinstance(result, dict):
        return {k: _copy(v) for k, v in result.items()}
    if isinstance(result, list):
        return [_copy(v) for v in result]
    return result


def _rows(result) -> int:
    if isinstance(result, pd.DataFrame):
        return len(result)
    if isinstance(result, dict):
        return sum(_rows(v) for v in result.values())
    return 1


def _cached(function):
    """Cache a query function taking (viewer, *args, warehouse=..., **kwargs). Refusals are
    exceptions, never cached, so every refused request is logged."""
    @functools.wraps(function)
    def wrapper(viewer: Viewer, *args, warehouse: str | Path | None = None, **kwargs):
        path = _path(warehouse)
        try:
            version = warehouse_version(path)
        except OSError:
            return function(viewer, *args, warehouse=warehouse, **kwargs)  # raises the DataError
        key = (function.__name__, str(path.resolve()), version,
               (viewer.level, viewer.entity_id, viewer.may_see_students), args, tuple(sorted(kwargs.items())))
        with _CACHE_LOCK:
            if key in _CACHE:
                _CACHE.move_to_end(key)
                return _copy(_CACHE[key])
        result = function(viewer, *args, warehouse=warehouse, **kwargs)
        if _rows(result) <= CACHE_MAX_ROWS:
            with _CACHE_LOCK:
                _CACHE[key] = _copy(result)
                while len(_CACHE) > CACHE_ENTRIES:
                    _CACHE.popitem(last=False)
        return result
    return wrapper


def clear_cache() -> None:
    with _CACHE_LOCK:
        _CACHE.clear()


def _refuse(viewer: Viewer, asked: str) -> AccessDenied:
    """Log a refused request (who, and what they asked for) and return the error to raise."""
    log.warning("refused: user=%r scope=%s students=%s asked=%s", viewer.user, viewer.scope,
                viewer.may_see_students, asked)
    return AccessDenied(f"{asked} is outside your scope")


def _scope_params(viewer: Viewer) -> dict:
    return {"scope_level": viewer.level, "scope_id": viewer.entity_id}


def _blank(viewer: Viewer, public: bool) -> bool:
    return public or not viewer.may_see_students


def _check_level(level: str | None, allowed: tuple[str, ...] = LEVELS) -> None:
    if level is not None and level not in allowed:
        raise DataError(f"level must be one of {', '.join(allowed)}, not {level!r}")


def _metric_values_sql(viewer: Viewer, public: bool, level: str | None, metric: str | None,
                       year: int | None, entity: str | None = None,
                       group: str | None = None) -> tuple[str, dict]:
    students = viewer.may_see_students and not public
    _check_level(level)
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
      AND ($entity IS NULL OR v.entity_id = $entity)
      AND ($group IS NULL OR v.student_group = $group)
      AND ($metric IS NULL OR v.metric_id = $metric OR starts_with(v.metric_id, $metric || '.'))
      AND ($year IS NULL OR v.school_year = $year)
      AND NOT ($public AND v.level = 'classroom' AND split_part(v.metric_id, '.', 1) IN (SELECT family FROM mart.metric_catalog WHERE kind = 'systems'))
    ORDER BY v.metric_id, v.school_year, v.level, v.entity_id, v.student_group
    """
    params = {**_scope_params(viewer), "blank": _blank(viewer, public), "students": students,
              "level": level, "entity": entity, "group": group, "metric": metric, "year": year,
              "public": public}
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


def _check_export_entity(con: duckdb.DuckDBPyConnection, viewer: Viewer, public: bool, level: str | None,
                         entity: str | None) -> None:
    """An export for one entity: it must exist at that level (any level when none) and be in scope."""
    if entity is None:
        return
    if level == "student" or level is None:
        if level == "student" and (public or not viewer.may_see_students):
            raise _refuse(viewer, f"student {entity!r}")
        student = con.execute("SELECT count(*) FROM staging.students WHERE student_id = $id",
                              {"id": entity}).fetchone()[0]
        if student and level == "student":
            _student_in_scope(con, viewer, entity)
            return
    levels = ORG_LEVELS if level in (None, "student") else (level,)
    found = con.execute(
        SCOPE_SQL + """
        SELECT h.entity_level, (h.entity_level, h.entity_id) IN (SELECT level, entity_id FROM visible_org)
        FROM staging.org_hierarchy AS h WHERE h.entity_id = $entity AND list_contains($levels, h.entity_level)
        """,
        {**_scope_params(viewer), "entity": entity, "levels": list(levels)},
    ).fetchall()
    if any(visible for _, visible in found):
        return
    if found:
        raise _refuse(viewer, f"{found[0][0]} {entity!r}")
    if level is None and student:
        if public or not viewer.may_see_students:
            raise _refuse(viewer, f"student {entity!r}")
        _student_in_scope(con, viewer, entity)
        return
    raise DataError(f"unknown {level or 'entity'} {entity!r}")


def metric_values(viewer: Viewer, *, warehouse: str | Path | None = None, level: str | None = None,
                  metric: str | None = None, year: int | None = None, public: bool = False,
                  entity: str | None = None, group: str | None = None) -> pd.DataFrame:
    """Rows of mart.metric_values the viewer may see, blanked where suppressed for them.
    `metric` is an exact id or a family (proficiency_rate -> every proficiency_rate.*)."""
    sql, params = _metric_values_sql(viewer, public, level, metric, year, entity, group)
    with _connect(warehouse, "mart.metric_values", "mart.metric_catalog", "staging.org_hierarchy") as con:
        _check_metric(con, metric)
        _check_export_entity(con, viewer, public, level, entity)
        return con.execute(sql, params).df()


def _number_text(column: str) -> str:
    """CSV text of a number column: whole numbers without '.0', blank (NULL) for no data."""
    c = quote(column)
    return (f"CASE WHEN {c} IS NULL THEN NULL WHEN {c} = trunc({c}) AND abs({c}) < 1e15 "
            f"THEN CAST(CAST({c} AS BIGINT) AS VARCHAR) ELSE CAST({c} AS VARCHAR) END AS {c}")


def _csv_select(query: str) -> str:
    """The export's columns as CSV text: numbers as _number_text, booleans Y/N (landing-files.md)."""
    return (
        "SELECT metric_id, metric_version, school_year, period, level, entity_id, student_group, "
        + ", ".join(_number_text(c) for c in ("numerator", "denominator", "value"))
        + ", CASE WHEN suppressed THEN 'Y' ELSE 'N' END AS suppressed, suppression_reason, value_range FROM ("
        + query + ")"
    )


def write_metric_values_csv(viewer: Viewer, out: str | Path | TextIO | None = None, *,
                            warehouse: str | Path | None = None, level: str | None = None,
                            metric: str | None = None, year: int | None = None, public: bool = False,
                            entity: str | None = None, group: str | None = None) -> int:
    """Write the rows metric_values() returns as CSV with exactly METRIC_VALUE_COLUMNS to a file
    path (DuckDB COPY, fast at any size) or a text stream (default stdout); return the row count."""
    sql, params = _metric_values_sql(viewer, public, level, metric, year, entity, group)
    query = _csv_select(sql)
    with _connect(warehouse, "mart.metric_values", "mart.metric_catalog", "staging.org_hierarchy") as con:
        _check_metric(con, metric)
        _check_export_entity(con, viewer, public, level, entity)
        if isinstance(out, (str, Path)):
            target = Path(out)
            if not target.parent.is_dir():
                raise DataError(f"cannot write {target}: folder {target.parent} does not exist")
            copy = "COPY (" + query + ") TO $out_path (HEADER, DELIMITER ',')"
            (rows,) = con.execute(copy, {**params, "out_path": str(target)}).fetchone()
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


def metric_values_csv(viewer: Viewer, *, warehouse: str | Path | None = None, level: str | None = None,
                      entity: str | None = None, metric: str | None = None, year: int | None = None,
                      group: str | None = None) -> str:
    """The CSV text of GET /export/metrics.csv: `alignboard export metrics` for this viewer."""
    out = io.StringIO()
    write_metric_values_csv(viewer, out, warehouse=warehouse, level=level, metric=metric, year=year,
                            entity=entity, group=group)
    return out.getvalue()


def csv_text(frame: pd.DataFrame) -> str:
    """A frame the dashboard shows, as CSV formatted like the export (whole numbers without .0,
    booleans Y/N, blank for no data); list and dict columns are left out."""
    keep = [c for c in frame.columns
            if not frame[c].map(lambda v: isinstance(v, (list, dict, tuple))).any()]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(keep)
    writer.writerows([_csv_cell(v) for v in row] for row in frame[keep].itertuples(index=False))
    return out.getvalue()


def _csv_cell(value) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "Y" if value else "N"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


# ---------------------------------------------------------------------------------------------
# Entities and navigation

def _entity(con: duckdb.DuckDBPyConnection, viewer: Viewer, level: str, entity_id: str) -> str:
    """The entity's name, if it exists and the viewer may see it."""
    _check_level(level, ORG_LEVELS)
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
        raise _refuse(viewer, f"{level} {entity_id!r}")
    return row[0]


def _student_in_scope(con: duckdb.DuckDBPyConnection, viewer: Viewer, student_id: str) -> None:
    if not viewer.may_see_students:
        raise _refuse(viewer, f"student {student_id!r}")
    seen, visible = con.execute(
        SCOPE_SQL + """
        SELECT (SELECT count(*) FROM staging.students WHERE student_id = $student),
               (SELECT count(*) FROM visible_students WHERE student_id = $student)
        """,
        {**_scope_params(viewer), "student": student_id},
    ).fetchone()
    if not seen:
        raise DataError(f"unknown student {student_id!r}")
    if not visible:
        raise _refuse(viewer, f"student {student_id!r}")


# The org entities a viewer may open (the scope and everything below it); $school: only the PLCs
# and classrooms of that school; $parent_level/$parent_id: only that entity's children;
# $only_level: only that level.
_OPENABLE_SQL = SCOPE_SQL + """
SELECT h.entity_level AS level, h.entity_id, h.entity_name, h.parent_level, h.parent_id, h.school_id
FROM staging.org_hierarchy AS h
JOIN below AS b ON b.level = h.entity_level AND b.entity_id = h.entity_id
LEFT JOIN staging.sections AS s ON h.entity_level = 'classroom' AND s.section_id = h.entity_id
WHERE ($year IS NULL OR s.school_year IS NULL OR s.school_year = $year)
  AND ($school IS NULL OR (h.school_id = $school AND h.entity_level IN ('plc', 'classroom')))
  AND ($parent_level IS NULL OR (h.parent_level = $parent_level AND h.parent_id = $parent_id))
  AND ($only_level IS NULL OR h.entity_level = $only_level)
ORDER BY list_position(['district', 'department', 'school', 'plc', 'classroom'], h.entity_level),
         h.entity_name, h.entity_id
"""


def _openable(con: duckdb.DuckDBPyConnection, viewer: Viewer, year: int | None, school: str | None = None,
              parent: tuple[str, str] | None = None, only_level: str | None = None) -> pd.DataFrame:
    return con.execute(_OPENABLE_SQL, {
        **_scope_params(viewer), "year": year, "school": school, "only_level": only_level,
        "parent_level": parent[0] if parent else None, "parent_id": parent[1] if parent else None,
    }).df()


@_cached
def home(viewer: Viewer, *, warehouse: str | Path | None = None) -> tuple[str, str]:
    """The entity a viewer lands on: their scope (an all-district analyst: the first district)."""
    if viewer.entity_id is not None:
        return viewer.level, viewer.entity_id
    with _connect(warehouse, "staging.org_hierarchy") as con:
        row = con.execute("SELECT min(entity_id) FROM staging.org_hierarchy WHERE entity_level = 'district'").fetchone()
    if row[0] is None:
        raise DataError("the warehouse has no district yet; load the landing files first")
    return "district", row[0]


@_cached
def entity(viewer: Viewer, level: str, entity_id: str, *, warehouse: str | Path | None = None) -> dict:
    """One org entity the viewer may see: level, entity_id, entity_name, parent_level, parent_id, school_id."""
    with _connect(warehouse, "staging.org_hierarchy") as con:
        _entity(con, viewer, level, entity_id)
        cursor = con.execute(
            "SELECT entity_level AS level, entity_id, entity_name, parent_level, parent_id, school_id "
            "FROM staging.org_hierarchy WHERE entity_level = $level AND entity_id = $id",
            {"level": level, "id": entity_id},
        )
        names = [d[0] for d in cursor.description]
        return dict(zip(names, cursor.fetchone()))


@_cached
def breadcrumbs(viewer: Viewer, level: str, entity_id: str, *, warehouse: str | Path | None = None) -> list[dict]:
    """The path from the district down to the entity: level, entity_id, entity_name, in_scope
    (False for an ancestor above the viewer's scope, whose aggregates they see but cannot drill)."""
    with _connect(warehouse, "staging.org_hierarchy") as con:
        _entity(con, viewer, level, entity_id)
        rows = con.execute(
            SCOPE_SQL + """
            , target AS (
                SELECT * FROM staging.org_hierarchy WHERE entity_level = $level AND entity_id = $id
            ), chain(depth, level, entity_id) AS (
                SELECT 0, 'district', district_id FROM target
                UNION ALL SELECT 1, 'school', school_id FROM target WHERE entity_level IN ('plc', 'classroom')
                UNION ALL SELECT 2, parent_level, parent_id FROM target
                          WHERE entity_level = 'classroom' AND parent_level = 'plc'
                UNION ALL SELECT 3, entity_level, entity_id FROM target WHERE entity_level <> 'district'
            )
            SELECT c.level, c.entity_id, h.entity_name,
                   (c.level, c.entity_id) IN (SELECT level, entity_id FROM below) AS in_scope
            FROM chain AS c
            JOIN staging.org_hierarchy AS h ON h.entity_level = c.level AND h.entity_id = c.entity_id
            ORDER BY c.depth
            """,
            {**_scope_params(viewer), "level": level, "id": entity_id},
        ).fetchall()
    return [dict(zip(("level", "entity_id", "entity_name", "in_scope"), row)) for row in rows]


@_cached
def children(viewer: Viewer, level: str, entity_id: str, *, warehouse: str | Path | None = None,
             year: int | None = None) -> pd.DataFrame:
    """The entities one step down that the viewer may open: district -> departments and schools,
    school -> PLCs and its classrooms (of `year`, default the latest), PLC -> classrooms."""
    with _connect(warehouse, "staging.org_hierarchy", "staging.sections") as con:
        _entity(con, viewer, level, entity_id)
        return _children(con, viewer, level, entity_id, year)


def _children(con: duckdb.DuckDBPyConnection, viewer: Viewer, level: str, entity_id: str,
              year: int | None) -> pd.DataFrame:
    if year is None:
        year = con.execute("SELECT max(school_year) FROM staging.sections").fetchone()[0]
    if level == "school":  # its PLCs and its classrooms, with or without a PLC
        frame = _openable(con, viewer, year, school=entity_id)
    else:
        frame = _openable(con, viewer, year, parent=(level, entity_id))
    return frame[["level", "entity_id", "entity_name", "parent_level", "parent_id"]]


@_cached
def entity_tree(viewer: Viewer, *, warehouse: str | Path | None = None, year: int | None = None) -> pd.DataFrame:
    """Every org entity the viewer may open (scope and below): level, entity_id, entity_name,
    parent_level, parent_id, school_id (classrooms of `year` only, when given)."""
    with _connect(warehouse, "staging.org_hierarchy", "staging.sections") as con:
        return _openable(con, viewer, year)


@_cached
def years(viewer: Viewer, *, warehouse: str | Path | None = None) -> list[int]:
    """The school years with scorecards (metric values of the organisation), oldest first."""
    with _connect(warehouse, "mart.scorecard") as con:
        return [y for (y,) in con.execute(
            "SELECT DISTINCT school_year FROM mart.scorecard ORDER BY school_year").fetchall()]


@_cached
def student_groups(viewer: Viewer, *, warehouse: str | Path | None = None) -> list[str]:
    """The student group codes that have values, 'all' first."""
    with _connect(warehouse, "staging.student_groups") as con:
        groups = [g for (g,) in con.execute(
            "SELECT DISTINCT student_group FROM staging.student_groups ORDER BY student_group").fetchall()]
    return ["all", *(g for g in groups if g != "all")]


GROUP_DIMENSIONS = {
    "race_ethnicity": "Race/ethnicity", "idea": "Students with disabilities", "english_learner": "English learners",
    "econ_disadvantaged": "Economically disadvantaged", "sex": "Sex", "grade": "Grade",
}


def group_label(code: str) -> str:
    """'race_ethnicity:black' -> 'Race/ethnicity: black'; 'all' -> 'All students'."""
    if code == "all":
        return "All students"
    dimension, _, value = code.partition(":")
    return f"{GROUP_DIMENSIONS.get(dimension, dimension)}: {value.replace('_', ' ')}"


def _check_group(con: duckdb.DuckDBPyConnection, group: str) -> None:
    if group == "all":
        return
    known = con.execute("SELECT count(*) FROM (SELECT 1 FROM staging.student_groups WHERE student_group = $g LIMIT 1)",
                        {"g": group}).fetchone()[0]
    if not known:
        raise DataError(f"unknown student group {group!r}")


def _year(con: duckdb.DuckDBPyConnection, level: str, entity_id: str, year: int | None) -> int | None:
    """The requested year, or the entity's latest year with a value."""
    if year is not None:
        return year
    return con.execute(
        "SELECT coalesce(max(school_year) FILTER (WHERE value IS NOT NULL), max(school_year)) "
        "FROM mart.scorecard WHERE level = $level AND entity_id = $entity_id",
        {"level": level, "entity_id": entity_id},
    ).fetchone()[0]


# ---------------------------------------------------------------------------------------------
# Scorecards and metric detail

# Scorecard rows of some entities ($levels/$ids zipped), years ($year NULL = all) and metrics
# ($metric NULL = all) for one student group: the rows of mart.scorecard (which metrics, targets,
# direction) with the group's own value, n, status and prior year from mart.metric_cells (the
# same cells sorted by entity, each with the status the pipeline computed by the scorecard's rule).
CARD_SQL = """
WITH wanted AS (
    SELECT unnest($levels::VARCHAR[]) AS level, unnest($ids::VARCHAR[]) AS entity_id
), base AS (
    SELECT s.* FROM mart.scorecard AS s JOIN wanted AS w USING (level, entity_id)
    WHERE ($year IS NULL OR s.school_year = $year) AND ($metric IS NULL OR s.metric_id = $metric)
      -- classroom systems metrics describe one teacher: never public (docs/metrics.md)
      AND NOT ($public AND s.level = 'classroom' AND split_part(s.metric_id, '.', 1) IN
               (SELECT metric_key FROM mart.metric_catalog WHERE kind = 'systems'))
), cells AS (
    SELECT v.*
    FROM mart.metric_cells AS v
    JOIN wanted AS w USING (level, entity_id)
    WHERE v.student_group = $group AND v.period = 'year' AND ($metric IS NULL OR v.metric_id = $metric)
), trend AS (
    SELECT level, entity_id, metric_id,
           list({'school_year': school_year, 'value': CASE WHEN $blank AND suppressed THEN NULL ELSE value END}
                ORDER BY school_year) AS trend
    FROM cells GROUP BY ALL
), card AS (
    SELECT b.school_year, b.level, b.entity_id, b.entity_name, $group AS student_group, b.perspective,
           c.perspective_order, b.metric_id, b.metric_name, b.metric_version, b.direction, b.unit,
           v.value, b.target, b.near_band, v.metric_id IS NULL AS no_cell, v.status AS cell_status,
           p.value AS prior_value, v.numerator, v.denominator, v.n,
           coalesce(v.suppressed, false) AS suppressed, v.suppression_reason, v.value_range,
           coalesce(p.suppressed, false) AS prior_suppressed, c.definition, t.trend
    FROM base AS b
    JOIN mart.metric_catalog AS c ON c.metric_key = split_part(b.metric_id, '.', 1)
    LEFT JOIN cells AS v ON v.school_year = b.school_year AND v.level = b.level
     AND v.entity_id = b.entity_id AND v.metric_id = b.metric_id
    LEFT JOIN cells AS p ON p.school_year = b.school_year - 1 AND p.level = b.level
     AND p.entity_id = b.entity_id AND p.metric_id = b.metric_id AND p.metric_version = b.metric_version
    LEFT JOIN trend AS t ON t.level = b.level AND t.entity_id = b.entity_id AND t.metric_id = b.metric_id
)
SELECT school_year, level, entity_id, entity_name, student_group, perspective, perspective_order,
       metric_id, metric_name, metric_version, direction, unit,
       CASE WHEN $blank AND suppressed THEN NULL ELSE value END AS value,
       target, near_band,
       CASE WHEN $blank AND suppressed THEN 'suppressed' WHEN no_cell THEN 'no_data' ELSE cell_status END
           AS status,
       CASE WHEN $blank AND prior_suppressed THEN NULL ELSE prior_value END AS prior_value,
       CASE WHEN $blank AND (suppressed OR prior_suppressed) THEN NULL ELSE value - prior_value END AS change_vs_prior,
       CASE WHEN $blank AND suppressed THEN NULL ELSE numerator END AS numerator,
       CASE WHEN $blank AND suppressed THEN NULL ELSE denominator END AS denominator,
       CASE WHEN $blank AND suppressed THEN NULL ELSE n END::DOUBLE AS n,
       suppressed, suppression_reason, CASE WHEN $blank THEN value_range END AS value_range, definition,
       $data_date::TIMESTAMPTZ AS data_date,
       coalesce(trend, []) AS trend
FROM card
ORDER BY perspective_order, metric_id, school_year, level, entity_id
"""


def _data_date(con: duckdb.DuckDBPyConnection):
    """When the data was last loaded (None for a warehouse without load records)."""
    try:
        return con.execute("SELECT max(loaded_at) FROM mart.data_quality WHERE status = 'loaded'").fetchone()[0]
    except duckdb.CatalogException:
        return None


def _card(con: duckdb.DuckDBPyConnection, viewer: Viewer, public: bool, entities: list[tuple[str, str]],
          year: int | None, group: str, metric: str | None = None) -> pd.DataFrame:
    return con.execute(_cells_sql(con, CARD_SQL), {
        "levels": [e[0] for e in entities], "ids": [e[1] for e in entities], "year": year,
        "metric": metric, "group": group, "blank": _blank(viewer, public), "public": public,
        "data_date": _data_date(con),
    }).df()


_CARD_TABLES = ("mart.scorecard", "mart.metric_values", "mart.metric_value_counts", "mart.metric_catalog",
                "staging.org_hierarchy", "staging.student_groups")


def _cells_sql(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """`sql` reading mart.metric_cells, or on a warehouse built without that mart (the metric
    assets alone) the same cells from its query (entity_cells.CELLS_SELECT), unsorted and slower."""
    try:
        con.execute("SELECT 1 FROM mart.metric_cells LIMIT 0")
        return sql
    except duckdb.CatalogException:
        return sql.replace("mart.metric_cells", "(" + CELLS_SELECT + ")")


@_cached
def scorecard(viewer: Viewer, level: str, entity_id: str, *, warehouse: str | Path | None = None,
              year: int | None = None, public: bool = False, group: str = "all") -> pd.DataFrame:
    """One entity's balanced scorecard for a year (default: its latest year with data) and a
    student group, in perspective order, with n, definition, data date and the trend over the
    loaded years. Suppressed values are blanked for this viewer and status says 'suppressed'."""
    with _connect(warehouse, *_CARD_TABLES) as con:
        _entity(con, viewer, level, entity_id)
        _check_group(con, group)
        school_year = _year(con, level, entity_id, year)
        return _card(con, viewer, public, [(level, entity_id)], school_year, group)



def _metric_row(con: duckdb.DuckDBPyConnection, metric_id: str) -> dict:
    cursor = con.execute(
        """SELECT $m AS metric_id, f.name AS metric_name, f.family, f.perspective, f.definition, f.version,
                  f.unit, f.direction, coalesce(k.target, f.target) AS target, coalesce(k.near, f.near) AS near,
                  f.near_mode, f.min_n, f.n_unit
           FROM mart.metric_catalog AS f
           LEFT JOIN mart.metric_catalog AS k ON k.metric_key = $m AND $m <> f.metric_key
           WHERE f.metric_key = split_part($m, '.', 1)""",
        {"m": metric_id},
    )
    row = cursor.fetchone()
    if row is None:
        raise DataError(f"unknown metric {metric_id!r} (see docs/metrics.md for the metric ids)")
    return dict(zip([d[0] for d in cursor.description], row))


@_cached
def metric_info(viewer: Viewer, metric_id: str, *, warehouse: str | Path | None = None) -> dict:
    """The definition of a metric id: metric_id, metric_name, family, perspective, definition,
    version, unit, direction, target, near, near_mode, min_n, n_unit."""
    with _connect(warehouse, "mart.metric_catalog") as con:
        return _metric_row(con, metric_id)


@_cached
def metric_trend(viewer: Viewer, level: str, entity_id: str, metric_id: str, *,
                 warehouse: str | Path | None = None, group: str = "all") -> pd.DataFrame:
    """One metric of one entity and group over every loaded year (scorecard columns)."""
    with _connect(warehouse, *_CARD_TABLES) as con:
        _entity(con, viewer, level, entity_id)
        _metric_row(con, metric_id)
        _check_group(con, group)
        card = _card(con, viewer, False, [(level, entity_id)], None, group, metric_id)
    return card.drop(columns=["trend"]).sort_values("school_year").reset_index(drop=True)


@_cached
def metric_by_group(viewer: Viewer, level: str, entity_id: str, metric_id: str, *,
                    warehouse: str | Path | None = None, year: int | None = None) -> pd.DataFrame:
    """The metric for every student group side by side: student_group, group_label, value,
    numerator, denominator, n, suppressed, suppression_reason ('all' first)."""
    with _connect(warehouse, *_CARD_TABLES) as con:
        _entity(con, viewer, level, entity_id)
        _metric_row(con, metric_id)
        school_year = _year(con, level, entity_id, year)
        frame = con.execute(_cells_sql(con,
            """SELECT v.student_group,
                      CASE WHEN $blank AND v.suppressed THEN NULL ELSE v.value END AS value,
                      CASE WHEN $blank AND v.suppressed THEN NULL ELSE v.numerator END AS numerator,
                      CASE WHEN $blank AND v.suppressed THEN NULL ELSE v.denominator END AS denominator,
                      CASE WHEN $blank AND v.suppressed THEN NULL ELSE v.n END::DOUBLE AS n,
                      v.suppressed, v.suppression_reason
               FROM mart.metric_cells AS v
               WHERE v.level = $level AND v.entity_id = $id AND v.metric_id = $metric
                 AND v.school_year = $year AND v.period = 'year'
               ORDER BY v.student_group <> 'all', v.student_group"""),
            {"blank": _blank(viewer, False), "level": level, "id": entity_id, "metric": metric_id,
             "year": school_year},
        ).df()
    frame.insert(1, "group_label", frame["student_group"].map(group_label))
    frame.insert(0, "school_year", school_year)
    return frame


@_cached
def metric_children(viewer: Viewer, level: str, entity_id: str, metric_id: str, *,
                    warehouse: str | Path | None = None, year: int | None = None,
                    group: str = "all") -> pd.DataFrame:
    """The metric for the child entities the viewer may open (as children()), one row each with
    the scorecard columns; a child without the metric has value NaN and status 'no_data' or no row."""
    with _connect(warehouse, *_CARD_TABLES, "staging.sections") as con:
        _entity(con, viewer, level, entity_id)
        _metric_row(con, metric_id)
        _check_group(con, group)
        school_year = _year(con, level, entity_id, year)
        kids = _children(con, viewer, level, entity_id, school_year)
        if kids.empty:
            return _card(con, viewer, False, [], school_year, group, metric_id).drop(columns=["trend"])
        card = _card(con, viewer, False, list(zip(kids.level, kids.entity_id)), school_year, group, metric_id)
    order = {key: i for i, key in enumerate(zip(kids.level, kids.entity_id))}
    card["_order"] = [order[key] for key in zip(card.level, card.entity_id)]
    return card.sort_values("_order").drop(columns=["_order", "trend"]).reset_index(drop=True)


def metric_detail(viewer: Viewer, level: str, entity_id: str, metric_id: str, *,
                  warehouse: str | Path | None = None, year: int | None = None, group: str = "all") -> dict:
    """Everything the metric page shows: info, trend, groups, children."""
    return {
        "info": metric_info(viewer, metric_id, warehouse=warehouse),
        "trend": metric_trend(viewer, level, entity_id, metric_id, warehouse=warehouse, group=group),
        "groups": metric_by_group(viewer, level, entity_id, metric_id, warehouse=warehouse, year=year),
        "children": metric_children(viewer, level, entity_id, metric_id, warehouse=warehouse, year=year,
                                    group=group),
    }


# ---------------------------------------------------------------------------------------------
# Needs assessment

NEEDS_HIDDEN = ("value", "n", "gap_to_target", "gap_to_district", "others_value", "others_n", "group_gap")


@_cached
def needs_assessment(viewer: Viewer, level: str, entity_id: str, *, warehouse: str | Path | None = None,
                     year: int | None = None, public: bool = False) -> pd.DataFrame:
    """The needs assessment of a school or the district for a year (default: latest with data)."""
    if level not in ("district", "school"):
        raise DataError("a needs assessment exists for the district and for schools")
    with _connect(warehouse, "mart.needs_assessment", "mart.scorecard", "staging.org_hierarchy") as con:
        _entity(con, viewer, level, entity_id)
        school_year = _year(con, level, entity_id, year)
        blanked = ", ".join(f"CASE WHEN $blank AND suppressed THEN NULL ELSE {quote(c)} END::DOUBLE AS {quote(c)}"
                            for c in NEEDS_HIDDEN)
        return con.execute(
            "SELECT * REPLACE (" + blanked + """)
            FROM mart.needs_assessment
            WHERE level = $level AND entity_id = $entity_id AND school_year = $year
            ORDER BY row_type DESC, rank NULLS LAST, metric_id, student_group
            """,
            {"blank": _blank(viewer, public), "level": level, "entity_id": entity_id, "year": school_year},
        ).df()



@_cached
def needs_heatmap(viewer: Viewer, level: str, entity_id: str, *, warehouse: str | Path | None = None,
                  year: int | None = None) -> pd.DataFrame:
    """Groups x metrics for a heatmap (long form): metric_id, metric_name, perspective,
    student_group, group_label, value, n, group_gap (positive = the group does better than the
    other students), large_gap, suppressed."""
    needs = needs_assessment(viewer, level, entity_id, warehouse=warehouse, year=year)
    gaps = needs[needs.row_type == "group_gap"]
    with _connect(warehouse, "mart.scorecard") as con:
        names = con.execute(
            "SELECT DISTINCT metric_id, metric_name FROM mart.scorecard WHERE level = $level AND entity_id = $id",
            {"level": level, "id": entity_id},
        ).df()
    frame = gaps.merge(names, on="metric_id", how="left")
    frame["group_label"] = frame["student_group"].map(group_label)
    columns = ["school_year", "metric_id", "metric_name", "perspective", "student_group", "group_label",
               "value", "n", "group_gap", "large_gap", "suppressed"]
    return frame[columns].sort_values(["metric_id", "student_group"]).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Equity: the disparity marts

# For a viewer who may not see students, a row whose group misses the minimum cell or n-size
# shows no counts (it has no ratio anyway), and when a single row of a breakdown (year, LEA,
# category) is hidden, the smallest other count is hidden with it, so the hidden count cannot
# be recovered from the others. Comparison counts are never shown to them: with the group's
# counts they would give the hidden ones back.
EQUITY_SQL = """
WITH rows AS (
    SELECT d.*, h.entity_name AS lea_name,
           d.na_reason IN ('group_count_below_min_cell', 'group_population_below_min_n', 'group_population_zero')
               AS small
    FROM mart.disparity AS d
    LEFT JOIN staging.org_hierarchy AS h ON h.entity_level = d.lea_level AND h.entity_id = d.lea_id
    WHERE list_contains($leas, d.lea_level || ':' || d.lea_id)
      AND ($year IS NULL OR d.school_year = $year)
      AND ($category IS NULL OR d.category = $category)
), marked AS (
    SELECT *,
           count(*) FILTER (WHERE small) OVER breakdown AS small_in_breakdown,
           row_number() OVER (PARTITION BY school_year, lea_level, lea_id, category, small
                              ORDER BY count, "group") AS size_rank
    FROM rows
    WINDOW breakdown AS (PARTITION BY school_year, lea_level, lea_id, category)
), hidden AS (
    SELECT *, $blank AND (small OR (small_in_breakdown = 1 AND size_rank = 1)) AS suppressed
    FROM marked
)
SELECT school_year, lea_level, lea_id, lea_name, category, "group",
       CASE WHEN suppressed THEN NULL ELSE count END::DOUBLE AS count,
       CASE WHEN suppressed THEN NULL ELSE population END::DOUBLE AS population,
       CASE WHEN suppressed THEN NULL ELSE risk END AS risk,
       CASE WHEN $blank THEN NULL ELSE comparison_count END::DOUBLE AS comparison_count,
       CASE WHEN $blank THEN NULL ELSE comparison_population END::DOUBLE AS comparison_population,
       CASE WHEN suppressed THEN NULL ELSE comparison_risk END AS comparison_risk, ratio_type, ratio, weighted_risk_ratio, ci_low, ci_high, risk_difference,
       odds_ratio, CASE WHEN suppressed THEN NULL ELSE composition END AS composition,
       flagged, na_reason, years_over_threshold, significant, prior_year_ratio, two_years_prior_ratio,
       threshold, min_cell, min_n, consecutive_years, suppressed,
       CASE WHEN suppressed AND small THEN 'fewer than ' || min_cell || ' with the outcome or ' || min_n || ' in the group'
            WHEN suppressed THEN 'complementary' END AS suppression_reason
FROM hidden
ORDER BY school_year, lea_level DESC, lea_name, category, "group"
"""


def equity_categories() -> tuple[str, ...]:
    return CATEGORIES


def _equity(con: duckdb.DuckDBPyConnection, viewer: Viewer, leas: list[tuple[str, str]], year: int | None,
            category: str | None) -> pd.DataFrame:
    if category is not None and category not in CATEGORIES:
        raise DataError(f"unknown disparity category {category!r}")
    if year is None:
        year = con.execute("SELECT max(school_year) FROM mart.disparity").fetchone()[0]
    return con.execute(EQUITY_SQL, {
        "leas": [f"{level}:{lea}" for level, lea in leas], "year": year or None, "category": category,
        "blank": _blank(viewer, False),
    }).df()


@_cached
def equity(viewer: Viewer, level: str, entity_id: str, *, warehouse: str | Path | None = None,
           year: int | None = None, category: str | None = None) -> pd.DataFrame:
    """Disproportionality of the district or a school by category and group (year None = the
    latest year, 0 = every year): every column of mart.disparity plus lea_name, suppressed and
    suppression_reason; counts blanked as EQUITY_SQL says for a viewer who may not see students."""
    if level not in ("district", "school"):
        raise DataError("disproportionality is measured for the district and for schools")
    with _connect(warehouse, "mart.disparity", "staging.org_hierarchy") as con:
        _entity(con, viewer, level, entity_id)
        return _equity(con, viewer, [(level, entity_id)], year, category)


@_cached
def equity_schools(viewer: Viewer, category: str, *, warehouse: str | Path | None = None,
                   year: int | None = None) -> pd.DataFrame:
    """One category for every school the viewer may open, side by side (equity() columns);
    'mtss_any' or 'mtss_<area>_tier<t>' gives MTSS identification by building."""
    with _connect(warehouse, "mart.disparity", "staging.org_hierarchy", "staging.sections") as con:
        schools = _openable(con, viewer, None, only_level="school")
        return _equity(con, viewer, [("school", s) for s in schools.entity_id], year, category)


# ---------------------------------------------------------------------------------------------
# Classroom data center and the student data folder

def _sections_of(con: duckdb.DuckDBPyConnection, viewer: Viewer, level: str, entity_id: str,
                 year: int | None) -> list[str]:
    """The classrooms of a school, PLC or classroom (checked against the viewer's scope)."""
    if level not in ("school", "plc", "classroom"):
        raise DataError("classroom data exists for a school, a PLC or a classroom")
    _entity(con, viewer, level, entity_id)
    column = {"school": "school_id", "plc": "plc_id", "classroom": "section_id"}[level]
    return [s for (s,) in con.execute(
        "SELECT section_id FROM staging.sections WHERE " + quote(column) + " = $id "
        "AND ($year IS NULL OR school_year = $year)",
        {"id": entity_id, "year": year},
    ).fetchall()]


_CFA_LATEST_YEAR = {
    "mart": "SELECT max(school_year) FROM mart.cfa_mastery WHERE list_contains($s, section_id)",
    "staging": "SELECT max(school_year) FROM staging.cfa_results WHERE list_contains($s, section_id)",
}


def _cfa_year(con: duckdb.DuckDBPyConnection, source: str, sections: list[str], year: int | None) -> int | None:
    """The requested year, or the latest year with CFA results in these classrooms."""
    if year is not None:
        return year
    return con.execute(_CFA_LATEST_YEAR[source], {"s": sections}).fetchone()[0]


@_cached
def cfa_mastery(viewer: Viewer, level: str, entity_id: str, *, warehouse: str | Path | None = None,
                year: int | None = None) -> pd.DataFrame:
    """CFA mastery by assessment and standard for a school, PLC or classroom (aggregates only):
    school_year, cfa_id, cfa_title, standard_code, administered_date (latest), students, mastered,
    mastery_rate, suppressed, suppression_reason. Fewer students than the metric's minimum n are
    hidden for a viewer who may not see students."""
    with _connect(warehouse, "mart.cfa_mastery", "mart.metric_catalog", "staging.sections",
                  "staging.org_hierarchy") as con:
        sections = _sections_of(con, viewer, level, entity_id, None)
        school_year = _cfa_year(con, "mart", sections, year)
        return con.execute(
            """WITH cells AS (
                   SELECT school_year, cfa_id, any_value(cfa_title) AS cfa_title, standard_code,
                          max(administered_date) AS administered_date,
                          sum(students)::BIGINT AS students, sum(mastered)::BIGINT AS mastered
                   FROM mart.cfa_mastery
                   WHERE list_contains($sections, section_id) AND school_year = $year
                   GROUP BY school_year, cfa_id, standard_code
               ), rule AS (
                   SELECT min_n, n_unit FROM mart.metric_catalog WHERE metric_key = 'cfa_mastery_rate'
               )
               SELECT c.school_year, c.cfa_id, c.cfa_title, c.standard_code, c.administered_date,
                      CASE WHEN hide THEN NULL ELSE c.students END::DOUBLE AS students,
                      CASE WHEN hide THEN NULL ELSE c.mastered END::DOUBLE AS mastered,
                      CASE WHEN hide THEN NULL ELSE c.mastered / c.students END AS mastery_rate,
                      c.students < r.min_n AS suppressed,
                      CASE WHEN c.students < r.min_n THEN 'fewer than ' || r.min_n || ' ' || r.n_unit END
                          AS suppression_reason
               FROM cells AS c, rule AS r, LATERAL (SELECT $blank AND c.students < r.min_n AS hide)
               ORDER BY c.administered_date, c.cfa_id, c.standard_code""",
            {"sections": sections, "year": school_year, "blank": _blank(viewer, False)},
        ).df()


@_cached
def cfa_students(viewer: Viewer, level: str, entity_id: str, *, warehouse: str | Path | None = None,
                 year: int | None = None) -> pd.DataFrame:
    """Each student's latest result on each CFA and standard, for a viewer who may see students:
    student_id, section_id, cfa_id, cfa_title, standard_code, administered_date, score, max_score,
    mastered."""
    with _connect(warehouse, "staging.cfa_results", "staging.sections", "staging.org_hierarchy") as con:
        if not viewer.may_see_students:
            raise _refuse(viewer, f"students of {level} {entity_id!r}")
        sections = _sections_of(con, viewer, level, entity_id, None)
        school_year = _cfa_year(con, "staging", sections, year)
        return con.execute(
            CFA_LATEST_SQL + """
            SELECT student_id, section_id, cfa_id, cfa_title, standard_code, administered_date, score,
                   max_score, mastered
            FROM latest ORDER BY section_id, student_id, administered_date, cfa_id, standard_code""",
            {"sections": sections, "year": school_year, "student": None},
        ).df()


@_cached
def roster(viewer: Viewer, level: str, entity_id: str, *, warehouse: str | Path | None = None,
           year: int | None = None) -> pd.DataFrame:
    """The students of a school, PLC or classroom, for a viewer who may see them: student_id,
    school_id, grade_level, race_ethnicity (to open a student's folder)."""
    with _connect(warehouse, "staging.students", "staging.section_enrollments", "staging.sections",
                  "staging.org_hierarchy") as con:
        if not viewer.may_see_students:
            raise _refuse(viewer, f"students of {level} {entity_id!r}")
        sections = _sections_of(con, viewer, level, entity_id, None)
        if year is None:
            year = con.execute("SELECT max(school_year) FROM staging.students").fetchone()[0]
        return con.execute(
            """SELECT st.student_id, st.school_id, st.grade_level, st.race_ethnicity
               FROM staging.students AS st
               WHERE st.school_year = $year AND (
                   ($level = 'school' AND st.school_id = $id)
                   OR st.student_id IN (SELECT student_id FROM staging.section_enrollments
                                        WHERE school_year = $year AND list_contains($sections, section_id)))
               ORDER BY st.student_id""",
            {"year": year, "level": level, "id": entity_id, "sections": sections},
        ).df()


@_cached
def student_folder(viewer: Viewer, student_id: str, *, warehouse: str | Path | None = None,
                   year: int | None = None) -> dict:
    """One student's data folder, only for a viewer who may see that student: 'student' (dict),
    'attendance', 'assessments', 'cfa', 'discipline', 'interventions' (DataFrames, every year
    unless `year`)."""
    with _connect(warehouse, "staging.students", "staging.student_groups", "staging.org_hierarchy",
                  "staging.section_enrollments") as con:
        _student_in_scope(con, viewer, student_id)
        params = {"student": student_id, "year": year}
        cursor = con.execute(
            """SELECT st.student_id, st.school_id, h.entity_name AS school_name, st.grade_level,
                      st.school_year, st.race_ethnicity,
                      (SELECT list(student_group ORDER BY student_group) FROM staging.student_groups AS g
                       WHERE g.student_id = st.student_id AND g.school_year = st.school_year
                         AND g.student_group <> 'all') AS groups
               FROM staging.students AS st
               LEFT JOIN staging.org_hierarchy AS h ON h.entity_level = 'school' AND h.entity_id = st.school_id
               WHERE st.student_id = $student AND ($year IS NULL OR st.school_year = $year)
               ORDER BY st.school_year DESC LIMIT 1""",
            params,
        )
        row = cursor.fetchone()
        profile = dict(zip([d[0] for d in cursor.description], row)) if row else {"student_id": student_id}
        queries = {
            "attendance": """
                SELECT school_year, school_id, count(*) AS days_enrolled,
                       count(*) FILTER (WHERE list_contains($attended, status)) AS days_attended,
                       count(*) FILTER (WHERE list_contains($attended, status)) / count(*) AS attendance_rate,
                       count(*) FILTER (WHERE status = 'excused_absence') AS excused,
                       count(*) FILTER (WHERE status = 'unexcused_absence') AS unexcused,
                       count(*) FILTER (WHERE status = 'tardy') AS tardy
                FROM staging.attendance_daily
                WHERE student_id = $student AND ($year IS NULL OR school_year = $year)
                GROUP BY school_year, school_id ORDER BY school_year, school_id""",
            "assessments": """
                SELECT school_year, assessment_name, subject, "window", test_date, scale_score,
                       performance_level, proficient
                FROM staging.assessments
                WHERE student_id = $student AND ($year IS NULL OR school_year = $year)
                ORDER BY test_date, assessment_name, subject""",
            "cfa": CFA_LATEST_SQL + """
                SELECT school_year, cfa_id, cfa_title, standard_code, administered_date, score, max_score, mastered
                FROM latest ORDER BY administered_date, cfa_id, standard_code""",
            "discipline": """
                SELECT school_year, incident_date, school_id, behavior, action, days_removed
                FROM staging.discipline_incidents
                WHERE student_id = $student AND ($year IS NULL OR school_year = $year)
                ORDER BY incident_date""",
            "interventions": """
                SELECT school_year, area, tier, intervention_name, identified_date, start_date, end_date
                FROM staging.mtss_interventions
                WHERE student_id = $student AND ($year IS NULL OR school_year = $year)
                ORDER BY identified_date, area, tier""",
        }
        folder: dict = {"student": profile}
        for name, sql in queries.items():
            query_params = {
                "cfa": {**params, "sections": None},
                "attendance": {**params, "attended": _attended_statuses()},
            }.get(name, params)
            try:
                folder[name] = con.execute(sql, query_params).df()
            except duckdb.CatalogException:
                folder[name] = pd.DataFrame()  # that landing file was never loaded
        return folder


# ---------------------------------------------------------------------------------------------
# Data quality

def _failures_path(warehouse: str | Path | None) -> Path:
    """Failed runs are recorded beside the warehouse (pipelines/run_failures.py writes it)."""
    return Path(f"{_path(warehouse)}.failures.jsonl")


@_cached
def _quality_rows(viewer: Viewer, *, warehouse: str | Path | None = None) -> pd.DataFrame:
    with _connect(warehouse, "mart.data_quality") as con:
        frame = con.execute(
            """WITH latest AS (
                   SELECT * FROM mart.data_quality
                   QUALIFY row_number() OVER (PARTITION BY file ORDER BY loaded_at DESC) = 1
               ), good AS (
                   SELECT file, max(loaded_at) AS last_good_load FROM mart.data_quality
                   WHERE status = 'loaded' GROUP BY file
               )
               SELECT c.file AS contract, coalesce(l.source_file, c.file || '.csv') AS file,
                      coalesce(l.status, 'missing') AS status, coalesce(l.rows_read, 0) AS rows_read,
                      coalesce(l.rows_loaded, 0) AS rows_loaded, coalesce(l.rows_quarantined, 0) AS rows_quarantined,
                      CAST(l.reasons AS VARCHAR) AS reasons, l.checks_passed, l.checks_failed,
                      coalesce(l.message, CASE WHEN l.file IS NULL THEN 'never loaded' END) AS message,
                      l.loaded_at, g.last_good_load
               FROM (SELECT unnest($files::VARCHAR[]) AS file) AS c
               LEFT JOIN latest AS l USING (file) LEFT JOIN good AS g USING (file)
               ORDER BY c.file""",
            {"files": sorted(load_contracts())},
        ).df()
    frame["reasons"] = [json.loads(r) if isinstance(r, str) and r else {} for r in frame["reasons"]]
    return frame


def data_quality(viewer: Viewer, *, warehouse: str | Path | None = None) -> pd.DataFrame:
    """The latest load of every landing file of the contracts: contract (the file's name without
    extension), file, status ('loaded'|'rejected'|'missing'; never loaded = missing),
    rows_read, rows_loaded, rows_quarantined, reasons (dict reason -> rows), checks_passed,
    checks_failed, message, loaded_at, last_good_load, age_hours (since the last good load)."""
    frame = _quality_rows(viewer, warehouse=warehouse)
    now = pd.Timestamp.now(tz="UTC")
    frame["age_hours"] = [(now - t).total_seconds() / 3600 if pd.notna(t) else float("nan")
                          for t in frame["last_good_load"]]
    return frame


@_cached
def failed_checks(viewer: Viewer, *, warehouse: str | Path | None = None) -> pd.DataFrame:
    """The failed Great Expectations checks of each file's latest validation: file, expectation,
    column_name, observed, validated_at."""
    with _connect(warehouse, "mart.gx_results") as con:
        return con.execute(
            """SELECT file, expectation, column_name, observed, validated_at
               FROM mart.gx_results
               WHERE NOT success
                 AND (file, validated_at) IN (SELECT file, max(validated_at) FROM mart.gx_results GROUP BY file)
               ORDER BY file, expectation"""
        ).df()


def recent_failures(viewer: Viewer, *, warehouse: str | Path | None = None, limit: int = 5) -> pd.DataFrame:
    """The latest failed runs (run_id, job, message, failed_at), newest last."""
    path = _failures_path(warehouse)
    columns = ["run_id", "job", "message", "failed_at"]
    if not path.is_file():
        return pd.DataFrame(columns=columns)
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue  # a torn last line from a killed writer
        if isinstance(entry, dict):
            entries.append({c: entry.get(c) for c in columns})
    return pd.DataFrame(entries[-limit:], columns=columns)


def banner(*, warehouse: str | Path | None = None, max_age_hours: float | None = None) -> str | None:
    """A warning for the top of every page: the data is older than max_age_hours
    (`$ALIGNBOARD_STALE_HOURS`, default 36) or a file was rejected at the last load; None if fine."""
    if max_age_hours is None:
        max_age_hours = float(os.environ.get("ALIGNBOARD_STALE_HOURS", STALE_HOURS))
    try:
        quality = data_quality(Viewer.analyst(False), warehouse=warehouse)
    except DataError as error:
        return str(error)
    messages = []
    rejected = quality[quality.status == "rejected"]
    if not rejected.empty:
        messages.append("rejected at the last load (showing the last good data): " + ", ".join(rejected.file))
    loaded = quality["last_good_load"].dropna()
    if not loaded.empty:
        age = (pd.Timestamp.now(tz="UTC") - loaded.max()).total_seconds() / 3600
        if age > max_age_hours:
            messages.append(f"the data is {age:.0f} hours old (last load {loaded.max():%Y-%m-%d %H:%M} UTC)")
    return "; ".join(messages) or None


def _attended_statuses() -> list[str]:
    """The attendance statuses that count as attended: the attendance_rate metric's parameter."""
    return list(load_catalog().metrics["attendance_rate"].parameters["attended_statuses"])


@_cached
def _catalog(viewer: Viewer, *, warehouse: str | Path | None = None) -> pd.DataFrame:
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


def metric_definitions(*, warehouse: str | Path | None = None) -> pd.DataFrame:
    """The definitions and versions the values were computed with (for every tile)."""
    return _catalog(Viewer.analyst(False), warehouse=warehouse)
