"""Build mart.metric_values from the staging tables, every metric at every level and group.

Each metric family's SQL (sql/<family>.sql) yields one row per unit (student, respondent, staff
member, walkthrough ...), entity and period (periods.py: the school year, and the months and
years to date of the year in progress); sql/rollup_units.sql rolls those up in one GROUPING SETS
pass per family, with the student groups as columns so nothing is exploded by group. Families
with `output: cells` (kpi) yield final cells. Suppression (suppression.py) then marks small
cells, and the result is published with the version of the definition each value came from.
Only the families whose inputs changed are recomputed (family_version, docs/metrics.md).
No Dagster here: assets.py wraps this, tests call it on a connection with hand-built staging.
"""
from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Sequence
from typing import Callable

import duckdb

from assets import versions
from assets.metrics import periods as metric_periods
from assets.metrics import sqltext, suppression
from assets.metrics.catalog import Catalog, Metric, load_catalog
from assets.metrics.suppression import CodingBand, apply_suppression, load_coding_bands
from assets.warehouse import existing_tables
from data_contracts.row_rules import quote

_DIMENSION = re.compile(r"^[a-z][a-z0-9_]*$")
UNIT_KEY = ("u.metric_id", "u.school_year", "u.period", "u.level", "u.entity_id")

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
    metrics: dict[str, int] = field(default_factory=dict)  # family recomputed -> cells
    skipped: dict[str, list[str]] = field(default_factory=dict)  # family -> missing tables
    kept: list[str] = field(default_factory=list)  # families whose inputs did not change
    version: str = ""  # the data version stamped on mart.metric_values and its counts


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
        f",\n       max(student_group) FILTER (WHERE split_part(student_group, ':', 1) = $dimension_{i})"
        f" AS {_dimension_column(d)}"
        for i, d in enumerate(dimensions)
    )
    sql = sqltext.fill(sqltext.read("group_dimensions.sql"), {"dimension_columns": columns})
    sqltext.run(con, sql, {f"dimension_{i}": d for i, d in enumerate(dimensions)})
    return dimensions


def _dimension_column(dimension: str) -> str:
    return quote(f"d_{dimension}")


def _rollup_sql(metric: Metric, units_sql: str, dimensions: list[str], every_period_in_full: bool) -> str:
    """Roll the family's unit rows up to cells (levels are the parameter $levels): the school
    year at every level with a breakdown per student group dimension; the months and years to
    date (periods.py) for all students at the district, department, school and PLC levels only,
    which keeps their cost down (a group's, a classroom's or a student's value to date is computed
    on request, asof.py, where `every_period_in_full` rolls up every period like the year)."""
    base = ", ".join(UNIT_KEY)
    columns = [f"g.{_dimension_column(d)}" for d in (dimensions if metric.kind == "student" else [])]
    grouping_sets = [f"({base})"] + [f"({base}, {c})" for c in columns]
    if columns:
        label = "CASE " + " ".join(f"WHEN GROUPING({c}) = 0 THEN {c}" for c in columns) + " ELSE 'all' END"
        join = (
            "LEFT JOIN metric_group_dimensions AS g ON g.student_id = u.student_id "
            "AND g.school_year = u.school_year AND u.level <> 'student'"
        )
    else:
        label, join = "'all'", ""
    template = sqltext.read("rollup_units.sql")
    year = sqltext.fill(template, {
        "units": units_sql, "group_label": label, "group_join": join, "grouping_sets": ", ".join(grouping_sets),
        "pass_periods": "true" if every_period_in_full else "detailed",
        "periods": "true" if every_period_in_full else f"u.period = '{metric_periods.YEAR}'",
    })
    if every_period_in_full:
        return year
    to_date = sqltext.fill(template, {
        "units": units_sql, "group_label": "'all'", "group_join": "", "grouping_sets": f"({base})",
        "pass_periods": "NOT detailed",
        "periods": f"u.period <> '{metric_periods.YEAR}' AND u.level NOT IN ('student', 'classroom')",
    })
    return f"SELECT * FROM ({year})\nUNION ALL\nSELECT * FROM ({to_date})"


