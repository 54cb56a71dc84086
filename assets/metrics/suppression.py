"""Mark cells that may not be shown to viewers who cannot see the students behind them.

Primary: fewer than the metric's min_n units. Complementary: where a breakdown (the groups of one
dimension at an entity, or the child entities of one parent) has exactly one suppressed cell,
the next smallest is suppressed too, repeated until nothing changes, so no hidden value can be
derived from a total (DESIGN.md "Privacy"). The marts keep the values; dashboards/data.py blanks
them for viewers and exports that must not see them.
"""
from __future__ import annotations

import duckdb

from assets.metrics import sqltext

MAX_ROUNDS = 100


def apply_suppression(con: duckdb.DuckDBPyConnection, cells: str) -> int:
    """Mark `cells` (cell_id, metric_id, metric_version, school_year, period, level, entity_id,
    student_group, denominator, n, min_n, n_unit, suppressed, suppression_reason); return how
    many cells are suppressed. Needs staging.org_hierarchy for the parents of entities."""
    table = {"cells": sqltext.table(cells)}
    con.execute(sqltext.fill(sqltext.read("suppress_prepare.sql"), table))
    complementary = sqltext.read("suppress_complementary.sql")
    for _ in range(MAX_ROUNDS):
        (changed,) = con.execute(complementary).fetchone()
        if not changed:
            break
    else:
        raise RuntimeError(f"complementary suppression did not settle in {MAX_ROUNDS} rounds")
    con.execute(sqltext.fill(sqltext.read("suppress_apply.sql"), table))
    con.execute("DROP TABLE suppression_work")
    return con.execute(f"SELECT count(*) FROM {table['cells']} WHERE suppressed").fetchone()[0]
