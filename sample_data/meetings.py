"""Leadership-team meetings on the cadences of the alignment model: DLT quarterly (owner the
district), OLT 1-2 a month (a department), BLT 2-3 (a school), PLC 2-4 (a PLC), CLC 4 (a
section). Some teams are off cadence in a year (meet less often). Each meeting lists the metric
ids it reviewed, pipe-separated, the next steps the team agreed on and, at some meetings, a
decision (free text)."""
from itertools import combinations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MEETING_MONTHS = (9, 10, 11, 12, 1, 2, 3, 4, 5)
QUARTER_MONTHS = (9, 12, 3, 5)
# team -> (meetings a month on cadence (lo, hi), off cadence (lo, hi), share of teams off cadence)
CADENCE = {
    "OLT": ((1, 2), (0, 1), 0.2),
    "BLT": ((2, 3), (0, 2), 0.15),
    "PLC": ((2, 4), (0, 2), 0.15),
    "CLC": ((4, 4), (1, 3), 0.2),
}
# team -> the cadence its teams.csv row gives (the seed's meetings a month, in teams.csv words)
TEAM_CADENCE = {"DLT": "quarterly", "OLT": "monthly", "BLT": "biweekly", "PLC": "biweekly", "CLC": "weekly"}
METRICS = {
    "DLT": ("attendance_rate", "chronic_absence_rate", "proficiency_rate.ela", "proficiency_rate.math", "oss_rate",
            "mtss_identified_rate", "percent_favorable.student.belonging", "survey_response_rate.student"),
    "OLT": ("pd_feedback_favorable", "action_steps_on_time", "mandatory_pd_hours"),
    "BLT": ("attendance_rate", "chronic_absence_rate", "proficiency_rate.ela", "proficiency_rate.math", "oss_rate",
            "walkthrough_lookfor_rate.empowered_learning", "percent_favorable.student.belonging",
            "plc_sig_implementing_rate"),
    "PLC": ("cfa_mastery_rate", "plc_sig_implementing_rate", "attendance_rate", "proficiency_rate.ela",
            "proficiency_rate.math"),
    "CLC": ("cfa_mastery_rate", "attendance_rate", "chronic_absence_rate"),
}

# team -> next steps a team agrees on (one or two per meeting) and decisions (some meetings)
NEXT_STEPS = {
    "DLT": ("Principals share attendance plans at the next BLT", "Review mid-year benchmark results by school",
            "Draft budget priorities for the strategic plan goals", "Prepare the board update on Goal 2"),
    "OLT": ("Report the KPI trend to the DLT", "Schedule the next PD feedback review",
            "Follow up on overdue action steps with owners"),
    "BLT": ("Attendance team calls families of students with five or more absences",
            "Walkthrough focus for the next two weeks: empowered learning",
            "PLC leads bring CFA results to the next meeting", "Recognise classrooms with improved attendance"),
    "PLC": ("Re-teach the standard with the lowest mastery", "Write the next common formative assessment",
            "Bring student work samples to compare scoring", "Plan small-group interventions for students below the cut"),
    "CLC": ("Students set a goal for the next CFA", "Review the class attendance chart together",
            "Share the learning targets for the next unit"),
}
DECISIONS = ("Keep the current strategy for another cycle", "Adjust the schedule to add intervention time",
             "Move the next review up two weeks", "Add the metric to the scorecard review")
DECISION_SHARE = 0.3


def _combos(metrics: tuple[str, ...]) -> pa.Array:
    return pa.array(["|".join(c) for k in (1, 2, 3) for c in combinations(metrics, k)], type=pa.string())


def build(rng: np.random.Generator, cal, team: str, owners: list[str], metrics: tuple[str, ...] | None = None):
    """Column dict of one team type's meetings for the given owners in one year (None if none)."""
    T = len(owners)
    if T == 0:
        return None
    owner_rows, day_rows = [], []
    if team == "DLT":
        off = rng.random() < 0.15
        for month in QUARTER_MONTHS:
            md = cal.month_days(month)
            if len(md) and not (off and rng.random() < 0.5):
                owner_rows.append(np.zeros(1, dtype=np.int64))
                day_rows.append(md[rng.integers(0, len(md), 1)])
    else:
        (on_lo, on_hi), (off_lo, off_hi), off_share = CADENCE[team]
        off = rng.random(T) < off_share
        lo, hi = np.where(off, off_lo, on_lo), np.where(off, off_hi, on_hi)
        for month in MEETING_MONTHS:
            md = cal.month_days(month)
            if len(md) == 0:
                continue
            k = np.minimum(rng.integers(lo, hi + 1), len(md))
            kmax = int(k.max())
            if kmax == 0:
                continue
            pick = np.argsort(rng.random((T, len(md))), axis=1)[:, :kmax]
            mask = np.arange(kmax)[None, :] < k[:, None]
            owner_rows.append(np.broadcast_to(np.arange(T)[:, None], pick.shape)[mask])
            day_rows.append(md[pick[mask]])
    if not owner_rows:
        return None
    owner = np.concatenate(owner_rows)
    day = np.concatenate(day_rows)
    order = np.lexsort((day, owner))
    owner, day = owner[order], day[order]
    combos = _combos(metrics or METRICS[team])
    reviewed = combos.take(pa.array(rng.integers(0, len(combos), len(owner))))
    steps = NEXT_STEPS[team]
    pairs = pa.array(list(steps) + [f"{a}; {b}" for a, b in zip(steps, steps[1:] + steps[:1])], type=pa.string())
    decided = rng.random(len(owner)) < DECISION_SHARE
    decision = pa.array(DECISIONS, type=pa.string()).take(pa.array(rng.integers(0, len(DECISIONS), len(owner))))
    return {
        "team": team,
        "owner_id": pa.array(owners, type=pa.string()).take(pa.array(owner)),
        "meeting_date": cal.label(day),
        "metrics_reviewed": reviewed,
        "next_steps": pairs.take(pa.array(rng.integers(0, len(pairs), len(owner)))),
        "decisions": pc.if_else(pa.array(decided), decision, pa.scalar(None, pa.string())),
    }
