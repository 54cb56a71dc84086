"""Runs the disparity SQL (34 CFR 300.647 and complementary measures) on a DuckDB connection.

The rule lives in the .sql files beside this module; this module only binds their parameters and
names their inputs, so the warehouse marts and the `alignboard disparity` CLI share one engine.
No Dagster here: assets.py is the thin wrapper.
  counts_from_warehouse.sql  staging tables -> counts by year, LEA, category and group
  measures.sql               counts + state counts -> risk, RR/ARR, WRR, RD, OR, CI, composition, flag
  years.sql                  measures -> consecutive years over the threshold, significance
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from assets.equity.settings import Settings
from assets.metrics.sqltext import table
from data_contracts.vocabulary import EVENT_CATEGORIES, GROUPS, UNKNOWN_GROUP

SQL_DIR = Path(__file__).parent


def sql_text(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


def build_counts(con: duckdb.DuckDBPyConnection, target: str, settings: Settings,
                 levels: tuple[str, ...] | None = None) -> int:
    """Create table `target` with the counts by year, LEA, category and group from staging
    (ages on the settings' count date). LEA levels: `levels`, by default the district and its
    schools, and the state too when staging holds several districts."""
    month, day = (int(part) for part in settings.age_date.split("-"))
    if levels is None:
        levels = ("district", "school", "state") if district_count(con) > 1 else ("district", "school")
    con.execute(
        f"CREATE OR REPLACE TABLE {table(target)} AS {sql_text('counts_from_warehouse.sql')}",
        {"groups": list(GROUPS), "unknown_group": UNKNOWN_GROUP, "age_month": month, "age_day": day,
         "levels": list(levels)},
    )
    return con.execute(f"SELECT count(*) FROM {table(target)}").fetchone()[0]


def district_count(con: duckdb.DuckDBPyConnection) -> int:
    """Districts that have schools in staging."""
    return con.execute("SELECT count(DISTINCT district_id) FROM staging.schools").fetchone()[0]


def state_comparison(con: duckdb.DuckDBPyConnection, counts: str, state_counts: str) -> str:
    """The relation to compare against for the alternate risk ratio: the given state counts
    (state_counts.csv) when they have rows, else the state's own counts among `counts` (a
    warehouse of several districts, or a state's roll-up), else the empty state counts."""
    if _has_rows(con, state_counts, "true"):
        return table(state_counts)
    if _has_rows(con, counts, "lea_level = 'state'"):
        return (f"(SELECT school_year, category, \"group\", count, population, children FROM {table(counts)} "
                f"WHERE lea_level = 'state')")
    return table(state_counts)


def _has_rows(con: duckdb.DuckDBPyConnection, name: str, where: str) -> bool:
    schema, _, relation = name.rpartition(".")
    known = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ? "
        "UNION ALL SELECT count(*) FROM duckdb_views() WHERE schema_name = ? AND view_name = ?",
        [schema or "main", relation, schema or "main", relation]).fetchall()
    if not any(n for (n,) in known):
        return False
    return con.execute(f"SELECT EXISTS (SELECT 1 FROM {table(name)} WHERE {where})").fetchone()[0]


def build_disparity(
    con: duckdb.DuckDBPyConnection,
    counts: str,
    state_counts: str,
    target: str,
    settings: Settings,
    unknown_complete: bool = True,
    compare_with_own_state: bool = True,
) -> int:
    """Create table `target` with every measure for each row of the `counts` table.

    `counts` has (school_year, lea_level, lea_id, category, "group", count, population, children,
    placed_by_grade, unknown_days_removals); rows of group 'unknown' are outside every ratio and
    counted in unknown_race_population. `state_counts` has the state's (school_year, category,
    "group", count, population) and optionally children. `unknown_complete`: the counts list
    every unknown-race student (the marts), so no such row means 0 rather than not given.
    Without rows in `state_counts`, the state's own rows among `counts` (lea_level 'state') are
    the comparison (`compare_with_own_state`, off for counts given by hand).
    """
    con.execute(f"CREATE OR REPLACE TEMP VIEW _disparity_counts AS SELECT * FROM {table(counts)}")
    state = state_comparison(con, counts, state_counts) if compare_with_own_state else table(state_counts)
    state_children = "children" if "children" in _columns(con, state) else "NULL::BIGINT AS children"
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW _disparity_state AS "
        f"SELECT school_year, category, \"group\", count, population, {state_children} FROM {state}"
    )
    _rules_table(con, settings)
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _disparity_measures AS {sql_text('measures.sql')}",
            {
                "event_categories": list(EVENT_CATEGORIES),
                "cell_by_children": settings.total_removals_min_cell == "children",
                "unknown_group": UNKNOWN_GROUP,
                "unknown_complete": unknown_complete,
            },
        )
        con.execute(
            f"CREATE OR REPLACE TABLE {table(target)} AS {sql_text('years.sql')}",
            {
                "progress": (float(settings.reasonable_progress)
                             if settings.reasonable_progress is not None else None),
                "progress_text": settings.reasonable_progress_text,
                "cell_basis": settings.total_removals_min_cell,
            },
        )
    finally:
        con.execute("DROP TABLE IF EXISTS _disparity_rules")
        con.execute("DROP TABLE IF EXISTS _disparity_measures")
        con.execute("DROP VIEW IF EXISTS _disparity_state")
        con.execute("DROP VIEW IF EXISTS _disparity_counts")
    return con.execute(f"SELECT count(*) FROM {table(target)}").fetchone()[0]


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> set[str]:
    return {row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()}


def _rules_table(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """_disparity_rules(category, ...): each category's rule; category NULL is the default."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _disparity_rules (category VARCHAR, t_num HUGEINT, t_den HUGEINT, "
        "threshold VARCHAR, min_cell BIGINT, min_n BIGINT, consecutive_years INTEGER)"
    )
    rules = [(None, settings.default), *settings.categories.items()]
    con.executemany(
        "INSERT INTO _disparity_rules VALUES (?, ?, ?, ?, ?, ?, ?)",
        [[category, rule.threshold.numerator, rule.threshold.denominator, rule.threshold_text,
          rule.min_cell, rule.min_n, rule.consecutive_years] for category, rule in rules],
    )