def _cells_sql(units_sql: str) -> str:
    return (
        "SELECT metric_id, school_year, period, level, entity_id, student_group, numerator, denominator, "
        f"value, n FROM ({units_sql}) AS c WHERE list_contains($levels, level) AND value IS NOT NULL"
    )


INSERT_CELLS = """
INSERT INTO metric_cells
SELECT $first_cell_id + row_number() OVER (),
       CASE WHEN metric_id = $metric_id OR starts_with(metric_id, $metric_id || '.') THEN metric_id
            ELSE error('metric ' || $metric_id || ': its SQL produced metric_id ' || metric_id) END,
       $metric_version, school_year, period, level, entity_id, student_group,
       numerator, denominator, value, n, $min_n, $n_unit, false, NULL, NULL
FROM ({{select}})
"""


def _insert_family(con: duckdb.DuckDBPyConnection, metric: Metric, dimensions: list[str],
                   as_of: dt.date, first_cell_id: int, every_period_in_full: bool) -> int:
    """Add the family's cells to metric_cells; a metric_id outside the family stops the build.
    A family whose SQL does not read metric_periods (a district's own metric written before
    periods) has school-year values only."""
    units_sql = metric.sql_text()
    if "metric_periods" not in sqltext.strip_comments(units_sql):
        units_sql = f"SELECT *, '{metric_periods.YEAR}' AS period FROM ({units_sql})"
    select = (_cells_sql(units_sql) if metric.output == "cells"
              else _rollup_sql(metric, units_sql, dimensions, every_period_in_full))
    values = {
        **metric.parameters, "metric_id": metric.id, "as_of": as_of, "levels": list(metric.levels),
        "first_cell_id": first_cell_id, "metric_version": metric.version, "min_n": metric.min_n,
        "n_unit": metric.n_unit,
    }
    try:
        (count,) = sqltext.run(con, sqltext.fill(INSERT_CELLS, {"select": select}), values).fetchone()
    except KeyError as error:
        raise MetricsError(f"metric {metric.id}: {error.args[0]}") from None
    except duckdb.InvalidInputException as error:
        raise MetricsError(str(error).split("Error: ", 1)[-1]) from None
    return count


ENGINE_FILES = (
    Path(__file__), Path(suppression.__file__), Path(metric_periods.__file__),
    *(sqltext.SQL_DIR / name for name in (
        "group_dimensions.sql", "rollup_units.sql", "suppress_prepare.sql", "suppress_populations.sql",
        "suppress_candidates.sql", "suppress_complementary.sql",
        "suppress_apply.sql", "write_metric_values.sql")),
)
VALUES_TABLES = ["mart.metric_values", "mart.metric_value_counts"]
CATALOG_TABLE = "mart.metric_catalog"


def engine_version() -> str:
    """The code version of the engine itself (a family's own SQL is in its fingerprint)."""
    return versions.code_version(*ENGINE_FILES)


def family_inputs(metric: Metric) -> set[str]:
    """Every table a family's values depend on: what it requires, what its SQL and prep read,
    the org hierarchy (suppression) and, for student metrics, the student groups."""
    texts = [metric.sql_text(), *(path.read_text(encoding="utf-8") for path in metric.prep_paths())]
    inputs = set(metric.requires) | sqltext.tables_read(*texts) | {"staging.org_hierarchy"}
    if metric.kind == "student":
        inputs.add("staging.student_groups")
    return inputs


def is_coded(metric: Metric) -> bool:
    """Top and bottom coding applies to the shares that are suppressed for privacy."""
    return metric.unit == "share" and metric.min_n > 0


def family_version(con: duckdb.DuckDBPyConnection, metric: Metric, as_of: dt.date, engine: str,
                   bands: Sequence[CodingBand] = (), periods: Sequence[metric_periods.Period] = ()) -> str | None:
    """The version of a family's values: its inputs' data versions, its definition, everything
    else that changes its cells or their suppression (the coding bands, the periods computed),
    and the engine; None if an input has none."""
    settings = {
        "fingerprint": metric.fingerprint(), "version": metric.version, "levels": metric.levels,
        "min_n": metric.min_n, "n_unit": metric.n_unit, "kind": metric.kind, "output": metric.output,
        "parameters": metric.parameters, "coding": list(bands) if is_coded(metric) else None,
        "as_of": as_of if "as_of" in sqltext.parameters_used(metric.sql_text()) else None,
        "periods": [(p.school_year, p.period, p.start.isoformat(), p.end.isoformat(), p.detailed) for p in periods],
    }
    return versions.derived_version(con, family_inputs(metric), engine, settings)


