"""Blast walkthroughs: short classroom visits checking look-fors in four focus areas.

Each teacher is visited 2-4 times a year by the principal, an assistant principal or a coach;
a visit checks the look-fors of two focus areas (one row per indicator, observed Y/N). Look-for
rates differ by focus area and school culture and improve through the year and across years.
"""
import numpy as np
import pyarrow as pa

from sample_data.rng import ragged_gather, sigmoid
from sample_data.sections import SchoolSections

INDICATORS = (
    ("emp_goal_setting", "Students set or track their own learning goals", "empowered_learning"),
    ("emp_choice", "Students make choices about how they learn or show learning", "empowered_learning"),
    ("emp_collaboration", "Students collaborate on authentic tasks", "empowered_learning"),
    ("emp_feedback", "Students use feedback to revise their work", "empowered_learning"),
    ("eq_grade_level_work", "All students are engaged in grade-level work", "equitable_learning"),
    ("eq_differentiation", "Instruction is differentiated to meet student needs", "equitable_learning"),
    ("eq_diverse_materials", "Materials reflect diverse cultures and perspectives", "equitable_learning"),
    ("sel_routines", "Routines support a safe and respectful environment", "sel"),
    ("sel_explicit_skills", "Teacher models or teaches social-emotional skills", "sel"),
    ("sel_peer_respect", "Students show respect for one another", "sel"),
    ("std_target_posted", "Learning target is posted and aligned to the standard", "standards"),
    ("std_students_explain", "Students can explain what they are learning and why", "standards"),
    ("std_rigor", "Task rigor matches the standard", "standards"),
    ("std_checks", "Teacher checks for understanding during the lesson", "standards"),
)
FOCUS_AREAS = ("empowered_learning", "equitable_learning", "sel", "standards")
AREA_BASE = np.array([-0.5, 0.1, 0.6, 0.35])
_AREA_OF = np.array([FOCUS_AREAS.index(i[2]) for i in INDICATORS])
_AREA_START = np.array([np.flatnonzero(_AREA_OF == a)[0] for a in range(len(FOCUS_AREAS))])
_AREA_COUNT = np.bincount(_AREA_OF, minlength=len(FOCUS_AREAS))
_INDICATOR_IDS = pa.array([i[0] for i in INDICATORS], type=pa.string())


def indicator_rows() -> dict:
    return {"indicator": [i[0] for i in INDICATORS], "label": [i[1] for i in INDICATORS],
            "focus_area": [i[2] for i in INDICATORS]}


def build(rng: np.random.Generator, cal, year: int, year_index: int, school_id: str, climate: float,
          ss: SchoolSections, observers: list[str]) -> dict | None:
    if len(ss) == 0 or not observers:
        return None
    staff = np.array(ss.staff_id)
    teachers = np.unique(staff)
    visits = rng.integers(2, 5, len(teachers))
    teacher_of_visit = np.repeat(np.arange(len(teachers)), visits)
    V = len(teacher_of_visit)
    # a random section of the teacher
    sec_of_teacher = [np.flatnonzero(staff == t) for t in teachers]
    section = np.array([s[rng.integers(0, len(s))] for s in (sec_of_teacher[t] for t in teacher_of_visit)])
    lo, hi = cal.index_on_or_after(9, 15), cal.index_on_or_after(5, 20)
    day = rng.integers(lo, hi + 1, V)
    observer = np.array(observers)[rng.integers(0, len(observers), V)]
    areas = np.argsort(rng.random((V, len(FOCUS_AREAS))), axis=1)[:, :2].ravel()
    ind, owner = ragged_gather(_AREA_START[areas], _AREA_COUNT[areas])
    visit = owner // 2
    teacher_effect = rng.normal(0, 0.5, len(teachers))[teacher_of_visit]
    t = (day - lo) / max(1, hi - lo)
    logit = (AREA_BASE[_AREA_OF[ind]] + climate + teacher_effect[visit] + 0.8 * (t[visit] - 0.5)
             + 0.15 * year_index)
    observed = rng.random(len(ind)) < sigmoid(logit)
    order = np.lexsort((ind, visit))
    ind, visit, observed = ind[order], visit[order], observed[order]
    visit_ids = pa.array([f"WT-{year}-{school_id}-{v + 1:04d}" for v in range(V)], type=pa.string())
    take = pa.array(visit)
    return {
        "walkthrough_id": visit_ids.take(take),
        "school_id": school_id,
        "section_id": pa.array(ss.section_id, type=pa.string()).take(pa.array(section[visit])),
        "observer_staff_id": pa.array(observer.astype(object), type=pa.string()).take(take),
        "observed_date": cal.label(day[visit]),
        "indicator": _INDICATOR_IDS.take(pa.array(ind)),
        "observed": np.where(observed, "Y", "N"),
    }
