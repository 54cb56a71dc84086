"""Hand-built plans in staging tables typed by their contracts, over the district of
metrics_fixture (D1; schools S1, S2; departments TRN, NUT; PLCs P1 (S1), P2 (S2); classrooms C1,
C2 (P1), C3 (P2)).

The clean plan set has no alignment problem; each test changes one thing and names the
problems that change must cause:

  PD  district D1   DG1 goal attendance_rate            DG1-O1 objective under DG1
  PT  department TRN TG1 smart_goal kpi.on_time_routes  -> DG1
  PS1 school S1     SG1 smart_goal attendance_rate      -> DG1-O1 (through the objective)
  PS2 school S2     SG2 smart_goal chronic_absence_rate  -> DG1
  PP1 plc P1        PG1 smart_goal cfa_mastery_rate     -> SG1
  PP2 plc P2        PG2 smart_goal cfa_mastery_rate     -> SG2
  PC1 classroom C1  CG1 smart_goal cfa_mastery_rate     -> PG1
  strategy ST1 on DG1 (If, Then, And, evidence attendance_rate|chronic_absence_rate)
  action steps A1 (due 2025-10-01, completed 2025-09-30), A2 (due 2026-03-01, in progress)
"""
from __future__ import annotations

import datetime as dt

import duckdb

from data_contracts.contract import load_contracts
from data_contracts.row_rules import quote
from data_contracts.vocabulary import PLAN_FILES

D = dt.date
AS_OF = D(2026, 1, 15)


def _smart(goal_id, plan_id, parent, metric, group="all"):
    return (goal_id, plan_id, parent, "smart_goal", f"{goal_id} goal", metric, group,
            0.5, D(2025, 6, 30), 0.6, D(2026, 6, 30))


def clean_plans() -> dict[str, list[tuple]]:
    return {
        "plans": [
            ("PD", "district", "D1", "Strategic plan", 2026, 2028),
            ("PT", "department", "TRN", "Transportation plan", 2026, 2028),
            ("PS1", "school", "S1", "SIP S1", 2026, 2026),
            ("PS2", "school", "S2", "SIP S2", 2026, 2026),
            ("PP1", "plc", "P1", "PLC P1", 2026, 2026),
            ("PP2", "plc", "P2", "PLC P2", 2026, 2026),
            ("PC1", "classroom", "C1", "Classroom C1", 2026, 2026),
        ],
        "plan_goals": [
            ("DG1", "PD", None, "goal", "Attendance", "attendance_rate", "all", 0.9, D(2025, 6, 30), 0.95,
             D(2028, 6, 30)),
            ("DG1-O1", "PD", "DG1", "objective", "Every school knows its absent students", None, None, None, None,
             None, None),
            _smart("TG1", "PT", "DG1", "kpi.on_time_routes"),
            _smart("SG1", "PS1", "DG1-O1", "attendance_rate"),
            _smart("SG2", "PS2", "DG1", "chronic_absence_rate", "econ_disadvantaged:yes"),
            _smart("PG1", "PP1", "SG1", "cfa_mastery_rate"),
            _smart("PG2", "PP2", "SG2", "cfa_mastery_rate", "english_learner:yes"),
            _smart("CG1", "PC1", "PG1", "cfa_mastery_rate"),
        ],
        "plan_strategies": [
            ("ST1", "DG1", "If we call families", "Then teams know every absent student",
             "And fewer students are chronically absent", "attendance_rate|chronic_absence_rate"),
        ],
        "action_steps": [
            ("A1", "DG1", "ST1", 1, "Launch the calls", "DLT", D(2025, 8, 1), D(2025, 10, 1), D(2025, 9, 30),
             "complete"),
            ("A2", "DG1", "ST1", 2, "Review the list", "DLT", D(2025, 8, 1), D(2026, 3, 1), None, "in_progress"),
        ],
        "plan_schedule": [],
        "roadmap_reviews": [],
    }


def create_plan_tables(con: duckdb.DuckDBPyConnection, rows: dict[str, list[tuple]]) -> None:
    """staging.<plan file> with the contract's columns and types, holding `rows`."""
    contracts = load_contracts()
    con.execute("CREATE SCHEMA IF NOT EXISTS staging")
    for name in PLAN_FILES:
        columns = ", ".join(f"{quote(c.name)} {c.sql_type}" for c in contracts[name].columns)
        con.execute(f"CREATE OR REPLACE TABLE staging.{name} ({columns})")
        if rows.get(name):
            marks = ", ".join("?" * len(rows[name][0]))
            con.executemany(f"INSERT INTO staging.{name} VALUES ({marks})", rows[name])


def changed(plans: dict[str, list[tuple]], file: str, key: str, **changes) -> dict[str, list[tuple]]:
    """The plan set with the row of `file` whose first column is `key` changed (None = blank)."""
    names = load_contracts()[file].column_names
    rows = []
    for row in plans[file]:
        if row[0] == key:
            row = tuple(changes.get(name, value) for name, value in zip(names, row))
        rows.append(row)
    return {**plans, file: rows}