def _computed_versions(con: duckdb.DuckDBPyConnection, present: set[str]) -> dict[str, str]:
    """Family -> version of the values now in mart.metric_values (empty: build everything)."""
    if not {*VALUES_TABLES, CATALOG_TABLE} <= present:
        return {}
    columns = {name for (name,) in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'mart' AND table_name = 'metric_catalog'"
    ).fetchall()}
    if "values_version" not in columns:
        return {}
    rows = con.execute("SELECT DISTINCT family, values_version FROM mart.metric_catalog "
                       "WHERE values_version IS NOT NULL").fetchall()
    return dict(rows)


def compute_cells(con: duckdb.DuckDBPyConnection, metrics: Sequence[Metric], dimensions: list[str],
                  as_of: dt.date, progress: Callable[[str], None] | None = None,
                  every_period_in_full: bool = False) -> tuple[dict[str, int], set[str]]:
    """Fill the temp table metric_cells with the cells of `metrics` for the periods in the temp
    table metric_periods (the months and years to date: all students, district to PLC only,
    unless `every_period_in_full`); return the cells per family and the prep tables made."""
    con.execute(CELLS_TABLE)
    prepared: dict[str, dict] = {}
    counts: dict[str, int] = {}
    for metric in metrics:
        for name, path in zip(metric.prep, metric.prep_paths()):
            sql = path.read_text(encoding="utf-8")
            try:
                values = sqltext.bind(sql, metric.parameters)
            except KeyError as error:
                raise MetricsError(f"metric {metric.id}: prep {name}: {error.args[0]}") from None
            if prepared.get(name) != values:  # shared unless the metrics' parameters differ
                sqltext.run(con, sql, values)
                prepared[name] = values
        started = time.perf_counter()
        counts[metric.id] = _insert_family(con, metric, dimensions, as_of, sum(counts.values()),
                                           every_period_in_full)
        if progress:
            progress(f"{metric.id}: {counts[metric.id]:,} cells in {time.perf_counter() - started:.1f} s")
    return counts, set(prepared)


def build_metric_values(
    con: duckdb.DuckDBPyConnection,
    catalog: Catalog | None = None,
    as_of: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
    incremental: bool = True,
    coding_bands: Sequence[CodingBand] | None = None,
) -> BuildSummary:
    """Create or update mart.metric_values, mart.metric_value_counts and mart.metric_catalog.

    A family whose version (family_version) equals the one its values were computed with is
    kept as it is; the others are recomputed, suppressed and replaced (suppression never crosses
    families). `incremental=False` recomputes every family. `as_of` (default today) decides
    which action steps are due and which meeting periods have ended; it is not part of any
    definition. `progress` receives one line per metric family. The tables are stamped with
    their data versions (assets/warehouse.py). `coding_bands` (default: disclosure.yaml or
    $ALIGNBOARD_CONFIG) are the top and bottom coding bands; () codes nothing (tests of the
    arithmetic on tiny districts).
    """
    catalog = catalog or load_catalog()
    as_of = as_of or dt.date.today()
    present = existing_tables(con)
    summary = BuildSummary()
    con.execute("CREATE SCHEMA IF NOT EXISTS mart")
    engine = engine_version()
    bands = load_coding_bands() if coding_bands is None else list(coding_bands)
    computed = _computed_versions(con, present) if incremental else {}
    periods = metric_periods.nightly_periods(con, present, as_of)
    metric_periods.create_periods_table(con, periods)
    wanted: dict[str, str | None] = {}
    for metric in catalog.metrics.values():
        missing = [table for table in metric.requires if table not in present]
        if missing:
            summary.skipped[metric.id] = missing
            continue
        wanted[metric.id] = family_version(con, metric, as_of, engine, bands, periods)
    kept = sorted(f for f, version in wanted.items() if version is not None and computed.get(f) == version)
    summary.kept = kept
    todo = [catalog.metrics[f] for f in wanted if f not in kept]
    if not kept:
        for table in VALUES_TABLES:
            con.execute(f"DROP TABLE IF EXISTS {sqltext.table(table)}")
    dimensions = group_dimensions(con, present) if any(m.kind == "student" for m in todo) else []
    summary.metrics, prepared = compute_cells(con, todo, dimensions, as_of, progress)
    if progress and kept:
        progress(f"unchanged inputs, values kept: {', '.join(kept)}")
    apply_suppression(con, "metric_cells", [m.id for m in todo if is_coded(m)], bands)
    sqltext.run_script(con, sqltext.read("write_metric_values.sql"), {"kept": kept})
    # a family computed from an input without a version gets none, so it is recomputed next time
    stored = {f: version for f, version in wanted.items() if version is not None}
    write_catalog_table(con, catalog, stored)
    values_version = versions.version_of(
        {f: wanted[f] or versions.fresh_version() for f in sorted(wanted)}, engine)
    versions.stamp(con, VALUES_TABLES, values_version)
    summary.version = values_version
    summary.rows, summary.suppressed = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE suppressed) FROM mart.metric_values").fetchone()
    drop_temp(con, ["metric_cells", "metric_group_dimensions", "metric_periods",
                    *(f"metric_{name}" for name in prepared)])
    return summary


