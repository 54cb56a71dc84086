"""Metric values, scorecards and a metric's detail, as the asking viewer may see them."""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from assets.ingest.baseline import LOADED
from assets.metrics import asof
from assets.metrics import periods as metric_periods
from assets.metrics.engine import MetricsError
from assets.metrics.sqltext import fill
from assets.warehouse import existing_tables
from dashboards.queries.access import DataError, Gate, Viewer, check_level
from dashboards.queries.cache import cached
from dashboards.queries.connection import STATE_MARK, connect, has_table
from dashboards.queries.exports import Out, number_text, write_query
from dashboards.queries.org import check_group, children_of, group_label, school_year_of
from dashboards.queries.sqlfiles import read
from data_contracts.vocabulary import SCOPE_LEVELS

METRIC_VALUE_COLUMNS = (
    "metric_id", "metric_version", "school_year", "period", "level", "entity_id", "student_group",
    "numerator", "denominator", "value", "suppressed", "suppression_reason", "value_range",
)
CARD_TABLES = ("mart.scorecard", "mart.metric_cells", "mart.metric_catalog", "staging.org_hierarchy")
VALUE_TABLES = ("mart.metric_values", "mart.metric_value_counts", "mart.metric_catalog", "staging.org_hierarchy")
AS_OF_TABLES = ("mart.metric_catalog", "staging.org_hierarchy")  # values computed on request
# The export's cells as CSV text: numbers without '.0', booleans Y/N (as landing files are written).
CSV_SELECT = ("SELECT metric_id, metric_version, school_year, period, level, entity_id, student_group, "
              + ", ".join(number_text(c) for c in ("numerator", "denominator", "value"))
              + ", CASE WHEN suppressed THEN 'Y' ELSE 'N' END AS suppressed, suppression_reason, value_range")


def check_metric(con: duckdb.DuckDBPyConnection, metric: str | None) -> None:
    if metric is None:
        return
    known = con.execute(
        "SELECT count(*) FROM mart.metric_catalog WHERE metric_key = $m OR family = split_part($m, '.', 1)",
        {"m": metric},
    ).fetchone()[0]
    if not known:
        raise DataError(f"unknown metric {metric!r} (see docs/metrics.md for the metric ids)")


def check_export_entity(gate: Gate, level: str | None, entity: str | None) -> None:
    """An export for one entity: it must exist at that level (any level when none) and be in the
    viewer's scope; an unknown id and one outside the scope get the same answer."""
    if entity is None:
        return
    asked = f"{level or 'entity'} {entity!r}"
    if level == "student":
        gate.student(entity, asked)
        return
    levels = SCOPE_LEVELS if level is None else (level,)
    found = gate.run(
        """SELECT (h.entity_level, h.entity_id) IN (SELECT level, entity_id FROM visible_org)
           FROM staging.org_hierarchy AS h WHERE h.entity_id = $entity AND list_contains($levels, h.entity_level)""",
        {"entity": entity, "levels": list(levels)},
    ).fetchall()
    if any(visible for (visible,) in found):
        return
    if level is None and not found and gate.students:
        gate.student(entity, asked)  # an id of no org entity: a student's, if visible
        return
    raise gate.refuse(asked, "outside" if found else "unknown")


def _values_params(level, metric, year, entity, group, period, as_of) -> dict:
    if as_of is not None:  # the year to date through the day, in the school year it falls in
        year, period = metric_periods.school_year_of(as_of), metric_periods.year_to_date(as_of).period
    return {"level": level, "entity": entity, "group": group, "metric": metric, "year": year, "period": period}


@contextmanager
def _value_cells(con: duckdb.DuckDBPyConnection, metric: str | None, as_of: dt.date | None) -> Iterator[str]:
    """The SQL naming the cells sql/metric_values.sql reads: the nightly values, or (`as_of`)
    each metric's year to date through that day, computed on request (assets/metrics/asof.py)
    into a temp table of this connection, dropped after. Either way the same SQL hides them."""
    if as_of is None:
        yield read("values_mart.sql")
        return
    try:
        asof.compute_as_of(con, [as_of], metric=metric)
    except MetricsError as error:
        raise DataError(str(error)) from None
    try:
        yield read("values_as_of.sql")
    finally:
        asof.drop_cells(con)


