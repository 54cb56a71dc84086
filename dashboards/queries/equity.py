"""Equity: the disparity marts (significant disproportionality and the measures beside it)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboards.queries.access import DataError, Gate, Viewer
from dashboards.queries.cache import cached
from dashboards.queries.connection import connect
from dashboards.queries.org import openable
from dashboards.queries.sqlfiles import read
from data_contracts.vocabulary import CATEGORIES, STATE


def equity_categories() -> tuple[str, ...]:
    return CATEGORIES


def _equity(gate: Gate, leas: list[tuple[str, str]], year: int | None, category: str | None) -> pd.DataFrame:
    if category is not None and category not in CATEGORIES:
        raise DataError(f"unknown disparity category {category!r}")
    if year is None:
        year = gate.con.execute("SELECT max(school_year) FROM mart.disparity").fetchone()[0]
    return gate.run(read("equity.sql"), {
        "leas": [f"{level}:{lea}" for level, lea in leas], "year": year or None, "category": category,
    }).df()


@cached
def equity(viewer: Viewer, level: str, entity_id: str, *, warehouse: str | Path | None = None,
           year: int | None = None, category: str | None = None, public: bool = False) -> pd.DataFrame:
    """Disproportionality of the state (a state warehouse's), the district or a school by category
    and group (year None = the latest year, 0 = every year): every column of mart.disparity plus
    lea_name, suppressed and suppression_reason; rows hidden by the viewer's audience as
    sql/equity.sql says."""
    if level not in (STATE, "district", "school"):
        raise DataError("disproportionality is measured for the state, the district and for schools")
    with connect(warehouse, "mart.disparity", "staging.org_hierarchy") as con:
        gate = Gate(con, viewer, public)
        gate.entity(level, entity_id)
        return _equity(gate, [(level, entity_id)], year, category)


@cached
def equity_schools(viewer: Viewer, category: str | None, *, warehouse: str | Path | None = None,
                   year: int | None = None, level: str = "school") -> pd.DataFrame:
    """One category (None: every category) for every school the viewer may open, side by side
    (equity() columns); 'mtss_any' or 'mtss_<area>_tier<t>' gives MTSS identification by
    building. level='district': every district instead (a state warehouse's), whose flagged
    rows are the state's determinations."""
    if level not in ("district", "school"):
        raise DataError("side by side are the districts or the schools")
    with connect(warehouse, "mart.disparity", "staging.org_hierarchy", "staging.sections") as con:
        gate = Gate(con, viewer)
        leas = openable(gate, None, only_level=level)
        return _equity(gate, [(level, lea) for lea in leas.entity_id], year, category)