def drop_temp(con: duckdb.DuckDBPyConnection, names: Sequence[str]) -> None:
    """Drop the build's temp tables and views (a prep may make either; a view before the tables
    it reads)."""
    views = {name for (name,) in con.execute("SELECT view_name FROM duckdb_views() WHERE temporary").fetchall()}
    for name in sorted(names, key=lambda n: n not in views):
        con.execute(f"DROP {'VIEW' if name in views else 'TABLE'} IF EXISTS {quote(name)}")


CATALOG_COLUMNS = (
    "metric_key VARCHAR, family VARCHAR, name VARCHAR, perspective VARCHAR, perspective_order INTEGER, "
    "kind VARCHAR, levels VARCHAR, direction VARCHAR, unit VARCHAR, numerator VARCHAR, denominator VARCHAR, "
    "target DOUBLE, near DOUBLE, near_mode VARCHAR, min_n INTEGER, n_unit VARCHAR, version INTEGER, "
    "definition VARCHAR, split_by VARCHAR, scorecard_rows VARCHAR, values_version VARCHAR"
)


def write_catalog_table(con: duckdb.DuckDBPyConnection, catalog: Catalog, values_versions: dict[str, str]) -> None:
    """mart.metric_catalog: the definitions the values were computed with (one row per family,
    plus one per dotted id with its own target), for the scorecard and the dashboard tiles, with
    the version of each family's values (none: recomputed next time). Its data version is the
    hash of its rows."""
    rows = []
    for metric in catalog.metrics.values():
        order = catalog.perspectives.index(metric.perspective) + 1
        base = [metric.id, metric.name, metric.perspective, order, metric.kind, ",".join(metric.levels),
                metric.direction, metric.unit, metric.numerator, metric.denominator]
        tail = [metric.near_mode, metric.min_n, metric.n_unit, metric.version, metric.definition,
                metric.split_by, metric.scorecard_rows, values_versions.get(metric.id)]
        rows.append([metric.id, *base, metric.target, metric.near, *tail])
        for key, sub in metric.targets.items():
            target = sub["target"] if sub["target"] is not None else metric.target
            near = sub["near"] if sub["near"] is not None else metric.near
            rows.append([key, *base, target, near, *tail])
    con.execute(f"CREATE OR REPLACE TABLE mart.metric_catalog ({CATALOG_COLUMNS})")
    con.executemany(f"INSERT INTO mart.metric_catalog VALUES ({', '.join('?' * len(rows[0]))})", rows)
    versions.stamp(con, [CATALOG_TABLE], versions.version_of(rows))