def metric_values(viewer: Viewer, *, warehouse: str | Path | None = None, level: str | None = None,
                  metric: str | None = None, year: int | None = None, public: bool = False,
                  entity: str | None = None, group: str | None = None, period: str | None = "year",
                  as_of: dt.date | None = None) -> pd.DataFrame:
    """Rows of mart.metric_values the viewer may see, hidden by their audience (sql/macros.sql).
    `metric` is an exact id or a family (proficiency_rate -> every proficiency_rate.*); `period`
    one period (default the school year) or None for every period. `as_of`: each metric's year
    to date through that day instead (period ytd:DAY, `year` and `period` ignored), computed on
    request and hidden by the same rules."""
    check_level(level)
    with connect(warehouse, *(VALUE_TABLES if as_of is None else AS_OF_TABLES)) as con:
        gate = Gate(con, viewer, public)
        check_metric(con, metric)
        check_export_entity(gate, level, entity)
        with _value_cells(con, metric, as_of) as cells:
            return gate.run(cells + read("metric_values.sql"),
                            _values_params(level, metric, year, entity, group, period, as_of)).df()


def write_metric_values_csv(viewer: Viewer, out: Out = None, *, warehouse: str | Path | None = None,
                            level: str | None = None, metric: str | None = None, year: int | None = None,
                            public: bool = False, entity: str | None = None, group: str | None = None,
                            period: str | None = "year", as_of: dt.date | None = None) -> int:
    """Write the rows metric_values() returns as CSV with exactly METRIC_VALUE_COLUMNS to a file
    path or a text stream (default stdout); return the row count."""
    check_level(level)
    with connect(warehouse, *(VALUE_TABLES if as_of is None else AS_OF_TABLES)) as con:
        gate = Gate(con, viewer, public)
        check_metric(con, metric)
        check_export_entity(gate, level, entity)
        with _value_cells(con, metric, as_of) as cells:
            return write_query(gate, cells + read("metric_values.sql"),
                               _values_params(level, metric, year, entity, group, period, as_of),
                               CSV_SELECT, METRIC_VALUE_COLUMNS, out)


@cached
def metric_values_csv(viewer: Viewer, *, warehouse: str | Path | None = None, level: str | None = None,
                      entity: str | None = None, metric: str | None = None, year: int | None = None,
                      group: str | None = None, period: str | None = "year") -> str:
    """The CSV text of GET /export/metrics.csv: `alignboard export metrics` for this viewer. Kept
    until the next load per access and request (queries.cache): its query over every entity of
    the scope costs more than any page's."""
    out = io.StringIO()
    write_metric_values_csv(viewer, out, warehouse=warehouse, level=level, metric=metric, year=year,
                            entity=entity, group=group, period=period)
    return out.getvalue()


def data_date(con: duckdb.DuckDBPyConnection):
    """When the data was last loaded (None for a warehouse without load records)."""
    try:
        return con.execute("SELECT max(loaded_at) FROM mart.data_quality WHERE list_contains($loaded, status)",
                           {"loaded": list(LOADED)}).fetchone()[0]
    except duckdb.CatalogException:
        return None


def card(gate: Gate, entities: list[tuple[str, str]], year: int | None, group: str,
         metric: str | None = None) -> pd.DataFrame:
    """Scorecard rows of `entities` for this viewer (sql/card.sql)."""
    return gate.run(fill(read("card.sql"), {"shown": read("card_shown.sql")}), {
        "levels": [e[0] for e in entities], "ids": [e[1] for e in entities], "year": year,
        "metric": metric, "group": group, "data_date": data_date(gate.con),
    }).df()


@cached
def scorecard(viewer: Viewer, level: str, entity_id: str, *, warehouse: str | Path | None = None,
              year: int | None = None, public: bool = False, group: str = "all") -> pd.DataFrame:
    """One entity's balanced scorecard for a year (default: its latest year with data) and a
    student group, in perspective order, with n, definition, data date and the trend over the
    loaded years. A value hidden from this viewer is blank and its status says 'suppressed'."""
    with connect(warehouse, *CARD_TABLES) as con:
        gate = Gate(con, viewer, public)
        gate.entity(level, entity_id)
        check_group(con, group)
        school_year = school_year_of(con, level, entity_id, year)
        frame = card(gate, [(level, entity_id)], school_year, group)
        if school_year is not None:  # the values of the year in progress are as of its latest data
            frame["as_of"] = data_through(con, min(dt.date.today(), dt.date(int(school_year), 6, 30)))
        return frame


