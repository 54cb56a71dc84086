"""Course marks of one school's students in one year: one mark per enrollment and grading period.

Four quarters (Q1..Q4) split the instructional days evenly; a student enrolled in a section on a
quarter's last day gets that quarter's mark there. A mark follows the student's achievement in
the subject (the same achievement the assessments draw from: ELA and math their own, other
subjects the mean of both), falls with the student's absence propensity, and carries a
per-student effort term and the quarter's noise: about 3% of marks are F, most of them of
chronically absent or low-achieving students. Elementary schools report a percentage (0-100),
secondary schools a letter; PK and KG get no marks. A high school quarter carries 0.25 credit.
"""
import numpy as np
import pyarrow as pa

from sample_data import codes
from sample_data.sections import SchoolSections

QUARTERS = ("Q1", "Q2", "Q3", "Q4")
LETTER_CUTS = np.array([60, 70, 80, 90])  # below 60 F, then D, C, B, A
LETTERS = np.array(["F", "D", "C", "B", "A"])
HIGH_SCHOOL_CREDIT = "0.25"


def quarter_ends(n_days: int) -> np.ndarray:
    """The day index of each quarter's last instructional day."""
    return np.array([round(n_days * (q + 1) / len(QUARTERS)) - 1 for q in range(len(QUARTERS))])


def percent(rng: np.random.Generator, theta: np.ndarray, p_abs: np.ndarray, effort: np.ndarray) -> np.ndarray:
    """The mark as a percentage: 85 for an average student, 8 points per unit of
    achievement, 0.8 point per point of absence above 5%."""
    score = 85 + 8 * theta - 80 * np.maximum(p_abs - 0.05, 0) + effort + rng.normal(0, 4, len(theta))
    return np.clip(np.round(score), 0, 100).astype(np.int64)


def build(rng: np.random.Generator, cal, level: int, year: int, ss: SchoolSections, seg_theta: dict,
          seg_abs: np.ndarray, seg_ids: pa.Array) -> dict | None:
    """Column dict of course_marks rows, or None when nobody at the school gets a mark."""
    if len(ss) == 0:
        return None
    n_segs = len(seg_abs)
    effort = rng.normal(0, 4, n_segs)
    subject = np.array(ss.subject, dtype=object)[ss.en_section]
    graded = np.array(ss.grade, dtype=np.int64)[ss.en_section] > codes.KG
    theta = np.where(subject == "ela", seg_theta["ela"][ss.en_seg],
                     np.where(subject == "math", seg_theta["math"][ss.en_seg],
                              (seg_theta["ela"][ss.en_seg] + seg_theta["math"][ss.en_seg]) / 2))
    section_ids = pa.array(ss.section_id, type=pa.string())
    parts = []
    for q, end in enumerate(quarter_ends(cal.n)):
        rows = np.flatnonzero(graded & (ss.en_first <= end) & (ss.en_last >= end))
        if len(rows) == 0:
            continue
        score = percent(rng, theta[rows], seg_abs[ss.en_seg[rows]], effort[ss.en_seg[rows]])
        mark = score.astype(str) if level == codes.ELEMENTARY else LETTERS[np.searchsorted(LETTER_CUTS, score, "right")]
        parts.append({
            "student_id": seg_ids.take(pa.array(ss.en_seg[rows])),
            "section_id": section_ids.take(pa.array(ss.en_section[rows])),
            "school_year": year, "grading_period": QUARTERS[q], "period_end_date": cal.label([end])[0].as_py(),
            "mark": mark.astype(object),
            "credit_attempted": HIGH_SCHOOL_CREDIT if level == codes.HIGH else None,
        })
    if not parts:
        return None
    return {c: _concat([p[c] for p in parts], [len(p["mark"]) for p in parts]) for c in parts[0]}


def _concat(values: list, sizes: list[int]) -> pa.Array:
    """One column of several quarters (arrays, or one value per quarter) as one text array."""
    arrays = []
    for value, n in zip(values, sizes):
        if isinstance(value, pa.Array):
            arrays.append(value)
        elif isinstance(value, np.ndarray):
            arrays.append(pa.array(value, type=pa.string()))
        else:
            arrays.append(pa.repeat(pa.scalar(None if value is None else str(value), pa.string()), n))
    return pa.concat_arrays(arrays)
