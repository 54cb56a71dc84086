"""A goal as the Plans page says it: the date each value is as of, its supporting goals in one
sentence that adds up, and its target beside the scorecard's when the two differ."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboards.components import formatting as fmt


def year_end(school_year) -> dt.date | None:
    """The last day of a school year (2026 = 2025-26 ends 2026-06-30)."""
    return None if fmt.missing(school_year) else dt.date(int(school_year), 6, 30)


def day(value) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def value_date(school_year, as_of) -> dt.date | None:
    """The date a school year's value is as of: the end of that school year, or `as_of` while
    the year is still in progress (a year-to-date value is never dated in the future)."""
    end, as_of = year_end(school_year), day(as_of)
    if end is None:
        return None
    return min(end, as_of) if as_of is not None else end


def current_date(goal) -> dt.date | None:
    """The date a goal's current value is as of."""
    return value_date(goal.current_year, goal.as_of)


def history_points(years, values, as_of) -> list[dict]:
    """The goal metric's value of each loaded school year (as the viewer may see it) at the date
    it is as of; a year without a value is left out, never drawn as zero."""
    return [{"date": value_date(year, as_of), "value": value, "school_year": int(year)}
            for year, value in zip(years, values) if not fmt.missing(value) and not fmt.missing(year)]


def goal_points(goal) -> list[dict]:
    """The dated points of a goal's chart: baseline, target, the expected value on the line at
    the as-of date, and the current value at the date it is as of (each only when known)."""
    points = [{"name": "baseline", "date": day(goal.baseline_date), "value": goal.baseline_value},
              {"name": "target", "date": day(goal.target_date), "value": goal.target_value},
              {"name": "expected", "date": day(goal.as_of), "value": goal.expected_value},
              {"name": "current", "date": current_date(goal), "value": goal.current_value}]
    return [p for p in points if p["date"] is not None and not fmt.missing(p["value"])]


def supporting_goals(goal) -> str:
    """'Supporting goals: 3 (1 met, 0 on track, 0 at risk, 0 off track, 2 no data)': every
    supporting goal the viewer sees is counted once (no data: no value, hidden, no metric or not
    measurable)."""
    counts = [(goal.children_met, "met"), (goal.children_on_track, "on track"),
              (goal.children_at_risk, "at risk"), (goal.children_off_track, "off track"),
              (goal.children_unmeasured, "no data")]
    return f"Supporting goals: {int(goal.child_goals)} (" + ", ".join(f"{int(n)} {w}" for n, w in counts) + ")"


def targets_text(goal, unit: str | None) -> str:
    """'goal target 92.0% by 2027-06-30', and ' · scorecard target 95.0%' when the owner's
    scorecard holds another target for the metric, named so the two are never confused."""
    when = day(goal.target_date)
    text = f"goal target {fmt.number(goal.target_value, unit)}" + (f" by {when.isoformat()}" if when else "")
    card = getattr(goal, "scorecard_target", None)
    if fmt.missing(card):
        return text
    if fmt.missing(goal.target_value) or round(card - goal.target_value, 9) != 0:
        return f"{text} · scorecard target {fmt.number(card, unit)}"
    return text + " (the scorecard's too)"
