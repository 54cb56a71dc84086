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


def build_counts(con: duckdb.DuckDBPyConnection, target: str, settings: Settings) -> int:
    """Create table `target` with the counts by year, LEA, category and group from staging
    (ages on the settings' count date)."""
    month, day = (int(part) for part in settings.age_date.split("-"))
    con.execute(
        f"CREATE OR REPLACE TABLE {table(target)} AS {sql_text('counts_from_warehouse.sql')}",
        {"groups": list(GROUPS), "unknown_group": UNKNOWN_GROUP, "age_month": month, "age_day": day},
    )
    return con.execute(f"SELECT count(*) FROM {table(target)}").fetchone()[0]


def build_disparity(
    con: duckdb.DuckDBPyConnection,
    counts: str,
    state_counts: str,
    target: str,
    settings: Settings,
    unknown_complete: bool = True,
) -> int:
    """Create table `target` with every measure for each row of the `counts` table.

    `counts` has (school_year, lea_level, lea_id, category, "group", count, population, children,
    placed_by_grade, unknown_days_removals); rows of group 'unknown' are outside every ratio and
    counted in unknown_race_population. `state_counts` has the state's (school_year, category,
    "group", count, population) and optionally children. `unknown_complete`: the counts list
    every unknown-race student (the marts), so no such row means 0 rather than not given.
    """
    con.execute(f"CREATE OR REPLACE TEMP VIEW _disparity_counts AS SELECT * FROM {table(counts)}")
    state_children = "children" if "children" in _columns(con, state_counts) else "NULL::BIGINT AS children"
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW _disparity_state AS "
        f"SELECT school_year, category, \"group\", count, population, {state_children} FROM {table(state_counts)}"
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


def _columns(con: duckdb.DuckDBPyConnection, name: str) -> set[str]:
    return {row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {table(name)}").fetchall()}


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
