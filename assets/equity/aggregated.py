"""Run the disparity engine on aggregated counts (the CLI's input) in an in-memory DuckDB.

The same SQL as the warehouse marts, so an analyst with only the counts reported to the state gets
the numbers the marts would give. Output: one dict per input row of an LEA and one of the seven
groups, in input order (rows of unknown race/ethnicity are counted in unknown_race_population).
"""
from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa

from assets.equity import engine
from assets.equity.counts_csv import CountRow, CountsInputError
from assets.equity.settings import Settings
from data_contracts.vocabulary import EVENT_CATEGORIES, UNKNOWN_GROUP

# The CLI's output columns, in order (docs/disparity.md).
OUTPUT_COLUMNS = (
    "school_year", "lea_id", "category", "group", "count", "population", "children", "risk",
    "comparison_count", "comparison_population", "comparison_risk", "ratio_type", "na_reason",
    "ratio", "weighted_risk_ratio", "risk_difference", "odds_ratio", "ci_low", "ci_high",
    "composition", "flagged", "years_over_threshold", "reasonable_progress", "significant",
    "unknown_race_population", "threshold", "min_cell", "min_n", "consecutive_years",
)
LEA_LEVEL = "lea"


def _table(rows: Sequence[CountRow], with_lea: bool) -> pa.Table:
    columns = {"school_year": pa.array([r.school_year for r in rows], pa.int32())}
    if with_lea:
        columns["lea_level"] = pa.array([LEA_LEVEL] * len(rows), pa.string())
        columns["lea_id"] = pa.array([r.lea_id for r in rows], pa.string())
    columns["category"] = pa.array([r.category for r in rows], pa.string())
    columns["group"] = pa.array([r.group for r in rows], pa.string())
    columns["count"] = pa.array([r.count for r in rows], pa.int64())
    columns["population"] = pa.array([r.population for r in rows], pa.int64())
    columns["children"] = pa.array(
        [r.children if r.children is not None or r.category in EVENT_CATEGORIES else r.count for r in rows],
        pa.int64(),
    )
    if with_lea:
        columns["placed_by_grade"] = pa.nulls(len(rows), pa.int64())
        columns["unknown_days_removals"] = pa.nulls(len(rows), pa.int64())
    return pa.table(columns)


def _check_children(rows: Sequence[CountRow], settings: Settings) -> None:
    """Total removals' minimum cell counts children: an LEA row must say how many."""
    if settings.total_removals_min_cell != "children":
        return
    for row in rows:
        if row.category in EVENT_CATEGORIES and row.children is None and not row.is_state:
            raise CountsInputError(
                row.line, "children",
                f"{row.category} needs the number of children with a removal (the minimum cell counts "
                "children; or set total_removals_min_cell: removals)",
            )


def measure(rows: Sequence[CountRow], settings: Settings) -> list[dict]:
    """Every measure for each non-state row; rows with lea_id STATE feed the ARR and the WRR."""
    _check_children(rows, settings)
    lea_rows = [row for row in rows if not row.is_state]
    state_rows = [row for row in rows if row.is_state]
    unknown_given = any(row.group == UNKNOWN_GROUP for row in lea_rows)
    con = duckdb.connect()
    try:
        con.register("cli_counts", _table(lea_rows, with_lea=True))
        con.register("cli_state", _table(state_rows, with_lea=False))
        engine.build_disparity(con, "cli_counts", "cli_state", "cli_result", settings,
                               unknown_complete=unknown_given, compare_with_own_state=False)
        cursor = con.execute("SELECT * FROM cli_result")
        names = [d[0] for d in cursor.description]
        by_key = {}
        for values in cursor.fetchall():
            result = dict(zip(names, values))
            by_key[(result["school_year"], result["lea_id"], result["category"], result["group"])] = result
    finally:
        con.close()
    return [by_key[row.key] for row in lea_rows if row.group != UNKNOWN_GROUP]
