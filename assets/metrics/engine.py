"""Build mart.metric_values from the staging tables, every metric at every level and group.

Each metric family's SQL (sql/<family>.sql) yields one row per unit (student, respondent, staff
member, walkthrough ...) and entity; sql/rollup_units.sql rolls those up in one GROUPING SETS
pass per family, with the student groups as columns so nothing is exploded by group. Families
with `output: cells` (kpi) yield final cells. Suppression (suppression.py) then marks small
cells, and the result is published with the version of the definition each value came from.
No Dagster here: assets.py wraps this, tests call it on a connection with hand-built staging.
"""
from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field
from collections.abc import Sequence
from typing import Callable

import duckdb

from assets.metrics import sqltext
from assets.metrics.catalog import Catalog, Metric, load_catalog
from assets.metrics.sqltext import Sql
from assets.metrics.suppression import CodingBand, apply_suppression, load_coding_bands
from assets.warehouse import existing_tables

_DIMENSION = re.compile(r"^[a-z][a-z0-9_]*$")
UNIT_KEY = ("u.metric_id", "u.school_year", "u.level", "u.entity_id")

CELLS_TABLE = """
CREATE OR REPLACE TEMP TABLE metric_cells (
    cell_id BIGINT, metric_id VARCHAR, metric_version INTEGER, school_year INTEGER, period VARCHAR,
    level VARCHAR, entity_id VARCHAR, student_group VARCHAR,
    numerator DOUBLE, denominator DOUBLE, value DOUBLE, n BIGINT,
    min_n INTEGER, n_unit VARCHAR, suppressed BOOLEAN, suppression_reason VARCHAR, value_range VARCHAR
)
"""


class MetricsError(RuntimeError):
    """The staging data cannot be turned into metrics; the message says why."""


@dataclass
class BuildSummary:
    rows: int = 0
    suppressed: int = 0
    metrics: dict[str, int] = field(default_factory=dict)  # family -> cells
    skipped: dict[str, list[str]] = field(default_factory=dict)  # family -> missing tables


def group_dimensions(con: duckdb.DuckDBPyConnection, present: set[str]) -> list[str]:
    """Pivot staging.student_groups into metric_group_dimensions; return the dimensions."""
    if "staging.student_groups" not in present:
        con.execute("CREATE OR REPLACE TEMP TABLE metric_group_dimensions (student_id VARCHAR, school_year INTEGER)")
        return []
    dimensions = [
        d for (d,) in con.execute(
            "SELECT DISTINCT split_part(student_group, ':', 1) FROM staging.student_groups "
            "WHERE student_group <> 'all' ORDER BY 1"
        ).fetchall()
    ]
    bad = [d for d in dimensions if not _DIMENSION.match(d)]
    if bad:
        raise MetricsError(f"staging.student_groups has group codes without a valid dimension: {bad[:3]}")
    clash = con.execute(
        "SELECT student_id, school_year, split_part(student_group, ':', 1) AS dimension "
        "FROM staging.student_groups WHERE student_group <> 'all' "
        "GROUP BY ALL HAVING count(DISTINCT student_group) > 1 LIMIT 1"
    ).fetchone()
    if clash:
        raise MetricsError(
            f"staging.student_groups puts student {clash[0]} in two {clash[2]} groups in {clash[1]}; "
            "a student has one record per school year"
        )
    columns = "".join(
        f",\n       max(student_group) FILTER (WHERE split_part(student_group, ':', 1) = '{d}') AS d_{d}"
        for d in dimensions
    )
    con.execute(sqltext.render(sqltext.read("group_dimensions.sql"), {"dimension_columns": Sql(columns)}))
    return dimensions


def _rollup_sql(metric: Metric, units_sql: str, dimensions: list[str]) -> str:
    base = ", ".join(UNIT_KEY)
    by_group = dimensions if metric.kind == "student" else []
    grouping_sets = [f"({base})"] + [f"({base}, g.d_{d})" for d in by_group]
    if by_group:
        label = "CASE " + " ".join(
            f"WHEN GROUPING(g.d_{d}) = 0 THEN g.d_{d}" for d in by_group
        ) + " ELSE 'all' END"
        join = (
            "LEFT JOIN metric_group_dimensions AS g ON g.student_id = u.student_id "
            "AND g.school_year = u.school_year AND u.level <> 'student'"
        )
    else:
        label, join = "'all'", ""
    return sqltext.render(sqltext.read("rollup_units.sql"), {
        "units": Sql(units_sql),
        "group_label": Sql(label),
        "group_join": Sql(join),
        "grouping_sets": Sql(", ".join(grouping_sets)),
        "levels": list(metric.levels),
    })


def _cells_sql(metric: Metric, units_sql: str) -> str:
    levels = sqltext.literal(list(metric.levels))
    return (
        "SELECT metric_id, school_year, level, entity_id, student_group, numerator, denominator, "
        f"value, n FROM ({units_sql}) AS c WHERE level IN ({levels}) AND value IS NOT NULL"
    )


