"""The Plans page's alignment tree: depth-first order, depth, problems per goal, orphans and
cycles kept (hand-built goals; the expected order worked out by hand from the parent links)."""
from __future__ import annotations

import pandas as pd

from dashboards.components.plan_tree import tree_rows


def frame(rows, columns):
    return pd.DataFrame(rows, columns=columns)


GOALS = frame([
    ("D2", None, "district"),
    ("D1", None, "district"),
    ("S1", "D1", "school"),
    ("P1", "S1", "plc"),
    ("C1", "P1", "classroom"),
    ("S2", "D2", "school"),
    ("P9", "S_GONE", "plc"),       # its parent does not exist: a root of its own, after the district
    ("C2", "P1", "classroom"),
], ["goal_id", "parent_goal_id", "level"])
PROBLEMS = frame([
    ("parent_missing", "P9"),
    ("smart_goal_incomplete", "C2"),
    ("smart_goal_incomplete", "C2"),   # the same code twice is shown once
    ("target_before_baseline", "C2"),
    ("plc_without_smart_goal", None),  # concerns no goal: not on the tree
], ["problem", "goal_id"])


def test_depth_first_from_district_goals_with_problems():
    rows = tree_rows(GOALS, PROBLEMS)
    assert [(r["goal_id"], r["depth"]) for r in rows] == [
        ("D1", 0), ("S1", 1), ("P1", 2), ("C1", 3), ("C2", 3),
        ("D2", 0), ("S2", 1),
        ("P9", 0),
    ]
    problems = {r["goal_id"]: r["problems"] for r in rows}
    assert problems["C2"] == ["smart_goal_incomplete", "target_before_baseline"]
    assert problems["P9"] == ["parent_missing"]
    assert problems["D1"] == [] and problems["C1"] == []


def test_goals_in_a_cycle_are_kept():
    goals = frame([("A", "B", "school"), ("B", "A", "plc"), ("D", None, "district")],
                  ["goal_id", "parent_goal_id", "level"])
    rows = tree_rows(goals, frame([], ["problem", "goal_id"]))
    assert [(r["goal_id"], r["depth"]) for r in rows] == [("D", 0), ("A", 0), ("B", 1)]
