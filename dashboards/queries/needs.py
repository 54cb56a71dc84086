"""The needs assessment (strengths, needs and group gaps) of the district or a school."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboards.queries.access import DataError, Gate, Viewer
from dashboards.queries.cache import cached
from dashboards.queries.connection import connect
from dashboards.queries.org import group_label, school_year_of
from dashboards.queries.sqlfiles import read


@cached
def needs_assessment(viewer: Viewer, level: str, entity_id: str, *, warehouse: str | Path | None = None,
                     year: int | None = None, public: bool = False) -> pd.DataFrame:
    """The needs assessment of a school or the district for a year (default: latest with data)."""
    if level not in ("district", "school"):
        raise DataError("a needs assessment exists for the district and for schools")
    with connect(warehouse, "mart.needs_assessment", "mart.scorecard", "mart.metric_catalog",
                 "staging.org_hierarchy") as con:
        gate = Gate(con, viewer, public)
        gate.entity(level, entity_id)
        school_year = school_year_of(con, level, entity_id, year)
        return gate.run(read("needs.sql"), {"level": level, "entity_id": entity_id, "year": school_year}).df()


@cached
def needs_heatmap(viewer: Viewer, level: str, entity_id: str, *, warehouse: str | Path | None = None,
                  year: int | None = None) -> pd.DataFrame:
    """Groups x metrics for a heatmap (long form): metric_id, metric_name, perspective,
    student_group, group_label, value, n, group_gap (positive = the group does better than the
    other students), large_gap, suppressed."""
    needs = needs_assessment(viewer, level, entity_id, warehouse=warehouse, year=year)
    gaps = needs[needs.row_type == "group_gap"]
    with connect(warehouse, "mart.scorecard") as con:
        names = con.execute(
            "SELECT DISTINCT metric_id, metric_name FROM mart.scorecard WHERE level = $level AND entity_id = $id",
            {"level": level, "id": entity_id},
        ).df()
    frame = gaps.merge(names, on="metric_id", how="left")
    frame["group_label"] = frame["student_group"].map(group_label)
    columns = ["school_year", "metric_id", "metric_name", "perspective", "student_group", "group_label",
               "value", "n", "group_gap", "large_gap", "suppressed"]
    return frame[columns].sort_values(["metric_id", "student_group"]).reset_index(drop=True)