ASOF_COLUMNS = ("metric_id, metric_version, school_year, period, level, entity_id, student_group, numerator, "
                "denominator, value, n, suppressed, suppression_reason, value_range")


def data_through(con: duckdb.DuckDBPyConnection, day: dt.date) -> dt.date | None:
    """The newest date of the dated data on or before `day` (None: no dated rows): what a value
    computed through `day` is as of. A state warehouse keeps each school year's newest date of
    its districts' (mart.data_dates), not their dated rows."""
    present = existing_tables(con)
    if "mart.data_dates" in present:
        return con.execute("SELECT max(data_through) FROM mart.data_dates WHERE data_through <= $day",
                           {"day": day}).fetchone()[0]
    return metric_periods.latest_data_date(con, present, day)


@cached
def values_as_of(viewer: Viewer, year: int | None = None, *, warehouse: str | Path | None = None) -> dt.date | None:
    """The date a school year's values are as of: its newest dated row, on or before today and
    its June 30 (the year in progress: the latest data date). No year: the latest data date."""
    day = dt.date.today() if year is None else min(dt.date.today(), dt.date(int(year), 6, 30))
    with connect(warehouse) as con:
        return data_through(con, day)


@cached
def cells_computed(viewer: Viewer, day: dt.date, *, warehouse: str | Path | None = None) -> pd.DataFrame:
    """Every org-level cell's year to date through `day`, computed on request (asof.py), as the
    mart keeps them: hidden per viewer by the SQL that reads them. The same for every viewer:
    callers pass the analyst, so one computation serves everyone until the next load."""
    with connect(warehouse, "mart.metric_catalog", "staging.org_hierarchy") as con:
        try:
            asof.compute_as_of(con, [day])
            return con.execute(f"SELECT {ASOF_COLUMNS} FROM metric_cells WHERE level <> 'student'").df()
        except MetricsError as error:
            raise DataError(str(error)) from None
        finally:
            asof.drop_cells(con)


def _kept_nightly(con: duckdb.DuckDBPyConnection, level: str, entity_id: str, period: str) -> bool:
    """Whether mart.metric_cells holds this entity's cells of `period` (a month's end)."""
    return con.execute("SELECT count(*) > 0 FROM mart.metric_cells WHERE level = $l AND entity_id = $e "
                       "AND period = $p", {"l": level, "e": entity_id, "p": period}).fetchall()[0][0]


@cached
def scorecard_as_of(viewer: Viewer, level: str, entity_id: str, day: dt.date, *,
                    warehouse: str | Path | None = None, prior: dt.date | None = None, public: bool = False,
                    group: str = "all") -> pd.DataFrame:
    """One entity's scorecard with each metric's year to date through `day` (the school year
    `day` falls in, later rows ignored), beside its year to date through `prior` (default: the
    same day a year earlier; a team page passes its last meeting) and the change between them,
    only between equal versions. The cells are the nightly ones when the build kept that day (a
    month's end), else computed on request; hidden by the viewer's audience as scorecard() is.
    A state warehouse, without its districts' rows, computes nothing on request: another day is
    refused, and a prior day it did not keep has no values. Columns of scorecard() with `as_of`
    and `prior_as_of` in place of the trend."""
    prior = prior or asof.same_day_a_year_earlier(day)
    with connect(warehouse, *CARD_TABLES) as con:
        gate = Gate(con, viewer, public)
        gate.entity(level, entity_id)
        check_group(con, group)
        periods = {d: metric_periods.year_to_date(d).period for d in (day, prior)}
        kept = [p for d, p in periods.items() if _kept_nightly(con, level, entity_id, p)]
        state = has_table(con, STATE_MARK)
        if state and periods[day] not in kept:
            raise DataError(f"a state warehouse keeps its values as of each month's end of the year in progress, "
                            f"not {day}: choose the last day of a month, or serve a district's warehouse")
        computed = [cells_computed(Viewer.analyst(), d, warehouse=warehouse)
                    for d, p in periods.items() if p not in kept and not state]
        frame = pd.concat(computed, ignore_index=True) if computed else pd.DataFrame(columns=ASOF_COLUMNS.split(", "))
        con.register("asof_cells", frame)
        try:
            return gate.run(fill(read("card_as_of.sql"), {"shown": read("card_shown.sql")}), {
                "level": level, "entity": entity_id, "group": group, "year": metric_periods.school_year_of(day),
                "period": periods[day], "prior_period": periods[prior], "mart_periods": kept or [""],
                "day": day, "prior_day": prior, "data_date": data_date(con),
            }).df()
        finally:
            con.unregister("asof_cells")