def _insert_family(con: duckdb.DuckDBPyConnection, metric: Metric, dimensions: list[str],
                   as_of: dt.date, first_cell_id: int) -> int:
    """Add the family's cells to metric_cells; a metric_id outside the family stops the build."""
    values = {**metric.parameters, "metric_id": metric.id, "as_of": as_of}
    try:
        units_sql = sqltext.render(metric.sql_text(), values)
    except KeyError as error:
        raise MetricsError(f"metric {metric.id}: {error.args[0]}") from None
    select = _cells_sql(metric, units_sql) if metric.output == "cells" else _rollup_sql(metric, units_sql, dimensions)
    family = sqltext.literal(metric.id)
    try:
        (count,) = con.execute(
            f"""
            INSERT INTO metric_cells
            SELECT {first_cell_id} + row_number() OVER (),
                   CASE WHEN metric_id = {family} OR starts_with(metric_id, {family} || '.') THEN metric_id
                        ELSE error('metric ' || {family} || ': its SQL produced metric_id ' || metric_id) END,
                   {metric.version}, school_year, 'year', level, entity_id, student_group,
                   numerator, denominator, value, n, {metric.min_n}, {sqltext.literal(metric.n_unit)},
                   false, NULL, NULL
            FROM ({select})
            """
        ).fetchone()
    except duckdb.InvalidInputException as error:
        raise MetricsError(str(error).split("Error: ", 1)[-1]) from None
    return count


def build_metric_values(
    con: duckdb.DuckDBPyConnection,
    catalog: Catalog | None = None,
    as_of: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
    coding_bands: Sequence[CodingBand] | None = None,
) -> BuildSummary:
    """Create mart.metric_values, mart.metric_value_counts and mart.metric_catalog on `con`.

    `as_of` (default today) decides which action steps are due and which meeting periods have
    ended; it is not part of any definition. `progress` receives one line per metric family.
    `coding_bands` (default: disclosure.yaml or $ALIGNBOARD_CONFIG) are the top and bottom coding
    bands; () codes nothing (tests of the arithmetic on tiny districts).
    """
    catalog = catalog or load_catalog()
    as_of = as_of or dt.date.today()
    present = existing_tables(con)
    summary = BuildSummary()
    con.execute("CREATE SCHEMA IF NOT EXISTS mart")
    dimensions = group_dimensions(con, present)
    con.execute(CELLS_TABLE)
    prepared: set[str] = set()
    for metric in catalog.metrics.values():
        missing = [table for table in metric.requires if table not in present]
        if missing:
            summary.skipped[metric.id] = missing
            continue
        for name, path in zip(metric.prep, metric.prep_paths()):
            if name not in prepared:
                con.execute(path.read_text(encoding="utf-8"))
                prepared.add(name)
        started = time.perf_counter()
        cells = sum(summary.metrics.values())
        summary.metrics[metric.id] = _insert_family(con, metric, dimensions, as_of, cells)
        if progress:
            progress(f"{metric.id}: {summary.metrics[metric.id]:,} cells in {time.perf_counter() - started:.1f} s")
    # top and bottom coding for the shares that are suppressed for privacy (min_n > 0)
    coded = [m.id for m in catalog.metrics.values() if m.unit == "share" and m.min_n > 0]
    bands = load_coding_bands() if coding_bands is None else coding_bands
    summary.suppressed = apply_suppression(con, "metric_cells", coded, bands)
    con.execute(sqltext.read("write_metric_values.sql"))
    write_catalog_table(con, catalog)
    summary.rows = con.execute("SELECT count(*) FROM mart.metric_values").fetchone()[0]
    for table in ("metric_cells", "metric_group_dimensions",
                  *(f"metric_{name}" for name in prepared)):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    return summary


CATALOG_COLUMNS = (
    "metric_key VARCHAR, family VARCHAR, name VARCHAR, perspective VARCHAR, perspective_order INTEGER, "
    "kind VARCHAR, levels VARCHAR, direction VARCHAR, unit VARCHAR, numerator VARCHAR, denominator VARCHAR, "
    "target DOUBLE, near DOUBLE, near_mode VARCHAR, min_n INTEGER, n_unit VARCHAR, version INTEGER, "
    "definition VARCHAR, split_by VARCHAR, scorecard_rows VARCHAR"
)


def write_catalog_table(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    """mart.metric_catalog: the definitions the values were computed with (one row per family,
    plus one per dotted id with its own target), for the scorecard and the dashboard tiles."""
    rows = []
    for metric in catalog.metrics.values():
        order = catalog.perspectives.index(metric.perspective) + 1
        base = [metric.id, metric.name, metric.perspective, order, metric.kind, ",".join(metric.levels),
                metric.direction, metric.unit, metric.numerator, metric.denominator]
        tail = [metric.near_mode, metric.min_n, metric.n_unit, metric.version, metric.definition,
                metric.split_by, metric.scorecard_rows]
        rows.append([metric.id, *base, metric.target, metric.near, *tail])
        for key, sub in metric.targets.items():
            target = sub["target"] if sub["target"] is not None else metric.target
            near = sub["near"] if sub["near"] is not None else metric.near
            rows.append([key, *base, target, near, *tail])
    con.execute(f"CREATE OR REPLACE TABLE mart.metric_catalog ({CATALOG_COLUMNS})")
    con.executemany(f"INSERT INTO mart.metric_catalog VALUES ({', '.join('?' * 20)})", rows)
