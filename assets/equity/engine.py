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
from data_contracts.vocabulary import EVENT_CATEGORIES, GROUPS

SQL_DIR = Path(__file__).parent


def sql_text(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


def build_counts(con: duckdb.DuckDBPyConnection, target: str) -> int:
    """Create table `target` with the counts by year, LEA, category and group from staging."""
    con.execute(
        f"CREATE OR REPLACE TABLE {table(target)} AS {sql_text('counts_from_warehouse.sql')}",
        {"groups": list(GROUPS)},
    )
    return con.execute(f"SELECT count(*) FROM {table(target)}").fetchone()[0]


def build_disparity(
    con: duckdb.DuckDBPyConnection,
    counts: str,
    state_counts: str,
    target: str,
    settings: Settings,
) -> int:
    """Create table `target` with every measure for each row of the `counts` table.

    `counts` has (school_year, lea_level, lea_id, category, "group", count, population) and
    `state_counts` the state's (school_year, category, "group", count, population).
    """
    con.execute(f"CREATE OR REPLACE TEMP VIEW _disparity_counts AS SELECT * FROM {table(counts)}")
    con.execute(f"CREATE OR REPLACE TEMP VIEW _disparity_state AS SELECT * FROM {table(state_counts)}")
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _disparity_measures AS {sql_text('measures.sql')}",
            {
                "min_cell": settings.min_cell,
                "min_n": settings.min_n,
                "t_num": settings.threshold.numerator,
                "t_den": settings.threshold.denominator,
                "event_categories": list(EVENT_CATEGORIES),
            },
        )
        con.execute(
            f"CREATE OR REPLACE TABLE {table(target)} AS {sql_text('years.sql')}",
            {
                "consecutive_years": settings.consecutive_years,
                "threshold": settings.threshold_text,
                "min_cell": settings.min_cell,
                "min_n": settings.min_n,
            },
        )
    finally:
        con.execute("DROP TABLE IF EXISTS _disparity_measures")
        con.execute("DROP VIEW IF EXISTS _disparity_state")
        con.execute("DROP VIEW IF EXISTS _disparity_counts")
    return con.execute(f"SELECT count(*) FROM {table(target)}").fetchone()[0]
