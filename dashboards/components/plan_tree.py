"""The alignment tree of the Plans page as plain rows, apart from Dash so it can be tested alone."""
from __future__ import annotations

import pandas as pd


def tree_rows(goals: pd.DataFrame, problems: pd.DataFrame) -> list[dict]:
    """The goals depth first from each root (district goals first, in goal order): goal_id,
    depth and the problem codes on that goal. A goal whose parent is not visible or does not
    exist is a root of its own, so no goal is left out."""
    ids = set(goals["goal_id"])
    children: dict[str, list[str]] = {}
    for row in goals.itertuples():
        if isinstance(row.parent_goal_id, str) and row.parent_goal_id in ids:
            children.setdefault(row.parent_goal_id, []).append(row.goal_id)
    codes: dict[str, list[str]] = {}
    for row in problems.itertuples():
        if isinstance(row.goal_id, str):
            codes.setdefault(row.goal_id, []).append(row.problem)
    level_of = dict(zip(goals["goal_id"], goals["level"]))
    roots = [g for g, p in zip(goals["goal_id"], goals["parent_goal_id"]) if not (isinstance(p, str) and p in ids)]
    roots.sort(key=lambda g: (level_of[g] != "district", g))
    out: list[dict] = []
    seen: set[str] = set()

    def walk(goal_id: str, depth: int) -> None:
        seen.add(goal_id)
        out.append({"goal_id": goal_id, "depth": depth, "problems": sorted(set(codes.get(goal_id, [])))})
        for child in sorted(children.get(goal_id, [])):
            if child not in seen:
                walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    for goal_id in sorted(ids - seen):  # goals in a cycle of parents: shown, never dropped
        if goal_id not in seen:
            walk(goal_id, 0)
    return out
