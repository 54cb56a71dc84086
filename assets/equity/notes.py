"""What the loaded data leaves unknown for the disproportionality counts, for the data-quality
report (`alignboard quality`): loaded rows whose blanks change how they are counted."""
from __future__ import annotations

import duckdb

from assets.warehouse import existing_tables

REMOVAL_ACTIONS = ["oss", "iss", "expulsion", "iaes"]


def data_notes(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Landing file -> notes (one line each)."""
    notes: dict[str, list[str]] = {}
    if "staging.discipline_incidents" in existing_tables(con):
        (unknown,) = con.execute(
            "SELECT count(*) FROM staging.discipline_incidents "
            "WHERE list_contains($actions, lower(trim(action))) AND days_removed IS NULL",
            {"actions": REMOVAL_ACTIONS},
        ).fetchone()
        if unknown:
            notes["discipline_incidents"] = [
                f"{unknown:,} removals (oss, iss, expulsion, iaes) have a blank days_removed: their length "
                "is unknown, so their children are counted in neither <= 10 nor > 10 days unless their "
                "known days already exceed 10 (docs/disparity.md)"
            ]
    return notes