def _metric_row(con: duckdb.DuckDBPyConnection, metric_id: str) -> dict:
    cursor = con.execute(
        """SELECT $m AS metric_id, f.name AS metric_name, f.family, f.perspective, f.definition, f.version,
                  f.unit, f.direction, coalesce(k.target, f.target) AS target, coalesce(k.near, f.near) AS near,
                  f.near_mode, f.min_n, f.n_unit
           FROM mart.metric_catalog AS f
           LEFT JOIN mart.metric_catalog AS k ON k.metric_key = $m AND $m <> f.metric_key
           WHERE f.metric_key = split_part($m, '.', 1)""",
        {"m": metric_id},
    )
    row = cursor.fetchone()
    if row is None:
        raise DataError(f"unknown metric {metric_id!r} (see docs/metrics.md for the metric ids)")
    return dict(zip([d[0] for d in cursor.description], row))


@cached
def metric_info(viewer: Viewer, metric_id: str, *, warehouse: str | Path | None = None) -> dict:
    """The definition of a metric id: metric_id, metric_name, family, perspective, definition,
    version, unit, direction, target, near, near_mode, min_n, n_unit."""
    with connect(warehouse, "mart.metric_catalog") as con:
        return _metric_row(con, metric_id)


@cached
def metric_trend(viewer: Viewer, level: str, entity_id: str, metric_id: str, *,
                 warehouse: str | Path | None = None, group: str = "all") -> pd.DataFrame:
    """One metric of one entity and group over every loaded year (scorecard columns)."""
    with connect(warehouse, *CARD_TABLES) as con:
        gate = Gate(con, viewer)
        gate.entity(level, entity_id)
        _metric_row(con, metric_id)
        check_group(con, group)
        rows = card(gate, [(level, entity_id)], None, group, metric_id)
    return rows.drop(columns=["trend"]).sort_values("school_year").reset_index(drop=True)


@cached
def metric_by_group(viewer: Viewer, level: str, entity_id: str, metric_id: str, *,
                    warehouse: str | Path | None = None, year: int | None = None) -> pd.DataFrame:
    """The metric for every student group side by side: student_group, group_label, value,
    numerator, denominator, n, suppressed, suppression_reason ('all' first)."""
    with connect(warehouse, *CARD_TABLES) as con:
        gate = Gate(con, viewer)
        gate.entity(level, entity_id)
        _metric_row(con, metric_id)
        school_year = school_year_of(con, level, entity_id, year)
        frame = gate.run(read("metric_by_group.sql"),
                         {"level": level, "id": entity_id, "metric": metric_id, "year": school_year}).df()
    frame.insert(1, "group_label", frame["student_group"].map(group_label))
    frame.insert(0, "school_year", school_year)
    return frame


@cached
def metric_children(viewer: Viewer, level: str, entity_id: str, metric_id: str, *,
                    warehouse: str | Path | None = None, year: int | None = None,
                    group: str = "all") -> pd.DataFrame:
    """The metric for the child entities the viewer may open (as children()), one row each with
    the scorecard columns; a child without the metric has value NaN and status 'no_data' or no row."""
    with connect(warehouse, *CARD_TABLES, "staging.sections") as con:
        gate = Gate(con, viewer)
        gate.entity(level, entity_id)
        _metric_row(con, metric_id)
        check_group(con, group)
        school_year = school_year_of(con, level, entity_id, year)
        kids = children_of(gate, level, entity_id, school_year)
        rows = card(gate, list(zip(kids.level, kids.entity_id)), school_year, group, metric_id)
    order = {key: i for i, key in enumerate(zip(kids.level, kids.entity_id))}
    rows["_order"] = [order[key] for key in zip(rows.level, rows.entity_id)]
    return rows.sort_values("_order").drop(columns=["_order", "trend"]).reset_index(drop=True)


@cached
def scorecard_children(viewer: Viewer, level: str, entity_id: str, *, warehouse: str | Path | None = None,
                       year: int | None = None, group: str = "all", as_of: dt.date | None = None) -> pd.DataFrame:
    """The layer below a scorecard, metric by metric (sql/children_metrics.sql): one row per child
    the viewer may open (as children()) and metric of the entity's own scorecard that year, in
    the children's and the scorecard's order: level, entity_id, entity_name, metric_id, value, n,
    status, suppressed, suppression_reason, value_range. One query for every child. `as_of`:
    each child's year to date through that day (its school year; `year` ignored), as
    scorecard_as_of() reads the entity's own: the nightly cells when the build kept that day for
    every child, else computed on request; status by each child's scorecard rule."""
    with connect(warehouse, *CARD_TABLES, "staging.sections") as con:
        gate = Gate(con, viewer)
        gate.entity(level, entity_id)
        check_group(con, group)
        school_year = (metric_periods.school_year_of(as_of) if as_of is not None
                       else school_year_of(con, level, entity_id, year))
        kids = children_of(gate, level, entity_id, school_year)
        metrics = [m for (m,) in con.execute(
            """SELECT s.metric_id FROM mart.scorecard AS s
               JOIN mart.metric_catalog AS c ON c.metric_key = split_part(s.metric_id, '.', 1)
               WHERE s.level = $level AND s.entity_id = $id AND s.school_year = $year
               ORDER BY c.perspective_order, s.metric_id""",
            {"level": level, "id": entity_id, "year": school_year}).fetchall()]
        params = {"levels": list(kids.level), "ids": list(kids.entity_id), "metrics": metrics,
                  "year": school_year, "group": group}
        if as_of is None:
            frame = gate.run(read("children_year.sql") + read("children_metrics.sql"), params).df()
        else:
            frame = _children_as_of(gate, kids, params, as_of, warehouse)
    frame.insert(0, "school_year", school_year)
    return frame


def _children_as_of(gate: Gate, kids: pd.DataFrame, params: dict, day: dt.date,
                    warehouse: str | Path | None) -> pd.DataFrame:
    """sql/children_as_of.sql: the children's cells of the year to date through `day`."""
    period = metric_periods.year_to_date(day).period
    # the nightly build keeps a month's end for every entity of a level (all students, district
    # to PLC): a child of such a level without a cell of it has no data
    from_mart = all(gate.con.execute(
        "SELECT count(*) > 0 FROM (SELECT 1 FROM mart.metric_cells WHERE level = $level AND period = $period "
        "AND student_group = $group LIMIT 1)", {"level": kid_level, "period": period, "group": params["group"]},
    ).fetchall()[0][0] for kid_level in set(kids.level))
    cells = (pd.DataFrame(columns=ASOF_COLUMNS.split(", ")) if from_mart
             else cells_computed(Viewer.analyst(), day, warehouse=warehouse))
    gate.con.register("asof_cells", cells)
    try:
        return gate.run(read("children_as_of.sql") + read("children_metrics.sql"),
                        {**params, "period": period, "from_mart": from_mart}).df()
    finally:
        gate.con.unregister("asof_cells")


def metric_detail(viewer: Viewer, level: str, entity_id: str, metric_id: str, *,
                  warehouse: str | Path | None = None, year: int | None = None, group: str = "all") -> dict:
    """Everything the metric page shows: info, trend, groups, children."""
    return {
        "info": metric_info(viewer, metric_id, warehouse=warehouse),
        "trend": metric_trend(viewer, level, entity_id, metric_id, warehouse=warehouse, group=group),
        "groups": metric_by_group(viewer, level, entity_id, metric_id, warehouse=warehouse, year=year),
        "children": metric_children(viewer, level, entity_id, metric_id, warehouse=warehouse, year=year,
                                    group=group),
    }


@cached
def _catalog(viewer: Viewer, *, warehouse: str | Path | None = None) -> pd.DataFrame:
    with connect(warehouse, "mart.metric_catalog") as con:
        return con.execute("SELECT * FROM mart.metric_catalog ORDER BY perspective_order, metric_key").df()


def metric_definitions(*, warehouse: str | Path | None = None) -> pd.DataFrame:
    """The definitions and versions the values were computed with (for every tile)."""
    return _catalog(Viewer.analyst(False), warehouse=warehouse)
